//! Where requirement IDs are cited: vector cases and `Enforces` source comments.
//!
//! # Vector files
//!
//! `{"suite": "canon/json", "cases": [{"id": "x", "reqs": ["CANON-002"], …}, …], …}`. The full
//! case id is `<suite>/<id>`; without a `suite` member the suite is the path under `vectors/`
//! without `.json`. Every case needs a string `id` and an array of strings `reqs`.
//!
//! # Source comments
//!
//! In the comments of a file (never in string literals), the word `Enforces` (or `enforces`) followed
//! by a list of IDs:
//!
//! ```text
//! /// Enforces AREA-NNN.
//! /// Enforces AREA-NNN and AREA-NNN.
//! /// Enforces AREA-NNN, AREA-NNN, and AREA-NNN.
//! /// Enforces AREA-NNN (a remark), AREA-NNN (another) and
//! /// AREA-NNN (the list goes on across comment lines).
//! ```
//!
//! (`AREA-NNN` stands for a real ID such as `CANON-012`; written out here, this comment would
//! cite it.)
//!
//! Items are separated by `,`, `and` or `, and`; each may be followed by a parenthesised remark;
//! the list may continue on the next comment line. The list ends at anything else (`:`, `.`,
//! a word). Any token shaped `<LETTERS>-<DIGITS>` in the list is a citation, so a malformed or
//! mistyped ID is reported as unknown rather than ignored.

use serde_json::Value;

use crate::error::{Citation, Error, Site};
use crate::spec::comments::{self, CommentLine};

/// One citation of a requirement ID (as written; it may not be a well-formed ID).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cited {
    /// The ID as written.
    pub id: String,
    /// Where.
    pub at: Citation,
}

/// The citations in a vector file; `path` is relative to the repository root.
pub fn vector_citations(path: &str, text: &str) -> Result<Vec<Cited>, Error> {
    let bad = |message: String| Error::parse(path, None, message);
    let value: Value = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
    let suite = match value.get("suite") {
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(bad("`suite` is not a string".to_owned())),
        None => path
            .strip_prefix("vectors/")
            .unwrap_or(path)
            .trim_end_matches(".json")
            .to_owned(),
    };
    let cases = value
        .get("cases")
        .and_then(Value::as_array)
        .ok_or_else(|| bad("no `cases` array".to_owned()))?;
    let mut out = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        let id = case
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| bad(format!("case #{n} has no string `id`")))?;
        let reqs = case
            .get("reqs")
            .and_then(Value::as_array)
            .ok_or_else(|| bad(format!("case {id} has no `reqs` array")))?;
        for req in reqs {
            let req = req
                .as_str()
                .ok_or_else(|| bad(format!("case {id}: `reqs` holds a non-string")))?;
            out.push(Cited {
                id: req.to_owned(),
                at: Citation::Vector {
                    file: path.to_owned(),
                    case: format!("{suite}/{id}"),
                },
            });
        }
    }
    Ok(out)
}

/// The `Enforces` citations in a source file; the language comes from the extension of `path`
/// (`.rs` or `.py`; anything else cites nothing).
pub fn code_citations(path: &str, text: &str) -> Vec<Cited> {
    let lines = if path.ends_with(".rs") {
        comments::rust(text)
    } else if path.ends_with(".py") {
        comments::python(text)
    } else {
        return Vec::new();
    };
    enforces(&lines)
        .into_iter()
        .map(|(id, line)| Cited {
            id,
            at: Citation::Code(Site {
                path: path.to_owned(),
                line,
            }),
        })
        .collect()
}

/// `(id, line)` for every ID in an `Enforces` list in runs of consecutive comment lines.
fn enforces(lines: &[CommentLine]) -> Vec<(String, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    while start < lines.len() {
        let mut end = start + 1;
        while end < lines.len() && lines[end].line == lines[end - 1].line + 1 {
            end += 1;
        }
        out.extend(scan_block(&lines[start..end]));
        start = end;
    }
    out
}

/// A run of consecutive comment lines joined with `\n`, with the line of each byte.
struct Block {
    text: Vec<u8>,
    starts: Vec<(usize, usize)>,
}

impl Block {
    fn new(lines: &[CommentLine]) -> Block {
        let mut text = Vec::new();
        let mut starts = Vec::new();
        for l in lines {
            starts.push((text.len(), l.line));
            text.extend_from_slice(l.text.as_bytes());
            text.push(b'\n');
        }
        Block { text, starts }
    }

    fn line_of(&self, offset: usize) -> usize {
        let i = self.starts.partition_point(|&(o, _)| o <= offset);
        self.starts
            .get(i.saturating_sub(1))
            .map_or(0, |&(_, line)| line)
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.text.get(i).copied()
    }

    fn skip_ws(&self, mut i: usize) -> usize {
        while self.at(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        i
    }

    fn word_at(&self, i: usize, word: &[u8]) -> bool {
        self.text.get(i..i + word.len()) == Some(word)
            && !self.at(i + word.len()).is_some_and(is_word_byte)
    }

    /// An ID-shaped token at `i`: its end.
    fn id_at(&self, i: usize) -> Option<usize> {
        let mut j = i;
        while self.at(j).is_some_and(|b| b.is_ascii_uppercase()) {
            j += 1;
        }
        if j == i || self.at(j) != Some(b'-') {
            return None;
        }
        let digits = j + 1;
        let mut k = digits;
        while self.at(k).is_some_and(|b| b.is_ascii_digit()) {
            k += 1;
        }
        (k > digits && !self.at(k).is_some_and(is_word_byte)).then_some(k)
    }

    /// Skips a balanced `( … )` at `i`; `None` when it is not closed.
    fn skip_parens(&self, mut i: usize) -> Option<usize> {
        let mut depth = 0usize;
        loop {
            match self.at(i)? {
                b'(' => depth += 1,
                b')' => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(i + 1);
                    }
                }
                _ => {}
            }
            i += 1;
        }
    }
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b >= 0x80
}

fn scan_block(lines: &[CommentLine]) -> Vec<(String, usize)> {
    let block = Block::new(lines);
    let mut out = Vec::new();
    let mut i = 0;
    while i < block.text.len() {
        let keyword = block.word_at(i, b"Enforces") || block.word_at(i, b"enforces");
        let boundary = i == 0 || !block.at(i - 1).is_some_and(is_word_byte);
        if !(keyword && boundary) {
            i += 1;
            continue;
        }
        i += "Enforces".len();
        loop {
            let start = block.skip_ws(i);
            let Some(end) = block.id_at(start) else {
                break;
            };
            let id = String::from_utf8_lossy(&block.text[start..end]).into_owned();
            out.push((id, block.line_of(start)));
            i = end;
            let mut j = block.skip_ws(i);
            if block.at(j) == Some(b'(') {
                match block.skip_parens(j) {
                    Some(after) => j = block.skip_ws(after),
                    None => break,
                }
            }
            let mut separated = false;
            if block.at(j) == Some(b',') {
                j = block.skip_ws(j + 1);
                separated = true;
            }
            if block.word_at(j, b"and") {
                j += 3;
                separated = true;
            }
            if !separated {
                break;
            }
            i = j;
        }
    }
    out
}
