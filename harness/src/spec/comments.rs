//! The comments of a source file, so that citations are found only where they are meant as
//! citations: text in string literals (test fixtures, messages) never cites anything.
//!
//! - Rust: line comments (`//`, `///`, `//!`) and block comments (nested `/* */`), skipping
//!   string, raw string and character literals.
//! - Python: `#` comments, and docstrings (a triple-quoted string that stands alone as a
//!   statement: only whitespace and string prefixes before it on its first line, only
//!   whitespace or a comment after it on its last).

/// One line of comment text, without the comment markers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CommentLine {
    /// The 1-based line.
    pub(crate) line: usize,
    /// The text.
    pub(crate) text: String,
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The comment lines of Rust source.
pub(crate) fn rust(src: &str) -> Vec<CommentLine> {
    let chars: Vec<char> = src.chars().collect();
    let n = chars.len();
    let at = |i: usize| chars.get(i).copied();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    while i < n {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            '/' if at(i + 1) == Some('/') => {
                let mut j = i + 2;
                while j < n && chars[j] != '\n' {
                    j += 1;
                }
                let text: String = chars[i + 2..j].iter().collect();
                let text = text
                    .strip_prefix(['/', '!'])
                    .map(str::to_owned)
                    .unwrap_or(text);
                out.push(CommentLine { line, text });
                i = j;
            }
            '/' if at(i + 1) == Some('*') => {
                i += 2;
                let mut depth = 1;
                let mut text = String::new();
                while i < n && depth > 0 {
                    match (chars[i], at(i + 1)) {
                        ('/', Some('*')) => {
                            depth += 1;
                            text.push_str("/*");
                            i += 2;
                        }
                        ('*', Some('/')) => {
                            depth -= 1;
                            if depth > 0 {
                                text.push_str("*/");
                            }
                            i += 2;
                        }
                        ('\n', _) => {
                            out.push(block_line(line, &text));
                            text.clear();
                            line += 1;
                            i += 1;
                        }
                        (ch, _) => {
                            text.push(ch);
                            i += 1;
                        }
                    }
                }
                out.push(block_line(line, &text));
            }
            '"' => i = skip_quoted(&chars, i + 1, &mut line),
            'r' if raw_string_may_start(&chars, i) => {
                let mut j = i + 1;
                while at(j) == Some('#') {
                    j += 1;
                }
                if at(j) == Some('"') {
                    i = skip_raw(&chars, j + 1, j - i - 1, &mut line);
                } else {
                    i += 1;
                }
            }
            '\'' => {
                if at(i + 1) == Some('\\') {
                    let mut j = i + 3;
                    while j < n && chars[j] != '\'' && chars[j] != '\n' {
                        j += 1;
                    }
                    i = j + 1;
                } else if at(i + 2) == Some('\'') && at(i + 1) != Some('\n') {
                    i += 3;
                } else {
                    i += 1;
                }
            }
            _ => i += 1,
        }
    }
    out
}

fn block_line(line: usize, text: &str) -> CommentLine {
    let trimmed = text.trim_start();
    let text = trimmed
        .strip_prefix(['*', '!'])
        .unwrap_or(trimmed)
        .to_owned();
    CommentLine { line, text }
}

/// Whether the `r` at `i` can open a raw string (`r"`, `r#"`, `br"`): it does not continue an
/// identifier, except as the `r` after a lone `b`.
fn raw_string_may_start(chars: &[char], i: usize) -> bool {
    let before = |k: usize| i.checked_sub(k).and_then(|j| chars.get(j)).copied();
    match before(1) {
        None => true,
        Some('b') => !before(2).is_some_and(is_ident),
        Some(c) => !is_ident(c),
    }
}

/// Skips a `"…"` body from `i` (after the opening quote); returns the index after the close.
fn skip_quoted(chars: &[char], mut i: usize, line: &mut usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => {
                if chars.get(i + 1) == Some(&'\n') {
                    *line += 1;
                }
                i += 2;
            }
            '"' => return i + 1,
            '\n' => {
                *line += 1;
                i += 1;
            }
            _ => i += 1,
        }
    }
    i
}

/// Skips a raw string body closed by `"` and `hashes` `#`s.
fn skip_raw(chars: &[char], mut i: usize, hashes: usize, line: &mut usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '"' if (1..=hashes).all(|k| chars.get(i + k) == Some(&'#')) => return i + 1 + hashes,
            '\n' => *line += 1,
            _ => {}
        }
        i += 1;
    }
    i
}

/// The comment and docstring lines of Python source.
pub(crate) fn python(src: &str) -> Vec<CommentLine> {
    let chars: Vec<char> = src.chars().collect();
    let n = chars.len();
    let mut out = Vec::new();
    let mut line = 1;
    let mut line_start = 0;
    let mut i = 0;
    while i < n {
        match chars[i] {
            '\n' => {
                line += 1;
                i += 1;
                line_start = i;
            }
            '#' => {
                let mut j = i + 1;
                while j < n && chars[j] != '\n' {
                    j += 1;
                }
                out.push(CommentLine {
                    line,
                    text: chars[i + 1..j].iter().collect(),
                });
                i = j;
            }
            q @ ('"' | '\'') => {
                let triple = chars.get(i + 1) == Some(&q) && chars.get(i + 2) == Some(&q);
                if !triple {
                    i += 1;
                    while i < n && chars[i] != q && chars[i] != '\n' {
                        if chars[i] == '\\' && chars.get(i + 1) == Some(&'\n') {
                            line += 1;
                            line_start = i + 2;
                        }
                        i += if chars[i] == '\\' { 2 } else { 1 };
                    }
                    if i < n && chars[i] == q {
                        i += 1;
                    }
                    continue;
                }
                let opens_statement = chars[line_start..i]
                    .iter()
                    .all(|c| c.is_whitespace() || "rRbBuUfF".contains(*c));
                let first_line = line;
                let body_start = i + 3;
                let mut j = body_start;
                let mut body_end = n;
                while j < n {
                    if chars[j] == '\\' {
                        if chars.get(j + 1) == Some(&'\n') {
                            line += 1;
                        }
                        j += 2;
                        continue;
                    }
                    if chars[j] == q && chars.get(j + 1) == Some(&q) && chars.get(j + 2) == Some(&q)
                    {
                        body_end = j;
                        j += 3;
                        break;
                    }
                    if chars[j] == '\n' {
                        line += 1;
                    }
                    j += 1;
                }
                let mut k = j.min(n);
                while k < n && chars[k] != '\n' && chars[k].is_whitespace() {
                    k += 1;
                }
                let closes_statement = k >= n || chars[k] == '\n' || chars[k] == '#';
                if opens_statement && closes_statement {
                    let body: String = chars[body_start..body_end.min(n)].iter().collect();
                    out.extend(body.split('\n').enumerate().map(|(d, text)| CommentLine {
                        line: first_line + d,
                        text: text.to_owned(),
                    }));
                }
                i = j.min(n);
            }
            _ => i += 1,
        }
    }
    out
}
