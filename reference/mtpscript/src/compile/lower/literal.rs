//! String literals: the JSON form written for member names and keys, and the strict-mode check
//! for legacy octal escapes.
//!
//! Enforces MTP-010 (a legacy octal escape is `MTP_FORBIDDEN_SYNTAX`).

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
pub(super) fn has_legacy_escape(raw: &str) -> bool {
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
