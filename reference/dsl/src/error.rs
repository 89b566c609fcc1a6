//! The crate's one error type and its mapping to the spec's error codes.

/// Every way an operation of this crate can fail.
///
/// [`Error::code`] gives the spec's error code (`spec/dsl.md` §8); `Display` adds the detail.
/// A compile fault is never returned alone: [`crate::compile`] wraps each in a
/// [`crate::Diagnostic`] that adds its position. Tokens quoted in a variant are shortened to
/// at most 40 characters, so a message stays readable whatever the source holds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// DSL-001: a source above 1 MiB.
    #[error("source of {len} bytes exceeds the limit of {limit} bytes")]
    SourceTooLarge {
        /// Length of the source in bytes.
        len: usize,
        /// The limit (1 MiB).
        limit: usize,
    },
    /// DSL-002: a source that is not well-formed UTF-8.
    #[error("source is not well-formed UTF-8 at byte {offset}")]
    SourceNotUtf8 {
        /// Offset of the first byte of the first ill-formed sequence.
        offset: usize,
    },
    /// DSL-005: a character other than blank or printable ASCII outside a comment.
    #[error("character {ch:?} (U+{:04X}) is not allowed outside a comment", u32::from(*.ch))]
    InvalidCharacter {
        /// The character.
        ch: char,
    },
    /// DSL-010: the first token of a statement is not a keyword.
    #[error("unknown statement {token:?}: expected input, const, secret, add, sub, mul or output")]
    UnknownStatement {
        /// The token found.
        token: String,
    },
    /// DSL-012: no wire name after the keyword.
    #[error("`{keyword}` needs a wire name")]
    MissingName {
        /// The statement's keyword.
        keyword: &'static str,
    },
    /// DSL-013: a name or operand that is not `[A-Za-z_][A-Za-z0-9_]*`.
    #[error("{token:?} is not a wire name: {ch:?} is not allowed {place}")]
    IdentifierInvalid {
        /// The token found.
        token: String,
        /// The first character that breaks the name syntax.
        ch: char,
        /// Where the character is not allowed ("first" or "in a name").
        place: &'static str,
    },
    /// DSL-014: a name or operand longer than 64 characters.
    #[error("wire name of {len} characters exceeds the limit of {limit}")]
    IdentifierTooLong {
        /// Length of the name.
        len: usize,
        /// The limit (64).
        limit: usize,
    },
    /// DSL-015: a keyword used as a name or operand.
    #[error("`{word}` is a keyword and cannot name a wire")]
    ReservedWord {
        /// The keyword.
        word: &'static str,
    },
    /// DSL-016: no `=` after the name of `const` or an operation.
    #[error("expected `=` after the wire name{}", found_text(.found))]
    ExpectedEquals {
        /// The token found instead, if any.
        found: Option<String>,
    },
    /// DSL-017: no integer after `const w =`.
    #[error("`const` needs an integer value after `=`")]
    MissingValue,
    /// DSL-017: a `const` value that is not `-?[0-9]+`.
    #[error("{token:?} is not an integer (expected -?[0-9]+)")]
    IntegerInvalid {
        /// The token found.
        token: String,
    },
    /// DSL-017: a `const` value of more than 200 digits.
    #[error("integer of {digits} digits exceeds the limit of {limit}")]
    IntegerTooLong {
        /// Number of digits (the sign excluded).
        digits: usize,
        /// The limit (200).
        limit: usize,
    },
    /// DSL-019: an operation or `output` with an operand missing.
    #[error("`{keyword}` needs {needed} operand wire name(s)")]
    MissingOperand {
        /// The statement's keyword.
        keyword: &'static str,
        /// How many operands the statement takes.
        needed: usize,
    },
    /// DSL-019: an integer where a wire name is expected.
    #[error("operands are wire names, not literals: define {token:?} with `const` first")]
    LiteralOperand {
        /// The token found.
        token: String,
    },
    /// DSL-020: a token after the end of a statement.
    #[error("unexpected {token:?} after the end of the `{keyword}` statement")]
    UnexpectedToken {
        /// The token found.
        token: String,
        /// The statement's keyword.
        keyword: &'static str,
    },
    /// DSL-025: more than 10,000 statement lines.
    #[error("more than {limit} statements; the rest of the source is not checked")]
    TooManyStatements {
        /// The limit (10,000).
        limit: usize,
    },
    /// DSL-026: an operand that no well-formed statement defines.
    #[error("wire `{name}` is not defined")]
    UndefinedWire {
        /// The operand.
        name: String,
    },
    /// DSL-026: an operand defined only later in the source, or by its own statement.
    #[error("wire `{name}` is used before its definition on line {defined_at}")]
    UseBeforeDefinition {
        /// The operand.
        name: String,
        /// The line of its (first) definition.
        defined_at: usize,
    },
    /// DSL-027: a second definition of a wire.
    #[error("wire `{name}` is already defined on line {first}")]
    RedefinedWire {
        /// The wire.
        name: String,
        /// The line of the first definition.
        first: usize,
    },
    /// DSL-028: a second `secret` statement.
    #[error("a program has at most one secret; the first is on line {first}")]
    MultipleSecrets {
        /// The line of the first `secret` statement.
        first: usize,
    },
    /// DSL-029: a second `output` statement.
    #[error("a program has exactly one output; the first is on line {first}")]
    MultipleOutputs {
        /// The line of the first `output` statement.
        first: usize,
    },
    /// DSL-030: no `output` statement.
    #[error("the program has no `output` statement")]
    NoOutput,
    /// DSL-050: a JSON value that is not a valid IR.
    #[error("invalid IR: {detail}")]
    IrInvalid {
        /// Which check failed, and where.
        detail: String,
    },
    /// DSL-060: evaluation inputs that do not match the IR's input and secret wires.
    #[error("evaluation inputs do not match the program: {detail}")]
    EvalInputsInvalid {
        /// What was missing or extra.
        detail: String,
    },
}

