//! The canonical serializer (CANON-001..005, 017).

use std::cmp::Ordering;
use std::fmt::Write as _;

use super::{Value, format_number};
use crate::{Error, MAX_DEPTH};

/// Enforces CANON-001: the RFC 8785 form of `value`.
pub(super) fn to_canonical(value: &Value) -> Result<String, Error> {
    let mut out = String::new();
    write_value(&mut out, value, 0)?;
    Ok(out)
}

/// Writes `value`, which sits inside `depth` containers.
///
/// Enforces CANON-005 (arrays keep their order; literals as written) and, for values built in
/// memory, CANON-013 (checked before recursing, so recursion is bounded by 128).
fn write_value(out: &mut String, value: &Value, depth: usize) -> Result<(), Error> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(x) => out.push_str(&format_number(*x)?),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            enter(depth)?;
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(out, item, depth + 1)?;
            }
            out.push(']');
        }
        Value::Object(members) => {
            enter(depth)?;
            let mut sorted: Vec<&(String, Value)> = members.iter().collect();
            sorted.sort_by(|a, b| cmp_utf16(&a.0, &b.0));
            if let Some(pair) = sorted.windows(2).find(|w| w[0].0 == w[1].0) {
                return Err(Error::JsonDuplicateKey {
                    name: pair[0].0.clone(),
                    at: None,
                });
            }
            out.push('{');
            for (i, (name, member)) in sorted.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, name);
                out.push(':');
                write_value(out, member, depth + 1)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

/// Enforces CANON-013 for values built in memory.
fn enter(depth: usize) -> Result<(), Error> {
    if depth >= MAX_DEPTH {
        return Err(Error::JsonTooDeep {
            at: None,
            limit: MAX_DEPTH,
        });
    }
    Ok(())
}

/// Enforces CANON-002: names compare as sequences of UTF-16 code units, unsigned, a proper
/// prefix first (not by UTF-8 bytes or code points, which differ above U+FFFF).
pub(super) fn cmp_utf16(a: &str, b: &str) -> Ordering {
    a.encode_utf16().cmp(b.encode_utf16())
}

/// Enforces CANON-003: `"` and `\` escaped, the five short escapes, other controls as
/// `\u00xx` (lowercase), everything else (U+007F and all non-ASCII included) literal.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_order_differs_from_code_point_order() {
        // U+1F600 is D83D DE00 in UTF-16, below E000, though above it as a code point.
        assert_eq!(cmp_utf16("\u{1f600}", "\u{e000}"), Ordering::Less);
        assert_eq!("\u{1f600}".cmp("\u{e000}"), Ordering::Greater);
        assert_eq!(cmp_utf16("a", "ab"), Ordering::Less);
        assert_eq!(cmp_utf16("", "a"), Ordering::Less);
    }

    #[test]
    fn string_escapes() {
        let check = |input: &str, expect: &str| {
            let mut out = String::new();
            write_string(&mut out, input);
            assert_eq!(out, expect);
        };
        check("a\"b\\c", r#""a\"b\\c""#);
        check("\u{8}\t\n\u{c}\r", r#""\b\t\n\f\r""#);
        check("\u{0}\u{1f}\u{b}", r#""\u0000\u001f\u000b""#);
        check("\u{7f}\u{2028}/é😀", "\"\u{7f}\u{2028}/é😀\"");
    }
}
