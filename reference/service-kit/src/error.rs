//! The one error type of the services, rendered as `{"error": {"code", "message"}}`.
//!
//! Each service converts its core's errors itself (`quorumvm-service` with its `core_error`,
//! `sigil` with a `From<sigil::Error>`): this crate links no core, so any service may use it.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// A service failure: a spec error code, an HTTP status and a message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct ServiceError {
    /// The spec error code (`spec/errors.md`).
    pub code: &'static str,
    /// The HTTP status it is answered with.
    pub status: u16,
    /// What went wrong (never compared).
    pub message: String,
    /// Seconds for a `Retry-After` header (rate limiting).
    pub retry_after: Option<u64>,
}

impl ServiceError {
    /// An error with a code and a status.
    pub fn new(code: &'static str, status: u16, message: impl Into<String>) -> Self {
        Self {
            code,
            status,
            message: message.into(),
            retry_after: None,
        }
    }

    /// The stable error code.
    pub fn code(&self) -> &'static str {
        self.code
    }

    /// A storage failure: the request is not acknowledged.
    pub fn storage(error: impl std::fmt::Display) -> Self {
        Self::new("SVC_STORAGE", 500, error.to_string())
    }
}

impl From<rusqlite::Error> for ServiceError {
    fn from(error: rusqlite::Error) -> Self {
        Self::storage(error)
    }
}

impl IntoResponse for ServiceError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::json!({ "error": { "code": self.code, "message": self.message } });
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(seconds) = self.retry_after
            && let Ok(value) = seconds.to_string().parse()
        {
            response.headers_mut().insert("retry-after", value);
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn answer(error: ServiceError) -> (u16, Option<String>, serde_json::Value) {
        let response = error.into_response();
        let status = response.status().as_u16();
        let retry = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_owned());
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .unwrap();
        (status, retry, serde_json::from_slice(&bytes).unwrap())
    }

    #[tokio::test]
    async fn an_error_is_answered_as_code_and_message() {
        let (status, retry, body) =
            answer(ServiceError::new("SVC_NOT_FOUND", 404, "no route /x")).await;
        assert_eq!(status, 404);
        assert_eq!(retry, None);
        assert_eq!(
            body,
            serde_json::json!({ "error": { "code": "SVC_NOT_FOUND", "message": "no route /x" } })
        );

        let mut limited = ServiceError::new("QVM_RATE_LIMITED", 429, "slow down");
        limited.retry_after = Some(3);
        let (status, retry, _) = answer(limited).await;
        assert_eq!((status, retry.as_deref()), (429, Some("3")));

        // A status HTTP cannot carry is answered 500, with the code kept.
        let (status, _, body) = answer(ServiceError::new("SVC_ODD", 42, "odd")).await;
        assert_eq!(status, 500);
        assert_eq!(body["error"]["code"], "SVC_ODD");
    }

    #[test]
    fn storage_failures_are_svc_storage() {
        let error = ServiceError::from(rusqlite::Error::InvalidQuery);
        assert_eq!((error.code(), error.status), ("SVC_STORAGE", 500));
        assert_eq!(error.to_string(), format!("SVC_STORAGE: {}", error.message));
    }
}
