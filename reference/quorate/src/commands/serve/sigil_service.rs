//! `quorate serve sigil`: the Sigil service (`sigil::http`) with the MTPScript sandbox as its
//! module runner.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;

use service_kit::ServiceError;

use super::{relative_to, service_failure};
use crate::commands::Failure;

/// Sigil's configuration from the file's text (without `listen`), paths relative to `base`.
pub(super) fn config(text: &str, base: &Path) -> Result<sigil::http::Config, Failure> {
    let mut config = sigil::http::Config::from_toml_str(text).map_err(service_failure)?;
    config.database = relative_to(base, &config.database);
    config.at_rest_key_file = config.at_rest_key_file.map(|f| relative_to(base, &f));
    config.model_file = config.model_file.map(|f| relative_to(base, &f));
    Ok(config)
}

/// Serves Sigil on `listener` until `shutdown`.
pub(super) async fn serve(
    listener: tokio::net::TcpListener,
    config: sigil::http::Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServiceError> {
    sigil::http::serve(
        listener,
        config,
        Arc::new(sigil::sandbox::MtpRunner),
        shutdown,
    )
    .await
}
