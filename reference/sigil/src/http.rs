//! The Sigil service: the core's values over HTTP (axum), kept in SQLite (WAL,
//! `synchronous=FULL`), secrets sealed with AES-256-GCM under the KEK (spec/sigil.md §10).
//!
//! | module | what | requirements |
//! |---|---|---|
//! | `config` | [`Config`], the test-only [`Fault`] switch | SIGIL-011 |
//! | `store` | tables, keys at rest, decisions (group commit), records, proposals, outbox, projection | SIGIL-014..071 |
//! | `state` | the writer thread and its queue, published signer/model, rate windows | SIGIL-005, SIGIL-080 |
//! | `check` | `POST /trust/check`, default-deny | SIGIL-010, SIGIL-011 |
//! | `api`, `respond` | the other routes, error and JSON shapes | — |
//! | `openapi` | `GET /openapi.json` | — |
//!
//! Architecture invariants: handlers hold no protocol logic (the core decides, freezes, hashes,
//! signs and verifies); one thread owns the database, so chain heads and the registry are
//! always those of the committed state; nothing is answered 2xx before its commit; a decision
//! is allowed only after its signed chain is committed.

mod api;
mod check;
mod config;
mod openapi;
mod respond;
mod state;
mod store;

use std::future::Future;
use std::sync::Arc;

use axum::Router;
use axum::response::Response;
use service_kit::ServiceError;
use tower_http::limit::RequestBodyLimitLayer;

pub use config::{Config, Fault};
pub use state::AppState;

use crate::module::ModuleRunner;

/// The largest request body, in bytes (SIGIL-080).
pub const BODY_LIMIT: usize = 1024 * 1024;

impl From<crate::Error> for ServiceError {
    fn from(error: crate::Error) -> Self {
        ServiceError::new(error.code(), error.http_status(), error.to_string())
    }
}

/// The service's router over `state`.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for (_, path, handler) in api::routes() {
        router = router.route(path, handler);
    }
    router
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::map_response(too_large))
        .with_state(state)
}

/// Every route as `(method, path)`: exactly the routes of [`router`].
pub fn routes() -> Vec<(&'static str, &'static str)> {
    api::routes()
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect()
}

/// Gives a `413` produced before any handler ran the service's error shape.
async fn too_large(response: Response) -> Response {
    service_kit::http::reshape_too_large(response, || {
        ServiceError::new("SVC_BODY_TOO_LARGE", 413, "the body is over 1 MiB")
    })
}

/// Opens Sigil's state from `config` and serves it on `listener` until `shutdown` completes.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Config,
    runner: Arc<dyn ModuleRunner>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServiceError> {
    serve_state(listener, AppState::open(config, runner)?, shutdown).await
}

/// Serves an opened state on `listener` until `shutdown` completes (benchmarks and tests that
/// open the state themselves).
pub async fn serve_state(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServiceError> {
    service_kit::http::serve(listener, router(state), shutdown).await
}
