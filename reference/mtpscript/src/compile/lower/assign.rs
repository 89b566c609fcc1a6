//! Assignments and updates: only a `let` or parameter of the current function is assigned or
//! updated, and only a member of one of the current function's `let`/`const` objects is
//! written, with plain `=`.
//!
//! Enforces MTP-010 (the mutation row; destructuring and other assignment operators are
//! `MTP_FORBIDDEN_SYNTAX`).

use oxc_ast::ast::{self, AssignmentTarget, Expression};

use super::Lower;
use super::names::forbidden_name;
use super::scope::Kind;
use crate::compile::ir::Expr;

impl Lower {
    /// MTP-010 mutation row: `name` must be a `let` or parameter of the current function.
    pub(super) fn check_local_assign(&mut self, name: &str, start: u32) -> Option<()> {
        if let Some(code) = forbidden_name(name) {
            self.violate(code, start, format!("`{name}` is forbidden"));
            return None;
        }
        match self.lookup(name) {
            Some(b)
                if b.func == self.current_func() && matches!(b.kind, Kind::Let | Kind::Param) =>
            {
                Some(())
            }
            _ => {
                self.violate(
                    "MTP_FORBIDDEN_MUTATION",
                    start,
                    format!("`{name}` is not a `let` or parameter of this function"),
                );
                None
            }
        }
    }

    pub(super) fn assign(&mut self, a: &ast::AssignmentExpression<'_>) -> Option<Expr> {
        let start = a.span.start;
        let op = a.operator.as_str();
        let binop: Option<&'static str> = match op {
            "=" => None,
            "+=" => Some("+"),
            "-=" => Some("-"),
            "*=" => Some("*"),
            "/=" => Some("/"),
            "%=" => Some("%"),
            "**=" => Some("**"),
            "&=" => Some("&"),
            "|=" => Some("|"),
            "^=" => Some("^"),
            "<<=" => Some("<<"),
            ">>=" => Some(">>"),
            ">>>=" => Some(">>>"),
            _ => {
                self.violate(
                    "MTP_FORBIDDEN_SYNTAX",
                    start,
                    format!("`{op}` is not allowed"),
                );
                return None;
            }
        };
        match &a.left {
            AssignmentTarget::AssignmentTargetIdentifier(id) => {
                self.check_local_assign(id.name.as_str(), start)?;
                let v = self.expr(&a.right)?;
                Some(Expr::Assign(
                    id.name.as_str().to_owned(),
                    binop,
                    Box::new(v),
                ))
            }
            AssignmentTarget::StaticMemberExpression(_)
            | AssignmentTarget::ComputedMemberExpression(_) => {
                let m = a.left.as_member_expression()?;
                let local = match m.object() {
                    Expression::Identifier(id) => match self.lookup(id.name.as_str()) {
                        Some(b)
                            if b.func == self.current_func()
                                && matches!(b.kind, Kind::Let | Kind::Const) =>
                        {
                            Some(id.name.as_str().to_owned())
                        }
                        _ => None,
                    },
                    _ => None,
                };
                let (Some(local), None) = (local, binop) else {
                    self.violate(
                        "MTP_FORBIDDEN_MUTATION",
                        start,
                        "only members of this function's `let`/`const` objects are written, with `=`",
                    );
                    return None;
                };
                if self.refuse_optional(m, start) {
                    return None;
                }
                self.depth += 1;
                let key = self.member_key(m);
                self.depth -= 1;
                let v = self.expr(&a.right);
                Some(Expr::SetMember(local, Box::new(key?), Box::new(v?)))
            }
            _ => {
                self.violate(
                    "MTP_FORBIDDEN_SYNTAX",
                    start,
                    "destructuring assignment is not allowed",
                );
                None
            }
        }
    }
}
