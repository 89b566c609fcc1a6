//! The service's configuration (TOML).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use service_kit::ServiceError;

use crate::json::is_hex;
use crate::model::TrustModel;
use crate::module::{DEFAULT_MEMORY_LIMIT, DEFAULT_WALL_MS};

/// What Sigil needs to start (the listen address is the caller's).
///
/// TOML form:
///
/// ```toml
/// database = "sigil.sqlite"                # created at first start
/// at_rest_key_file = "kek.hex"             # optional: else QUORATE_AT_REST_KEY (the KEK)
/// k = 2                                    # genesis: witnesses needed for system commits
/// witnesses = ["<64 hex>", "<64 hex>"]     # genesis: the first witness registry
/// model_file = "model.json"                # optional genesis model (SIGIL-007); else SIGIL-009
/// rotate_after_ms = 86400000               # optional: rotate the signing key at start when older
/// group_commit_max = 256                   # optional: decisions per transaction at most
/// module_memory_bytes = 16777216           # optional
/// module_wall_ms = 2000                    # optional
/// # fault = "evaluator"                    # FAULT TESTS ONLY: evaluator | signer | storage
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The SQLite database file.
    pub database: PathBuf,
    /// A file holding the KEK (64 hex digits); when absent, `QUORATE_AT_REST_KEY`.
    #[serde(default)]
    pub at_rest_key_file: Option<PathBuf>,
    /// The genesis quorum threshold.
    pub k: usize,
    /// The genesis witness keys, hex.
    pub witnesses: Vec<String>,
    /// A JSON file with the genesis trust model.
    #[serde(default)]
    pub model_file: Option<PathBuf>,
    /// Rotate the signing key at start when it is older than this.
    #[serde(default)]
    pub rotate_after_ms: Option<u64>,
    /// The most decisions committed in one transaction.
    #[serde(default = "default_group")]
    pub group_commit_max: usize,
    /// A module run's memory limit.
    #[serde(default = "default_memory")]
    pub module_memory_bytes: u64,
    /// A module run's wall-clock limit.
    #[serde(default = "default_wall")]
    pub module_wall_ms: u64,
    /// FOR FAULT TESTS ONLY: forces one dependency of every decision to fail (SIGIL-011).
    #[serde(default)]
    pub fault: Option<Fault>,
}

fn default_group() -> usize {
    256
}
fn default_memory() -> u64 {
    DEFAULT_MEMORY_LIMIT
}
fn default_wall() -> u64 {
    DEFAULT_WALL_MS
}

/// A failure injected into every decision (TOML `fault = "evaluator"`), so that tests can check
/// default-deny (SIGIL-011). Announced on stderr at start-up; never set in a deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Model evaluation fails (`SIGIL_EVAL_FAILED`).
    Evaluator,
    /// Signing the chain fails (`SIGIL_SIGNING_FAILED`).
    Signer,
    /// Storing the decision fails (`SIGIL_STORAGE_FAILED`).
    Storage,
}

impl Fault {
    /// The TOML name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Evaluator => "evaluator",
            Self::Signer => "signer",
            Self::Storage => "storage",
        }
    }
}

fn invalid(message: impl Into<String>) -> ServiceError {
    ServiceError::new("SVC_CONFIG_INVALID", 500, message)
}

impl Config {
    /// Reads the TOML form; a malformed one is `SVC_CONFIG_INVALID`.
    pub fn from_toml_str(text: &str) -> Result<Self, ServiceError> {
        let config: Self =
            toml::from_str(text).map_err(|e| invalid(format!("invalid sigil config: {e}")))?;
        config.check()?;
        Ok(config)
    }

    /// Reads the TOML file at `path`.
    pub fn from_file(path: &Path) -> Result<Self, ServiceError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| invalid(format!("cannot read {}: {e}", path.display())))?;
        Self::from_toml_str(&text)
    }

    /// Checks the genesis registry: distinct 64-hex keys, `1 <= k <= witnesses`.
    pub fn check(&self) -> Result<(), ServiceError> {
        self.witness_set()?;
        if self.group_commit_max == 0 {
            return Err(invalid("group_commit_max is 0"));
        }
        Ok(())
    }

    /// The genesis witnesses as a set.
    pub fn witness_set(&self) -> Result<BTreeSet<String>, ServiceError> {
        let mut set = BTreeSet::new();
        for key in &self.witnesses {
            if !is_hex(key, 64) || !set.insert(key.clone()) {
                return Err(invalid(format!(
                    "witness {key} is not 64 lowercase hex digits, or listed twice"
                )));
            }
        }
        if self.k == 0 || self.k > set.len() {
            return Err(invalid("k is not in 1..=witnesses"));
        }
        Ok(set)
    }

    /// The genesis model: `model_file`, else the default model.
    pub fn model(&self) -> Result<TrustModel, ServiceError> {
        let Some(path) = &self.model_file else {
            return Ok(TrustModel::default_model());
        };
        let bytes = std::fs::read(path)
            .map_err(|e| invalid(format!("cannot read {}: {e}", path.display())))?;
        let value =
            canon::json::parse(&bytes).map_err(|e| invalid(format!("{}: {e}", path.display())))?;
        TrustModel::from_json(&value).map_err(|e| invalid(format!("{}: {e}", path.display())))
    }
}
