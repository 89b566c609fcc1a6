//! Quorate layer 2 shell: the MTPScript sandbox (`mtpscript`) as an HTTP service.
//!
//! Spec version 0.1.0 (`spec/mtpscript.md`). The runtime logic lives in the `mtpscript` crate;
//! this crate verifies and registers signed `.msqs` snapshots (kept in SQLite when a database is
//! configured, WAL and `synchronous=FULL`), and runs one request per call on tokio's blocking
//! pool — never on the async executor — bounded by a semaphore. Every failure outside a run is
//! `{"error": {"code", "message"}}`; a run's own outcome is its canonical body (MTP-073).
//!
//! Routes: `POST /run`, `POST /snapshots`, `GET /health`, `GET /openapi.json`.

mod api;
mod config;
pub mod openapi;
mod registry;

use std::future::Future;
use std::sync::Arc;

pub use service_kit::ServiceError;

pub use api::router;
pub use config::{Config, DEFAULT_RUN_BODY_LIMIT, DEFAULT_SNAPSHOT_BODY_LIMIT};
pub use registry::{Entry, Registry, snapshot_id};

/// The response headers of `POST /run`.
pub mod headers {
    /// SHA-256 of the body, 64 hex digits (MTP-072).
    pub const SHA256: &str = "x-mtp-sha256";
    /// `gasUsed` of the run (MTP-050).
    pub const GAS_USED: &str = "x-mtp-gas-used";
    /// The gas limit of the run (MTP-061).
    pub const GAS_LIMIT: &str = "x-mtp-gas-limit";
    /// `ok`, or the response's MTP-073 code.
    pub const STATUS: &str = "x-mtp-status";
    /// The request id the seed was derived from (generated when the request named none).
    pub const REQUEST_ID: &str = "x-mtp-request-id";
    /// Which kind of never-used VM served the run: `cloned` (snapshot cloned in ahead of the
    /// request), `pooled` or `built` (MTP-090, A-037); absent when no VM was reached.
    pub const VM: &str = "x-mtp-vm";
}

/// What the handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    pub(crate) config: Arc<Config>,
    pub(crate) runtime: Arc<mtpscript::Runtime>,
    pub(crate) registry: Arc<Registry>,
    pub(crate) runs: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// Starts the sandbox and opens the registry (re-verifying every stored snapshot).
    /// Blocking: call it off the async executor.
    pub fn open(config: Config) -> Result<Self, ServiceError> {
        let runtime = mtpscript::Runtime::new(mtpscript::RuntimeConfig {
            pool_size: config.pool_size,
            warm_snapshots: config.warm_snapshots,
            memory_limit_bytes: config.memory_limit_mib.saturating_mul(1 << 20),
            deadline: std::time::Duration::from_millis(config.deadline_ms),
            ..mtpscript::RuntimeConfig::default()
        })
        .map_err(|e| ServiceError::new(e.code(), 500, e.to_string()))?;
        let registry = Registry::open(config.database.as_deref(), &config.public_key()?)?;
        Ok(Self {
            runs: Arc::new(tokio::sync::Semaphore::new(
                config.max_concurrent_runs.max(1),
            )),
            config: Arc::new(config),
            runtime: Arc::new(runtime),
            registry: Arc::new(registry),
        })
    }
}

/// Opens the service of `config` and serves it on `listener` until `shutdown` completes.
/// Start-up errors (`SVC_CONFIG_INVALID`, `SVC_STORAGE`, `MTP_ENGINE_FAILURE`) are returned
/// before anything is served.
pub async fn serve(
    listener: tokio::net::TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServiceError> {
    let state = service_kit::http::open_blocking(move || AppState::open(config)).await?;
    service_kit::http::serve(listener, router(state), shutdown).await
}
