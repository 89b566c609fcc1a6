//! Tail calls. `return e` in a named function's own body puts `e` in tail position:
//! conditionals become `if`, a call to the function itself continues its loop and a call to
//! another named function goes to the trampoline. The analysis below finds the named functions
//! that some function tail-calls (they need a `__b_<name>` body for the trampoline).
//!
//! Enforces MTP-053 (a tail call costs 0 and replaces its activation) and the Annex A row for
//! the conditional (1 after the test, also as an `if` in tail position).

use std::collections::HashSet;
use std::fmt::Write as _;

use super::closure::body_has_closure;
use super::{Emitter, Mode};
use crate::compile::ir::{Binding, Body, Expr, Func, Init, Stmt};

impl Emitter {
    /// `return e` in a named function's own body, where `e` is in tail position (MTP-053):
    /// conditionals become `if` (the same Annex A charge, 1 after the test), a call to the
    /// function itself continues its loop, a call to another named function goes to the
    /// trampoline.
    pub(super) fn tail_return(&mut self, e: &Expr) {
        match e {
            Expr::Cond(t, a, b) => {
                self.out.push_str("if ");
                self.after(1, |s| s.expr(t));
                self.out.push_str(" {\n");
                self.tail_return(a);
                self.out.push_str("} else {\n");
                self.tail_return(b);
                self.out.push_str("}\n");
            }
            Expr::Paren(inner) => self.tail_return(inner),
            Expr::Call(callee, args) if matches!(&**callee, Expr::Ident(_, Binding::NamedFunc)) => {
                let Expr::Ident(g, _) = &**callee else { return };
                match self.self_loop.clone() {
                    Some((me, params)) if me == *g => {
                        self.out.push_str("{\n");
                        for (i, a) in args.iter().enumerate() {
                            let _ = write!(self.out, "const __n{i} = ");
                            self.expr(a);
                            self.out.push_str(";\n");
                        }
                        for (i, p) in params.iter().enumerate() {
                            if i < args.len() {
                                let _ = writeln!(self.out, "{p} = __n{i};");
                            } else {
                                let _ = writeln!(self.out, "{p} = undefined;");
                            }
                        }
                        self.out.push_str("continue;\n}\n");
                    }
                    _ => {
                        let call = |s: &mut Self| {
                            if args.len() <= 3 {
                                let _ = write!(s.out, "__tail{}(__b_{g}", args.len());
                                for a in args {
                                    s.out.push_str(", ");
                                    s.expr(a);
                                }
                                s.out.push(')');
                            } else {
                                let _ = write!(s.out, "__tailn(__b_{g}, [");
                                s.list(args);
                                s.out.push_str("])");
                            }
                        };
                        if self.mode == Mode::Fused {
                            self.counted_return(|s| {
                                s.out.push_str("__run(");
                                call(s);
                                s.out.push(')');
                            });
                        } else {
                            self.out.push_str("return ");
                            call(self);
                            self.out.push_str(";\n");
                        }
                    }
                }
            }
            other => {
                if self.mode == Mode::Fused {
                    self.counted_return(|s| s.expr(other));
                } else {
                    self.out.push_str("return ");
                    self.expr(other);
                    self.out.push_str(";\n");
                }
            }
        }
    }
}

/// The named functions called in tail position by another function, or by themselves from a
/// body that is not a loop (they need a trampoline body).
pub(super) fn collect_tail_targets_stmt(s: &Stmt, out: &mut HashSet<String>) {
    match s {
        Stmt::Func(f) => collect_tail_targets_func(f, out),
        Stmt::Decl(ds) => {
            for d in ds {
                match &d.init {
                    Some(Init::NamedArrow(f)) => collect_tail_targets_func(f, out),
                    Some(Init::Expr(e)) => collect_tail_targets_expr(e, out),
                    None => {}
                }
            }
        }
        Stmt::If(t, c, a) => {
            collect_tail_targets_expr(t, out);
            collect_tail_targets_stmt(c, out);
            if let Some(a) = a {
                collect_tail_targets_stmt(a, out);
            }
        }
        Stmt::Block(b) => b.iter().for_each(|s| collect_tail_targets_stmt(s, out)),
        Stmt::Return(Some(e)) | Stmt::Expr(e) => collect_tail_targets_expr(e, out),
        Stmt::Return(None) | Stmt::Empty => {}
    }
}

