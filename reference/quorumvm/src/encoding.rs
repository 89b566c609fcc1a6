//! How QuorumVM values travel in JSON: canonical hashes (CANON-031), field elements
//! (FIELD-002, FIELD-003) and the integers of manifests (below 2^53).

use field::Fp;
use serde_json::Value;

/// 2^53: JSON integers of manifests and traces are below it (PROTO-021).
pub(crate) const JSON_INT_LIMIT: u64 = 1 << 53;

/// The 64 lowercase hex digits of the SHA-256 of the RFC 8785 form of `value`, or `None` when
/// the value has no canonical form (nesting deeper than 128 levels).
pub(crate) fn sha256_hex(value: &Value) -> Option<String> {
    let text = serde_json::to_string(value).ok()?;
    let canonical = canon::json::canonicalize(text.as_bytes()).ok()?;
    Some(canon::id::ContentId::of_json(&canonical).to_string())
}

/// An element in an accepted input form (FIELD-003): a JSON integer of magnitude below 2^53
/// or a decimal string, reduced mod p.
pub(crate) fn element(value: &Value) -> Result<Fp, field::Error> {
    match value {
        Value::String(s) => Fp::parse(s),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Fp::from_json_integer(i),
            // A fraction, an exponent or a magnitude beyond i64: not an integer form.
            None => Err(field::Error::ElementInvalid {
                reason: "a JSON number that is not an integer of magnitude below 2^53",
            }),
        },
        _ => Err(field::Error::ElementInvalid {
            reason: "neither a JSON integer nor a decimal string",
        }),
    }
}

/// An element in its JSON form (FIELD-002): a decimal string.
pub(crate) fn element_json(value: Fp) -> Value {
    Value::String(value.to_string())
}

/// A JSON integer in `[0, 2^53)`.
pub(crate) fn small_uint(value: &Value) -> Option<u64> {
    value.as_u64().filter(|&n| n < JSON_INT_LIMIT)
}
