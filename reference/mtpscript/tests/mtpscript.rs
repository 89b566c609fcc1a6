//! The reference crate's suites (spec/mtpscript.md). Data under `tests/data/`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "mtpscript/clone.rs"]
mod clone;
#[path = "mtpscript/gas.rs"]
mod gas;
#[path = "mtpscript/programs.rs"]
mod programs;
#[path = "mtpscript/sandbox.rs"]
mod sandbox;
#[path = "mtpscript/snapshot.rs"]
mod snapshot;

use mtpscript::{GasLimit, RequestContext, Response};

/// A test's request context.
pub(crate) fn ctx(request_id: &str) -> RequestContext {
    RequestContext {
        request_id: request_id.to_owned(),
        account_id: "acct-test".to_owned(),
        function_version: "v1".to_owned(),
    }
}

/// Reads `tests/data/<name>`.
pub(crate) fn data(name: &str) -> serde_json::Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The input of a case (`null` when absent), as JSON bytes.
pub(crate) fn input_of(case: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(&case["input"]).unwrap_or_default()
}

pub(crate) fn str_of<'a>(case: &'a serde_json::Value, key: &str) -> &'a str {
    case[key]
        .as_str()
        .unwrap_or_else(|| panic!("{key} missing in {case}"))
}

pub(crate) fn u64_of(case: &serde_json::Value, key: &str) -> u64 {
    case[key]
        .as_u64()
        .unwrap_or_else(|| panic!("{key} missing in {case}"))
}

/// Compiles and runs a source, panicking on a compile error.
pub(crate) fn run(source: &str, input: &[u8], gas: u64) -> Response {
    let limit = GasLimit::new(gas).unwrap_or_else(|| panic!("bad limit {gas}"));
    mtpscript::run_source(source, input, &ctx("req-test"), limit)
        .unwrap_or_else(|e| panic!("{source}: {e}"))
}

/// Runs `f` on a thread with the smallest stack a host should give a request (2 MiB).
pub(crate) fn on_small_stack(f: impl FnOnce() + Send + 'static) {
    let worker = std::thread::Builder::new().stack_size(2 << 20).spawn(f);
    assert!(
        worker
            .and_then(|w| w.join().map_err(|_| std::io::Error::other("panicked")))
            .is_ok()
    );
}
