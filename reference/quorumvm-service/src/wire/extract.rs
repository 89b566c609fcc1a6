//! The request body extractor of both services: the body as a wire type, every failure in
//! the services' error shape.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;
use service_kit::ServiceError;

/// The largest request body a service reads: 1 MiB (install with its triple shares included).
pub const BODY_LIMIT: usize = 1 << 20;

/// A request body decoded as `T`: a body over the limit (`axum::extract::DefaultBodyLimit`,
/// set to [`BODY_LIMIT`] by the routers) is `413 SVC_BODY_TOO_LARGE`; malformed JSON or a
/// missing or mistyped member is `400 SVC_BODY_INVALID`. The content type is not checked.
#[derive(Debug, Clone)]
pub struct Body<T>(pub T);

impl<S, T> FromRequest<S> for Body<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ServiceError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                    ServiceError::new(
                        "SVC_BODY_TOO_LARGE",
                        413,
                        format!("the request body is larger than {BODY_LIMIT} bytes"),
                    )
                } else {
                    super::body_invalid(rejection.body_text())
                }
            })?;
        super::from_slice(&bytes).map(Body)
    }
}
