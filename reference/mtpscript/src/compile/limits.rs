//! Nesting limits checked on the raw text before parsing (MTP-001), so that no parser, ours or
//! an independent one, recurses without bound on a hostile program.

/// The deepest bracket nesting (`(`, `[`, `{`) a program may have.
pub(crate) const MAX_BRACKET_DEPTH: usize = 256;
/// The most operator characters (`= ? : ! ~ + - * / % & | ^ < >`) and nesting keywords (`if`,
/// `else`, `new`, `typeof`, `void`, `delete`, `await`, `yield`) one *segment* may hold; a
/// segment is the text between two of `;`, `{`, `}`.
pub(crate) const MAX_SEGMENT_OPERATORS: usize = 1024;

const KEYWORDS: [&str; 8] = [
    "if", "else", "new", "typeof", "void", "delete", "await", "yield",
];

/// The byte offset of the first place the source exceeds a limit, with the reason. Strings,
/// template text and comments are skipped; template substitutions count as brackets.
pub(crate) fn check(source: &str) -> Option<(usize, &'static str)> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut segment = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' | b'\'' | b'`' => {
                i = skip_string(bytes, i);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                i += 2;
                while i + 1 < bytes.len() && !(bytes[i] == b'*' && bytes[i + 1] == b'/') {
                    i += 1;
                }
                i += 2;
                continue;
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > MAX_BRACKET_DEPTH {
                    return Some((i, "brackets nested deeper than 256"));
                }
                if b == b'{' {
                    segment = 0;
                }
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if b == b'}' {
                    segment = 0;
                }
            }
            b';' => segment = 0,
            b'=' | b'?' | b':' | b'!' | b'~' | b'+' | b'-' | b'*' | b'/' | b'%' | b'&' | b'|'
            | b'^' | b'<' | b'>' => segment += 1,
            b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'$' => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$')
                {
                    i += 1;
                }
                if KEYWORDS.contains(&&source[start..i]) {
                    segment += 1;
                }
                if segment > MAX_SEGMENT_OPERATORS {
                    return Some((start, "more than 1024 operators in one statement"));
                }
                continue;
            }
            _ => {}
        }
        if segment > MAX_SEGMENT_OPERATORS {
            return Some((i, "more than 1024 operators in one statement"));
        }
        i += 1;
    }
    None
}

/// The index just past the string or template literal that starts at `start`.
fn skip_string(bytes: &[u8], start: usize) -> usize {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b if b == quote => return i + 1,
            b'\n' if quote != b'`' => return i + 1,
            _ => i += 1,
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::check;

    #[test]
    fn nesting_limits() {
        assert_eq!(
            check(&format!("{}1{}", "(".repeat(256), ")".repeat(256))),
            None
        );
        assert!(check(&format!("{}1{}", "(".repeat(257), ")".repeat(257))).is_some());
        assert_eq!(
            check(&format!("\"{}\"; // {}", "(".repeat(999), "[".repeat(999))),
            None
        );
        assert!(check(&format!("x = {}1;", "!".repeat(1025))).is_some());
        assert_eq!(check(&"x = !1; ".repeat(1000)), None);
        assert!(check(&format!("if (a) {}1;", "if (a) ".repeat(1024))).is_some());
    }
}
