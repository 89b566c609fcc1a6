//! The QuorumVM coordinator as an HTTP service (spec/quorumvm.md §3, QVM-025..QVM-029).
//!
//! It registers custodians and programs, counts verified approvals until K distinct
//! custodians have approved a program (then forwards the activation to the custodians), and
//! runs evaluations: the policy admits them (state in SQLite, reservations committed before
//! any custodian is called), [`quorumvm::coordinator::Coordinator`] drives the rounds with
//! every registered custodian called in parallel, and each decision is settled with its audit
//! entry in one transaction. It never holds S_v or a triple.
//!
//! | module | what | requirements |
//! |---|---|---|
//! | `config` | [`Config`]: k, n, database, call timeout | — |
//! | `store` | the SQLite tables, transactions with audit entries | QVM-029 |
//! | `registry` | custodians: x, URL, Ed25519 key | QVM-025 |
//! | `programs` | packages, status, slot pools | QVM-026, QVM-027 |
//! | `approvals` | verification, distinct signers, activation at K | QVM-025, QVM-026 |
//! | `activation` | forwarding `POST /activate` | QVM-026 |
//! | `ledger` | policy admission and settlement | QVM-027, QVM-028 |
//! | `inputs` | evaluation inputs | QVM-011 |
//! | `rounds`, `client`, `lanes` | the rounds over HTTP, messages batched per custodian | QVM-041..045, QVM-049 |
//! | `evaluate`, `service` | one function per endpoint | — |
//! | `api`, `json` | routes and handlers | — |
//!
//! Routes (bodies in `openapi.json`, [`crate::openapi`]): `GET /health`, `GET /openapi.json`,
//! `POST /custodians`, `GET /custodians`, `POST /programs`, `GET /programs/{id}`,
//! `POST /programs/{id}/approvals`, `POST /eval`, `GET /audit?offset&limit`,
//! `GET /audit/verify`.

mod activation;
mod api;
mod approvals;
mod cache;
mod client;
mod codes;
mod config;
mod evaluate;
mod inputs;
mod json;
mod lanes;
mod ledger;
mod programs;
mod registry;
mod rounds;
mod service;
mod state;
mod store;

use std::future::Future;

use axum::Router;
use service_kit::ServiceError;
use tower_http::limit::RequestBodyLimitLayer;

use crate::wire::BODY_LIMIT;

pub use config::{Config, DEFAULT_CALL_TIMEOUT_MS};
pub use evaluate::MAX_ID_LEN;
pub use service::{AUDIT_PAGE_DEFAULT, AUDIT_PAGE_LIMIT};
pub use state::AppState;

/// The coordinator's router over `state`, for [`serve`] and in-process tests.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for (_, path, handler) in api::routes() {
        router = router.route(path, handler);
    }
    router
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::map_response(json::normalize_too_large))
        .with_state(state)
}

/// Every route as `(method, path)`, lowercase method, OpenAPI path syntax: exactly the routes
/// of [`router`].
pub fn routes() -> Vec<(&'static str, &'static str)> {
    api::routes()
        .into_iter()
        .map(|(method, path, _)| (method, path))
        .collect()
}

/// Opens the coordinator's state from `config` and serves it on `listener` until `shutdown`
/// completes (in-flight requests finish first).
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServiceError> {
    let state = AppState::open(config)?;
    service_kit::http::serve(listener, router(state), shutdown).await
}
