//! The coordinator's refusals that are not errors of the `quorumvm` core (spec/quorumvm.md §3,
//! "Coordinator error codes"), and the statuses it gives core errors.

use service_kit::ServiceError;

/// `400 SVC_BODY_INVALID`: a body that is not JSON, or a member missing or of the wrong type.
pub(crate) fn body_invalid(message: impl std::fmt::Display) -> ServiceError {
    crate::wire::body_invalid(message)
}

/// `400 SVC_QUERY_INVALID`: a query string that does not parse or is out of range.
pub(crate) fn query_invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::new("SVC_QUERY_INVALID", 400, message)
}

/// `413 SVC_BODY_TOO_LARGE`: a body above [`crate::wire::BODY_LIMIT`].
pub(crate) fn body_too_large() -> ServiceError {
    ServiceError::new(
        "SVC_BODY_TOO_LARGE",
        413,
        format!(
            "the request body is larger than {} bytes",
            crate::wire::BODY_LIMIT
        ),
    )
}

/// `404 SVC_NOT_FOUND`: no such route.
pub(crate) fn not_found(path: &str) -> ServiceError {
    ServiceError::new("SVC_NOT_FOUND", 404, format!("no route {path}"))
}

/// `405 SVC_METHOD_NOT_ALLOWED`: a route that exists, with another method.
pub(crate) fn method_not_allowed() -> ServiceError {
    ServiceError::new(
        "SVC_METHOD_NOT_ALLOWED",
        405,
        "the route does not accept this method",
    )
}

/// `404 SVC_PROGRAM_UNKNOWN`: no program registered under the id.
pub(crate) fn program_unknown(program_id: &str) -> ServiceError {
    ServiceError::new(
        "SVC_PROGRAM_UNKNOWN",
        404,
        format!("program {program_id} is not registered"),
    )
}

/// `403 SVC_NOT_ACTIVE`: a registered program without K approvals.
pub(crate) fn not_active(program_id: &str) -> ServiceError {
    ServiceError::new(
        "SVC_NOT_ACTIVE",
        403,
        format!("program {program_id} is not active: it lacks K approvals"),
    )
}

/// `409 SVC_PROGRAM_CONFLICT`: a registered program registered again with another pool size.
pub(crate) fn program_conflict(message: impl Into<String>) -> ServiceError {
    ServiceError::new("SVC_PROGRAM_CONFLICT", 409, message)
}

/// `422 SVC_SLOTS_INVALID`: a program that consumes triples, registered with no slot.
pub(crate) fn slots_invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::new("SVC_SLOTS_INVALID", 422, message)
}

/// `403 SVC_APPROVAL_INVALID`: a signature that does not verify under the registered key of
/// its custodian, or a custodian that is not registered.
pub(crate) fn approval_invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::new("SVC_APPROVAL_INVALID", 403, message)
}

/// `422 SVC_CUSTODIAN_INVALID`: a registration with x outside 1..=n, a URL that is not
/// `http://…`, or a public key that is not 32 bytes of lowercase hex.
pub(crate) fn custodian_invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::new("SVC_CUSTODIAN_INVALID", 422, message)
}

/// `409 SVC_CUSTODIAN_CONFLICT`: x registered with another public key.
pub(crate) fn custodian_conflict(x: u8) -> ServiceError {
    ServiceError::new(
        "SVC_CUSTODIAN_CONFLICT",
        409,
        format!("custodian {x} is registered with another public key"),
    )
}

/// `500 SVC_ENTROPY`: the operating system's generator failed.
pub(crate) fn entropy(error: impl std::fmt::Display) -> ServiceError {
    ServiceError::new(
        "SVC_ENTROPY",
        500,
        format!("the OS random generator failed: {error}"),
    )
}

/// A core error about a program or its inputs, answered `422`: the request is well formed
/// but its content does not fit (`QVM_PACKAGE_INVALID`, `QVM_POLICY_INVALID`,
/// `QVM_INPUTS_INVALID`, `FIELD_ELEMENT_INVALID`).
pub(crate) fn unprocessable(error: quorumvm::Error) -> ServiceError {
    let mut error = crate::core_error(error);
    error.status = 422;
    error
}
