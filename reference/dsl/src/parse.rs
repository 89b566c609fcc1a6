//! One statement line: its keyword and slots, checked left to right (spec/dsl.md §3).

use field::Fp;

use crate::error::shown;
use crate::lex::Token;
use crate::name::{Keyword, check_name, is_integer_form, parse_integer};
use crate::{BinOp, Diagnostic, Error};

/// A well-formed statement, with the tokens its checks and diagnostics refer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Statement<'a> {
    /// `input w`.
    Input { name: Token<'a> },
    /// `secret w`.
    Secret { name: Token<'a> },
    /// `const w = n`, with n reduced.
    Const { name: Token<'a>, value: Fp },
    /// `add|sub|mul w = a b`.
    Op {
        op: BinOp,
        name: Token<'a>,
        lhs: Token<'a>,
        rhs: Token<'a>,
    },
    /// `output a`.
    Output { wire: Token<'a> },
}

impl<'a> Statement<'a> {
    /// The wire the statement defines (`None` for `output`).
    pub(crate) fn defines(&self) -> Option<Token<'a>> {
        match self {
            Self::Input { name }
            | Self::Secret { name }
            | Self::Const { name, .. }
            | Self::Op { name, .. } => Some(*name),
            Self::Output { .. } => None,
        }
    }

    /// The wires the statement uses, in source order.
    pub(crate) fn uses(&self) -> Vec<Token<'a>> {
        match self {
            Self::Op { lhs, rhs, .. } => vec![*lhs, *rhs],
            Self::Output { wire } => vec![*wire],
            _ => Vec::new(),
        }
    }
}

/// A statement line that failed DSL-010..020: its one diagnostic, and the wire it would have
/// defined when its name slot was fine (used only to quiet follow-on diagnostics, DSL-031).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fault<'a> {
    pub(crate) diagnostic: Diagnostic,
    pub(crate) would_define: Option<&'a str>,
}

/// Parses the tokens of statement line `line` (at least one token).
///
/// Enforces DSL-010 (keyword), DSL-011 (slots left to right, first failure only, positions),
/// DSL-012 (name), DSL-016 (`=`), DSL-017 (integer), DSL-019 (operands) and DSL-020 (nothing
/// after the last slot).
pub(crate) fn parse_statement<'a>(
    line: usize,
    tokens: &[Token<'a>],
) -> Result<(Token<'a>, Statement<'a>), Fault<'a>> {
    let end = tokens.last().map_or(1, Token::end);
    let mut cursor = Cursor {
        rest: tokens.iter(),
        line,
        end,
    };
    let fault = |diagnostic| Fault {
        diagnostic,
        would_define: None,
    };
    let Some(&keyword_token) = cursor.rest.next() else {
        let error = Error::UnknownStatement {
            token: String::new(),
        };
        return Err(fault(cursor.at(end, &error)));
    };
    let Some(keyword) = Keyword::parse(keyword_token.text) else {
        let error = Error::UnknownStatement {
            token: shown(keyword_token.text),
        };
        return Err(fault(cursor.at(keyword_token.col, &error)));
    };
    let name = match keyword {
        Keyword::Output => None,
        _ => Some(cursor.name(keyword).map_err(fault)?),
    };
    let poisoned = |diagnostic| Fault {
        diagnostic,
        would_define: name.map(|n| n.text),
    };
    let statement = match (keyword, name) {
        (Keyword::Input, Some(name)) => Statement::Input { name },
        (Keyword::Secret, Some(name)) => Statement::Secret { name },
        (Keyword::Const, Some(name)) => {
            cursor.equals().map_err(poisoned)?;
            let value = cursor.integer().map_err(poisoned)?;
            Statement::Const { name, value }
        }
        (Keyword::Add | Keyword::Sub | Keyword::Mul, Some(name)) => {
            cursor.equals().map_err(poisoned)?;
            let lhs = cursor.operand(keyword, 2).map_err(poisoned)?;
            let rhs = cursor.operand(keyword, 2).map_err(poisoned)?;
            let op = match keyword {
                Keyword::Add => BinOp::Add,
                Keyword::Sub => BinOp::Sub,
                _ => BinOp::Mul,
            };
            Statement::Op { op, name, lhs, rhs }
        }
        _ => Statement::Output {
            wire: cursor.operand(keyword, 1).map_err(poisoned)?,
        },
    };
    cursor.finish(keyword).map_err(poisoned)?;
    Ok((keyword_token, statement))
}

/// The tokens of one line not yet consumed.
struct Cursor<'t, 'a> {
    rest: std::slice::Iter<'t, Token<'a>>,
    line: usize,
    /// The end of the statement: the column after the last token (DSL-011).
    end: usize,
}

impl<'a> Cursor<'_, 'a> {
    fn at(&self, col: usize, error: &Error) -> Diagnostic {
        Diagnostic::new(self.line, col, error)
    }

    /// The next token of a name, operand or integer slot; `Err(col)` when the slot is missing
    /// (no token left, or a `=` token in its place) with the column to report.
    fn slot(&mut self) -> Result<Token<'a>, usize> {
        match self.rest.next() {
            None => Err(self.end),
            Some(t) if t.text == "=" => Err(t.col),
            Some(t) => Ok(*t),
        }
    }

    fn name(&mut self, keyword: Keyword) -> Result<Token<'a>, Diagnostic> {
        let missing = Error::MissingName {
            keyword: keyword.as_str(),
        };
        let token = self.slot().map_err(|col| self.at(col, &missing))?;
        self.checked_name(token)
    }

    fn checked_name(&self, token: Token<'a>) -> Result<Token<'a>, Diagnostic> {
        check_name(token.text)
            .map(|()| token)
            .map_err(|(error, offset)| self.at(token.col + offset, &error))
    }

    fn equals(&mut self) -> Result<(), Diagnostic> {
        match self.rest.next() {
            Some(t) if t.text == "=" => Ok(()),
            Some(t) => Err(self.at(
                t.col,
                &Error::ExpectedEquals {
                    found: Some(shown(t.text)),
                },
            )),
            None => Err(self.at(self.end, &Error::ExpectedEquals { found: None })),
        }
    }

    fn integer(&mut self) -> Result<Fp, Diagnostic> {
        let token = self
            .slot()
            .map_err(|col| self.at(col, &Error::MissingValue))?;
        parse_integer(token.text).map_err(|error| self.at(token.col, &error))
    }

    fn operand(&mut self, keyword: Keyword, needed: usize) -> Result<Token<'a>, Diagnostic> {
        let missing = Error::MissingOperand {
            keyword: keyword.as_str(),
            needed,
        };
        let token = self.slot().map_err(|col| self.at(col, &missing))?;
        if is_integer_form(token.text) {
            let error = Error::LiteralOperand {
                token: shown(token.text),
            };
            return Err(self.at(token.col, &error));
        }
        self.checked_name(token)
    }

    fn finish(&mut self, keyword: Keyword) -> Result<(), Diagnostic> {
        match self.rest.next() {
            None => Ok(()),
            Some(t) => Err(self.at(
                t.col,
                &Error::UnexpectedToken {
                    token: shown(t.text),
                    keyword: keyword.as_str(),
                },
            )),
        }
    }
}
