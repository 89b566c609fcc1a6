//! The validated program: the MTP-002 grammar as a small tree, with identifiers resolved.

/// A statement.
#[derive(Debug, Clone)]
pub(crate) enum Stmt {
    /// `const`/`let` declarators.
    Decl(Vec<Declarator>),
    /// A function declaration (a named function, MTP-053).
    Func(Func),
    If(Expr, Box<Stmt>, Option<Box<Stmt>>),
    Return(Option<Expr>),
    Block(Vec<Stmt>),
    Expr(Expr),
    Empty,
}

/// One declarator; `keyword` is `const` or `let`.
#[derive(Debug, Clone)]
pub(crate) struct Declarator {
    pub(crate) keyword: &'static str,
    pub(crate) name: String,
    pub(crate) init: Option<Init>,
}

/// A declarator's initializer: a named arrow (MTP-053) or any expression.
#[derive(Debug, Clone)]
pub(crate) enum Init {
    NamedArrow(Func),
    Expr(Expr),
}

/// A function: a declaration, a `const`-named arrow, or an anonymous arrow.
#[derive(Debug, Clone)]
pub(crate) struct Func {
    /// `Some` for a named function.
    pub(crate) name: Option<String>,
    pub(crate) params: Vec<String>,
    pub(crate) body: Body,
}

#[derive(Debug, Clone)]
pub(crate) enum Body {
    Block(Vec<Stmt>),
    Expr(Box<Expr>),
}

/// What an identifier resolves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Binding {
    /// A parameter or `let`/`const` that is not a named function.
    Plain,
    /// A function declaration or `const`-named arrow (a tail-call target, MTP-053).
    NamedFunc,
    /// `undefined`, `NaN`, `Infinity`.
    Global,
}

#[derive(Debug, Clone)]
pub(crate) enum Expr {
    /// A literal, emitted as written (numbers, strings, `true`, `false`, `null`).
    Raw(String),
    Ident(String, Binding),
    /// A namespace member such as `Math.floor`, emitted as the prelude's wrapper.
    Builtin(&'static str),
    Array(Vec<Expr>),
    /// Members: (JSON-quoted key, value).
    Object(Vec<(String, Expr)>),
    Arrow(Box<Func>),
    Unary(&'static str, Box<Expr>),
    Binary(&'static str, Box<Expr>, Box<Expr>),
    Logical(&'static str, Box<Expr>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
    Call(Box<Expr>, Vec<Expr>),
    /// A method call: receiver, key, arguments.
    MethodCall(Box<Expr>, Box<Expr>, Vec<Expr>),
    /// A property read: object, key.
    Get(Box<Expr>, Box<Expr>),
    /// `x = e` or `x op= e` (the binary helper name for compound ones).
    Assign(String, Option<&'static str>, Box<Expr>),
    /// `o[k] = e` / `o.k = e` where `o` is a local.
    SetMember(String, Box<Expr>, Box<Expr>),
    /// `++x`, `x++`, `--x`, `x--`: name, +1/-1, prefix.
    Update(String, i8, bool),
    Paren(Box<Expr>),
}
