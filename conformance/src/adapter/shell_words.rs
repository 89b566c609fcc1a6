//! A small POSIX-shell-like word splitter for `--adapter "python3 my adapter.py"`.
//!
//! Supports whitespace separation, `'single quotes'` (literal), `"double quotes"` (with `\"`,
//! `\\`, `\$` and `` \` `` escapes) and a backslash escaping the next character outside quotes.
//! No expansion of any kind: the command runs without a shell, so the adapter is the child
//! process itself and killing it kills the adapter.

/// Splits a command line into words; `Err` names the fault (unterminated quote, empty line).
pub fn split(line: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => word.push(c),
                        None => return Err("unterminated single quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\' | '$' | '`')) => word.push(c),
                            Some('\n') => {}
                            Some(c) => {
                                word.push('\\');
                                word.push(c);
                            }
                            None => return Err("unterminated double quote".into()),
                        },
                        Some(c) => word.push(c),
                        None => return Err("unterminated double quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some('\n') => {}
                    Some(c) => word.push(c),
                    None => return Err("trailing backslash".into()),
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    if words.is_empty() {
        return Err("empty command line".into());
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::split;

    fn check(line: &str, expect: &[&str]) {
        assert_eq!(split(line).unwrap(), expect, "{line:?}");
    }

    #[test]
    fn words() {
        check("python3 adapter.py", &["python3", "adapter.py"]);
        check("  a   b\tc ", &["a", "b", "c"]);
        check("a 'b c' \"d e\"", &["a", "b c", "d e"]);
        check(r#"a "x\"y\\z" 'p\q'"#, &["a", r#"x"y\z"#, r"p\q"]);
        check(r"a\ b c", &["a b", "c"]);
        check("a''b \"\"", &["ab", ""]);
    }

    #[test]
    fn faults() {
        assert!(split("").is_err());
        assert!(split("   ").is_err());
        assert!(split("a 'b").is_err());
        assert!(split("a \"b").is_err());
        assert!(split("a \\").is_err());
    }
}
