//! Answers in the service's shapes: canonical JSON bodies, `{"error": {"code", "message"}}`.

use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use canon::json::Value;
use service_kit::ServiceError;

use crate::features::{Loa, is_name};

/// A JSON answer with `status`, the body in RFC 8785 form.
pub(crate) fn json(status: u16, value: &Value) -> Response {
    match canon::json::to_canonical(value) {
        Ok(text) => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            [(CONTENT_TYPE, "application/json")],
            text.into_string(),
        )
            .into_response(),
        Err(e) => error(ServiceError::new("SVC_INTERNAL", 500, e.to_string())),
    }
}

/// An error answer.
pub(crate) fn error(e: ServiceError) -> Response {
    e.into_response()
}

/// A body parsed strictly (CANON-010..016); anything else is `SIGIL_REQUEST_INVALID`.
pub(crate) fn body(bytes: &[u8]) -> Result<Value, ServiceError> {
    canon::json::parse(bytes).map_err(|e| {
        ServiceError::new(
            "SIGIL_REQUEST_INVALID",
            400,
            format!("the body is not JSON: {e}"),
        )
    })
}

/// `SIGIL_REQUEST_INVALID` (400).
pub(crate) fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::new("SIGIL_REQUEST_INVALID", 400, message)
}

/// The caller's tenant (`X-Sigil-Tenant`, A-046).
pub(crate) fn tenant(headers: &HeaderMap) -> Result<String, ServiceError> {
    let tenant = headers
        .get("x-sigil-tenant")
        .and_then(|v| v.to_str().ok())
        .ok_or_else(|| invalid("the X-Sigil-Tenant header is missing"))?;
    if !is_name(tenant) || tenant == crate::record::SYSTEM_TENANT {
        return Err(invalid("X-Sigil-Tenant is not a user tenant name"));
    }
    Ok(tenant.to_owned())
}

/// The caller's level (`X-Sigil-LOA`); missing or unknown is none.
pub(crate) fn loa(headers: &HeaderMap) -> Option<Loa> {
    headers
        .get("x-sigil-loa")
        .and_then(|v| v.to_str().ok())
        .and_then(Loa::parse)
}
