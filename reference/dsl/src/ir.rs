//! The IR: the nodes of a program in source order, and what the threshold evaluation needs to
//! know about each (spec/dsl.md §5).

mod eval;
mod json;
mod source;

use std::collections::HashMap;

use field::Fp;

use crate::name::is_name;
use crate::{Error, MAX_NODES};

/// The three operations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinOp {
    /// `a + b` in F_p.
    Add,
    /// `a - b` in F_p.
    Sub,
    /// `a * b` in F_p.
    Mul,
}

impl BinOp {
    /// The keyword, which is also the `op` member of the node in JSON (DSL-040).
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Add => "add",
            Self::Sub => "sub",
            Self::Mul => "mul",
        }
    }

    /// Applies the operation (DSL-061).
    pub fn apply(self, a: Fp, b: Fp) -> Fp {
        match self {
            Self::Add => a + b,
            Self::Sub => a - b,
            Self::Mul => a * b,
        }
    }
}

/// What a node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NodeKind {
    /// An input wire, given at evaluation.
    Input,
    /// A public constant.
    Const(Fp),
    /// The secret parameter S_v.
    Secret,
    /// An operation on two earlier nodes, by index into [`Ir::nodes`].
    Op {
        /// The operation.
        op: BinOp,
        /// Index of the first (left) operand.
        lhs: usize,
        /// Index of the second (right) operand.
        rhs: usize,
    },
}

/// One node: a wire and what defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// The wire name.
    pub id: String,
    /// What defines it.
    pub kind: NodeKind,
}

/// The program-level facts recorded in the IR's `metadata` (DSL-045).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Metadata {
    /// Number of nodes.
    pub node_count: usize,
    /// Number of secure multiplications (DSL-043): the Beaver triples one evaluation consumes.
    pub mul_count: usize,
    /// Multiplicative depth (DSL-044): the number of opening rounds of one evaluation.
    pub mul_depth: usize,
    /// Ids of the input nodes, in node order.
    pub inputs: Vec<String>,
    /// Id of the secret node, if any.
    pub secret: Option<String>,
}

/// A checked program: nodes in source order, each operand an earlier node, one output.
///
/// An `Ir` only comes out of [`crate::compile`], [`Ir::new`] or [`Ir::from_json`], so every
/// one satisfies DSL-050 and its analysis (public nodes, depths, metadata) is consistent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ir {
    nodes: Vec<Node>,
    output: usize,
    public: Vec<bool>,
    depth: Vec<usize>,
    secure: Vec<bool>,
    index: HashMap<String, usize>,
    metadata: Metadata,
}

impl Ir {
    /// The IR of `nodes` with output node `output`, checked as DSL-050 items 2 to 5 check an
    /// IR read from JSON: 1 to 9,999 nodes, valid and distinct ids, operands that are earlier
    /// nodes, at most one secret, an output that is a node. Fails with `DSL_IR_INVALID`.
    ///
    /// Enforces DSL-050.
    pub fn new(nodes: Vec<Node>, output: usize) -> Result<Ir, Error> {
        if nodes.is_empty() || nodes.len() > MAX_NODES {
            return Err(Error::ir(format!(
                "an IR has 1 to {MAX_NODES} nodes, not {}",
                nodes.len()
            )));
        }
        let mut seen = HashMap::new();
        let mut secrets = 0;
        for (i, node) in nodes.iter().enumerate() {
            if !is_name(&node.id) {
                return Err(Error::ir(format!(
                    "node {i}: id {:?} is not a valid wire name",
                    crate::error::shown(&node.id)
                )));
            }
            if let Some(first) = seen.insert(node.id.as_str(), i) {
                return Err(Error::ir(format!(
                    "node {i}: id {:?} is also the id of node {first}",
                    node.id
                )));
            }
            match node.kind {
                NodeKind::Op { lhs, rhs, .. } if lhs >= i || rhs >= i => {
                    return Err(Error::ir(format!(
                        "node {i} ({}): an operand is not an earlier node",
                        node.id
                    )));
                }
                NodeKind::Secret => secrets += 1,
                _ => {}
            }
            if secrets > 1 {
                return Err(Error::ir(format!("node {i}: a second secret node")));
            }
        }
        if output >= nodes.len() {
            return Err(Error::ir(format!("output {output} is not a node")));
        }
        Ok(Self::from_checked(nodes, output))
    }

