//! Benchmark peers measured side by side with the sandbox (`quorate bench mtp`): the same
//! engine without any of MTPScript's hardening. Not for untrusted programs.

use crate::Error;

/// Runs `source` (an MTPScript program is plain JavaScript) un-instrumented in a fresh,
/// unhardened QuickJS context and returns `JSON.stringify(main(JSON.parse(input_json)))`.
pub fn bare_run(source: &str, input_json: &str) -> Result<String, Error> {
    crate::engine::bare_run(source, input_json).map_err(|reason| Error::Engine { reason })
}

/// Creates and drops a bare QuickJS runtime and base context (the engine's floor).
pub fn bare_vm() -> Result<(), Error> {
    crate::engine::bare_vm().map_err(|reason| Error::Engine { reason })
}
