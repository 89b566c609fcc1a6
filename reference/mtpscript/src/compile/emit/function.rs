//! Functions. A named function counts its activation, runs as a loop when it tail-calls itself
//! and no closure could capture a parameter, and gets a `__b_<name>` body for the trampoline
//! when some function tail-calls it; an anonymous arrow counts its activation and makes no tail
//! calls.
//!
//! Enforces MTP-052 (every activation counted against the depth limit of 128), MTP-053 (named
//! functions run their tail calls in constant depth) and the Annex A row for the arrow function
//! expression (1 when evaluated).

use std::fmt::Write as _;

use super::charge::charge;
use super::closure::body_has_closure;
use super::{Emitter, Mode};
use crate::compile::ir::{Body, Func};

impl Emitter {
    /// A named function `<name>` counts its activation, runs its body (a loop when it calls
    /// itself in tail position and no closure could capture a parameter) and sends tail calls
    /// to other functions to the trampoline; if some function tail-calls it, `__b_<name>`
    /// holds its body for the trampoline too.
    pub(super) fn named_function(&mut self, f: &Func, declaration: bool) {
        let name = f.name.as_deref().unwrap_or("__anonymous");
        let params = f.params.join(", ");
        let looped = !body_has_closure(&f.body);
        let saved_loop = self.self_loop.take();
        if looped {
            self.self_loop = Some((name.to_owned(), f.params.clone()));
        }
        let emit = |s: &mut Self, fname: &str, mode: Mode| {
            if declaration {
                let _ = writeln!(s.out, "function {fname}({params}) {{");
            } else {
                let _ = writeln!(s.out, "const {fname} = ({params}) => {{");
            }
            if mode == Mode::Fused {
                s.out.push_str("if (++__d > 128) __stop(2);\n");
            }
            s.function_body(mode, |s| {
                if looped {
                    s.out.push_str("for (;;) {\n");
                }
                match &f.body {
                    Body::Block(stmts) => {
                        for st in stmts {
                            s.stmt(st);
                        }
                    }
                    Body::Expr(e) => s.tail_return(e),
                }
                if mode == Mode::Fused {
                    s.out.push_str("__d--;\n");
                }
                s.out.push_str("return undefined;\n");
                if looped {
                    s.out.push_str("}\n");
                }
            });
            s.out.push_str(if declaration { "}\n" } else { "};\n" });
        };
        if self.tail_targets.contains(name) {
            emit(self, &format!("__b_{name}"), Mode::Body);
        }
        emit(self, name, Mode::Fused);
        self.self_loop = saved_loop;
        if !declaration {
            // Annex A: the arrow's creation, then the declarator.
            let _ = writeln!(self.out, "{};\n{};", charge(1), charge(1));
        }
    }

    pub(super) fn anonymous_arrow(&mut self, f: &Func) {
        let saved_loop = self.self_loop.take();
        // Annex A charges the arrow when it is evaluated; creating it cannot fail or be observed,
        // so the charge comes first.
        let _ = write!(self.out, "({}, ", charge(1));
        {
            let s = &mut *self;
            let _ = writeln!(
                s.out,
                "({}) => {{\nif (++__d > 128) __stop(2);",
                f.params.join(", ")
            );
            s.function_body(Mode::Anon, |s| match &f.body {
                Body::Block(stmts) => {
                    for st in stmts {
                        s.stmt(st);
                    }
                    s.out.push_str("__d--;\nreturn undefined;\n");
                }
                Body::Expr(e) => s.counted_return(|s| s.expr(e)),
            });
            s.out.push_str("})");
        }
        self.self_loop = saved_loop;
    }
}