    /// Builds the analysis of nodes already known to satisfy [`Ir::new`]'s checks.
    ///
    /// Enforces DSL-042 (public nodes), DSL-043 (secure multiplications), DSL-044 (depth) and
    /// DSL-045 (metadata).
    pub(crate) fn from_checked(nodes: Vec<Node>, output: usize) -> Ir {
        let n = nodes.len();
        let mut public = Vec::with_capacity(n);
        let mut depth = Vec::with_capacity(n);
        let mut secure = Vec::with_capacity(n);
        for node in &nodes {
            let (p, d, s) = match node.kind {
                NodeKind::Input | NodeKind::Secret => (false, 0, false),
                NodeKind::Const(_) => (true, 0, false),
                NodeKind::Op { op, lhs, rhs } => {
                    let operand = |i: usize| {
                        (
                            public.get(i).copied().unwrap_or(false),
                            depth.get(i).copied().unwrap_or(0),
                        )
                    };
                    let ((pl, dl), (pr, dr)) = (operand(lhs), operand(rhs));
                    let secure_mul = op == BinOp::Mul && !pl && !pr;
                    (pl && pr, dl.max(dr) + usize::from(secure_mul), secure_mul)
                }
            };
            public.push(p);
            depth.push(d);
            secure.push(s);
        }
        let of_kind = |want: fn(&NodeKind) -> bool| {
            nodes
                .iter()
                .filter(move |node| want(&node.kind))
                .map(|node| node.id.clone())
        };
        let metadata = Metadata {
            node_count: n,
            mul_count: secure.iter().filter(|&&s| s).count(),
            mul_depth: depth.iter().copied().max().unwrap_or(0),
            inputs: of_kind(|k| matches!(k, NodeKind::Input)).collect(),
            secret: of_kind(|k| matches!(k, NodeKind::Secret)).next(),
        };
        let index = nodes
            .iter()
            .enumerate()
            .map(|(i, node)| (node.id.clone(), i))
            .collect();
        Ir {
            nodes,
            output,
            public,
            depth,
            secure,
            index,
            metadata,
        }
    }

    /// The nodes, in source order.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Index of the output node.
    pub fn output(&self) -> usize {
        self.output
    }

    /// Id of the output node (`output_node_id`).
    pub fn output_id(&self) -> &str {
        self.nodes.get(self.output).map_or("", |n| n.id.as_str())
    }

    /// Whether node `index` is public (DSL-042); `false` for an index that is not a node.
    pub fn is_public(&self, index: usize) -> bool {
        self.public.get(index).copied().unwrap_or(false)
    }

    /// Whether node `index` is a secure multiplication (DSL-043): a `mul` of two non-public
    /// nodes, which consumes a Beaver triple and is opened in round [`Ir::depth`].
    pub fn is_secure_mul(&self, index: usize) -> bool {
        self.secure.get(index).copied().unwrap_or(false)
    }

    /// The depth of node `index` (DSL-044); 0 for an index that is not a node.
    pub fn depth(&self, index: usize) -> usize {
        self.depth.get(index).copied().unwrap_or(0)
    }

    /// The program-level facts (DSL-045).
    pub fn metadata(&self) -> &Metadata {
        &self.metadata
    }

    /// Index of the node with id `id`.
    pub fn index_of(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// Index of the secret node, if any.
    pub fn secret(&self) -> Option<usize> {
        self.nodes
            .iter()
            .position(|n| matches!(n.kind, NodeKind::Secret))
    }

    /// Indices of the input nodes, in node order.
    pub fn inputs(&self) -> impl Iterator<Item = usize> + '_ {
        self.nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.kind, NodeKind::Input))
            .map(|(i, _)| i)
    }
}
