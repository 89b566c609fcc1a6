//! Modules: their registry entries, the level-of-assurance gate, the sandbox they run in
//! (a [`ModuleRunner`]), and the built-in `hello` (spec/sigil.md §8).

use canon::json::Value;

use crate::Error;
use crate::features::Loa;
use crate::json::{as_int, as_str, exact, int, obj, string};

/// The default gas limit of a module.
pub const DEFAULT_GAS_LIMIT: u64 = 1_000_000;
/// The default memory limit of a module run, in bytes.
pub const DEFAULT_MEMORY_LIMIT: u64 = 16 * 1024 * 1024;
/// The default wall-clock limit of a module run, in milliseconds.
pub const DEFAULT_WALL_MS: u64 = 2_000;

/// A registered module (SIGIL-041 `sigil.module.register`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleSpec {
    /// Its name (a kind-like name).
    pub name: String,
    /// Its MTPScript source.
    pub source: String,
    /// The lowest level allowed to run it.
    pub min_loa: Loa,
    /// Its gas limit.
    pub gas_limit: u64,
}

impl ModuleSpec {
    /// Reads a `sigil.module.register` payload.
    pub fn from_json(value: &Value) -> Result<Self, String> {
        let m = exact(value, &["name", "source", "min_loa", "gas_limit"])?;
        let name = as_str(m[0], "name")?;
        if !crate::record::is_kind(name) {
            return Err("name is not [a-z0-9][a-z0-9._-]{0,63}".into());
        }
        let min_loa = as_str(m[2], "min_loa")
            .ok()
            .and_then(Loa::parse)
            .ok_or("min_loa is not a level")?;
        let gas_limit = as_int(m[3], "gas_limit")?;
        if gas_limit == 0 {
            return Err("gas_limit is 0".into());
        }
        Ok(Self {
            name: name.to_owned(),
            source: as_str(m[1], "source")?.to_owned(),
            min_loa,
            gas_limit,
        })
    }

    /// The `sigil.module.register` payload.
    pub fn to_json(&self) -> Value {
        obj(vec![
            ("name", string(&self.name)),
            ("source", string(&self.source)),
            ("min_loa", string(self.min_loa.name())),
            ("gas_limit", int(self.gas_limit)),
        ])
    }
}

/// The level-of-assurance gate: `caller` (none when the header is missing or not a level) may
/// run a module whose minimum is `min`.
///
/// Enforces SIGIL-060: levels are ordered `Guest < User < Operator < Admin`; no level is
/// below every level.
pub fn gate(caller: Option<Loa>, min: Loa) -> Result<(), Error> {
    match caller {
        Some(level) if level >= min => Ok(()),
        _ => Err(Error::LoaInsufficient {
            have: caller.map_or_else(|| "none".to_owned(), |l| l.name().to_owned()),
            need: min.name().to_owned(),
        }),
    }
}

/// The limits of one module run (SIGIL-061).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Gas.
    pub gas: u64,
    /// Memory, bytes.
    pub memory_bytes: u64,
    /// Wall clock, milliseconds.
    pub wall_ms: u64,
}

/// What a module answered (SIGIL-061).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleOutput {
    /// The response body (canonical JSON text).
    pub body: String,
    /// SHA-256 of the body, hex.
    pub sha256: String,
    /// Gas used.
    pub gas_used: u64,
    /// Captured log lines.
    pub logs: Vec<String>,
}

/// The sandbox modules run in. The shell's implementation is the MTPScript runtime; a run that
/// fails in the sandbox (gas, memory, time, an uncaught error) is `SIGIL_MODULE_FAILED`.
pub trait ModuleRunner: Send + Sync + std::fmt::Debug {
    /// Runs `source` on `input` (JSON text) under `limits`; `request_id` identifies the run.
    fn run(
        &self,
        source: &str,
        input: &[u8],
        request_id: &str,
        limits: Limits,
    ) -> Result<ModuleOutput, Error>;
}

/// The built-in `hello` module's MTPScript source (SIGIL-061).
pub const HELLO_SOURCE: &str = include_str!("module/hello.mtp");

/// The built-in `hello` module: level `Operator` (SIGIL-061).
pub fn hello() -> ModuleSpec {
    ModuleSpec {
        name: "hello".into(),
        source: HELLO_SOURCE.into(),
        min_loa: Loa::Operator,
        gas_limit: DEFAULT_GAS_LIMIT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loa_gate_orders_levels() {
        for (i, caller) in Loa::ALL.into_iter().enumerate() {
            for (j, min) in Loa::ALL.into_iter().enumerate() {
                assert_eq!(gate(Some(caller), min).is_ok(), i >= j, "{caller} vs {min}");
            }
            assert_eq!(
                gate(None, caller).map_err(|e| e.code()),
                Err("SIGIL_LOA_INSUFFICIENT")
            );
        }
        assert_eq!(hello().min_loa, Loa::Operator);
        let spec = hello();
        assert_eq!(ModuleSpec::from_json(&spec.to_json()), Ok(spec));
    }
}
