//! A compile fault with its position (DSL-003).

use std::fmt;

use crate::Error;

/// One compile fault: its spec error code, its position and a human message.
///
/// Displayed as `line:col: CODE: message`. Enforces DSL-003: `line` and `col` are 1-based and
/// `col` counts characters (Unicode scalar values), not bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// The spec error code (`spec/dsl.md` §8).
    pub code: &'static str,
    /// 1-based line number; lines are separated by LF.
    pub line: usize,
    /// 1-based column, in characters.
    pub col: usize,
    /// What was wrong (informative; never compared).
    pub message: String,
}

impl Diagnostic {
    /// The diagnostic for `error` at `line:col`.
    pub fn new(line: usize, col: usize, error: &Error) -> Self {
        Self {
            code: error.code(),
            line,
            col,
            message: error.to_string(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}: {}",
            self.line, self.col, self.code, self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_line_col_code_message() {
        let d = Diagnostic::new(3, 7, &Error::NoOutput);
        assert_eq!(
            d.to_string(),
            "3:7: DSL_NO_OUTPUT: the program has no `output` statement"
        );
    }
}
