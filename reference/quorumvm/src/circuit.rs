//! A compiled program seen as an arithmetic circuit: which wires are public, which
//! multiplications need a Beaver triple, and in which round each one is opened (QVM-030).
//!
//! This is the only module that reads the DSL's IR; everything else works on a [`Circuit`].

use dsl::{BinOp, Ir, NodeKind};
use field::Fp;

/// One node of the circuit, operands as indices of earlier nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gate {
    /// An input wire, shared by the coordinator.
    Input,
    /// The secret parameter S_v, dealt at install.
    Secret,
    /// A public constant.
    Const(Fp),
    /// `lhs + rhs`.
    Add(usize, usize),
    /// `lhs - rhs`.
    Sub(usize, usize),
    /// `lhs * rhs`.
    Mul(usize, usize),
}

/// A program's IR with the facts the threshold protocol needs.
#[derive(Debug, Clone)]
pub(crate) struct Circuit {
    /// Node ids (wire names), in node order.
    pub(crate) ids: Vec<String>,
    /// The gates, in node order.
    pub(crate) gates: Vec<Gate>,
    /// The output node.
    pub(crate) output: usize,
    /// Whether each node is public (a constant, or an operation on public nodes only).
    pub(crate) public: Vec<bool>,
    /// The secure multiplication gates (both operands non-public) of each round, in node
    /// order: `rounds[r - 1]` are the gates of depth `r`.
    pub(crate) rounds: Vec<Vec<usize>>,
    /// Every secure multiplication gate, in node order.
    pub(crate) secure: Vec<usize>,
    /// Whether each node is a secure multiplication gate.
    pub(crate) is_secure: Vec<bool>,
    /// The nodes a custodian computes locally once rounds `1..=p` are open: `local[p]` holds
    /// the nodes of depth `p` that are not secure gates, in node order.
    pub(crate) local: Vec<Vec<usize>>,
    /// The input nodes, in node order.
    pub(crate) inputs: Vec<usize>,
    /// The secret node, if any.
    pub(crate) secret: Option<usize>,
}

impl Circuit {
    /// The circuit of a validated IR, with the IR's own analysis of public nodes, secure
    /// multiplications and depths (DSL-042..DSL-044).
    ///
    /// Enforces QVM-030: the secure gates of depth r are opened in round r.
    pub(crate) fn of(ir: &Ir) -> Self {
        let nodes = ir.nodes();
        let n = nodes.len();
        let mut ids = Vec::with_capacity(n);
        let mut gates = Vec::with_capacity(n);
        let mut rounds: Vec<Vec<usize>> = vec![Vec::new(); ir.metadata().mul_depth];
        let mut local: Vec<Vec<usize>> = vec![Vec::new(); ir.metadata().mul_depth + 1];
        let mut secure = Vec::new();
        let mut inputs = Vec::new();
        let mut secret = None;
        for (i, node) in nodes.iter().enumerate() {
            ids.push(node.id.clone());
            gates.push(match &node.kind {
                NodeKind::Input => {
                    inputs.push(i);
                    Gate::Input
                }
                NodeKind::Secret => {
                    secret = Some(i);
                    Gate::Secret
                }
                NodeKind::Const(c) => Gate::Const(*c),
                NodeKind::Op { op, lhs, rhs } => match op {
                    BinOp::Add => Gate::Add(*lhs, *rhs),
                    BinOp::Sub => Gate::Sub(*lhs, *rhs),
                    BinOp::Mul => Gate::Mul(*lhs, *rhs),
                },
            });
            let depth = ir.depth(i);
            let bucket = if ir.is_secure_mul(i) {
                secure.push(i);
                depth.checked_sub(1).and_then(|r| rounds.get_mut(r))
            } else {
                local.get_mut(depth)
            };
            if let Some(bucket) = bucket {
                bucket.push(i);
            }
        }
        Self {
            ids,
            gates,
            output: ir.output(),
            public: (0..n).map(|i| ir.is_public(i)).collect(),
            is_secure: (0..n).map(|i| ir.is_secure_mul(i)).collect(),
            rounds,
            secure,
            local,
            inputs,
            secret,
        }
    }

    /// The multiplicative depth: the number of multiplication rounds.
    pub(crate) fn mul_depth(&self) -> usize {
        self.rounds.len()
    }

    /// The number of rounds of one evaluation: one per multiplicative depth plus the output
    /// round.
    pub(crate) fn round_count(&self) -> usize {
        self.rounds.len() + 1
    }

    /// The id of node `i`.
    pub(crate) fn id(&self, i: usize) -> &str {
        self.ids.get(i).map_or("", String::as_str)
    }
}
