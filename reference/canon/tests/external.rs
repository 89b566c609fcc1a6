//! Upstream known-answer suites from `shared/external-vectors` (see its `PROVENANCE.md`):
//! Wycheproof (Ed25519, ECDSA P-256 P1363 and DER, HMAC-SHA256), RFC 8785 test data and the
//! ES6 number sample, RFC 8949 Appendix A, FNV-1a, Ed25519 `sign.input`, RFC 6979.
//!
//! The folder is read from `QUORATE_EXTERNAL_VECTORS`, by default `../../../shared/external-vectors`
//! from this crate (the `shared/` beside the repository). A missing folder fails the tests:
//! these suites are the primitives' independent check.

// A test crate: helpers outside #[test] functions fail by panicking, as assertions do.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::PathBuf;

#[path = "external/cbor_appendix_a.rs"]
mod cbor_appendix_a;
#[path = "external/jcs.rs"]
mod jcs;
#[path = "external/known_answers.rs"]
mod known_answers;
#[path = "external/wycheproof.rs"]
mod wycheproof;

/// The external vectors folder.
fn root() -> PathBuf {
    let dir = std::env::var_os("QUORATE_EXTERNAL_VECTORS").map_or_else(
        || PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/external-vectors"),
        PathBuf::from,
    );
    assert!(
        dir.is_dir(),
        "external vectors not found at {} (set QUORATE_EXTERNAL_VECTORS)",
        dir.display()
    );
    dir
}

/// The bytes of `relative` under [`root`].
fn read(relative: &str) -> Vec<u8> {
    let path = root().join(relative);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The text of `relative` under [`root`].
fn read_text(relative: &str) -> String {
    String::from_utf8(read(relative)).unwrap()
}

/// The JSON document at `relative` under [`root`].
fn read_json(relative: &str) -> serde_json::Value {
    serde_json::from_slice(&read(relative)).unwrap()
}

fn h(s: &str) -> Vec<u8> {
    canon::hex::decode(s).unwrap()
}

/// Fails with every disagreement listed, after counting the cases.
fn report(suite: &str, total: usize, failures: &[String]) {
    assert!(total > 0, "{suite}: no cases");
    assert!(
        failures.is_empty(),
        "{suite}: {} of {total} cases disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
    eprintln!("{suite}: {total} cases agree");
}
