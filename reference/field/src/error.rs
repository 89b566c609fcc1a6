//! The crate's one error type and its mapping to the spec's error codes.

/// Every way an operation of this crate can fail.
///
/// [`Error::code`] gives the spec's error code (`spec/field.md`); `Display` adds the detail.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// FIELD-003: a value that is not one of the accepted input forms of an element.
    #[error("not a field element: {reason}")]
    ElementInvalid {
        /// What was wrong.
        reason: &'static str,
    },
    /// FIELD-011: the inverse of zero.
    #[error("zero has no multiplicative inverse")]
    DivisionByZero,
}

impl Error {
    /// The spec error code (`spec/field.md`, `spec/errors.md`) for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ElementInvalid { .. } => "FIELD_ELEMENT_INVALID",
            Self::DivisionByZero => "FIELD_DIVISION_BY_ZERO",
        }
    }

    pub(crate) fn invalid(reason: &'static str) -> Self {
        Self::ElementInvalid { reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_the_spec_codes() {
        assert_eq!(Error::invalid("x").code(), "FIELD_ELEMENT_INVALID");
        assert_eq!(Error::DivisionByZero.code(), "FIELD_DIVISION_BY_ZERO");
        assert_eq!(
            Error::invalid("empty").to_string(),
            "not a field element: empty"
        );
    }
}
