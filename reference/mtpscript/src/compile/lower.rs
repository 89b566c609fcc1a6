//! The validator: walks the oxc AST, checks MTP-002..MTP-010, resolves identifiers and builds
//! the [`ir`](super::ir) tree. Violations are collected with their node's start and nesting
//! depth; the caller reports the first by (start, depth) (MTP-010).
//!
//! One walker, split by concept: `names` (the allow and forbid tables), `scope` (declarations
//! and name resolution), `stmt`, `func` (function declarations and arrows), `expr`, `member`
//! (property reads and namespaces), `call`, `assign` (assignments and updates) and `literal`.
//! This module holds the walker's state and the program's entry.
//!
//! Enforces MTP-001 (the tree-depth bound) and MTP-002 (only the `"use strict"` directive);
//! `Lower::program` also requires the top-level `function main` of MTP-003.

mod assign;
mod call;
mod expr;
mod func;
mod literal;
mod member;
mod names;
mod scope;
mod stmt;

use std::collections::HashMap;

use oxc_ast::ast::{self, Statement};

use super::ir::Stmt;
use scope::Bound;

/// One rule broken at one node.
#[derive(Debug, Clone)]
pub(crate) struct Violation {
    pub(crate) code: &'static str,
    pub(crate) start: u32,
    pub(crate) depth: u32,
    pub(crate) message: String,
}

/// The deepest syntax tree the validator walks (MTP-001): member and call chains, which the
/// text limits do not see, end here.
const MAX_TREE_DEPTH: u32 = 1024;

/// The walker.
#[derive(Debug)]
pub(crate) struct Lower {
    pub(crate) violations: Vec<Violation>,
    scopes: Vec<HashMap<String, Bound>>,
    funcs: Vec<u32>,
    next_func: u32,
    depth: u32,
}

impl Lower {
    pub(crate) fn new() -> Self {
        Self {
            violations: Vec::new(),
            scopes: Vec::new(),
            funcs: vec![0],
            next_func: 1,
            depth: 0,
        }
    }

    fn violate(&mut self, code: &'static str, start: u32, message: impl Into<String>) {
        self.violations.push(Violation {
            code,
            start,
            depth: self.depth,
            message: message.into(),
        });
    }

    fn current_func(&self) -> u32 {
        self.funcs.last().copied().unwrap_or(0)
    }

    /// Enforces MTP-003 and lowers the whole program.
    pub(crate) fn program(&mut self, program: &ast::Program<'_>) -> Vec<Stmt> {
        self.directives(&program.directives);
        let body = self.block(&program.body, &[]);
        let has_main = program.body.iter().any(|s| {
            matches!(s, Statement::FunctionDeclaration(f)
                if f.id.as_ref().is_some_and(|id| id.name.as_str() == "main"))
        });
        if !has_main && self.violations.is_empty() {
            self.violate("MTP_NO_MAIN", 0, "no top-level `function main`");
        }
        body
    }

    fn directives(&mut self, directives: &[ast::Directive<'_>]) {
        for d in directives {
            if d.directive.as_str() != "use strict" {
                self.violate(
                    "MTP_FORBIDDEN_SYNTAX",
                    d.span.start,
                    "only the \"use strict\" directive is allowed",
                );
            }
        }
    }
}
