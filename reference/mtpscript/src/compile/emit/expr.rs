//! Expressions: literals and identifiers as written, array and object literals, logical and
//! conditional operators, calls (a callee that may not be a function goes through `__notfn`
//! after the charge), method calls, property reads, assignments, member writes and updates,
//! each charged where Annex A puts it.
//!
//! Enforces MTP-023 (callee, then arguments, then the call charge of 5, then the call) and the
//! Annex A rows for logical and conditional operators, property reads, assignments (plain and
//! compound), updates, member writes, and array and object literals.

use std::fmt::Write as _;

use super::Emitter;
use super::charge::charge;
use crate::compile::ir::{Binding, Expr};

impl Emitter {
    pub(super) fn list(&mut self, items: &[Expr]) {
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                self.out.push_str(", ");
            }
            self.expr(x);
        }
    }

    /// Arguments of a call: the call charge follows the last one (MTP-023).
    fn charged_args(&mut self, args: &[Expr], k: usize) {
        let Some((last, rest)) = args.split_last() else {
            return;
        };
        for a in rest {
            self.expr(a);
            self.out.push_str(", ");
        }
        self.after(k, |s| s.expr(last));
    }

    pub(super) fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Raw(s) => self.out.push_str(s),
            Expr::Ident(n, _) => self.out.push_str(n),
            Expr::Builtin(b) => self.out.push_str(b),
            Expr::Array(items) => self.after(1 + items.len(), |s| {
                s.out.push('[');
                s.list(items);
                s.out.push(']');
            }),
            Expr::Object(props) => self.after(1 + props.len(), |s| {
                s.out.push_str("{ __proto__: null");
                for (k, v) in props {
                    let _ = write!(s.out, ", {k}: ");
                    s.expr(v);
                }
                s.out.push_str(" }");
            }),
            Expr::Arrow(f) => self.anonymous_arrow(f),
            Expr::Unary(op, a) => self.unary(op, a),
            Expr::Binary(op, a, b) => self.binary(op, a, b),
            Expr::Logical(op, a, b) => {
                self.out.push('(');
                self.after(1, |s| s.expr(a));
                let _ = write!(self.out, " {op} ");
                self.expr(b);
                self.out.push(')');
            }
            Expr::Cond(t, a, b) => {
                self.out.push('(');
                self.after(1, |s| s.expr(t));
                self.out.push_str(" ? ");
                self.expr(a);
                self.out.push_str(" : ");
                self.expr(b);
                self.out.push(')');
            }
            Expr::Call(callee, args) if args.is_empty() => {
                self.out.push_str("__call0(");
                self.expr(callee);
                self.out.push(')');
            }
            Expr::Call(callee, args)
                if matches!(
                    &**callee,
                    Expr::Ident(_, Binding::NamedFunc) | Expr::Builtin(_)
                ) =>
            {
                // Always a function once its binding is initialized.
                self.expr(callee);
                self.out.push('(');
                self.charged_args(args, 5);
                self.out.push(')');
            }
            Expr::Call(callee, args) => {
                let held = self.held;
                let f = format!("__v{held}");
                let _ = write!(self.out, "({f} = ");
                self.expr(callee);
                self.hold();
                let _ = write!(self.out, ", (typeof {f} === \"function\" ? {f} : __notfn)(");
                self.charged_args(args, 5);
                self.out.push_str("))");
                self.held = held;
            }
            Expr::MethodCall(o, k, args) => {
                self.out.push_str("__mcall(");
                self.expr(o);
                self.out.push_str(", ");
                if args.is_empty() {
                    self.after(5, |s| s.expr(k));
                } else {
                    self.expr(k);
                    self.out.push_str(", ");
                    self.charged_args(args, 5);
                }
                self.out.push(')');
            }
            Expr::Get(o, k) => {
                self.out.push_str("__get(");
                self.expr(o);
                self.out.push_str(", ");
                self.after(1, |s| s.expr(k));
                self.out.push(')');
            }
            Expr::Assign(x, op, v) => {
                let _ = write!(self.out, "({x} = ");
                match op {
                    Some(op) => {
                        let target = Expr::Ident(x.clone(), Binding::Plain);
                        self.after(1, |s| s.binary(op, &target, v));
                    }
                    None => self.after(1, |s| s.expr(v)),
                }
                self.out.push(')');
            }
            Expr::SetMember(o, k, v) => {
                let _ = write!(self.out, "__set({o}, ");
                self.expr(k);
                self.out.push_str(", ");
                self.after(1, |s| s.expr(v));
                self.out.push(')');
            }
            Expr::Update(x, d, prefix) => {
                let op = if *d > 0 { "++" } else { "--" };
                let fast = if *prefix {
                    format!("{op}{x}")
                } else {
                    format!("{x}{op}")
                };
                let slow = if *prefix {
                    format!("{x} = __upd({x}, {d})")
                } else {
                    format!("__t = {x}, {x} = __upd(__t, {d}), +__t")
                };
                let _ = write!(
                    self.out,
                    "(typeof {x} === \"number\" ? ({}, {fast}) : ({slow}))",
                    charge(2)
                );
            }
            Expr::Paren(inner) => {
                self.out.push('(');
                self.expr(inner);
                self.out.push(')');
            }
        }
    }
}
