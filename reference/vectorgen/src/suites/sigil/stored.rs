//! `sigil/chains` and `sigil/records`: FrozenChains and CanonicalRecords signed, verified, and
//! tampered with byte by byte (SIGIL-012..014, SIGIL-020..022; key histories and witnesses,
//! SIGIL-041, SIGIL-042, SIGIL-051).
//!
//! One module per suite; the signing keys, record bodies, witness registries and the stored-text
//! helpers that both use are here.

mod chains;
mod records;

pub(crate) use chains::chains;
pub(crate) use records::records;

use serde_json::{Value, json};

// Both suites reach the tamper property as `super::every_flip_fails`.
use super::{every_flip_fails, pub_key};

const SERVICE: &str = "quorate/sigil/service-key/0";
const SERVICE_NEXT: &str = "quorate/sigil/service-key/1";
const WITNESSES: [&str; 4] = [
    "quorate/sigil/witness/1",
    "quorate/sigil/witness/2",
    "quorate/sigil/witness/3",
    "quorate/sigil/witness/4",
];

fn hex_of(text: &str) -> String {
    canon::hex::encode(text.as_bytes())
}

/// The canonical text of a JSON value (the generator's own canonicalizer, for tampered bytes).
fn canonical(value: &Value) -> String {
    canon::json::canonicalize(value.to_string().as_bytes())
        .map(|c| c.into_string())
        .unwrap_or_default()
}

fn text_of(hex_bytes: &Value) -> String {
    hex_bytes
        .as_str()
        .and_then(|h| canon::hex::decode(h).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}

fn body(space: &str, kind: &str, id: &str, payload: Value) -> Value {
    json!({
        "kind": kind, "schema_version": 1, "id": id,
        "tenant": if space == "system" { "system" } else { "acme" },
        "ts": 1_767_225_600_000u64, "space": space, "payload": payload,
        "links": ["rec_0"], "prev": null,
    })
}

fn registry(k: u64, labels: &[&str]) -> Value {
    let mut keys: Vec<String> = labels.iter().map(|l| pub_key(l)).collect();
    keys.sort();
    json!({ "k": k, "witnesses": keys })
}
