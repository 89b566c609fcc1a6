//! The custodian's configuration.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use service_kit::ServiceError;

use super::fault::Fault;

/// What a custodian needs to start (the listen address is the caller's).
///
/// TOML form:
///
/// ```toml
/// x = 1
/// database = "/var/lib/quorate/custodian-1.sqlite"
/// at_rest_key_file = "/run/secrets/at-rest-key"   # optional: else QUORATE_AT_REST_KEY
/// # fault = "add_one_to_output_share"             # conformance/fault tests ONLY
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The custodian's evaluation point, 1..=255; its id is `custodian-<x>`.
    pub x: u8,
    /// The SQLite database file (created at first start).
    pub database: PathBuf,
    /// A file holding the at-rest key (64 hex digits and an optional newline); when absent,
    /// the key is read from the environment variable `QUORATE_AT_REST_KEY`.
    #[serde(default)]
    pub at_rest_key_file: Option<PathBuf>,
    /// FOR CONFORMANCE AND FAULT TESTS ONLY: makes the custodian answer wrong shares (see
    /// [`Fault`]), so that tests can check that the coordinator detects them (QVM-043).
    /// Absent (the default) in every deployment; logged loudly at start-up when set.
    #[serde(default)]
    pub fault: Option<Fault>,
}

impl Config {
    /// Reads the TOML form; a malformed one is `SVC_CONFIG_INVALID`.
    pub fn from_toml_str(text: &str) -> Result<Self, ServiceError> {
        let config: Self = toml::from_str(text).map_err(|e| {
            ServiceError::new(
                "SVC_CONFIG_INVALID",
                500,
                format!("invalid custodian config: {e}"),
            )
        })?;
        config.check()?;
        Ok(config)
    }

    /// Reads the TOML file at `path`.
    pub fn from_file(path: &Path) -> Result<Self, ServiceError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            ServiceError::new(
                "SVC_CONFIG_INVALID",
                500,
                format!("cannot read {}: {e}", path.display()),
            )
        })?;
        Self::from_toml_str(&text)
    }

    /// Checks the values: x is not 0 (`SVC_CONFIG_INVALID`).
    pub fn check(&self) -> Result<(), ServiceError> {
        if self.x == 0 {
            return Err(ServiceError::new(
                "SVC_CONFIG_INVALID",
                500,
                "a custodian's x is in 1..=255",
            ));
        }
        Ok(())
    }
}
