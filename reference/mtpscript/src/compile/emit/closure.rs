//! Whether a function body creates a function. Such a closure could capture a parameter that a
//! self-tail-call loop reassigns, so a function whose body makes one is not turned into a loop
//! (its self tail calls go to the trampoline).
//!
//! Enforces MTP-053 (self tail calls become a loop only where no closure can tell).

use crate::compile::ir::{Body, Expr, Init, Stmt};

/// Whether a function body creates any function (which could capture a parameter that a
/// self-tail-call loop reassigns).
pub(super) fn body_has_closure(body: &Body) -> bool {
    match body {
        Body::Block(stmts) => stmts.iter().any(stmt_has_closure),
        Body::Expr(e) => expr_has_closure(e),
    }
}

fn stmt_has_closure(s: &Stmt) -> bool {
    match s {
        Stmt::Func(_) => true,
        Stmt::Decl(ds) => ds.iter().any(|d| match &d.init {
            Some(Init::NamedArrow(_)) => true,
            Some(Init::Expr(e)) => expr_has_closure(e),
            None => false,
        }),
        Stmt::If(t, c, a) => {
            expr_has_closure(t) || stmt_has_closure(c) || a.as_deref().is_some_and(stmt_has_closure)
        }
        Stmt::Return(e) => e.as_ref().is_some_and(expr_has_closure),
        Stmt::Block(b) => b.iter().any(stmt_has_closure),
        Stmt::Expr(e) => expr_has_closure(e),
        Stmt::Empty => false,
    }
}

fn expr_has_closure(e: &Expr) -> bool {
    match e {
        Expr::Arrow(_) => true,
        Expr::Raw(_) | Expr::Ident(..) | Expr::Builtin(_) | Expr::Update(..) => false,
        Expr::Array(items) => items.iter().any(expr_has_closure),
        Expr::Object(props) => props.iter().any(|(_, v)| expr_has_closure(v)),
        Expr::Unary(_, a) | Expr::Paren(a) | Expr::Assign(_, _, a) => expr_has_closure(a),
        Expr::Binary(_, a, b)
        | Expr::Logical(_, a, b)
        | Expr::Get(a, b)
        | Expr::SetMember(_, a, b) => expr_has_closure(a) || expr_has_closure(b),
        Expr::Cond(a, b, c) => expr_has_closure(a) || expr_has_closure(b) || expr_has_closure(c),
        Expr::Call(f, args) => expr_has_closure(f) || args.iter().any(expr_has_closure),
        Expr::MethodCall(o, k, args) => {
            expr_has_closure(o) || expr_has_closure(k) || args.iter().any(expr_has_closure)
        }
    }
}
