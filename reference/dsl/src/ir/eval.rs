//! Cleartext evaluation: the value the threshold evaluation must reconstruct (spec/dsl.md §7).

use std::collections::BTreeMap;

use field::Fp;

use super::{Ir, NodeKind};
use crate::Error;
use crate::error::shown;

impl Ir {
    /// Evaluates the program in F_p on `inputs` (one entry per input node, by id) and the
    /// secret S_v (given if and only if the program has a secret node).
    ///
    /// A missing or extra input, a missing secret or a secret for a program without one is
    /// `DSL_EVAL_INPUTS_INVALID`. Every node is evaluated, in node order; the result is the
    /// value of the output node.
    ///
    /// Enforces DSL-060, DSL-061.
    pub fn eval(&self, inputs: &BTreeMap<String, Fp>, secret: Option<Fp>) -> Result<Fp, Error> {
        if let Some(extra) = inputs.keys().find(|k| {
            self.index_of(k)
                .and_then(|i| self.nodes.get(i))
                .is_none_or(|n| n.kind != NodeKind::Input)
        }) {
            return Err(Error::eval_inputs(format!(
                "{:?} is not an input of the program",
                shown(extra)
            )));
        }
        if let Some(missing) = self
            .metadata
            .inputs
            .iter()
            .find(|id| !inputs.contains_key(*id))
        {
            return Err(Error::eval_inputs(format!(
                "the input `{missing}` was not given"
            )));
        }
        match (self.metadata.secret.as_deref(), secret) {
            (Some(name), None) => {
                return Err(Error::eval_inputs(format!(
                    "the program has the secret `{name}` and none was given"
                )));
            }
            (None, Some(_)) => {
                return Err(Error::eval_inputs(
                    "a secret was given but the program has none",
                ));
            }
            _ => {}
        }
        let mut values: Vec<Fp> = Vec::with_capacity(self.nodes.len());
        for node in &self.nodes {
            let operand = |i: usize| {
                values.get(i).copied().ok_or_else(|| {
                    Error::ir(format!("node {}: operand {i} is not earlier", node.id))
                })
            };
            let value = match node.kind {
                NodeKind::Input => inputs.get(&node.id).copied().ok_or_else(|| {
                    Error::eval_inputs(format!("the input `{}` was not given", node.id))
                })?,
                NodeKind::Const(v) => v,
                NodeKind::Secret => secret.unwrap_or(Fp::ZERO),
                NodeKind::Op { op, lhs, rhs } => op.apply(operand(lhs)?, operand(rhs)?),
            };
            values.push(value);
        }
        values
            .get(self.output)
            .copied()
            .ok_or_else(|| Error::ir("the output is not a node"))
    }
}
