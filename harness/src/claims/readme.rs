//! Claim markers in README.md: a code span `` `claim:<id>` `` outside fenced code blocks.
//!
//! A code span is a run of N backticks closed by the next run of exactly N backticks on the same
//! line. A span whose content (trimmed) starts with `claim:` is a marker; its id must be a valid
//! claim id ([`super::file::valid_claim_id`]), otherwise the marker is a `HARNESS_PARSE` error
//! (so a typo never silently drops a claim).

use crate::claims::file::valid_claim_id;
use crate::error::Error;

/// The README file name, at the repository root.
pub const README: &str = "README.md";

/// Every marker as `(id, line)`, in document order (an id may repeat), and an error for each
/// span that starts with `claim:` but is not a valid marker.
pub fn claim_markers(text: &str) -> (Vec<(String, usize)>, Vec<Error>) {
    let mut markers = Vec::new();
    let mut errors = Vec::new();
    for line in crate::markdown::lines(text) {
        let crate::markdown::Line::Text(n, line) = line else {
            continue;
        };
        for span in code_spans(line) {
            let Some(id) = span.trim().strip_prefix("claim:") else {
                continue;
            };
            if valid_claim_id(id) {
                markers.push((id.to_owned(), n));
            } else {
                errors.push(Error::parse(
                    README,
                    Some(n),
                    format!("`{}` is not a claim marker (`claim:<id>`, id of ASCII letters, digits, `.`, `_`, `-`, `/`)", span.trim()),
                ));
            }
        }
    }
    (markers, errors)
}

/// The contents of the code spans of one line.
fn code_spans(line: &str) -> Vec<&str> {
    let bytes = line.as_bytes();
    let run_at = |i: usize| bytes[i..].iter().take_while(|&&b| b == b'`').count();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let open = run_at(i);
        let start = i + open;
        let mut j = start;
        let mut closed = None;
        while j < bytes.len() {
            if bytes[j] == b'`' {
                let run = run_at(j);
                if run == open {
                    closed = Some(j);
                    break;
                }
                j += run;
            } else {
                j += 1;
            }
        }
        match closed {
            Some(end) => {
                spans.push(&line[start..end]);
                i = end + open;
            }
            None => i = start,
        }
    }
    spans
}
