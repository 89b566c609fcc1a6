//! The core's errors as service errors.

use service_kit::ServiceError;

/// A `quorumvm` error as a service error, with the code and HTTP status the core gives it.
///
/// A function rather than `From`: neither type is this crate's, so the impl would be an orphan.
pub(crate) fn core_error(error: quorumvm::Error) -> ServiceError {
    ServiceError::new(error.code(), error.http_status(), error.to_string())
}
