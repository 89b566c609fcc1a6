//! `sigil/*` suites (spec/sigil.md, spec/protocol.md §6 "Sigil operations"): features and the
//! float helpers, model scores, frozen chains, canonical records, quorum, key histories and the
//! LOA gate. Keys come from seed labels (CANON-050); properties (a signed thing verifies, every
//! tampered byte fails) are asserted here before a case is written.

mod cdc;
mod model;
mod quorum;
mod stored;

pub(crate) use cdc::cdc;
pub(crate) use model::{features, helpers, scores};
pub(crate) use quorum::{keys, loa_gate, quorum};
pub(crate) use stored::{chains, records};

use serde_json::{Value, json};

use crate::Case;

/// The reference's answer to `op` on `input`, or the failure as text.
fn call(op: &str, input: &Value) -> Result<Value, String> {
    driver::run_case(op, input).map_err(|e| format!("{op}: {}: {}", e.code(), e.detail()))
}

/// `case`, or a case that cannot be written when `property` failed: the generator then refuses
/// the whole file with the property's message.
fn checked(mut case: Case, property: Result<(), String>) -> Case {
    if let Err(message) = property {
        case.intent = crate::Intent::Known(json!({ "property_failed": message }));
    }
    case
}

/// The public key (hex) of a seed label.
fn pub_key(label: &str) -> String {
    canon::drbg::Drbg::new(label)
        .bytes(32)
        .ok()
        .and_then(|seed| sigil::keys::Signer::from_seed(&seed).ok())
        .map(|s| s.pub_key().to_owned())
        .unwrap_or_default()
}

/// A check request's JSON.
fn request(action: &str, target: &str, loa: &str, input: &str) -> Value {
    json!({ "tenant": "acme", "actor": "ann", "action": action, "target": target, "loa": loa, "input": input })
}

/// A core JSON value as serde JSON (through its canonical text, so numbers keep their bits).
fn serde_of(value: &canon::json::Value) -> Value {
    canon::json::to_canonical(value)
        .ok()
        .and_then(|c| serde_json::from_str(c.as_str()).ok())
        .unwrap_or(Value::Null)
}

/// Whether `f` fails for every single-byte XOR of `bytes` with each of the eight one-bit masks.
fn every_flip_fails(bytes: &[u8], f: impl Fn(&[u8]) -> bool) -> Result<(), String> {
    for at in 0..bytes.len() {
        for bit in 0..8 {
            let mut tampered = bytes.to_vec();
            tampered[at] ^= 1 << bit;
            if f(&tampered) {
                return Err(format!("flipping bit {bit} of byte {at} still verifies"));
            }
        }
    }
    Ok(())
}

/// The tamper cases of stored bytes: one case per mask, listing every byte's result, asserted
/// to hold no `"verified"`.
fn flip_cases(
    prefix: &str,
    reqs: &[&'static str],
    what: &str,
    op: &'static str,
    input: &Value,
    len: usize,
) -> Vec<Case> {
    [0x01u8, 0x20, 0x80]
        .into_iter()
        .map(|mask| {
            let mut flipped = input.clone();
            flipped["flips"] = json!({ "start": 0, "count": len, "xor": mask });
            let property = call(op, &flipped).and_then(|out| {
                match out.as_array() {
                    Some(results) if results.len() == len
                        && results.iter().all(|r| r.as_str().is_some_and(|r| r != "verified")) => Ok(()),
                    _ => Err(format!("a flip with mask {mask:#04x} verified or the answer is not a list: {out}")),
                }
            });
            checked(
                Case::computed(
                    format!("{prefix}-flip-x{mask:02x}"),
                    reqs,
                    format!("{what}: every byte XOR {mask:#04x}, each verified separately; none verifies"),
                    op,
                    flipped,
                ),
                property,
            )
        })
        .collect()
}
