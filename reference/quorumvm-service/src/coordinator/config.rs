//! The coordinator's configuration: the threshold, the database and the custodian call timeout.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use service_kit::ServiceError;
use shamir::Threshold;

/// The default timeout of one call to a custodian: 2 seconds.
pub const DEFAULT_CALL_TIMEOUT_MS: u64 = 2_000;

/// How a coordinator runs. In TOML:
///
/// ```toml
/// k = 3
/// n = 5
/// database = "/var/lib/quorate/coordinator.sqlite"
/// call_timeout_ms = 2000   # optional
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The threshold K: answers needed in every round, approvals needed to activate.
    pub k: usize,
    /// The number of custodians N; custodians are registered with x in 1..=N.
    pub n: usize,
    /// The SQLite database file (created on first start).
    pub database: PathBuf,
    /// The timeout of each call to a custodian, in milliseconds.
    #[serde(default = "default_call_timeout_ms")]
    pub call_timeout_ms: u64,
}

fn default_call_timeout_ms() -> u64 {
    DEFAULT_CALL_TIMEOUT_MS
}

impl Config {
    /// A configuration with the default call timeout.
    pub fn new(k: usize, n: usize, database: impl Into<PathBuf>) -> Self {
        Self {
            k,
            n,
            database: database.into(),
            call_timeout_ms: DEFAULT_CALL_TIMEOUT_MS,
        }
    }

    /// Reads a configuration from TOML; anything that does not parse, an unknown key, an
    /// invalid threshold or a zero timeout is `SVC_CONFIG_INVALID`.
    pub fn from_toml_str(text: &str) -> Result<Self, ServiceError> {
        let config: Self = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        config.threshold()?;
        config.call_timeout()?;
        Ok(config)
    }

    /// Reads a configuration file (see [`Config::from_toml_str`]).
    pub fn from_file(path: &Path) -> Result<Self, ServiceError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| invalid(format!("cannot read {}: {e}", path.display())))?;
        Self::from_toml_str(&text)
    }

    /// The threshold `(k, n)`; `1 <= k <= n <= 255` (SHAMIR-001), else `SVC_CONFIG_INVALID`.
    pub fn threshold(&self) -> Result<Threshold, ServiceError> {
        Threshold::new(self.k, self.n)
            .map_err(|e| invalid(format!("threshold k = {}, n = {}: {e}", self.k, self.n)))
    }

    /// The timeout of one call to a custodian; zero is `SVC_CONFIG_INVALID`.
    pub fn call_timeout(&self) -> Result<Duration, ServiceError> {
        if self.call_timeout_ms == 0 {
            return Err(invalid("call_timeout_ms must be at least 1"));
        }
        Ok(Duration::from_millis(self.call_timeout_ms))
    }
}

fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::new("SVC_CONFIG_INVALID", 500, message)
}
