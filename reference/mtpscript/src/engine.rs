//! The engine boundary: the only part of the crate that links a JavaScript engine. The
//! runtime talks to an [`Engine`]; QuickJS-ng through rquickjs is the reference backend, a
//! second backend (e.g. MicroQuickJS) would implement the same trait.

mod alloc;
mod bytecode;
mod quickjs;

use std::time::Duration;

pub(crate) use quickjs::{QuickJs, bare_run, bare_vm};

/// How a VM is built (MTP-092).
#[derive(Debug, Clone)]
pub(crate) struct VmConfig {
    /// The hard heap budget, in bytes requested by the engine.
    pub(crate) memory_limit_bytes: usize,
    /// The engine's own stack limit, in bytes.
    pub(crate) stack_size: usize,
    /// Test probe for the wipe check (see `HeapStats`).
    pub(crate) probe: Option<Vec<u8>>,
}

/// One request's work for a VM.
#[derive(Debug)]
pub(crate) struct Job<'a> {
    pub(crate) bytecode: &'a [u8],
    /// SHA-256 of `bytecode`: a VM cloned with these bytes ahead of time skips the load.
    pub(crate) bytecode_hash: [u8; 32],
    /// The input in canonical JSON (MTP-070).
    pub(crate) input_json: &'a str,
    pub(crate) gas_limit: u64,
    pub(crate) seed: [u8; 32],
    pub(crate) deadline: Duration,
}

/// How a run ended, before it is written as a response (MTP-073).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// `main` returned JSON text (not yet canonical).
    Ok {
        json: String,
        gas_used: u64,
    },
    Gas {
        gas_used: u64,
    },
    Depth {
        gas_used: u64,
    },
    Runtime {
        gas_used: u64,
    },
    Effect {
        gas_used: u64,
    },
    ResultInvalid {
        gas_used: u64,
    },
    Memory,
    Deadline,
    EngineFailure(String),
}

/// A finished run.
#[derive(Debug)]
pub(crate) struct RunResult {
    pub(crate) outcome: Outcome,
    pub(crate) logs: Vec<String>,
}

/// A copy of the allocator's counters, taken after the VM was discarded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HeapReport {
    /// Highest number of live heap bytes.
    pub peak_bytes: usize,
    /// Bytes still allocated after discard (must be 0).
    pub live_after_discard: usize,
    /// Bytes zeroed on free.
    pub wiped_bytes: u64,
    /// Freed blocks that held the probe pattern before their wipe.
    pub probe_seen: u64,
    /// Freed blocks that still held it after their wipe (must be 0).
    pub probe_left: u64,
}

/// A JavaScript engine able to run instrumented MTPScript.
pub(crate) trait Engine {
    /// A pre-hardened, never-used VM.
    type Vm: Send + 'static;
    /// Crate, engine and engine version (MTP-080 `engine`).
    const IDENTITY: &'static str;
    /// The engine's bytecode format version (MTP-080 `bytecodeVersion`).
    const BYTECODE_VERSION: u64;
    /// Compiles instrumented JavaScript to bytecode.
    fn compile(js: &str) -> Result<Vec<u8>, String>;
    /// Builds and hardens a VM (MTP-011, MTP-093).
    fn new_vm(config: &VmConfig) -> Result<Self::Vm, String>;
    /// Clones verified bytecode into a never-used VM ahead of its request (MTP-083): the
    /// program is loaded, none of it runs. `Err` leaves a VM that must be discarded.
    fn clone_program(
        vm: &mut Self::Vm,
        bytecode_hash: [u8; 32],
        bytecode: &[u8],
    ) -> Result<(), String>;
    /// Runs one job in a VM (MTP-090); the VM must then be discarded.
    fn execute(vm: &mut Self::Vm, job: &Job<'_>) -> RunResult;
    /// Discards a used VM, wiping its heap (MTP-091), and reports what its allocator saw.
    fn discard(vm: Self::Vm) -> HeapReport;
}
