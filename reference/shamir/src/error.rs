//! The crate's one error type and its mapping to the spec's error codes.

/// Every way an operation of this crate can fail.
///
/// [`Error::code`] gives the spec's error code (`spec/shamir.md`); `Display` adds the detail.
/// Indices are 0-based positions in the list of shares as given.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// SHAMIR-001: not `1 <= k <= n <= 255`.
    #[error("invalid threshold k = {k}{}: need 1 <= k <= n <= 255", n.map_or_else(String::new, |n| format!(", n = {n}")))]
    ThresholdInvalid {
        /// The threshold given.
        k: usize,
        /// The number of shares given, when dealing (`None` when reconstructing).
        n: Option<usize>,
    },
    /// SHAMIR-002 / SHAMIR-006: a share whose x is not in `1..=255`.
    #[error("share {index} has x = {x}, outside 1..=255")]
    XInvalid {
        /// Position of the share.
        index: usize,
        /// Its x.
        x: u8,
    },
    /// SHAMIR-006: two shares with the same x.
    #[error("shares {first} and {second} both have x = {x}")]
    DuplicateX {
        /// The repeated x.
        x: u8,
        /// Position of its first occurrence.
        first: usize,
        /// Position of its second occurrence.
        second: usize,
    },
    /// SHAMIR-006: fewer shares than the threshold.
    #[error("{given} shares given, the threshold is {k}")]
    TooFewShares {
        /// The threshold.
        k: usize,
        /// How many shares were given.
        given: usize,
    },
    /// SHAMIR-005: a share beyond the first `k` that does not lie on the polynomial through them.
    #[error("share {index} (x = {x}) does not lie on the polynomial through the first {k} shares")]
    Inconsistent {
        /// Position of the first share found off the polynomial.
        index: usize,
        /// Its x.
        x: u8,
        /// The threshold.
        k: usize,
    },
}

impl Error {
    /// The spec error code (`spec/shamir.md`, `spec/errors.md`) for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::ThresholdInvalid { .. } => "SHAMIR_THRESHOLD_INVALID",
            Self::XInvalid { .. } => "SHAMIR_X_INVALID",
            Self::DuplicateX { .. } => "SHAMIR_DUPLICATE_X",
            Self::TooFewShares { .. } => "SHAMIR_TOO_FEW_SHARES",
            Self::Inconsistent { .. } => "SHAMIR_INCONSISTENT",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_messages() {
        let e = Error::ThresholdInvalid { k: 4, n: Some(3) };
        assert_eq!(e.code(), "SHAMIR_THRESHOLD_INVALID");
        assert_eq!(
            e.to_string(),
            "invalid threshold k = 4, n = 3: need 1 <= k <= n <= 255"
        );
        let e = Error::ThresholdInvalid { k: 0, n: None };
        assert_eq!(
            e.to_string(),
            "invalid threshold k = 0: need 1 <= k <= n <= 255"
        );
        assert_eq!(
            Error::XInvalid { index: 0, x: 0 }.code(),
            "SHAMIR_X_INVALID"
        );
        let dup = Error::DuplicateX {
            x: 3,
            first: 0,
            second: 2,
        };
        assert_eq!(dup.code(), "SHAMIR_DUPLICATE_X");
        assert_eq!(
            Error::TooFewShares { k: 3, given: 2 }.code(),
            "SHAMIR_TOO_FEW_SHARES"
        );
        let off = Error::Inconsistent {
            index: 4,
            x: 5,
            k: 3,
        };
        assert_eq!(off.code(), "SHAMIR_INCONSISTENT");
    }
}
