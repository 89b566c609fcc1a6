//! Query strings and early refusals in the service's error shape (bodies are decoded by
//! [`crate::wire::Body`]): a query that does not parse is `400 SVC_QUERY_INVALID`; a body
//! refused by the size limit before any handler ran is `413 SVC_BODY_TOO_LARGE`.

use axum::extract::{FromRequestParts, Query};
use axum::http::request::Parts;
use axum::response::Response;
use serde::de::DeserializeOwned;
use service_kit::ServiceError;

use super::codes;

/// A query string of type `T`.
#[derive(Debug, Clone)]
pub(crate) struct QueryString<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryString<T> {
    type Rejection = ServiceError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ServiceError> {
        Query::<T>::from_request_parts(parts, state)
            .await
            .map(|Query(value)| QueryString(value))
            .map_err(|rejection| codes::query_invalid(rejection.body_text()))
    }
}

/// Gives a `413` produced before any handler ran (the body limit layer refusing a
/// `Content-Length`) the service's error shape.
pub(crate) async fn normalize_too_large(response: Response) -> Response {
    service_kit::http::reshape_too_large(response, codes::body_too_large)
}
