//! MTPScript (spec/mtpscript.md, `MTP-`): a small deterministic JavaScript subset with exact
//! gas, a seeded effect set, canonical responses, signed `.msqs` snapshots and a per-request,
//! single-use QuickJS sandbox. Layer 1; the only crate that links a JavaScript engine. No
//! network, file system or async runtime. Spec version 0.1.0.
//!
//! ```text
//! compile(source) -> Program --Snapshot::build(key)--> .msqs --Snapshot::verify(pub)--> VerifiedSnapshot
//! Runtime::run(&VerifiedSnapshot, input, ctx, gas) -> Response { body (RFC 8785), sha256, gas_used, .. }
//! ```

mod compile;
mod effects;
mod engine;
mod error;
mod gas;
mod location;
pub mod peer;
mod response;
mod runtime;
mod seed;
mod snapshot;

pub use compile::{MAX_SOURCE_LEN, Program, compile};
pub use effects::RandomStream;
pub use engine::HeapReport;
pub use error::Error;
pub use gas::{
    COST_TABLE_JSON, DEFAULT_GAS_LIMIT, DEPTH_LIMIT, GasLimit, MAX_GAS_LIMIT, cost_table_hash,
};
pub use response::{Response, VmOrigin, audit_line};
pub use runtime::{Runtime, RuntimeConfig};
pub use seed::{MAX_CONTEXT_FIELD, RequestContext, SEED_VERSION, content_hash, derive_seed};
pub use snapshot::{FORMAT as SNAPSHOT_FORMAT, Snapshot, VerifiedSnapshot};

/// The engine identity written into every snapshot (MTP-080).
pub const ENGINE_IDENTITY: &str = <engine::QuickJs as engine::Engine>::IDENTITY;

/// Compiles and runs `source` once, unsigned, in a fresh VM discarded before returning (for
/// tools and Sigil modules). A compile error is returned as `Err`; every run outcome is a
/// [`Response`].
pub fn run_source(
    source: &str,
    input_json: &[u8],
    ctx: &RequestContext,
    gas: GasLimit,
) -> Result<Response, Error> {
    let program = compile(source)?;
    let snap = VerifiedSnapshot::unsigned(&program)?;
    let runtime = Runtime::new(RuntimeConfig {
        pool_size: 0,
        discard_inline: true,
        ..RuntimeConfig::default()
    })?;
    Ok(runtime.run(&snap, input_json, ctx, gas))
}

/// The own keys of the global object and of every frozen built-in of a fresh hardened VM:
/// `(name, sorted keys, is frozen)` (MTP-093).
pub fn realm_keys() -> Result<Vec<(String, Vec<String>, bool)>, Error> {
    let cfg = engine::VmConfig {
        memory_limit_bytes: 64 << 20,
        stack_size: 1 << 20,
        probe: None,
    };
    engine::QuickJs::inspect(&cfg).map_err(|reason| Error::Engine { reason })
}
