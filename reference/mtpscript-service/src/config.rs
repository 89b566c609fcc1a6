//! The service's TOML configuration.

use std::path::PathBuf;

use mtpscript::GasLimit;
use serde::Deserialize;

use crate::ServiceError;

/// The largest `POST /run` body by default: 1 MiB.
pub const DEFAULT_RUN_BODY_LIMIT: usize = 1 << 20;
/// The largest `POST /snapshots` body by default: 8 MiB.
pub const DEFAULT_SNAPSHOT_BODY_LIMIT: usize = 8 << 20;

/// The configuration file (`listen` is read by the command that starts the service).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The snapshot verifying key: 130 (or 66) hex digits, SEC1 P-256.
    #[serde(default)]
    pub public_key: Option<String>,
    /// A file holding the verifying key instead.
    #[serde(default)]
    pub public_key_file: Option<PathBuf>,
    /// SQLite file of registered snapshots; absent: registrations last until the process ends.
    #[serde(default)]
    pub database: Option<PathBuf>,
    /// Pre-built, never-used VMs kept ready (MTP-090); 0 builds one per request.
    #[serde(default = "defaults::pool_size")]
    pub pool_size: usize,
    /// Recently run snapshots whose program the pool clones into VMs ahead of their requests
    /// (MTP-090, A-037); 0 loads every program on the request path.
    #[serde(default = "defaults::warm_snapshots")]
    pub warm_snapshots: usize,
    /// Each VM's heap budget in MiB (MTP-092).
    #[serde(default = "defaults::memory_limit_mib")]
    pub memory_limit_mib: usize,
    /// The wall-clock backstop per request in milliseconds (MTP-092).
    #[serde(default = "defaults::deadline_ms")]
    pub deadline_ms: u64,
    /// Requests running at once on the blocking pool; more wait their turn.
    #[serde(default = "defaults::max_concurrent_runs")]
    pub max_concurrent_runs: usize,
    /// The largest `POST /run` body, in bytes.
    #[serde(default = "defaults::run_body_limit")]
    pub run_body_limit: usize,
    /// The largest `POST /snapshots` body, in bytes.
    #[serde(default = "defaults::snapshot_body_limit")]
    pub snapshot_body_limit: usize,
    /// The gas limit of every request: `MTP_GAS_LIMIT`, set by the host at start-up (MTP-060),
    /// never from the file.
    #[serde(skip)]
    pub gas_limit: GasLimit,
}

mod defaults {
    pub(super) fn pool_size() -> usize {
        4
    }
    pub(super) fn warm_snapshots() -> usize {
        4
    }
    pub(super) fn memory_limit_mib() -> usize {
        64
    }
    pub(super) fn deadline_ms() -> u64 {
        10_000
    }
    pub(super) fn max_concurrent_runs() -> usize {
        4
    }
    pub(super) fn run_body_limit() -> usize {
        super::DEFAULT_RUN_BODY_LIMIT
    }
    pub(super) fn snapshot_body_limit() -> usize {
        super::DEFAULT_SNAPSHOT_BODY_LIMIT
    }
}

fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::new("SVC_CONFIG_INVALID", 500, message)
}

impl Config {
    /// Parses the file's text; exactly one of `public_key` and `public_key_file`.
    pub fn from_toml_str(text: &str) -> Result<Self, ServiceError> {
        let config: Self =
            toml::from_str(text).map_err(|e| invalid(format!("invalid mtp config: {e}")))?;
        if config.public_key.is_some() == config.public_key_file.is_some() {
            return Err(invalid(
                "the mtp config needs exactly one of `public_key` and `public_key_file`",
            ));
        }
        if config.memory_limit_mib == 0 || config.deadline_ms == 0 {
            return Err(invalid("memory_limit_mib and deadline_ms must be positive"));
        }
        Ok(config)
    }

    /// The verifying key's bytes (a point check happens at the first verification).
    pub fn public_key(&self) -> Result<Vec<u8>, ServiceError> {
        let text = match (&self.public_key, &self.public_key_file) {
            (Some(hex), _) => hex.clone(),
            (None, Some(path)) => std::fs::read_to_string(path)
                .map_err(|e| invalid(format!("{}: {e}", path.display())))?,
            (None, None) => return Err(invalid("no public key configured")),
        };
        let key =
            canon::hex::decode(text.trim()).map_err(|e| invalid(format!("public key: {e}")))?;
        if !matches!(key.len(), 33 | 65) {
            return Err(invalid("public key: not 33 or 65 bytes of SEC1"));
        }
        Ok(key)
    }
}
