//! Statements: the statement grammar of MTP-002 (blocks, `if`/`else`, `return` inside a
//! function, `const`/`let` declarations of plain identifiers, function declarations, expression
//! and empty statements); every other statement is rejected with its MTP-010 row.
//!
//! Enforces MTP-002 (the statement grammar) and MTP-010 (the loop, label, `try`/`throw`,
//! `with`, `class`, `import`/`export` and syntax rows for statements).

use oxc_ast::ast::{self, BindingPattern, Expression, Statement};
use oxc_span::GetSpan;

use super::{Lower, MAX_TREE_DEPTH};
use crate::compile::ir::{Declarator, Init, Stmt};

impl Lower {
    pub(super) fn stmt(&mut self, s: &Statement<'_>) -> Option<Stmt> {
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
}
