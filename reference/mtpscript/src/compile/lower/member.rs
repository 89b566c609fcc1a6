//! Member expressions outside assignment targets: property reads, namespace members (which
//! become the prelude's builtin wrappers) and the keys of method calls and member writes.
//!
//! Enforces MTP-004 (a namespace is read only by a static member name), MTP-010 (the reflection
//! row for forbidden member names and `Object`'s members, the nondeterminism row for
//! `Math.random`, no optional chaining or private fields) and MTP-040 (exactly the listed
//! builtins).

use oxc_ast::ast::{self, Expression};
use oxc_span::GetSpan;

use super::Lower;
use super::literal::json_string;
use super::names::{NAMESPACES, builtin, forbidden_member};
use crate::compile::ir::Expr;

impl Lower {
    /// `ns.member` where `ns` is a namespace global.
    fn namespace_member(&mut self, ns: &str, member: &str, start: u32) -> Option<Expr> {
        if let Some(b) = builtin(ns, member) {
            return Some(Expr::Builtin(b));
        }
        let code = match (ns, member) {
            ("Math", "random") => "MTP_FORBIDDEN_NONDETERMINISM",
            ("Object", _) => "MTP_FORBIDDEN_REFLECTION",
            _ => "MTP_UNKNOWN_NAME",
        };
        self.violate(
            code,
            start,
            format!("`{ns}.{member}` is not an allowed builtin"),
        );
        None
    }

    /// The namespace an expression names, if it is a bare namespace identifier.
    pub(super) fn as_namespace<'b>(&self, e: &'b Expression<'_>) -> Option<&'b str> {
        match e {
            Expression::Identifier(id)
                if NAMESPACES.contains(&id.name.as_str()) || id.name.as_str() == "String" =>
            {
                let name = id.name.as_str();
                self.lookup(name).is_none().then_some(name)
            }
            _ => None,
        }
    }

    pub(super) fn member_key(&mut self, m: &ast::MemberExpression<'_>) -> Option<Expr> {
        match m {
            ast::MemberExpression::StaticMemberExpression(s) => {
                let name = s.property.name.as_str();
                if forbidden_member(name) {
                    self.violate(
                        "MTP_FORBIDDEN_REFLECTION",
                        s.span.start,
                        format!("`.{name}` is forbidden"),
                    );
                    return None;
                }
                Some(Expr::Raw(json_string(name)))
            }
            ast::MemberExpression::ComputedMemberExpression(c) => {
                if let Expression::StringLiteral(lit) = &c.expression
                    && forbidden_member(lit.value.as_str())
                {
                    self.violate(
                        "MTP_FORBIDDEN_REFLECTION",
                        c.span.start,
                        "forbidden member name",
                    );
                    return None;
                }
                self.expr(&c.expression)
            }
            ast::MemberExpression::PrivateFieldExpression(p) => {
                self.violate(
                    "MTP_FORBIDDEN_SYNTAX",
                    p.span.start,
                    "private fields are not allowed",
                );
                None
            }
        }
    }

    /// A member expression outside callee and assignment-target positions: a property read.
    /// Rejects `o?.k` (MTP-010); true when it did.
    pub(super) fn refuse_optional(&mut self, m: &ast::MemberExpression<'_>, start: u32) -> bool {
        if m.optional() {
            self.violate(
                "MTP_FORBIDDEN_SYNTAX",
                start,
                "optional chaining is not allowed",
            );
        }
        m.optional()
    }

    pub(super) fn member(&mut self, m: &ast::MemberExpression<'_>) -> Option<Expr> {
        let start = m.span().start;
        if self.refuse_optional(m, start) {
            return None;
        }
        if let Some(ns) = self.as_namespace(m.object()) {
            return match m {
                ast::MemberExpression::StaticMemberExpression(s) => {
                    self.namespace_member(ns, s.property.name.as_str(), start)
                }
                _ => {
                    let code = if ns == "Object" {
                        "MTP_FORBIDDEN_REFLECTION"
                    } else {
                        "MTP_UNKNOWN_NAME"
                    };
                    self.violate(
                        code,
                        start,
                        "namespaces are only read by static member names",
                    );
                    None
                }
            };
        }
        let object = self.expr(m.object());
        let key = self.member_key(m);
        Some(Expr::Get(Box::new(object?), Box::new(key?)))
    }
}
