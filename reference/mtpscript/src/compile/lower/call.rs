//! Calls: a namespace builtin, a method call `o.k(…)` (kept as one node, so that the emitter
//! charges and resolves it as MTP-023 says) or a plain call.
//!
//! Enforces MTP-010 (optional calls and spread arguments are `MTP_FORBIDDEN_SYNTAX`).

use oxc_ast::ast::{self, Argument};

use super::Lower;
use crate::compile::ir::Expr;

impl Lower {
    fn args(&mut self, args: &[Argument<'_>]) -> Option<Vec<Expr>> {
        let mut out = Vec::new();
        let mut ok = true;
        for a in args {
            match a {
                Argument::SpreadElement(s) => {
                    self.violate(
                        "MTP_FORBIDDEN_SYNTAX",
                        s.span.start,
                        "spread is not allowed",
                    );
                    ok = false;
                }
                other => match other.as_expression().and_then(|e| self.expr(e)) {
                    Some(e) => out.push(e),
                    None => ok = false,
                },
            }
        }
        ok.then_some(out)
    }

    pub(super) fn call(&mut self, c: &ast::CallExpression<'_>) -> Option<Expr> {
        let start = c.span.start;
        if c.optional {
            self.violate(
                "MTP_FORBIDDEN_SYNTAX",
                start,
                "optional calls are not allowed",
            );
            return None;
        }
        if let Some(m) = c.callee.as_member_expression() {
            if self.as_namespace(m.object()).is_some() {
                self.depth += 1;
                let callee = self.member(m);
                self.depth -= 1;
                let args = self.args(&c.arguments);
                return Some(Expr::Call(Box::new(callee?), args?));
            }
            if self.refuse_optional(m, start) {
                return None;
            }
            self.depth += 1;
            let object = self.expr(m.object());
            let key = self.member_key(m);
            self.depth -= 1;
            let args = self.args(&c.arguments);
            return Some(Expr::MethodCall(Box::new(object?), Box::new(key?), args?));
        }
        let callee = self.expr(&c.callee);
        let args = self.args(&c.arguments);
        Some(Expr::Call(Box::new(callee?), args?))
    }
}