impl Error {
    /// The spec error code (`spec/dsl.md` §8, `spec/errors.md`) for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::SourceTooLarge { .. } | Self::SourceNotUtf8 { .. } => "DSL_SOURCE_INVALID",
            Self::InvalidCharacter { .. } => "DSL_INVALID_CHARACTER",
            Self::UnknownStatement { .. } => "DSL_UNKNOWN_STATEMENT",
            Self::MissingName { .. } => "DSL_MISSING_NAME",
            Self::IdentifierInvalid { .. } => "DSL_IDENTIFIER_INVALID",
            Self::IdentifierTooLong { .. } => "DSL_IDENTIFIER_TOO_LONG",
            Self::ReservedWord { .. } => "DSL_RESERVED_WORD",
            Self::ExpectedEquals { .. } => "DSL_EXPECTED_EQUALS",
            Self::MissingValue => "DSL_MISSING_VALUE",
            Self::IntegerInvalid { .. } => "DSL_INTEGER_INVALID",
            Self::IntegerTooLong { .. } => "DSL_INTEGER_TOO_LONG",
            Self::MissingOperand { .. } => "DSL_MISSING_OPERAND",
            Self::LiteralOperand { .. } => "DSL_LITERAL_OPERAND",
            Self::UnexpectedToken { .. } => "DSL_UNEXPECTED_TOKEN",
            Self::TooManyStatements { .. } => "DSL_TOO_MANY_STATEMENTS",
            Self::UndefinedWire { .. } => "DSL_UNDEFINED_WIRE",
            Self::UseBeforeDefinition { .. } => "DSL_USE_BEFORE_DEFINITION",
            Self::RedefinedWire { .. } => "DSL_REDEFINED_WIRE",
            Self::MultipleSecrets { .. } => "DSL_MULTIPLE_SECRETS",
            Self::MultipleOutputs { .. } => "DSL_MULTIPLE_OUTPUTS",
            Self::NoOutput => "DSL_NO_OUTPUT",
            Self::IrInvalid { .. } => "DSL_IR_INVALID",
            Self::EvalInputsInvalid { .. } => "DSL_EVAL_INPUTS_INVALID",
        }
    }

    pub(crate) fn ir(detail: impl Into<String>) -> Self {
        Self::IrInvalid {
            detail: detail.into(),
        }
    }

    pub(crate) fn eval_inputs(detail: impl Into<String>) -> Self {
        Self::EvalInputsInvalid {
            detail: detail.into(),
        }
    }
}

/// `token` shortened to at most 40 characters (with `…` when cut), for messages.
pub(crate) fn shown(token: &str) -> String {
    const MAX: usize = 40;
    match token.char_indices().nth(MAX) {
        None => token.to_owned(),
        Some((cut, _)) => format!("{}…", token.get(..cut).unwrap_or(token)),
    }
}

fn found_text(found: &Option<String>) -> String {
    found.as_ref().map_or_else(
        || ", found the end of the line".to_owned(),
        |t| format!(", found {t:?}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_tokens_are_shortened_in_messages() {
        let long = "a".repeat(100);
        let e = Error::UnknownStatement {
            token: shown(&long),
        };
        assert!(e.to_string().contains(&format!("{}…", "a".repeat(40))));
        assert_eq!(shown("abc"), "abc");
        assert_eq!(shown(&"é".repeat(41)), format!("{}…", "é".repeat(40)));
        assert_eq!(e.code(), "DSL_UNKNOWN_STATEMENT");
    }
}
