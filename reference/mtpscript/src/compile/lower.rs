//! The validator: walks the oxc AST, checks MTP-002..MTP-010, resolves identifiers and builds
//! the [`ir`](super::ir) tree. Violations are collected with their node's start and nesting
//! depth; the caller reports the first by (start, depth) (MTP-010).

use std::collections::HashMap;

use oxc_ast::ast::{
    self, Argument, ArrayExpressionElement, ArrowFunctionBody, AssignmentTarget, BindingPattern,
    Expression, ObjectPropertyKind, PropertyKey, PropertyKind, SimpleAssignmentTarget, Statement,
};
use oxc_span::GetSpan;

use super::ir::{Binding, Body, Declarator, Expr, Func, Init, Stmt};

/// One rule broken at one node.
#[derive(Debug, Clone)]
pub(crate) struct Violation {
    pub(crate) code: &'static str,
    pub(crate) start: u32,
    pub(crate) depth: u32,
    pub(crate) message: String,
}

/// The names MTP-010 forbids outright, with their codes.
fn forbidden_name(name: &str) -> Option<&'static str> {
    Some(match name {
        "eval" => "MTP_FORBIDDEN_EVAL",
        "Function" => "MTP_FORBIDDEN_FUNCTION_CONSTRUCTOR",
        "Reflect"
        | "Proxy"
        | "Symbol"
        | "globalThis"
        | "WeakMap"
        | "WeakSet"
        | "WeakRef"
        | "FinalizationRegistry"
        | "arguments" => "MTP_FORBIDDEN_REFLECTION",
        "Date" | "setTimeout" | "setInterval" | "setImmediate" | "clearTimeout"
        | "clearInterval" | "Promise" | "queueMicrotask" | "performance" | "Intl" | "crypto"
        | "SharedArrayBuffer" | "Atomics" => "MTP_FORBIDDEN_NONDETERMINISM",
        "JsonNull" => "MTP_FORBIDDEN_JSONNULL",
        "await" => "MTP_FORBIDDEN_ASYNC",
        "yield" => "MTP_FORBIDDEN_GENERATOR",
        _ => return None,
    })
}

/// Member names that reach prototypes or define properties (MTP-010, reflection row).
fn forbidden_member(name: &str) -> bool {
    matches!(
        name,
        "__proto__"
            | "constructor"
            | "prototype"
            | "__defineGetter__"
            | "__defineSetter__"
            | "__lookupGetter__"
            | "__lookupSetter__"
    )
}

/// The deepest syntax tree the validator walks (MTP-001): member and call chains, which the
/// text limits do not see, end here.
const MAX_TREE_DEPTH: u32 = 1024;

/// Names that sloppy scripts may bind but strict code (which every program runs as) may not.
const STRICT_RESERVED: [&str; 8] = [
    "implements",
    "interface",
    "let",
    "package",
    "private",
    "protected",
    "public",
    "static",
];

const NAMESPACES: [&str; 5] = ["Math", "Number", "Array", "Object", "Async"];
const VALUE_GLOBALS: [&str; 3] = ["undefined", "NaN", "Infinity"];