/// Named functions inside the arrows of an expression.
fn collect_tail_targets_expr(e: &Expr, out: &mut HashSet<String>) {
    let mut arrows = Vec::new();
    expr_arrows(e, &mut arrows);
    for a in arrows {
        collect_tail_targets_body(&a.body, out);
    }
}

fn collect_tail_targets_body(body: &Body, out: &mut HashSet<String>) {
    match body {
        Body::Block(stmts) => stmts.iter().for_each(|s| collect_tail_targets_stmt(s, out)),
        Body::Expr(e) => collect_tail_targets_expr(e, out),
    }
}

fn collect_tail_targets_func(f: &Func, out: &mut HashSet<String>) {
    let me = f.name.as_deref().unwrap_or("__anonymous");
    let looped = !body_has_closure(&f.body);
    let mut calls = Vec::new();
    match &f.body {
        Body::Block(stmts) => stmts.iter().for_each(|s| own_returns(s, &mut calls)),
        Body::Expr(e) => tail_calls(e, &mut calls),
    }
    for g in calls {
        if !(looped && g == me) {
            out.insert(g);
        }
    }
    collect_tail_targets_body(&f.body, out);
}

fn expr_arrows<'a>(e: &'a Expr, out: &mut Vec<&'a Func>) {
    match e {
        Expr::Arrow(f) => out.push(f),
        Expr::Raw(_) | Expr::Ident(..) | Expr::Builtin(_) | Expr::Update(..) => {}
        Expr::Array(items) => items.iter().for_each(|x| expr_arrows(x, out)),
        Expr::Object(props) => props.iter().for_each(|(_, v)| expr_arrows(v, out)),
        Expr::Unary(_, a) | Expr::Paren(a) | Expr::Assign(_, _, a) => expr_arrows(a, out),
        Expr::Binary(_, a, b)
        | Expr::Logical(_, a, b)
        | Expr::Get(a, b)
        | Expr::SetMember(_, a, b) => {
            expr_arrows(a, out);
            expr_arrows(b, out);
        }
        Expr::Cond(a, b, c) => {
            expr_arrows(a, out);
            expr_arrows(b, out);
            expr_arrows(c, out);
        }
        Expr::Call(f, args) => {
            expr_arrows(f, out);
            args.iter().for_each(|x| expr_arrows(x, out));
        }
        Expr::MethodCall(o, k, args) => {
            expr_arrows(o, out);
            expr_arrows(k, out);
            args.iter().for_each(|x| expr_arrows(x, out));
        }
    }
}

/// Tail calls in the `return` statements of a named function's own body.
fn own_returns(s: &Stmt, out: &mut Vec<String>) {
    match s {
        Stmt::Return(Some(e)) => tail_calls(e, out),
        Stmt::If(_, c, a) => {
            own_returns(c, out);
            if let Some(a) = a {
                own_returns(a, out);
            }
        }
        Stmt::Block(b) => b.iter().for_each(|s| own_returns(s, out)),
        _ => {}
    }
}

/// The callees of the tail calls in a tail-position expression (as `tail_return` sees them).
fn tail_calls(e: &Expr, out: &mut Vec<String>) {
    match e {
        Expr::Cond(_, a, b) => {
            tail_calls(a, out);
            tail_calls(b, out);
        }
        Expr::Paren(inner) => tail_calls(inner, out),
        Expr::Call(callee, _) => {
            if let Expr::Ident(g, Binding::NamedFunc) = &**callee {
                out.push(g.clone());
            }
        }
        _ => {}
    }
}
