//! `quorate serve mtp`: the MTPScript service (`mtpscript_service`), its configuration read
//! by `quorate serve`, its gas limit from `MTP_GAS_LIMIT` at start-up (MTP-060).

use std::future::Future;
use std::path::Path;

use service_kit::ServiceError;

use crate::commands::Failure;

/// The service's listen address when neither `--listen` nor `listen` says one.
pub(crate) const LISTEN: &str = "127.0.0.1:7720";

/// The configuration from the file's text (without `listen`): paths relative to `base`, the
/// gas limit from the environment.
pub(crate) fn config(text: &str, base: &Path) -> Result<mtpscript_service::Config, Failure> {
    let mut config = mtpscript_service::Config::from_toml_str(text)
        .map_err(|e| Failure::new(e.code, e.message))?;
    let relative = |path: &Path| {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            base.join(path)
        }
    };
    config.database = config.database.as_deref().map(relative);
    config.public_key_file = config.public_key_file.as_deref().map(relative);
    config.gas_limit = super::gas_limit_at_start_up(None)?;
    Ok(config)
}

/// Serves the MTPScript service on `listener` until `shutdown`.
pub(crate) async fn serve(
    listener: tokio::net::TcpListener,
    config: mtpscript_service::Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<(), ServiceError> {
    mtpscript_service::serve(listener, config, shutdown).await
}
