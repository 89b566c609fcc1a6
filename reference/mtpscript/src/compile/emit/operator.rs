//! Unary and binary operators: when the operands are numbers the operator runs inline after its
//! charge; otherwise the prelude's helper charges, checks the operands and computes. A strict
//! equality with a literal operand never fails.
//!
//! Enforces MTP-033 (a non-number operand goes to the helper, which rejects non-primitives),
//! MTP-034 (strict equality with a literal operand is ECMAScript's) and the Annex A rows for
//! unary and binary operators (1 before the operation).

use std::fmt::Write as _;

use super::Emitter;
use super::charge::charge;
use crate::compile::ir::Expr;

fn binop_helper(op: &str) -> &'static str {
    match op {
        "+" => "__add",
        "-" => "__sub",
        "*" => "__mul",
        "/" => "__div",
        "%" => "__mod",
        "**" => "__pow",
        "===" => "__seq",
        "!==" => "__sne",
        "<" => "__lt",
        "<=" => "__le",
        ">" => "__gt",
        ">=" => "__ge",
        "&" => "__band",
        "|" => "__bor",
        "^" => "__bxor",
        "<<" => "__shl",
        ">>" => "__shr",
        _ => "__ushr",
    }
}

/// A literal (no evaluation can fail or run code).
fn is_lit(e: &Expr) -> bool {
    matches!(e, Expr::Raw(_))
}

fn is_num_lit(e: &Expr) -> bool {
    matches!(e, Expr::Raw(s) if s.starts_with(|c: char| c.is_ascii_digit() || c == '.'))
}

/// A literal or an identifier: reading it twice runs no code (a temporal-dead-zone read
/// fails at its first read, before any charge, as with a helper call).
fn is_pure(e: &Expr) -> bool {
    matches!(e, Expr::Raw(_) | Expr::Ident(..))
}

impl Emitter {
    /// A binary operator: numbers take the inline path, anything else the prelude's helper
    /// (which charges and checks, MTP-033, MTP-034).
    pub(super) fn binary(&mut self, op: &str, a: &Expr, b: &Expr) {
        let helper = binop_helper(op);
        let held = self.held;
        self.out.push('(');
        // A strict equality with a literal never fails (MTP-034): its other operand is read
        // into `__t` so that a temporal-dead-zone read still fails before the charge.
        let literal_eq = matches!(op, "===" | "!==") && (is_lit(a) || is_lit(b));
        let (x, y) = if is_pure(a) && is_pure(b) && !(literal_eq && !(is_lit(a) && is_lit(b))) {
            (self.text(a), self.text(b))
        } else if is_pure(b) {
            self.out.push_str("__t = ");
            self.expr(a);
            self.out.push_str(", ");
            ("__t".to_owned(), self.text(b))
        } else {
            let x = if is_lit(a) {
                self.text(a)
            } else {
                let v = format!("__v{held}");
                let _ = write!(self.out, "{v} = ");
                self.expr(a);
                self.out.push_str(", ");
                self.hold();
                v
            };
            self.out.push_str("__t = ");
            self.expr(b);
            self.out.push_str(", ");
            (x, "__t".to_owned())
        };
        self.held = held;
        let strict_eq = matches!(op, "===" | "!==");
        let mut checks: Vec<String> = Vec::new();
        for (e, t) in [(a, &x), (b, &y)] {
            if !is_num_lit(e) {
                checks.push(format!("typeof {t} === \"number\""));
            }
            if strict_eq && is_lit(e) {
                // A literal is primitive: the comparison never fails (MTP-034).
                checks.clear();
                checks.push("true".into());
                break;
            }
        }
        if checks.is_empty() {
            checks.push("true".into());
        }
        let _ = write!(
            self.out,
            "{} ? ({}, {x} {op} {y}) : {helper}({x}, {y}))",
            checks.join(" && "),
            charge(1)
        );
    }

    /// The text of a pure expression.
    fn text(&mut self, e: &Expr) -> String {
        let at = self.out.len();
        self.expr(e);
        self.out.split_off(at)
    }

    pub(super) fn unary(&mut self, op: &str, a: &Expr) {
        let x = if is_lit(a) {
            self.text(a)
        } else {
            self.out.push_str("(__t = ");
            self.expr(a);
            self.out.push_str(", ");
            "__t".to_owned()
        };
        if is_lit(a) {
            self.out.push('(');
        }
        match op {
            "!" | "typeof" => {
                let _ = write!(self.out, "{}, {op} {x})", charge(1));
            }
            _ => {
                let helper = match op {
                    "-" => "__neg",
                    "+" => "__pos",
                    _ => "__bnot",
                };
                let check = if is_num_lit(a) {
                    "true".to_owned()
                } else {
                    format!("typeof {x} === \"number\"")
                };
                let _ = write!(
                    self.out,
                    "{check} ? ({}, {op}({x})) : {helper}({x}))",
                    charge(1)
                );
            }
        }
    }
}
