//! Statements: declarators, `if`, blocks, expression statements and `return`, which ends an
//! activation (or, in a named function's own body, is a tail position).
//!
//! Enforces MTP-052 (a `return` ends its activation) and the Annex A rows for the `if`
//! statement (1 after the test) and the declarator with an initializer (1 after it).

use std::fmt::Write as _;

use super::charge::charge;
use super::{Emitter, Mode};
use crate::compile::ir::{Declarator, Init, Stmt};

impl Emitter {
    pub(super) fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Decl(ds) => {
                for d in ds {
                    self.declarator(d);
                }
            }
            Stmt::Func(f) => self.named_function(f, true),
            Stmt::If(t, c, a) => {
                self.out.push_str("if ");
                self.after(1, |s| s.expr(t));
                self.out.push_str(" {\n");
                self.stmt(c);
                self.out.push_str("}\n");
                if let Some(a) = a {
                    self.out.push_str("else {\n");
                    self.stmt(a);
                    self.out.push_str("}\n");
                }
            }
            Stmt::Return(e) => match (self.mode, e) {
                (Mode::Body | Mode::Fused, Some(e)) => self.tail_return(e),
                (Mode::Body, None) => self.out.push_str("return undefined;\n"),
                (_, None) => self.out.push_str("{ __d--; return undefined; }\n"),
                (_, Some(e)) => self.counted_return(|s| s.expr(e)),
            },
            Stmt::Block(b) => {
                self.out.push_str("{\n");
                for s in b {
                    self.stmt(s);
                }
                self.out.push_str("}\n");
            }
            Stmt::Expr(e) => {
                self.expr(e);
                self.out.push_str(";\n");
            }
            Stmt::Empty => self.out.push_str(";\n"),
        }
    }

    /// `return e` that ends an activation (MTP-052).
    pub(super) fn counted_return(&mut self, e: impl FnOnce(&mut Self)) {
        // Statements always sit in a block here (`if` branches are emitted with braces).
        self.out.push_str("__t = ");
        e(self);
        self.out.push_str(";\n__d--;\nreturn __t;\n");
    }

    fn declarator(&mut self, d: &Declarator) {
        match &d.init {
            None => {
                let _ = writeln!(self.out, "{} {};", d.keyword, d.name);
            }
            Some(Init::Expr(e)) => {
                // Annex A: the charge follows the initializer (the binding is not observable
                // before the next statement).
                let _ = write!(self.out, "{} {} = ", d.keyword, d.name);
                self.expr(e);
                let _ = writeln!(self.out, ";\n{};", charge(1));
            }
            Some(Init::NamedArrow(f)) => self.named_function(f, false),
        }
    }
}
