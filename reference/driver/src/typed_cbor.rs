//! The typed-CBOR JSON model of spec/canon.md §2.1 is implemented once, in
//! `canon::cbor::{from_typed, to_typed}`; this module only moves values between the protocol's
//! `serde_json` values and `canon::json` values.

use canon::json::Value as Canon;
use serde_json::Value;

use crate::CaseError;

/// Reads a typed-CBOR value from a case input (CANON-028).
pub(crate) fn from_json(value: &Value) -> Result<canon::cbor::Value, CaseError> {
    Ok(canon::cbor::from_typed(&to_canon(value))?)
}

/// Writes a decoded CBOR value as typed-CBOR JSON.
pub(crate) fn to_json(value: &canon::cbor::Value) -> Result<Value, CaseError> {
    Ok(from_canon(&canon::cbor::to_typed(value)?))
}

fn to_canon(value: &Value) -> Canon {
    match value {
        Value::Null => Canon::Null,
        Value::Bool(b) => Canon::Bool(*b),
        // Numbers only occur as `simple` values, which are small integers; a non-finite or
        // fractional number is refused by `from_typed`.
        Value::Number(n) => Canon::Number(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => Canon::String(s.clone()),
        Value::Array(items) => Canon::Array(items.iter().map(to_canon).collect()),
        Value::Object(members) => Canon::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), to_canon(v)))
                .collect(),
        ),
    }
}

/// The largest integer a binary64 holds exactly.
const EXACT: f64 = 9_007_199_254_740_992.0;

fn from_canon(value: &Canon) -> Value {
    match value {
        Canon::Null => Value::Null,
        Canon::Bool(b) => Value::Bool(*b),
        // PROTO-021: integers travel as JSON integers.
        Canon::Number(x) if x.fract() == 0.0 && x.abs() < EXACT => Value::from(*x as i64),
        Canon::Number(x) => serde_json::Number::from_f64(*x).map_or(Value::Null, Value::Number),
        Canon::String(s) => Value::String(s.clone()),
        Canon::Array(items) => Value::Array(items.iter().map(from_canon).collect()),
        Canon::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (k.clone(), from_canon(v)))
                .collect(),
        ),
    }
}
