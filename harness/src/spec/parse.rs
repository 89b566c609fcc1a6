//! Requirement definitions in a spec markdown file.
//!
//! A definition is a paragraph whose first line starts, at column 0, with `**<AREA>-<NNN>**`.
//! Paragraphs end at a blank line, a heading, a fenced code block, or the next line that starts
//! with a bold ID (so two definitions without a blank line between them are still two).
//! Fenced code blocks define nothing.
//!
//! Inside the paragraph, the annotations `*No vector:* <reason>` and
//! ``*Tested by:* `a`, `b` and `c` `` end the normative text: everything from the first
//! annotation on is annotation text, and only the text before it (without code spans) decides
//! the [`Level`].

use crate::error::{Error, Site};
use crate::spec::{Level, ReqId, Requirement};

const NO_VECTOR: &str = "*No vector:*";
const TESTED_BY: &str = "*Tested by:*";

/// Every definition in `text`; `path` (relative to the repository root) names the file.
/// Returns the definitions that parsed and an error for each one that did not.
pub fn parse_spec(path: &str, text: &str) -> (Vec<Requirement>, Vec<Error>) {
    let mut requirements = Vec::new();
    let mut errors = Vec::new();
    for (line, paragraph) in paragraphs(text) {
        let Some(token) = bold_id_token(&paragraph) else {
            continue;
        };
        match parse_definition(token, &paragraph, path, line) {
            Ok(req) => requirements.push(req),
            Err(message) => errors.push(Error::parse(path, Some(line), message)),
        }
    }
    (requirements, errors)
}

/// Paragraphs as `(first line number, text)`, lines joined with `\n`.
fn paragraphs(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for line in crate::markdown::lines(text) {
        let (n, line) = match line {
            crate::markdown::Line::FenceOpens => {
                out.extend(current.take());
                continue;
            }
            crate::markdown::Line::Text(n, line) => (n, line),
        };
        let trimmed = line.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            out.extend(current.take());
            continue;
        }
        if bold_id_token(line).is_some() {
            out.extend(current.take());
        }
        match &mut current {
            Some((_, text)) => {
                text.push('\n');
                text.push_str(line);
            }
            None => current = Some((n, line.to_owned())),
        }
    }
    out.extend(current);
    out
}

/// The token of a line that starts with `**X-N**` where X is uppercase ASCII letters and N
/// digits: the shape of an ID, well-formed or not (a malformed one is reported, not skipped).
fn bold_id_token(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("**")?;
    let end = rest.find("**")?;
    let token = &rest[..end];
    let (prefix, digits) = token.split_once('-')?;
    let shaped = !prefix.is_empty()
        && prefix.bytes().all(|b| b.is_ascii_uppercase())
        && !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit());
    shaped.then_some(token)
}

fn parse_definition(
    token: &str,
    paragraph: &str,
    path: &str,
    line: usize,
) -> Result<Requirement, String> {
    let id: ReqId = token.parse()?;
    let body = &paragraph[token.len() + 4..];
    let no_vector_at = find_once(body, NO_VECTOR)?;
    let tested_by_at = find_once(body, TESTED_BY)?;
    let normative_end = [no_vector_at, tested_by_at]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or(body.len());
    let section = |start: usize, marker: &str, other: Option<usize>| {
        let from = start + marker.len();
        let to = other.filter(|&o| o > start).unwrap_or(body.len());
        body[from..to].trim()
    };

    let no_vector = match no_vector_at {
        Some(at) => {
            let reason = section(at, NO_VECTOR, tested_by_at);
            if reason.is_empty() {
                return Err(format!("{id}: `{NO_VECTOR}` needs a reason"));
            }
            Some(reason.split_whitespace().collect::<Vec<_>>().join(" "))
        }
        None => None,
    };
    let tested_by = match tested_by_at {
        Some(at) => parse_test_list(section(at, TESTED_BY, no_vector_at))
            .map_err(|m| format!("{id}: `{TESTED_BY}` {m}"))?,
        None => Vec::new(),
    };
    Ok(Requirement {
        id,
        level: level_of(&body[..normative_end]),
        at: Site {
            path: path.to_owned(),
            line,
        },
        no_vector,
        tested_by,
    })
}

fn find_once(body: &str, marker: &str) -> Result<Option<usize>, String> {
    let first = body.find(marker);
    if let Some(at) = first
        && body[at + marker.len()..].contains(marker)
    {
        return Err(format!("`{marker}` appears twice"));
    }
    Ok(first)
}

/// `` `a`, `b` and `c` `` (an optional final `.`) into its names.
fn parse_test_list(text: &str) -> Result<Vec<String>, String> {
    let mut names = Vec::new();
    let mut rest = text.trim();
    while let Some(after) = rest.strip_prefix('`') {
        let end = after
            .find('`')
            .ok_or_else(|| "has an unclosed backtick".to_owned())?;
        let name = after[..end].trim();
        if name.is_empty() {
            return Err("names an empty test".to_owned());
        }
        names.push(name.to_owned());
        rest = after[end + 1..].trim_start();
        if let Some(r) = rest.strip_prefix(',') {
            rest = r.trim_start();
        }
        if let Some(r) = rest.strip_prefix("and")
            && r.starts_with(char::is_whitespace)
        {
            rest = r.trim_start();
        }
    }
    if names.is_empty() {
        return Err("needs at least one `test_name` in backticks".to_owned());
    }
    let rest = rest.strip_prefix('.').unwrap_or(rest).trim();
    if !rest.is_empty() {
        return Err(format!("has text after its list of test names: {:?}", rest));
    }
    Ok(names)
}

/// The level of normative text: its strongest RFC 2119 word, outside code spans.
pub fn level_of(text: &str) -> Level {
    let prose = without_code_spans(text);
    let words: Vec<&str> = prose
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let has = |set: &[&str]| words.iter().any(|w| set.contains(w));
    if has(&["MUST", "SHALL", "REQUIRED"]) {
        Level::Must
    } else if has(&["SHOULD", "RECOMMENDED"]) {
        Level::Should
    } else if has(&["MAY", "OPTIONAL"]) {
        Level::May
    } else {
        Level::Informative
    }
}

fn without_code_spans(text: &str) -> String {
    text.split('`').step_by(2).collect::<Vec<_>>().join(" ")
}
