//! Functions: declarations and arrows. Each gets its own function number (which bindings record
//! for the mutation row of MTP-010) and a body scope that holds its parameters.
//!
//! Enforces MTP-002 (parameters are plain identifiers: no rest, defaults or destructuring) and
//! MTP-010 (the generator and `async` rows for functions and arrows).

use std::collections::HashMap;

use oxc_ast::ast::{self, ArrowFunctionBody, BindingPattern};

use super::Lower;
use super::scope::Kind;
use crate::compile::ir::{Body, Func};

impl Lower {
    fn params(&mut self, params: &ast::FormalParameters<'_>) -> Option<Vec<String>> {
        if let Some(rest) = &params.rest {
            self.violate(
                "MTP_FORBIDDEN_SYNTAX",
                rest.span.start,
                "rest parameters are not allowed",
            );
            return None;
        }
        let mut names = Vec::new();
        for p in &params.items {
            match (&p.pattern, &p.initializer) {
                (BindingPattern::BindingIdentifier(id), None) => {
                    names.push(id.name.as_str().to_owned())
                }
                _ => {
                    self.violate(
                        "MTP_FORBIDDEN_SYNTAX",
                        p.span.start,
                        "parameters are plain identifiers (no defaults, destructuring)",
                    );
                    return None;
                }
            }
        }
        Some(names)
    }

    fn param_ids<'b>(params: &'b ast::FormalParameters<'_>) -> Vec<&'b ast::BindingIdentifier<'b>> {
        params
            .items
            .iter()
            .filter_map(|p| match &p.pattern {
                BindingPattern::BindingIdentifier(id) => Some(&**id),
                _ => None,
            })
            .collect()
    }

    /// A function declaration.
    pub(super) fn function(&mut self, f: &ast::Function<'_>) -> Option<Func> {
        if f.generator {
            self.violate(
                "MTP_FORBIDDEN_GENERATOR",
                f.span.start,
                "generators are not allowed",
            );
            return None;
        }
        if f.r#async {
            self.violate(
                "MTP_FORBIDDEN_ASYNC",
                f.span.start,
                "async functions are not allowed",
            );
            return None;
        }
        let params = self.params(&f.params)?;
        let body = f.body.as_ref()?;
        self.funcs.push(self.next_func);
        self.next_func += 1;
        self.directives(&body.directives);
        let ids = Self::param_ids(&f.params);
        let stmts = self.block(&body.statements, &ids);
        self.funcs.pop();
        Some(Func {
            name: f.id.as_ref().map(|id| id.name.as_str().to_owned()),
            params,
            body: Body::Block(stmts),
        })
    }

    pub(super) fn arrow(
        &mut self,
        a: &ast::ArrowFunctionExpression<'_>,
        name: Option<String>,
    ) -> Option<Func> {
        if a.r#async {
            self.violate(
                "MTP_FORBIDDEN_ASYNC",
                a.span.start,
                "async arrows are not allowed",
            );
            return None;
        }
        let params = self.params(&a.params)?;
        self.funcs.push(self.next_func);
        self.next_func += 1;
        let ids = Self::param_ids(&a.params);
        let body = match &a.body {
            ArrowFunctionBody::FunctionBody(b) => {
                self.directives(&b.directives);
                Some(Body::Block(self.block(&b.statements, &ids)))
            }
            other => {
                self.scopes.push(HashMap::new());
                for p in &ids {
                    self.declare(p, Kind::Param);
                }
                let e = other.as_expression().and_then(|e| self.expr(e));
                self.scopes.pop();
                e.map(|e| Body::Expr(Box::new(e)))
            }
        };
        self.funcs.pop();
        Some(Func {
            name,
            params,
            body: body?,
        })
    }
}
