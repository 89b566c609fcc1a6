//! The instrumenter: writes a validated program as JavaScript in which every Annex A event goes
//! through the prelude's meter, named functions get a trampoline (MTP-053) and every activation
//! is counted (MTP-052).
//!
//! One emitter, split by concept: `helpers` (the prelude's helper table and the prelude),
//! `charge` (the inline gas counter), `stmt`, `expr`, `operator` (inline number paths with the
//! helpers as fallback), `function` (activations, named functions and arrows), `tail` (tail
//! calls, and which functions need a trampoline body) and `closure` (whether a self tail call
//! may become a loop). This module holds the emitter's state and its temporaries.
//!
//! Enforces MTP-050 (each charge where Annex A puts it, a value computed before its charge held
//! in a temporary).

mod charge;
mod closure;
mod expr;
mod function;
mod helpers;
mod operator;
mod stmt;
mod tail;

use std::collections::HashSet;
use std::fmt::Write as _;

use super::ir::Stmt;
use helpers::HELPERS;
pub(crate) use helpers::prelude;
use tail::collect_tail_targets_stmt;

/// The instrumented program: a function expression taking the gas limit and the helpers and
/// returning `main`; calling it runs the static initializers.
///
/// The gas counter `__g` and the depth `__d` are variables of this function, charged and
/// counted inline (`(__g += k) > __L && __oog(k)`: `__oog` undoes the failing charge and stops,
/// MTP-051); the prelude's helpers reach the counter through the functions given to `__bind`.
/// Each charge sits exactly where Annex A puts it: a value computed before its charge is held
/// in a temporary (`__t`, or `__vN` while other operands are still being evaluated).
pub(crate) fn program(body: &[Stmt]) -> String {
    let mut tail_targets = HashSet::new();
    for s in body {
        collect_tail_targets_stmt(s, &mut tail_targets);
    }
    let mut e = Emitter {
        out: String::with_capacity(4096),
        mode: Mode::Top,
        self_loop: None,
        held: 0,
        max_held: 0,
        tail_targets,
    };
    let _ = writeln!(
        e.out,
        "(function (__L, {}) {{\n\"use strict\";\nlet __g = 0, __d = 0;",
        HELPERS.join(", ")
    );
    let decl = e.out.len();
    e.out.push_str(
        "const __oog = (k) => { __g -= k; __stop(1); };\n\
         __bind((k) => { if (__g + k > __L) __stop(1); __g += k; }, () => __g);\n",
    );
    for s in body {
        e.stmt(s);
    }
    e.out.push_str("return main;\n})\n");
    e.declare_temps(decl);
    e.out
}

/// Which function body is being emitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// The static initializers.
    Top,
    /// `__b_<name>`: a named function's body run by a trampoline (returns values or the
    /// tail-call marker; the caller counts the activation).
    Body,
    /// A named function itself: counts its activation and runs its tail calls to other
    /// functions on the trampoline.
    Fused,
    /// An anonymous arrow (no tail calls).
    Anon,
}

struct Emitter {
    out: String,
    mode: Mode,
    /// The named function whose body is being emitted as a loop, with its parameters.
    self_loop: Option<(String, Vec<String>)>,
    /// Held temporaries in use in the current function, and the most it used.
    held: u32,
    max_held: u32,
    /// Named functions some other function (or a non-looped one itself) tail-calls: they also
    /// get a `__b_<name>` body for the trampoline.
    tail_targets: HashSet<String>,
}

impl Emitter {
    /// Inserts the current function's temporaries at `at` (the start of its body).
    fn declare_temps(&mut self, at: usize) {
        let mut decl = String::from("let __t");
        for i in 0..self.max_held {
            let _ = write!(decl, ", __v{i}");
        }
        decl.push_str(";\n");
        self.out.insert_str(at, &decl);
    }

    /// Emits a function body with its own temporaries: `f` writes the body after `{`.
    fn function_body(&mut self, mode: Mode, f: impl FnOnce(&mut Self)) {
        let saved = (self.mode, self.held, self.max_held);
        (self.mode, self.held, self.max_held) = (mode, 0, 0);
        let at = self.out.len();
        f(self);
        self.declare_temps(at);
        (self.mode, self.held, self.max_held) = saved;
    }

    /// A held temporary for a value that stays live while more operands are evaluated.
    fn hold(&mut self) -> String {
        let name = format!("__v{}", self.held);
        self.held += 1;
        self.max_held = self.max_held.max(self.held);
        name
    }
}
