//! An IR written back as source text.

use std::fmt::Write as _;

use super::{Ir, NodeKind};

impl Ir {
    /// A DSL program that compiles to this IR (DSL-051): one statement per node in node order,
    /// then the `output` statement. Constants are written as their reduced values.
    pub fn to_source(&self) -> String {
        let mut out = String::new();
        let id = |i: usize| self.nodes.get(i).map_or("", |n| n.id.as_str());
        for node in &self.nodes {
            // Writing to a String cannot fail.
            let _ = match node.kind {
                NodeKind::Input => writeln!(out, "input {}", node.id),
                NodeKind::Secret => writeln!(out, "secret {}", node.id),
                NodeKind::Const(v) => writeln!(out, "const {} = {v}", node.id),
                NodeKind::Op { op, lhs, rhs } => {
                    writeln!(out, "{} {} = {} {}", op.as_str(), node.id, id(lhs), id(rhs))
                }
            };
        }
        let _ = writeln!(out, "output {}", self.output_id());
        out
    }
}
