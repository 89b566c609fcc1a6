//! The HTTP shell the services share: serving a router until shutdown, opening a service's
//! state off the async executor, and the error shape of a `413` written before any handler ran.

use std::future::Future;

use axum::Router;
use axum::http::StatusCode;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;

use crate::ServiceError;

/// Serves `router` on `listener` until `shutdown` completes; requests in flight finish first.
///
/// Answers are small and written at once, so they are sent without waiting for an ACK
/// (`TCP_NODELAY`). A failure of the server itself is `SVC_IO`.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServiceError> {
    let listener = listener.tap_io(|tcp| {
        let _ = tcp.set_nodelay(true);
    });
    axum::serve(listener, router)
        .with_graceful_shutdown(shutdown)
        .await
        .map_err(|e| ServiceError::new("SVC_IO", 500, format!("serving failed: {e}")))
}

/// Runs a blocking start-up (opening SQLite, re-verifying stored state) on tokio's blocking
/// pool, so that it never stalls the executor. Its own error is returned as it is; a start-up
/// that panicked is `SVC_INTERNAL`.
pub async fn open_blocking<T: Send + 'static>(
    open: impl FnOnce() -> Result<T, ServiceError> + Send + 'static,
) -> Result<T, ServiceError> {
    tokio::task::spawn_blocking(open)
        .await
        .map_err(|e| ServiceError::new("SVC_INTERNAL", 500, format!("start-up failed: {e}")))?
}

/// Gives a `413` that the body limit layer (`tower_http::limit::RequestBodyLimitLayer`) wrote
/// as plain text, before any handler ran, the service's error shape: `error()`. Every other
/// response, a handler's own `413` included, is returned unchanged. For
/// `axum::middleware::map_response`.
pub fn reshape_too_large(response: Response, error: impl FnOnce() -> ServiceError) -> Response {
    let is_json = response
        .headers()
        .get(CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if response.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_json {
        return error().into_response();
    }
    response
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};

    use axum::routing::get;

    use super::*;

    fn too_large() -> ServiceError {
        ServiceError::new("SVC_BODY_TOO_LARGE", 413, "too large")
    }

    #[test]
    fn a_plain_413_gets_the_error_shape_and_nothing_else_changes() {
        let plain = (StatusCode::PAYLOAD_TOO_LARGE, "length limit exceeded").into_response();
        let reshaped = reshape_too_large(plain, too_large);
        assert_eq!(reshaped.status(), StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(reshaped.headers()[CONTENT_TYPE], "application/json");

        let own = too_large().into_response();
        let untouched = reshape_too_large(own, || ServiceError::new("OTHER", 500, "no"));
        assert_eq!(untouched.status(), StatusCode::PAYLOAD_TOO_LARGE);

        let ok = reshape_too_large("fine".into_response(), too_large);
        assert_eq!(ok.status(), StatusCode::OK);
        assert!(
            ok.headers()[CONTENT_TYPE]
                .as_bytes()
                .starts_with(b"text/plain")
        );
    }

    #[tokio::test]
    async fn a_start_up_error_is_kept_and_a_panic_is_internal() {
        assert_eq!(open_blocking(|| Ok(7)).await.unwrap(), 7);
        let own = open_blocking::<()>(|| Err(too_large())).await.unwrap_err();
        assert_eq!(own.code, "SVC_BODY_TOO_LARGE");
        let panicked = open_blocking::<()>(|| panic!("start-up"))
            .await
            .unwrap_err();
        assert_eq!(panicked.code, "SVC_INTERNAL");
        assert_eq!(panicked.status, 500);
    }

    #[tokio::test]
    async fn serves_until_shutdown() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let router = Router::new().route("/health", get(|| async { "ok" }));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(serve(listener, router, async {
            let _ = stopped.await;
        }));
        let answer = tokio::task::spawn_blocking(move || {
            let mut stream = std::net::TcpStream::connect(address).unwrap();
            stream
                .write_all(b"GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut answer = String::new();
            stream.read_to_string(&mut answer).unwrap();
            answer
        })
        .await
        .unwrap();
        assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
        assert!(answer.ends_with("ok"), "{answer}");
        stop.send(()).unwrap();
        server.await.unwrap().unwrap();
    }
}
