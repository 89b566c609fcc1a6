//! Lines, comments, characters and tokens (spec/dsl.md §1).

/// A token: a maximal run of characters other than space and tab in a line's code (DSL-006).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    /// The characters (printable ASCII only: DSL-005 has been checked).
    pub(crate) text: &'a str,
    /// 1-based column of its first character.
    pub(crate) col: usize,
}

impl Token<'_> {
    /// The column just after its last character.
    pub(crate) fn end(&self) -> usize {
        self.col + self.text.len()
    }
}

/// What one line holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LineKind<'a> {
    /// No token: empty, blanks only, or a comment only. Not a statement.
    Blank,
    /// A statement line whose code holds a character DSL-005 rejects.
    Invalid {
        /// Column of the first non-blank character of the code.
        first: usize,
        /// Column of the first rejected character.
        at: usize,
        /// That character.
        ch: char,
    },
    /// A statement line: its tokens, at least one.
    Tokens(Vec<Token<'a>>),
}

/// One line of the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Line<'a> {
    /// 1-based line number.
    pub(crate) number: usize,
    /// Its content.
    pub(crate) kind: LineKind<'a>,
}

impl Line<'_> {
    /// Column of the first character of the line's first token, for a statement line.
    pub(crate) fn first_col(&self) -> Option<usize> {
        match &self.kind {
            LineKind::Blank => None,
            LineKind::Invalid { first, .. } => Some(*first),
            LineKind::Tokens(tokens) => tokens.first().map(|t| t.col),
        }
    }
}

/// The lines of `source`, in order.
///
/// Enforces DSL-003 (lines end at LF; a CR before an LF belongs to the terminator), DSL-004 (a
/// comment runs from `#` to the end of the line and is dropped), DSL-005 (only blanks and
/// printable ASCII in code) and DSL-006 (tokens are runs of non-blank characters).
pub(crate) fn lines(source: &str) -> impl Iterator<Item = Line<'_>> {
    source.split_inclusive('\n').enumerate().map(|(i, raw)| {
        let text = match raw.strip_suffix('\n') {
            Some(text) => text.strip_suffix('\r').unwrap_or(text),
            None => raw,
        };
        Line {
            number: i + 1,
            kind: lex_line(text),
        }
    })
}

/// The position just after the last character of `source` (DSL-030): the line after the last
/// LF, and 1 plus the number of characters on it.
pub(crate) fn end_of_source(source: &str) -> (usize, usize) {
    let line = 1 + source.bytes().filter(|&b| b == b'\n').count();
    let last = source.rsplit('\n').next().unwrap_or(source);
    (line, 1 + last.chars().count())
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn lex_line(text: &str) -> LineKind<'_> {
    let code = text.split('#').next().unwrap_or(text);
    let Some(first) = code.chars().position(|c| !is_blank(c)) else {
        return LineKind::Blank;
    };
    if let Some((at, ch)) = code
        .chars()
        .enumerate()
        .find(|&(_, c)| !(is_blank(c) || c.is_ascii_graphic()))
    {
        return LineKind::Invalid {
            first: first + 1,
            at: at + 1,
            ch,
        };
    }
    // The code is ASCII from here on, so byte offsets are character offsets.
    let mut tokens = Vec::new();
    let mut start = None;
    for (i, c) in code
        .char_indices()
        .chain(std::iter::once((code.len(), ' ')))
    {
        match (start, is_blank(c)) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                tokens.push(Token {
                    text: code.get(s..i).unwrap_or_default(),
                    col: s + 1,
                });
                start = None;
            }
            _ => {}
        }
    }
    LineKind::Tokens(tokens)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(line: &str) -> Vec<(&str, usize)> {
        match lex_line(line) {
            LineKind::Tokens(t) => t.into_iter().map(|t| (t.text, t.col)).collect(),
            other => panic!("{line:?}: {other:?}"),
        }
    }

    #[test]
    fn tokens_are_runs_of_non_blanks() {
        assert_eq!(tokens("input x"), [("input", 1), ("x", 7)]);
        assert_eq!(
            tokens(" \tadd  t =x\t# c"),
            [("add", 3), ("t", 8), ("=x", 10)]
        );
        assert_eq!(tokens("output y#z"), [("output", 1), ("y", 8)]);
        assert_eq!(lex_line("  # comment \u{0} é"), LineKind::Blank);
        assert_eq!(lex_line(" \t "), LineKind::Blank);
        assert_eq!(
            lex_line(" x\u{e9}\u{1}"),
            LineKind::Invalid {
                first: 2,
                at: 3,
                ch: '\u{e9}'
            }
        );
    }

    #[test]
    fn lines_and_the_end_of_the_source() {
        let got: Vec<_> = lines("a\r\nb\rc\n\nd\r")
            .map(|l| (l.number, l.kind))
            .collect();
        assert_eq!(got.len(), 4);
        assert!(matches!(
            got[1].1,
            LineKind::Invalid {
                at: 2,
                ch: '\r',
                ..
            }
        ));
        assert!(matches!(
            got[3].1,
            LineKind::Invalid {
                at: 2,
                ch: '\r',
                ..
            }
        ));
        assert_eq!(end_of_source(""), (1, 1));
        assert_eq!(end_of_source("ab\n"), (2, 1));
        assert_eq!(end_of_source("ab\n# é"), (2, 4));
    }
}
