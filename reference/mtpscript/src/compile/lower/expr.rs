//! Expressions: literals, identifiers, array and object literals and operators, and the dispatch
//! to member expressions, calls and assignments; any other expression is rejected with its
//! MTP-010 row. The walk is bounded by the tree depth of MTP-001.
//!
//! Enforces MTP-002 (the expression grammar: `===`/`!==` only, no spread or holes), MTP-004 (a
//! namespace only as the object of a member), MTP-006 (numeric literals up to 2^53 - 1, no
//! BigInt) and MTP-010 (the `this`, `new`, `class`, `import`, `async`, generator, `delete`/`in`/
//! `instanceof`, object-literal and legacy octal rows).

use oxc_ast::ast::{
    ArrayExpressionElement, Expression, ObjectPropertyKind, PropertyKey, PropertyKind,
    SimpleAssignmentTarget,
};
use oxc_span::GetSpan;

use super::literal::{has_legacy_escape, json_string};
use super::names::{NAMESPACES, forbidden_member, forbidden_name};
use super::{Lower, MAX_TREE_DEPTH};
use crate::compile::ir::Expr;

impl Lower {
    fn exprs<'b>(
        &mut self,
        args: impl Iterator<Item = Option<&'b Expression<'b>>>,
        start: u32,
    ) -> Option<Vec<Expr>> {
        let mut out = Vec::new();
        let mut ok = true;
        for a in args {
            match a {
                Some(e) => match self.expr(e) {
                    Some(e) => out.push(e),
                    None => ok = false,
                },
                None => {
                    self.violate(
                        "MTP_FORBIDDEN_SYNTAX",
                        start,
                        "spread and holes are not allowed",
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    pub(crate) fn expr(&mut self, e: &Expression<'_>) -> Option<Expr> {
        if self.depth >= MAX_TREE_DEPTH {
            self.violate(
                "MTP_SYNTAX",
                e.span().start,
                "expressions nested deeper than 1024",
            );
            return None;
        }
        self.depth += 1;
        let out = self.expr_inner(e);
        self.depth -= 1;
        out
    }

    fn expr_inner(&mut self, e: &Expression<'_>) -> Option<Expr> {
        let start = e.span().start;
        match e {
            Expression::BooleanLiteral(b) => {
                Some(Expr::Raw(if b.value { "true" } else { "false" }.into()))
            }
            Expression::NullLiteral(_) => Some(Expr::Raw("null".into())),
            Expression::NumericLiteral(n) => {
                let raw = n
                    .raw
                    .as_ref()
                    .map(|r| r.as_str().to_owned())
                    .unwrap_or_else(|| n.value.to_string());
                let bytes = raw.as_bytes();
                if bytes.len() > 1 && bytes[0] == b'0' && bytes[1].is_ascii_digit() {
                    self.violate(
                        "MTP_FORBIDDEN_SYNTAX",
                        start,
                        "legacy octal literals are not allowed",
                    );
                    return None;
                }
                if n.value > 9_007_199_254_740_991.0 {
                    self.violate(
                        "MTP_FORBIDDEN_NUMBER_LITERAL",
                        start,
                        "numeric literal above 2^53 - 1",
                    );
                    return None;
                }
                Some(Expr::Raw(raw))
            }
            Expression::BigIntLiteral(_) => {
                self.violate(
                    "MTP_FORBIDDEN_NUMBER_LITERAL",
                    start,
                    "BigInt literals are not allowed",
                );
                None
            }
            Expression::StringLiteral(s)
                if s.raw
                    .as_ref()
                    .is_some_and(|r| has_legacy_escape(r.as_str())) =>
            {
                self.violate(
                    "MTP_FORBIDDEN_SYNTAX",
                    start,
                    "legacy octal escapes are not allowed",
                );
                None
            }
            Expression::StringLiteral(s) => Some(Expr::Raw(
                s.raw
                    .as_ref()
                    .map(|r| r.as_str().to_owned())
                    .unwrap_or_else(|| json_string(s.value.as_str())),
            )),
            Expression::Identifier(id) => {
                let name = id.name.as_str();
                if NAMESPACES.contains(&name) && self.lookup(name).is_none() {
                    self.violate(
                        "MTP_UNKNOWN_NAME",
                        start,
                        format!("`{name}` is only used as `{name}.member`"),
                    );
                    return None;
                }
                self.ident_ref(name, start)
            }
            Expression::ArrayExpression(a) => {
                let items = self.exprs(
                    a.elements.iter().map(|el| match el {
                        ArrayExpressionElement::SpreadElement(_)
                        | ArrayExpressionElement::Elision(_) => None,
                        other => other.as_expression(),
                    }),
                    start,
                )?;
                Some(Expr::Array(items))
            }
            Expression::ObjectExpression(o) => {
                let mut props = Vec::new();
                let mut ok = true;
                for p in &o.properties {
                    let ObjectPropertyKind::ObjectProperty(p) = p else {
                        self.violate(
                            "MTP_FORBIDDEN_SYNTAX",
                            p.span().start,
                            "spread is not allowed",
                        );
                        ok = false;
                        continue;
                    };
                    if !matches!(p.kind, PropertyKind::Init) || p.method || p.computed {
                        self.violate(
                            "MTP_FORBIDDEN_REFLECTION",
                            p.span.start,
                            "getters, setters, methods and computed keys are not allowed",
                        );
                        ok = false;
                        continue;
                    }
                    let key = match &p.key {
                        PropertyKey::StaticIdentifier(id) => id.name.as_str().to_owned(),
                        PropertyKey::StringLiteral(s) => s.value.as_str().to_owned(),
                        PropertyKey::NumericLiteral(n) if n.value <= 9_007_199_254_740_991.0 => {
                            canon::json::format_number(n.value).unwrap_or_default()
                        }
                        _ => {
                            self.violate(
                                "MTP_FORBIDDEN_SYNTAX",
                                p.key.span().start,
                                "unsupported property key",
                            );
                            ok = false;
                            continue;
                        }
                    };
                    if forbidden_member(&key) {
                        self.violate(
                            "MTP_FORBIDDEN_REFLECTION",
                            p.span.start,
                            format!("key `{key}` is forbidden"),
                        );
                        ok = false;
                        continue;
                    }
                    match self.expr(&p.value) {
                        Some(v) => props.push((json_string(&key), v)),
                        None => ok = false,
                    }
                }
                ok.then_some(Expr::Object(props))
            }
            Expression::ArrowFunctionExpression(a) => {
                self.arrow(a, None).map(|f| Expr::Arrow(Box::new(f)))
            }
            Expression::ParenthesizedExpression(p) => {
                self.expr(&p.expression).map(|e| Expr::Paren(Box::new(e)))
            }
            Expression::UnaryExpression(u) => {
                let op = u.operator.as_str();
                match op {
                    "-" | "+" | "!" | "~" | "typeof" => {
                        let a = self.expr(&u.argument)?;
                        Some(Expr::Unary(op, Box::new(a)))
                    }
                    "delete" => {
                        self.violate("MTP_FORBIDDEN_REFLECTION", start, "`delete` is not allowed");
                        None
                    }
                    _ => {
                        self.violate(
                            "MTP_FORBIDDEN_SYNTAX",
                            start,
                            format!("`{op}` is not allowed"),
                        );
                        None
                    }
                }
            }
            Expression::BinaryExpression(b) => {
                let op = b.operator.as_str();
                match op {
                    "==" | "!=" => {
                        self.violate("MTP_FORBIDDEN_SYNTAX", start, "use `===`/`!==`");
                        None
                    }
                    "in" | "instanceof" => {
                        self.violate(
                            "MTP_FORBIDDEN_REFLECTION",
                            start,
                            format!("`{op}` is not allowed"),
                        );
                        None
                    }
                    _ => {
                        let l = self.expr(&b.left);
                        let r = self.expr(&b.right);
                        Some(Expr::Binary(op, Box::new(l?), Box::new(r?)))
                    }
                }
            }
            Expression::LogicalExpression(l) => {
                let op = l.operator.as_str();
                let a = self.expr(&l.left);
                let b = self.expr(&l.right);
                Some(Expr::Logical(op, Box::new(a?), Box::new(b?)))
            }
            Expression::ConditionalExpression(c) => {
                let t = self.expr(&c.test);
                let a = self.expr(&c.consequent);
                let b = self.expr(&c.alternate);
                Some(Expr::Cond(Box::new(t?), Box::new(a?), Box::new(b?)))
            }
            Expression::CallExpression(c) => self.call(c),
            Expression::AssignmentExpression(a) => self.assign(a),
            Expression::UpdateExpression(u) => {
                let SimpleAssignmentTarget::AssignmentTargetIdentifier(id) = &u.argument else {
                    self.violate(
                        "MTP_FORBIDDEN_MUTATION",
                        start,
                        "only local variables are updated",
                    );
                    return None;
                };
                self.check_local_assign(id.name.as_str(), start)?;
                let delta = if u.operator.as_str() == "++" { 1 } else { -1 };
                Some(Expr::Update(id.name.as_str().to_owned(), delta, u.prefix))
            }
            Expression::StaticMemberExpression(_)
            | Expression::ComputedMemberExpression(_)
            | Expression::PrivateFieldExpression(_) => {
                let m = e.as_member_expression()?;
                self.member(m)
            }
            Expression::NewExpression(n) => {
                let code = match &n.callee {
                    Expression::Identifier(id) => forbidden_name(id.name.as_str()),
                    _ => None,
                };
                self.violate(
                    code.unwrap_or("MTP_FORBIDDEN_NEW"),
                    start,
                    "`new` is not allowed",
                );
                None
            }
            Expression::ThisExpression(_) | Expression::Super(_) | Expression::NewTarget(_) => {
                self.violate(
                    "MTP_FORBIDDEN_THIS",
                    start,
                    "`this`, `super` and `new.target` are not allowed",
                );
                None
            }
            Expression::ImportExpression(_) | Expression::ImportMeta(_) => {
                self.violate("MTP_FORBIDDEN_IMPORT", start, "imports are not allowed");
                None
            }
            Expression::ClassExpression(_) => {
                self.violate("MTP_FORBIDDEN_CLASS", start, "classes are not allowed");
                None
            }
            Expression::FunctionExpression(f) => {
                let code = if f.generator {
                    "MTP_FORBIDDEN_GENERATOR"
                } else if f.r#async {
                    "MTP_FORBIDDEN_ASYNC"
                } else {
                    "MTP_FORBIDDEN_SYNTAX"
                };
                self.violate(
                    code,
                    start,
                    "function expressions are not allowed (use arrows)",
                );
                None
            }
            Expression::AwaitExpression(_) => {
                self.violate("MTP_FORBIDDEN_ASYNC", start, "`await` is not allowed");
                None
            }
            Expression::YieldExpression(_) => {
                self.violate("MTP_FORBIDDEN_GENERATOR", start, "`yield` is not allowed");
                None
            }
            _ => {
                self.violate(
                    "MTP_FORBIDDEN_SYNTAX",
                    start,
                    "expression outside the MTPScript grammar",
                );
                None
            }
        }
    }
}
