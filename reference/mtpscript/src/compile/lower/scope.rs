//! Scopes and name resolution. Every block and function body is a scope whose `let`, `const`
//! and function declarations are declared before its statements are walked, so an identifier
//! resolves by ECMAScript's lexical scoping (the temporal dead zone is a runtime matter). A
//! binding remembers its kind and the function that declared it, which the mutation row of
//! MTP-010 needs.
//!
//! Enforces MTP-001 (a name declared twice in one scope is a syntax error), MTP-004 (every
//! identifier read resolves to a binding or an allowed global) and MTP-005 (no declaration binds
//! a forbidden, reserved or allowed global's name).

use std::collections::HashMap;

use oxc_ast::ast::{self, BindingPattern, Expression, Statement};

use super::names::{NAMESPACES, STRICT_RESERVED, VALUE_GLOBALS, forbidden_name};
use super::{Lower, Violation};
use crate::compile::ir::{Binding, Expr, Stmt};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Param,
    Let,
    Const,
    FuncDecl,
    NamedArrow,
}

#[derive(Debug, Clone, Copy)]
pub(super) struct Bound {
    pub(super) kind: Kind,
    pub(super) func: u32,
}

impl Lower {
    pub(super) fn lookup(&self, name: &str) -> Option<Bound> {
        self.scopes.iter().rev().find_map(|s| s.get(name).copied())
    }

    /// Checks a binding name (MTP-005) and declares it in the innermost scope.
    pub(super) fn declare(&mut self, id: &ast::BindingIdentifier<'_>, kind: Kind) {
        let name = id.name.as_str();
        let start = id.span.start;
        if let Some(code) = forbidden_name(name) {
            self.violate(code, start, format!("`{name}` cannot be bound"));
        } else if STRICT_RESERVED.contains(&name) {
            self.violate(
                "MTP_FORBIDDEN_SYNTAX",
                start,
                format!("`{name}` is reserved in strict mode"),
            );
        } else if name.starts_with("__")
            || NAMESPACES.contains(&name)
            || VALUE_GLOBALS.contains(&name)
            || name == "String"
        {
            self.violate(
                "MTP_FORBIDDEN_SYNTAX",
                start,
                format!("`{name}` is a reserved name"),
            );
        }
        let func = self.current_func();
        if let Some(scope) = self.scopes.last_mut() {
            if scope.contains_key(name) {
                self.violations.push(Violation {
                    code: "MTP_SYNTAX",
                    start,
                    depth: self.depth,
                    message: format!("`{name}` is declared twice in one scope"),
                });
            }
            scope.insert(name.to_owned(), Bound { kind, func });
        }
    }

    /// A statement list with its own scope; `params` are declared first (a function body).
    pub(super) fn block(
        &mut self,
        stmts: &[Statement<'_>],
        params: &[&ast::BindingIdentifier<'_>],
    ) -> Vec<Stmt> {
        self.scopes.push(HashMap::new());
        for p in params {
            self.declare(p, Kind::Param);
        }
        // Hoist the block's declarations so references resolve (TDZ is a runtime matter).
        for s in stmts {
            match s {
                Statement::VariableDeclaration(v)
                    if !matches!(v.kind, ast::VariableDeclarationKind::Var) =>
                {
                    let is_const = matches!(v.kind, ast::VariableDeclarationKind::Const);
                    for d in &v.declarations {
                        if let BindingPattern::BindingIdentifier(id) = &d.id {
                            let named = is_const
                                && matches!(d.init, Some(Expression::ArrowFunctionExpression(_)));
                            let kind = match (is_const, named) {
                                (true, true) => Kind::NamedArrow,
                                (true, false) => Kind::Const,
                                _ => Kind::Let,
                            };
                            self.declare(id, kind);
                        }
                    }
                }
                Statement::FunctionDeclaration(f) => {
                    if let Some(id) = &f.id {
                        self.declare(id, Kind::FuncDecl);
                    }
                }
                _ => {}
            }
        }
        let out = stmts.iter().filter_map(|s| self.stmt(s)).collect();
        self.scopes.pop();
        out
    }

    pub(super) fn ident_ref(&mut self, name: &str, start: u32) -> Option<Expr> {
        if let Some(code) = forbidden_name(name) {
            self.violate(code, start, format!("`{name}` is forbidden"));
            return None;
        }
        if let Some(b) = self.lookup(name) {
            let binding = match b.kind {
                Kind::FuncDecl | Kind::NamedArrow => Binding::NamedFunc,
                _ => Binding::Plain,
            };
            return Some(Expr::Ident(name.to_owned(), binding));
        }
        if VALUE_GLOBALS.contains(&name) {
            return Some(Expr::Ident(name.to_owned(), Binding::Global));
        }
        if name == "String" {
            return Some(Expr::Builtin("__b_String"));
        }
        self.violate(
            "MTP_UNKNOWN_NAME",
            start,
            format!("`{name}` is not an allowed name"),
        );
        None
    }
}
