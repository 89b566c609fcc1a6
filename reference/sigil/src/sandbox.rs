//! The module sandbox: the MTPScript runtime (spec/mtpscript.md) as Sigil's [`ModuleRunner`]
//! (SIGIL-061). Each run compiles the module, runs it once in a fresh, single-use QuickJS VM
//! with the module's gas limit, the configured heap budget and wall-clock deadline, and
//! discards the VM before returning; the log effect's entries are the captured logs.

use std::time::Duration;

use mtpscript::{GasLimit, RequestContext, Runtime, RuntimeConfig, VerifiedSnapshot};

use crate::Error;
use crate::module::{Limits, ModuleOutput, ModuleRunner};

/// The MTPScript runner.
#[derive(Debug, Clone, Copy, Default)]
pub struct MtpRunner;

/// The account id every module run is seeded with (MTP-065).
pub const ACCOUNT_ID: &str = "sigil";

fn failed(code: &str, message: impl Into<String>) -> Error {
    Error::ModuleFailed {
        code: code.to_owned(),
        message: message.into(),
    }
}

impl ModuleRunner for MtpRunner {
    /// Enforces SIGIL-061: gas, memory and wall-clock limits, captured logs; any failure in the
    /// sandbox is `SIGIL_MODULE_FAILED` carrying MTPScript's code.
    fn run(
        &self,
        source: &str,
        input: &[u8],
        request_id: &str,
        limits: Limits,
    ) -> Result<ModuleOutput, Error> {
        let gas = GasLimit::new(limits.gas).ok_or_else(|| {
            failed(
                "MTP_GAS_LIMIT_INVALID",
                "the module's gas limit is out of range",
            )
        })?;
        let program = mtpscript::compile(source).map_err(|e| failed(e.code(), e.to_string()))?;
        let snapshot =
            VerifiedSnapshot::unsigned(&program).map_err(|e| failed(e.code(), e.to_string()))?;
        let runtime = Runtime::new(RuntimeConfig {
            pool_size: 0,
            discard_inline: true,
            memory_limit_bytes: usize::try_from(limits.memory_bytes).unwrap_or(usize::MAX),
            deadline: Duration::from_millis(limits.wall_ms),
            ..RuntimeConfig::default()
        })
        .map_err(|e| failed(e.code(), e.to_string()))?;
        let context = RequestContext {
            request_id: request_id.to_owned(),
            account_id: ACCOUNT_ID.to_owned(),
            function_version: canon::hex::encode(&snapshot.content_hash()),
        };
        let response = runtime.run(&snapshot, input, &context, gas);
        let body = String::from_utf8_lossy(&response.body).into_owned();
        if let Some(code) = response.error_code {
            return Err(failed(code, body));
        }
        Ok(ModuleOutput {
            sha256: canon::hex::encode(&response.sha256),
            body,
            gas_used: response.gas_used,
            logs: response.logs,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::module::{DEFAULT_MEMORY_LIMIT, hello};

    fn limits(gas: u64) -> Limits {
        Limits {
            gas,
            memory_bytes: DEFAULT_MEMORY_LIMIT,
            wall_ms: 5_000,
        }
    }

    #[test]
    fn hello_runs_in_the_sandbox_and_limits_hold() {
        let out = MtpRunner
            .run(
                hello().source.as_str(),
                br#"{"name":"ann"}"#,
                "r1",
                limits(100_000),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out.body, r#"{"hello":"ann"}"#);
        assert_eq!(out.logs, vec!["hello ann".to_owned()]);
        assert_eq!(
            out.sha256,
            canon::hex::encode(&canon::id::sha256(out.body.as_bytes()))
        );
        let world = MtpRunner
            .run(hello().source.as_str(), b"[1]", "r2", limits(100_000))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(world.body, r#"{"hello":"world"}"#);
        // Gas: too little for hello.
        let starved = MtpRunner.run(hello().source.as_str(), b"{}", "r3", limits(3));
        assert!(
            matches!(&starved, Err(Error::ModuleFailed { code, .. }) if code == "MTP_GAS_EXHAUSTED"),
            "{starved:?}"
        );
        // A loop that never ends is stopped by gas, a program that does not compile is refused.
        let spin = "function f(n) { return f(n + 1); }\nfunction main(input) { return f(0); }";
        let spun = MtpRunner.run(spin, b"{}", "r4", limits(1_000_000));
        assert!(matches!(&spun, Err(Error::ModuleFailed { .. })), "{spun:?}");
        let bad = MtpRunner.run("while (true) {}", b"{}", "r5", limits(1_000));
        assert!(matches!(&bad, Err(Error::ModuleFailed { .. })), "{bad:?}");
    }
}
