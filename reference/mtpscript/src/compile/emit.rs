//! The instrumenter: writes a validated program as JavaScript in which every Annex A event goes
//! through the prelude's meter, named functions get a trampoline (MTP-053) and every activation
//! is counted (MTP-052).

use std::collections::HashSet;
use std::fmt::Write as _;

use super::ir::{Binding, Body, Declarator, Expr, Func, Init, Stmt};

const PRELUDE_SOURCE: &str = include_str!("prelude.js");

/// The helpers the prelude passes to every program, in parameter order (after the gas limit).
/// The instrumented code names nothing else.
pub(crate) const HELPERS: [&str; 54] = [
    "__bind",
    "__stop",
    "__notfn",
    "__tail0",
    "__tail1",
    "__tail2",
    "__tail3",
    "__tailn",
    "__run",
    "__get",
    "__set",
    "__add",
    "__sub",
    "__mul",
    "__div",
    "__mod",
    "__pow",
    "__lt",
    "__le",
    "__gt",
    "__ge",
    "__band",
    "__bor",
    "__bxor",
    "__shl",
    "__shr",
    "__ushr",
    "__seq",
    "__sne",
    "__neg",
    "__pos",
    "__not",
    "__bnot",
    "__typeof",
    "__upd",
    "__call0",
    "__mcall",
    "__b_Math_abs",
    "__b_Math_floor",
    "__b_Math_ceil",
    "__b_Math_trunc",
    "__b_Math_sign",
    "__b_Math_sqrt",
    "__b_Math_round",
    "__b_Math_min",
    "__b_Math_max",
    "__b_Number_isInteger",
    "__b_Number_isSafeInteger",
    "__b_Array_isArray",
    "__b_Object_keys",
    "__b_Object_values",
    "__b_Object_entries",
    "__b_String",
    "__b_Async_await",
];

/// The prelude script (spec §3, Annex A): evaluates to the function that binds a VM's effects
/// and returns its entry points `[prepare, request, status]`.
pub(crate) fn prelude() -> String {
    PRELUDE_SOURCE.replace("/*HELPERS*/", &HELPERS.join(", "))
}

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

/// The inline charge of `k` units (MTP-050, MTP-051).
fn charge(k: usize) -> String {
    if k == 1 {
        "++__g > __L && __oog(1)".to_owned()
    } else {
        format!("(__g += {k}) > __L && __oog({k})")
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

    /// `e` then a charge of `k`, valued `e`.
    fn after(&mut self, k: usize, e: impl FnOnce(&mut Self)) {
        self.out.push_str("(__t = ");
        e(self);
        let _ = write!(self.out, ", {}, __t)", charge(k));
    }

    fn stmt(&mut self, s: &Stmt) {
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
    fn counted_return(&mut self, e: impl FnOnce(&mut Self)) {
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

    /// A named function `<name>` counts its activation, runs its body (a loop when it calls
    /// itself in tail position and no closure could capture a parameter) and sends tail calls
    /// to other functions to the trampoline; if some function tail-calls it, `__b_<name>`
    /// holds its body for the trampoline too.
    fn named_function(&mut self, f: &Func, declaration: bool) {
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

    /// `return e` in a named function's own body, where `e` is in tail position (MTP-053):
    /// conditionals become `if` (the same Annex A charge, 1 after the test), a call to the
    /// function itself continues its loop, a call to another named function goes to the
    /// trampoline.
    fn tail_return(&mut self, e: &Expr) {
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

    fn list(&mut self, items: &[Expr]) {
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

    fn anonymous_arrow(&mut self, f: &Func) {
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

    /// A binary operator: numbers take the inline path, anything else the prelude's helper
    /// (which charges and checks, MTP-033, MTP-034).
    fn binary(&mut self, op: &str, a: &Expr, b: &Expr) {
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

    fn unary(&mut self, op: &str, a: &Expr) {
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

    fn expr(&mut self, e: &Expr) {
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

/// The named functions called in tail position by another function, or by themselves from a
/// body that is not a loop (they need a trampoline body).
fn collect_tail_targets_stmt(s: &Stmt, out: &mut HashSet<String>) {
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

/// Whether a function body creates any function (which could capture a parameter that a
/// self-tail-call loop reassigns).
fn body_has_closure(body: &Body) -> bool {
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
