//! The instrumenter: writes a validated program as JavaScript in which every Annex A event goes
//! through the prelude's meter, named functions get a trampoline (MTP-053) and every activation
//! is counted (MTP-052).

use std::fmt::Write as _;

use super::ir::{Binding, Body, Declarator, Expr, Func, Init, Stmt};

const PRELUDE_SOURCE: &str = include_str!("prelude.js");

/// The helpers the prelude passes to every program, in parameter order. The instrumented code
/// names nothing else.
pub(crate) const HELPERS: [&str; 59] = [
    "__k1",
    "__lit",
    "__enter",
    "__ret",
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
    "__call1",
    "__call2",
    "__call3",
    "__call",
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

/// The prelude script (spec §3, Annex A): evaluates to `[start, install, status]`.
pub(crate) fn prelude() -> String {
    PRELUDE_SOURCE.replace("/*HELPERS*/", &HELPERS.join(", "))
}

/// The instrumented program: a function expression taking the helpers and returning `main`;
/// calling it runs the static initializers.
pub(crate) fn program(body: &[Stmt]) -> String {
    let mut e = Emitter {
        out: String::with_capacity(4096),
        named: false,
        self_loop: None,
    };
    let _ = writeln!(
        e.out,
        "(function ({}) {{\n\"use strict\";\nlet __t;",
        HELPERS.join(", ")
    );
    for s in body {
        e.stmt(s);
    }
    e.out.push_str("return main;\n})\n");
    e.out
}

/// Whether the current function body is a named function's own body (for tail calls).
struct Emitter {
    out: String,
    named: bool,
    /// The named function whose body is being emitted as a loop, with its parameters.
    self_loop: Option<(String, Vec<String>)>,
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

impl Emitter {
    fn stmt(&mut self, s: &Stmt) {
        match s {
            Stmt::Decl(ds) => {
                for d in ds {
                    self.declarator(d);
                }
            }
            Stmt::Func(f) => self.named_function(f, true),
            Stmt::If(t, c, a) => {
                self.out.push_str("if (__k1(");
                self.expr(t);
                self.out.push_str(")) {\n");
                self.stmt(c);
                self.out.push_str("}\n");
                if let Some(a) = a {
                    self.out.push_str("else {\n");
                    self.stmt(a);
                    self.out.push_str("}\n");
                }
            }
            Stmt::Return(e) => {
                if self.named {
                    match e {
                        Some(e) => self.tail_return(e),
                        None => self.out.push_str("return undefined;\n"),
                    }
                } else {
                    self.out.push_str("return __ret(");
                    match e {
                        Some(e) => self.expr(e),
                        None => self.out.push_str("undefined"),
                    }
                    self.out.push_str(");\n");
                }
            }
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

    fn declarator(&mut self, d: &Declarator) {
        match &d.init {
            None => {
                let _ = writeln!(self.out, "{} {};", d.keyword, d.name);
            }
            Some(Init::Expr(e)) => {
                let _ = write!(self.out, "{} {} = __k1(", d.keyword, d.name);
                self.expr(e);
                self.out.push_str(");\n");
            }
            Some(Init::NamedArrow(f)) => self.named_function(f, false),
        }
    }

    /// A named function: `__b_<name>` holds the body (tail calls return a marker) and `<name>`
    /// is the wrapper that counts the activation and runs the trampoline.
    fn named_function(&mut self, f: &Func, declaration: bool) {
        let name = f.name.as_deref().unwrap_or("__anonymous");
        let params = f.params.join(", ");
        let saved = (self.named, self.self_loop.take());
        self.named = true;
        if declaration {
            let _ = writeln!(self.out, "function __b_{name}({params}) {{");
        } else {
            let _ = writeln!(self.out, "const __b_{name} = ({params}) => {{");
        }
        // Self tail calls become a loop when no closure could capture a parameter.
        let looped = !body_has_closure(&f.body);
        if looped {
            self.self_loop = Some((name.to_owned(), f.params.clone()));
            self.out.push_str("for (;;) {\n");
        }
        match &f.body {
            Body::Block(stmts) => {
                for s in stmts {
                    self.stmt(s);
                }
            }
            Body::Expr(e) => self.tail_return(e),
        }
        if looped {
            self.out.push_str("return undefined;\n}\n");
        }
        self.out.push_str(if declaration { "}\n" } else { "};\n" });
        (self.named, self.self_loop) = saved;
        let wrapper = format!("({params}) => {{ __enter(); return __run(__b_{name}({params})); }}");
        if declaration {
            let _ = writeln!(
                self.out,
                "function {name}({params}) {{ __enter(); return __run(__b_{name}({params})); }}"
            );
        } else {
            // Annex A: the arrow's creation, then the declarator.
            let _ = writeln!(self.out, "const {name} = __k1(__k1({wrapper}));");
        }
    }

    /// `return e` in a named function's own body, where `e` is in tail position (MTP-053):
    /// conditionals become `if` (the same Annex A charge, 1 after the test), a call to the
    /// function itself continues its loop, a call to another named function goes to the
    /// trampoline.
    fn tail_return(&mut self, e: &Expr) {
        match e {
            Expr::Cond(t, a, b) => {
                self.out.push_str("if (__k1(");
                self.expr(t);
                self.out.push_str(")) {\n");
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
                        if args.len() <= 3 {
                            let _ = write!(self.out, "return __tail{}(__b_{g}", args.len());
                            for a in args {
                                self.out.push_str(", ");
                                self.expr(a);
                            }
                            self.out.push_str(");\n");
                        } else {
                            let _ = write!(self.out, "return __tailn(__b_{g}, [");
                            self.list(args);
                            self.out.push_str("]);\n");
                        }
                    }
                }
            }
            other => {
                self.out.push_str("return ");
                self.expr(other);
                self.out.push_str(";\n");
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

    fn anonymous_arrow(&mut self, f: &Func) {
        let saved = self.named;
        self.named = false;
        let _ = writeln!(self.out, "__k1(({}) => {{ __enter();", f.params.join(", "));
        match &f.body {
            Body::Block(stmts) => {
                for s in stmts {
                    self.stmt(s);
                }
                self.out.push_str("return __ret(undefined);\n");
            }
            Body::Expr(e) => {
                self.out.push_str("return __ret(");
                self.expr(e);
                self.out.push_str(");\n");
            }
        }
        self.out.push_str("})");
        self.named = saved;
    }

    fn expr(&mut self, e: &Expr) {
        match e {
            Expr::Raw(s) => self.out.push_str(s),
            Expr::Ident(n, _) => self.out.push_str(n),
            Expr::Builtin(b) => self.out.push_str(b),
            Expr::Array(items) => {
                let _ = write!(self.out, "__lit({}, [", 1 + items.len());
                self.list(items);
                self.out.push_str("])");
            }
            Expr::Object(props) => {
                let _ = write!(self.out, "__lit({}, {{ __proto__: null", 1 + props.len());
                for (k, v) in props {
                    let _ = write!(self.out, ", {k}: ");
                    self.expr(v);
                }
                self.out.push_str(" })");
            }
            Expr::Arrow(f) => self.anonymous_arrow(f),
            Expr::Unary(op, a) => {
                let h = match *op {
                    "-" => "__neg",
                    "+" => "__pos",
                    "!" => "__not",
                    "~" => "__bnot",
                    _ => "__typeof",
                };
                let _ = write!(self.out, "{h}(");
                self.expr(a);
                self.out.push(')');
            }
            Expr::Binary(op, a, b) => {
                let _ = write!(self.out, "{}(", binop_helper(op));
                self.expr(a);
                self.out.push_str(", ");
                self.expr(b);
                self.out.push(')');
            }
            Expr::Logical(op, a, b) => {
                self.out.push_str("(__k1(");
                self.expr(a);
                let _ = write!(self.out, ") {op} ");
                self.expr(b);
                self.out.push(')');
            }
            Expr::Cond(t, a, b) => {
                self.out.push_str("(__k1(");
                self.expr(t);
                self.out.push_str(") ? ");
                self.expr(a);
                self.out.push_str(" : ");
                self.expr(b);
                self.out.push(')');
            }
            Expr::Call(callee, args) => {
                if args.len() <= 3 {
                    let _ = write!(self.out, "__call{}(", args.len());
                } else {
                    self.out.push_str("__call(");
                }
                self.expr(callee);
                for a in args {
                    self.out.push_str(", ");
                    self.expr(a);
                }
                self.out.push(')');
            }
            Expr::MethodCall(o, k, args) => {
                self.out.push_str("__mcall(");
                self.expr(o);
                self.out.push_str(", ");
                self.expr(k);
                for a in args {
                    self.out.push_str(", ");
                    self.expr(a);
                }
                self.out.push(')');
            }
            Expr::Get(o, k) => {
                self.out.push_str("__get(");
                self.expr(o);
                self.out.push_str(", ");
                self.expr(k);
                self.out.push(')');
            }
            Expr::Assign(x, op, v) => {
                let _ = write!(self.out, "({x} = __k1(");
                match op {
                    Some(op) => {
                        let _ = write!(self.out, "{}({x}, ", binop_helper(op));
                        self.expr(v);
                        self.out.push(')');
                    }
                    None => self.expr(v),
                }
                self.out.push_str("))");
            }
            Expr::SetMember(o, k, v) => {
                let _ = write!(self.out, "__set({o}, ");
                self.expr(k);
                self.out.push_str(", ");
                self.expr(v);
                self.out.push(')');
            }
            Expr::Update(x, d, prefix) => {
                if *prefix {
                    let _ = write!(self.out, "({x} = __upd({x}, {d}))");
                } else {
                    let _ = write!(self.out, "(__t = {x}, {x} = __upd(__t, {d}), +__t)");
                }
            }
            Expr::Paren(inner) => {
                self.out.push('(');
                self.expr(inner);
                self.out.push(')');
            }
        }
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
