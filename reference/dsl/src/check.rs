//! The program rules over the well-formed statements, and the IR they build (spec/dsl.md §4).

use std::collections::HashMap;

use crate::lex::{self, LineKind, Token};
use crate::parse::{Statement, parse_statement};
use crate::{Diagnostic, Error, Ir, MAX_STATEMENTS, Node, NodeKind};

/// A well-formed statement and where it is.
struct Located<'a> {
    line: usize,
    keyword: Token<'a>,
    statement: Statement<'a>,
}

/// Compiles a source already known to be within the size limit and valid UTF-8.
///
/// Enforces DSL-021 (one diagnostic per faulty line, checking goes on), DSL-025 (statement
/// limit), DSL-030 (no output) and DSL-031 (diagnostics ordered by line then column).
pub(crate) fn compile_checked(source: &str) -> Result<Ir, Vec<Diagnostic>> {
    let mut diagnostics = Vec::new();
    let mut statements = Vec::new();
    // Wires named by faulty lines, with the first such line: later uses of them are not
    // reported, since they follow from the earlier fault (DSL-031 allows omitting them).
    let mut faulty_names: HashMap<&str, usize> = HashMap::new();
    let mut count = 0;
    let mut truncated = false;
    for line in lex::lines(source) {
        let Some(first) = line.first_col() else {
            continue;
        };
        count += 1;
        if count > MAX_STATEMENTS {
            let error = Error::TooManyStatements {
                limit: MAX_STATEMENTS,
            };
            diagnostics.push(Diagnostic::new(line.number, first, &error));
            truncated = true;
            break;
        }
        match line.kind {
            LineKind::Invalid { at, ch, .. } => {
                let error = Error::InvalidCharacter { ch };
                diagnostics.push(Diagnostic::new(line.number, at, &error));
            }
            LineKind::Tokens(tokens) => match parse_statement(line.number, &tokens) {
                Ok((keyword, statement)) => statements.push(Located {
                    line: line.number,
                    keyword,
                    statement,
                }),
                Err(fault) => {
                    diagnostics.push(fault.diagnostic);
                    if let Some(name) = fault.would_define {
                        faulty_names.entry(name).or_insert(line.number);
                    }
                }
            },
            LineKind::Blank => {}
        }
    }

    let output = rules(&statements, &faulty_names, &mut diagnostics);
    let output = match output {
        Some(output) if diagnostics.is_empty() => output,
        Some(_) => return Err(sorted(diagnostics)),
        None => {
            if diagnostics.is_empty() && !truncated {
                let (line, col) = lex::end_of_source(source);
                diagnostics.push(Diagnostic::new(line, col, &Error::NoOutput));
            }
            return Err(sorted(diagnostics));
        }
    };
    let (output, indices) = output;
    let index = |t: &Token<'_>| indices.get(t.text).copied().unwrap_or(0);
    let nodes = statements
        .iter()
        .filter_map(|s| {
            let (name, kind) = match &s.statement {
                Statement::Input { name } => (name, NodeKind::Input),
                Statement::Secret { name } => (name, NodeKind::Secret),
                Statement::Const { name, value } => (name, NodeKind::Const(*value)),
                Statement::Op { op, name, lhs, rhs } => {
                    let (op, lhs, rhs) = (*op, index(lhs), index(rhs));
                    (name, NodeKind::Op { op, lhs, rhs })
                }
                Statement::Output { .. } => return None,
            };
            Some(Node {
                id: name.text.to_owned(),
                kind,
            })
        })
        .collect::<Vec<_>>();
    Ok(Ir::from_checked(nodes, output))
}

/// Applies DSL-026..029 to the well-formed statements in source order. When there is an output,
/// returns the index of its node and a map from wire names to node indices (meaningful only when
/// no diagnostic was found: then every wire is defined once, before its uses, and defining
/// statements are numbered in source order).
///
/// Enforces DSL-026 (definitions before uses), DSL-027 (no redefinition), DSL-028 (one
/// secret) and DSL-029 (one output).
fn rules<'a>(
    statements: &[Located<'a>],
    faulty_names: &HashMap<&str, usize>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(usize, HashMap<&'a str, usize>)> {
    // Every wire a well-formed statement defines, with the line of its first definition.
    let mut all_definitions: HashMap<&str, usize> = HashMap::new();
    for s in statements {
        if let Some(name) = s.statement.defines() {
            all_definitions.entry(name.text).or_insert(s.line);
        }
    }
    // Wires defined so far: the line of the definition and the node index.
    let mut defined: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut first_secret = None;
    let mut first_output: Option<(usize, &str)> = None;
    for s in statements {
        let at = |token: Token<'_>, error: Error| Diagnostic::new(s.line, token.col, &error);
        for used in s.statement.uses() {
            if defined.contains_key(used.text)
                || faulty_names.get(used.text).is_some_and(|&l| l < s.line)
            {
                continue;
            }
            let name = used.text.to_owned();
            diagnostics.push(match all_definitions.get(used.text) {
                Some(&defined_at) => at(used, Error::UseBeforeDefinition { name, defined_at }),
                None => at(used, Error::UndefinedWire { name }),
            });
        }
        match (&s.statement, first_secret, first_output) {
            (Statement::Secret { .. }, Some(first), _) => {
                diagnostics.push(at(s.keyword, Error::MultipleSecrets { first }));
            }
            (Statement::Secret { .. }, None, _) => first_secret = Some(s.line),
            (Statement::Output { .. }, _, Some((first, _))) => {
                diagnostics.push(at(s.keyword, Error::MultipleOutputs { first }));
            }
            (Statement::Output { wire }, _, None) => first_output = Some((s.line, wire.text)),
            _ => {}
        }
        if let Some(name) = s.statement.defines() {
            match defined.get(name.text) {
                Some(&(first, _)) => diagnostics.push(at(
                    name,
                    Error::RedefinedWire {
                        name: name.text.to_owned(),
                        first,
                    },
                )),
                None => {
                    let index = defined.len();
                    defined.insert(name.text, (s.line, index));
                }
            }
        }
    }
    let indices: HashMap<&str, usize> = defined.into_iter().map(|(k, (_, i))| (k, i)).collect();
    let (_, wire) = first_output?;
    let output = indices.get(wire).copied().unwrap_or(0);
    Some((output, indices))
}

/// Orders diagnostics by line, then column (DSL-031). The sort is stable, so a diagnostic found
/// earlier stays first at an equal position (which the spec rules out anyway).
fn sorted(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    diagnostics.sort_by_key(|d| (d.line, d.col));
    diagnostics
}