/// The prelude wrapper of an allowed namespace member (spec §3.4).
fn builtin(ns: &str, member: &str) -> Option<&'static str> {
    Some(match (ns, member) {
        ("Math", "abs") => "__b_Math_abs",
        ("Math", "floor") => "__b_Math_floor",
        ("Math", "ceil") => "__b_Math_ceil",
        ("Math", "trunc") => "__b_Math_trunc",
        ("Math", "sign") => "__b_Math_sign",
        ("Math", "sqrt") => "__b_Math_sqrt",
        ("Math", "round") => "__b_Math_round",
        ("Math", "min") => "__b_Math_min",
        ("Math", "max") => "__b_Math_max",
        ("Number", "isInteger") => "__b_Number_isInteger",
        ("Number", "isSafeInteger") => "__b_Number_isSafeInteger",
        ("Array", "isArray") => "__b_Array_isArray",
        ("Object", "keys") => "__b_Object_keys",
        ("Object", "values") => "__b_Object_values",
        ("Object", "entries") => "__b_Object_entries",
        ("Async", "await") => "__b_Async_await",
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Param,
    Let,
    Const,
    FuncDecl,
    NamedArrow,
}

#[derive(Debug, Clone, Copy)]
struct Bound {
    kind: Kind,
    func: u32,
}

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

    fn lookup(&self, name: &str) -> Option<Bound> {
        self.scopes.iter().rev().find_map(|s| s.get(name).copied())
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

    /// Checks a binding name (MTP-005) and declares it in the innermost scope.
    fn declare(&mut self, id: &ast::BindingIdentifier<'_>, kind: Kind) {
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
    fn block(
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

    fn stmt(&mut self, s: &Statement<'_>) -> Option<Stmt> {
        if self.depth >= MAX_TREE_DEPTH {
            self.violate(
                "MTP_SYNTAX",
                s.span().start,
                "statements nested deeper than 1024",
            );
            return None;
        }
        self.depth += 1;
        let out = self.stmt_inner(s);
        self.depth -= 1;
        out
    }

    fn stmt_inner(&mut self, s: &Statement<'_>) -> Option<Stmt> {
        let start = s.span().start;
        let code = match s {
            Statement::BlockStatement(b) => return Some(Stmt::Block(self.block(&b.body, &[]))),
            Statement::EmptyStatement(_) => return Some(Stmt::Empty),
            Statement::ExpressionStatement(e) => return self.expr(&e.expression).map(Stmt::Expr),
            Statement::IfStatement(i) => {
                let test = self.expr(&i.test);
                let cons = self.sub_stmt(&i.consequent);
                let alt = i.alternate.as_ref().map(|a| self.sub_stmt(a));
                return Some(Stmt::If(
                    test?,
                    Box::new(cons?),
                    match alt {
                        Some(a) => Some(Box::new(a?)),
                        None => None,
                    },
                ));
            }
            Statement::ReturnStatement(r) => {
                if self.funcs.len() <= 1 {
                    self.violate("MTP_SYNTAX", start, "`return` outside a function");
                    return None;
                }
                return match &r.argument {
                    Some(e) => self.expr(e).map(|e| Stmt::Return(Some(e))),
                    None => Some(Stmt::Return(None)),
                };
            }
            Statement::VariableDeclaration(v) => return self.var_decl(v),
            Statement::FunctionDeclaration(f) => {
                return self.function(f).map(Stmt::Func);
            }
            Statement::BreakStatement(_)
            | Statement::ContinueStatement(_)
            | Statement::DoWhileStatement(_)
            | Statement::ForInStatement(_)
            | Statement::ForOfStatement(_)
            | Statement::ForStatement(_)
            | Statement::WhileStatement(_) => "MTP_FORBIDDEN_LOOP",
            Statement::LabeledStatement(_) => "MTP_FORBIDDEN_LABEL",
            Statement::ThrowStatement(_) | Statement::TryStatement(_) => "MTP_FORBIDDEN_TRY",
            Statement::WithStatement(_) => "MTP_FORBIDDEN_WITH",
            Statement::ClassDeclaration(_) => "MTP_FORBIDDEN_CLASS",
            // Every module declaration (oxc splits `export const` and `export … from` into
            // their own variants; `as_module_declaration` names them all).
            s if s.as_module_declaration().is_some() => "MTP_FORBIDDEN_IMPORT",
            _ => "MTP_FORBIDDEN_SYNTAX",
        };
        self.violate(code, start, "statement outside the MTPScript grammar");
        None
    }

    /// The body of an `if` branch: a statement in its own block scope when it declares.
    fn sub_stmt(&mut self, s: &Statement<'_>) -> Option<Stmt> {
        if matches!(
            s,
            Statement::VariableDeclaration(_) | Statement::FunctionDeclaration(_)
        ) {
            self.violate(
                "MTP_SYNTAX",
                s.span().start,
                "a declaration is not allowed here",
            );
            return None;
        }
        self.stmt(s)
    }

    fn var_decl(&mut self, v: &ast::VariableDeclaration<'_>) -> Option<Stmt> {
        let keyword = match v.kind {
            ast::VariableDeclarationKind::Const => "const",
            ast::VariableDeclarationKind::Let => "let",
            _ => {
                self.violate(
                    "MTP_FORBIDDEN_SYNTAX",
                    v.span.start,
                    "only `const` and `let` declare",
                );
                return None;
            }
        };
        let mut out = Vec::new();
        let mut ok = true;
        for d in &v.declarations {
            let BindingPattern::BindingIdentifier(id) = &d.id else {
                self.violate(
                    "MTP_FORBIDDEN_SYNTAX",
                    d.id.span().start,
                    "destructuring is not allowed",
                );
                ok = false;
                continue;
            };
            let init = match &d.init {
                None if keyword == "const" => {
                    self.violate("MTP_SYNTAX", d.span.start, "`const` needs an initializer");
                    ok = false;
                    continue;
                }
                None => None,
                Some(Expression::ArrowFunctionExpression(a)) if keyword == "const" => {
                    self.depth += 1;
                    let f = self.arrow(a, Some(id.name.as_str().to_owned()));
                    self.depth -= 1;
                    match f {
                        Some(f) => Some(Init::NamedArrow(f)),
                        None => {
                            ok = false;
                            continue;
                        }
                    }
                }
                Some(e) => match self.expr(e) {
                    Some(e) => Some(Init::Expr(e)),
                    None => {
                        ok = false;
                        continue;
                    }
                },
            };
            out.push(Declarator {
                keyword,
                name: id.name.as_str().to_owned(),
                init,
            });
        }
        ok.then_some(Stmt::Decl(out))
    }

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
    fn function(&mut self, f: &ast::Function<'_>) -> Option<Func> {
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

    fn arrow(
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

    fn exprs<'b>(
        &mut self,
        args: impl Iterator<Item = Option<&'b Expression<'b>>>,
        start: u32,
    ) -> Option<Vec<Expr>> {
        let mut out = Vec::new();
        let mut ok = true;
        for a in args {
            match a {
                Some(e) => match self.expr(e) {
                    Some(e) => out.push(e),
                    None => ok = false,
                },
                None => {
                    self.violate(
                        "MTP_FORBIDDEN_SYNTAX",
                        start,
                        "spread and holes are not allowed",
                    );
                    ok = false;
                }
            }
        }
        ok.then_some(out)
    }

    fn args(&mut self, args: &[Argument<'_>]) -> Option<Vec<Expr>> {
        let mut out = Vec::new();
        let mut ok = true;
        for a in args {
            match a {
                Argument::SpreadElement(s) => {
                    self.violate(
                        "MTP_FORBIDDEN_SYNTAX",
                        s.span.start,
                        "spread is not allowed",
                    );
                    ok = false;
                }
                other => match other.as_expression().and_then(|e| self.expr(e)) {
                    Some(e) => out.push(e),
                    None => ok = false,
                },
            }
        }
        ok.then_some(out)
    }

    pub(crate) fn expr(&mut self, e: &Expression<'_>) -> Option<Expr> {
        if self.depth >= MAX_TREE_DEPTH {
            self.violate(
                "MTP_SYNTAX",
                e.span().start,
                "expressions nested deeper than 1024",
            );
            return None;
        }
        self.depth += 1;
        let out = self.expr_inner(e);
        self.depth -= 1;
        out
    }

    fn ident_ref(&mut self, name: &str, start: u32) -> Option<Expr> {
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

    /// `ns.member` where `ns` is a namespace global.
    fn namespace_member(&mut self, ns: &str, member: &str, start: u32) -> Option<Expr> {
        if let Some(b) = builtin(ns, member) {
            return Some(Expr::Builtin(b));
        }
        let code = match (ns, member) {
            ("Math", "random") => "MTP_FORBIDDEN_NONDETERMINISM",
            ("Object", _) => "MTP_FORBIDDEN_REFLECTION",
            _ => "MTP_UNKNOWN_NAME",
        };
        self.violate(
            code,
            start,
            format!("`{ns}.{member}` is not an allowed builtin"),
        );
        None
    }

    /// The namespace an expression names, if it is a bare namespace identifier.
    fn as_namespace<'b>(&self, e: &'b Expression<'_>) -> Option<&'b str> {
        match e {
            Expression::Identifier(id)
                if NAMESPACES.contains(&id.name.as_str()) || id.name.as_str() == "String" =>
            {
                let name = id.name.as_str();
                self.lookup(name).is_none().then_some(name)
            }
            _ => None,
        }
    }

    fn member_key(&mut self, m: &ast::MemberExpression<'_>) -> Option<Expr> {
        match m {
            ast::MemberExpression::StaticMemberExpression(s) => {
                let name = s.property.name.as_str();
                if forbidden_member(name) {
                    self.violate(
                        "MTP_FORBIDDEN_REFLECTION",
                        s.span.start,
                        format!("`.{name}` is forbidden"),
                    );
                    return None;
                }
                Some(Expr::Raw(json_string(name)))
            }
            ast::MemberExpression::ComputedMemberExpression(c) => {
                if let Expression::StringLiteral(lit) = &c.expression
                    && forbidden_member(lit.value.as_str())
                {
                    self.violate(
                        "MTP_FORBIDDEN_REFLECTION",
                        c.span.start,
                        "forbidden member name",
                    );
                    return None;
                }
                self.expr(&c.expression)
            }
            ast::MemberExpression::PrivateFieldExpression(p) => {
                self.violate(
                    "MTP_FORBIDDEN_SYNTAX",
                    p.span.start,
                    "private fields are not allowed",
                );
                None
            }
        }
    }

    /// A member expression outside callee and assignment-target positions: a property read.
    fn member(&mut self, m: &ast::MemberExpression<'_>) -> Option<Expr> {
        let start = m.span().start;
        if m.optional() {
            self.violate(
                "MTP_FORBIDDEN_SYNTAX",
                start,
                "optional chaining is not allowed",
            );
            return None;
        }
        if let Some(ns) = self.as_namespace(m.object()) {
            return match m {
                ast::MemberExpression::StaticMemberExpression(s) => {
                    self.namespace_member(ns, s.property.name.as_str(), start)
                }
                _ => {
                    let code = if ns == "Object" {
                        "MTP_FORBIDDEN_REFLECTION"
                    } else {
                        "MTP_UNKNOWN_NAME"
                    };
                    self.violate(
                        code,
                        start,
                        "namespaces are only read by static member names",
                    );
                    None
                }
            };
        }
        let object = self.expr(m.object());
        let key = self.member_key(m);
        Some(Expr::Get(Box::new(object?), Box::new(key?)))
    }

    fn expr_inner(&mut self, e: &Expression<'_>) -> Option<Expr> {
        let start = e.span().start;
        match e {
            Expression::BooleanLiteral(b) => {
                Some(Expr::Raw(if b.value { "true" } else { "false" }.into()))
            }
            Expression::NullLiteral(_) => Some(Expr::Raw("null".into())),
            Expression::NumericLiteral(n) => {
                let raw = n
                    .raw
                    .as_ref()
                    .map(|r| r.as_str().to_owned())
                    .unwrap_or_else(|| n.value.to_string());
                let bytes = raw.as_bytes();
                if bytes.len() > 1 && bytes[0] == b'0' && bytes[1].is_ascii_digit() {
                    self.violate(
                        "MTP_FORBIDDEN_SYNTAX",
                        start,
                        "legacy octal literals are not allowed",
                    );
                    return None;
                }
                if n.value > 9_007_199_254_740_991.0 {
                    self.violate(
                        "MTP_FORBIDDEN_NUMBER_LITERAL",
                        start,
                        "numeric literal above 2^53 - 1",
                    );
                    return None;
                }
                Some(Expr::Raw(raw))
            }
            Expression::BigIntLiteral(_) => {
                self.violate(
                    "MTP_FORBIDDEN_NUMBER_LITERAL",
                    start,
                    "BigInt literals are not allowed",
                );
                None
            }
            Expression::StringLiteral(s)
                if s.raw
                    .as_ref()
                    .is_some_and(|r| has_legacy_escape(r.as_str())) =>
            {
                self.violate(
                    "MTP_FORBIDDEN_SYNTAX",
                    start,
                    "legacy octal escapes are not allowed",
                );
                None
            }
            Expression::StringLiteral(s) => Some(Expr::Raw(
                s.raw
                    .as_ref()
                    .map(|r| r.as_str().to_owned())
                    .unwrap_or_else(|| json_string(s.value.as_str())),
            )),
            Expression::Identifier(id) => {
                let name = id.name.as_str();
                if NAMESPACES.contains(&name) && self.lookup(name).is_none() {
                    self.violate(
                        "MTP_UNKNOWN_NAME",
                        start,
                        format!("`{name}` is only used as `{name}.member`"),
                    );
                    return None;
                }
                self.ident_ref(name, start)
            }
            Expression::ArrayExpression(a) => {
                let items = self.exprs(
                    a.elements.iter().map(|el| match el {
                        ArrayExpressionElement::SpreadElement(_)
                        | ArrayExpressionElement::Elision(_) => None,
                        other => other.as_expression(),
                    }),
                    start,
                )?;
                Some(Expr::Array(items))
            }
            Expression::ObjectExpression(o) => {
                let mut props = Vec::new();
                let mut ok = true;
                for p in &o.properties {
                    let ObjectPropertyKind::ObjectProperty(p) = p else {
                        self.violate(
                            "MTP_FORBIDDEN_SYNTAX",
                            p.span().start,
                            "spread is not allowed",
                        );
                        ok = false;
                        continue;
                    };
                    if !matches!(p.kind, PropertyKind::Init) || p.method || p.computed {
                        self.violate(
                            "MTP_FORBIDDEN_REFLECTION",
                            p.span.start,
                            "getters, setters, methods and computed keys are not allowed",
                        );
                        ok = false;
                        continue;
                    }
                    let key = match &p.key {
                        PropertyKey::StaticIdentifier(id) => id.name.as_str().to_owned(),
                        PropertyKey::StringLiteral(s) => s.value.as_str().to_owned(),
                        PropertyKey::NumericLiteral(n) if n.value <= 9_007_199_254_740_991.0 => {
                            canon::json::format_number(n.value).unwrap_or_default()
                        }
                        _ => {
                            self.violate(
                                "MTP_FORBIDDEN_SYNTAX",
                                p.key.span().start,
                                "unsupported property key",
                            );
                            ok = false;
                            continue;
                        }
                    };
                    if forbidden_member(&key) {
                        self.violate(
                            "MTP_FORBIDDEN_REFLECTION",
                            p.span.start,
                            format!("key `{key}` is forbidden"),
                        );
                        ok = false;
                        continue;
                    }
                    match self.expr(&p.value) {
                        Some(v) => props.push((json_string(&key), v)),
                        None => ok = false,
                    }
                }
                ok.then_some(Expr::Object(props))
            }
            Expression::ArrowFunctionExpression(a) => {
                self.arrow(a, None).map(|f| Expr::Arrow(Box::new(f)))
            }
            Expression::ParenthesizedExpression(p) => {
                self.expr(&p.expression).map(|e| Expr::Paren(Box::new(e)))
            }
            Expression::UnaryExpression(u) => {
                let op = u.operator.as_str();
                match op {
                    "-" | "+" | "!" | "~" | "typeof" => {
                        let a = self.expr(&u.argument)?;
                        Some(Expr::Unary(op, Box::new(a)))
                    }
                    "delete" => {
                        self.violate("MTP_FORBIDDEN_REFLECTION", start, "`delete` is not allowed");
                        None
                    }
                    _ => {
                        self.violate(
                            "MTP_FORBIDDEN_SYNTAX",
                            start,
                            format!("`{op}` is not allowed"),
                        );
                        None
                    }
                }
            }
            Expression::BinaryExpression(b) => {
                let op = b.operator.as_str();
                match op {
                    "==" | "!=" => {
                        self.violate("MTP_FORBIDDEN_SYNTAX", start, "use `===`/`!==`");
                        None
                    }
                    "in" | "instanceof" => {
                        self.violate(
                            "MTP_FORBIDDEN_REFLECTION",
                            start,
                            format!("`{op}` is not allowed"),
                        );
                        None
                    }
                    _ => {
                        let l = self.expr(&b.left);
                        let r = self.expr(&b.right);
                        Some(Expr::Binary(op, Box::new(l?), Box::new(r?)))
                    }
                }
            }
            Expression::LogicalExpression(l) => {
                let op = l.operator.as_str();
                let a = self.expr(&l.left);
                let b = self.expr(&l.right);
                Some(Expr::Logical(op, Box::new(a?), Box::new(b?)))
            }
            Expression::ConditionalExpression(c) => {
                let t = self.expr(&c.test);
                let a = self.expr(&c.consequent);
                let b = self.expr(&c.alternate);
                Some(Expr::Cond(Box::new(t?), Box::new(a?), Box::new(b?)))
            }
            Expression::CallExpression(c) => self.call(c),
            Expression::AssignmentExpression(a) => self.assign(a),
            Expression::UpdateExpression(u) => {
                let SimpleAssignmentTarget::AssignmentTargetIdentifier(id) = &u.argument else {
                    self.violate(
                        "MTP_FORBIDDEN_MUTATION",
                        start,
                        "only local variables are updated",
                    );
                    return None;
                };
                self.check_local_assign(id.name.as_str(), start)?;
                let delta = if u.operator.as_str() == "++" { 1 } else { -1 };
                Some(Expr::Update(id.name.as_str().to_owned(), delta, u.prefix))
            }
            Expression::StaticMemberExpression(_)
            | Expression::ComputedMemberExpression(_)
            | Expression::PrivateFieldExpression(_) => {
                let m = e.as_member_expression()?;
                self.member(m)
            }
            Expression::NewExpression(n) => {
                let code = match &n.callee {
                    Expression::Identifier(id) => forbidden_name(id.name.as_str()),
                    _ => None,
                };
                self.violate(
                    code.unwrap_or("MTP_FORBIDDEN_NEW"),
                    start,
                    "`new` is not allowed",
                );
                None
            }
            Expression::ThisExpression(_) | Expression::Super(_) | Expression::NewTarget(_) => {
                self.violate(
                    "MTP_FORBIDDEN_THIS",
                    start,
                    "`this`, `super` and `new.target` are not allowed",
                );
                None
            }
            Expression::ImportExpression(_) | Expression::ImportMeta(_) => {
                self.violate("MTP_FORBIDDEN_IMPORT", start, "imports are not allowed");
                None
            }
            Expression::ClassExpression(_) => {
                self.violate("MTP_FORBIDDEN_CLASS", start, "classes are not allowed");
                None
            }
            Expression::FunctionExpression(f) => {
                let code = if f.generator {
                    "MTP_FORBIDDEN_GENERATOR"
                } else if f.r#async {
                    "MTP_FORBIDDEN_ASYNC"
                } else {
                    "MTP_FORBIDDEN_SYNTAX"
                };
                self.violate(
                    code,
                    start,
                    "function expressions are not allowed (use arrows)",
                );
                None
            }
            Expression::AwaitExpression(_) => {
                self.violate("MTP_FORBIDDEN_ASYNC", start, "`await` is not allowed");
                None
            }
            Expression::YieldExpression(_) => {
                self.violate("MTP_FORBIDDEN_GENERATOR", start, "`yield` is not allowed");
                None
            }
            _ => {
                self.violate(
                    "MTP_FORBIDDEN_SYNTAX",
                    start,
                    "expression outside the MTPScript grammar",
                );
                None
            }
        }
    }

    fn call(&mut self, c: &ast::CallExpression<'_>) -> Option<Expr> {
        let start = c.span.start;
        if c.optional {
            self.violate(
                "MTP_FORBIDDEN_SYNTAX",
                start,
                "optional calls are not allowed",
            );
            return None;
        }
        if let Some(m) = c.callee.as_member_expression() {
            if self.as_namespace(m.object()).is_some() {
                self.depth += 1;
                let callee = self.member(m);
                self.depth -= 1;
                let args = self.args(&c.arguments);
                return Some(Expr::Call(Box::new(callee?), args?));
            }
            if m.optional() {
                self.violate(
                    "MTP_FORBIDDEN_SYNTAX",
                    start,
                    "optional chaining is not allowed",
                );
                return None;
            }
            self.depth += 1;
            let object = self.expr(m.object());
            let key = self.member_key(m);
            self.depth -= 1;
            let args = self.args(&c.arguments);
            return Some(Expr::MethodCall(Box::new(object?), Box::new(key?), args?));
        }
        let callee = self.expr(&c.callee);
        let args = self.args(&c.arguments);
        Some(Expr::Call(Box::new(callee?), args?))
    }

    /// MTP-010 mutation row: `name` must be a `let` or parameter of the current function.
    fn check_local_assign(&mut self, name: &str, start: u32) -> Option<()> {
        if let Some(code) = forbidden_name(name) {
            self.violate(code, start, format!("`{name}` is forbidden"));
            return None;
        }
        match self.lookup(name) {
            Some(b)
                if b.func == self.current_func() && matches!(b.kind, Kind::Let | Kind::Param) =>
            {
                Some(())
            }
            _ => {
                self.violate(
                    "MTP_FORBIDDEN_MUTATION",
                    start,
                    format!("`{name}` is not a `let` or parameter of this function"),
                );
                None
            }
        }
    }

    fn assign(&mut self, a: &ast::AssignmentExpression<'_>) -> Option<Expr> {
        let start = a.span.start;
        let op = a.operator.as_str();
        let binop: Option<&'static str> = match op {
            "=" => None,
            "+=" => Some("+"),
            "-=" => Some("-"),
            "*=" => Some("*"),
            "/=" => Some("/"),
            "%=" => Some("%"),
            "**=" => Some("**"),
            "&=" => Some("&"),
            "|=" => Some("|"),
            "^=" => Some("^"),
            "<<=" => Some("<<"),
            ">>=" => Some(">>"),
            ">>>=" => Some(">>>"),
            _ => {
                self.violate(
                    "MTP_FORBIDDEN_SYNTAX",
                    start,
                    format!("`{op}` is not allowed"),
                );
                return None;
            }
        };
        match &a.left {
            AssignmentTarget::AssignmentTargetIdentifier(id) => {
                self.check_local_assign(id.name.as_str(), start)?;
                let v = self.expr(&a.right)?;
                Some(Expr::Assign(
                    id.name.as_str().to_owned(),
                    binop,
                    Box::new(v),
                ))
            }
            AssignmentTarget::StaticMemberExpression(_)
            | AssignmentTarget::ComputedMemberExpression(_) => {
                let m = a.left.as_member_expression()?;
                let local = match m.object() {
                    Expression::Identifier(id) => match self.lookup(id.name.as_str()) {
                        Some(b)
                            if b.func == self.current_func()
                                && matches!(b.kind, Kind::Let | Kind::Const) =>
                        {
                            Some(id.name.as_str().to_owned())
                        }
                        _ => None,
                    },
                    _ => None,
                };
                let (Some(local), None) = (local, binop) else {
                    self.violate(
                        "MTP_FORBIDDEN_MUTATION",
                        start,
                        "only members of this function's `let`/`const` objects are written, with `=`",
                    );
                    return None;
                };
                if m.optional() {
                    self.violate(
                        "MTP_FORBIDDEN_SYNTAX",
                        start,
                        "optional chaining is not allowed",
                    );
                    return None;
                }
                self.depth += 1;
                let key = self.member_key(m);
                self.depth -= 1;
                let v = self.expr(&a.right);
                Some(Expr::SetMember(local, Box::new(key?), Box::new(v?)))
            }
            _ => {
                self.violate(
                    "MTP_FORBIDDEN_SYNTAX",
                    start,
                    "destructuring assignment is not allowed",
                );
                None
            }
        }
    }
}

/// A JSON (and so JavaScript) string literal for `s`.
pub(crate) fn json_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Whether a string literal's source uses a legacy octal escape (`\1`, `\01`, `\8`), which
/// strict mode forbids.
fn has_legacy_escape(raw: &str) -> bool {
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            continue;
        }
        match chars.next() {
            Some('0') if chars.peek().is_some_and(char::is_ascii_digit) => return true,
            Some('0') => {}
            Some(d) if d.is_ascii_digit() => return true,
            _ => {}
        }
    }
    false
}
