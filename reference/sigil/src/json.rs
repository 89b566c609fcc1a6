//! Small helpers over [`canon::json::Value`]: building objects, and reading objects with exactly
//! the expected members (every shape check of the spec is "exactly these members").

use canon::json::{CanonicalJson, Value};

/// An object from `(name, value)` pairs (order irrelevant: the canonical form sorts them).
pub fn obj(members: Vec<(&str, Value)>) -> Value {
    Value::Object(
        members
            .into_iter()
            .map(|(name, value)| (name.to_owned(), value))
            .collect(),
    )
}

/// A string value.
pub fn string(s: impl Into<String>) -> Value {
    Value::String(s.into())
}

/// An integer value (exact below 2^53).
pub fn int(n: u64) -> Value {
    Value::Number(n as f64)
}

/// `null` for `None`, else a string.
pub fn opt_string(s: Option<&str>) -> Value {
    s.map_or(Value::Null, |s| Value::String(s.to_owned()))
}

/// The canonical form of a value the crate built (finite numbers, unique names).
pub fn canonical(value: &Value) -> Result<CanonicalJson, crate::Error> {
    Ok(canon::json::to_canonical(value)?)
}

/// The members of `value` if it is an object with exactly the names `names` (any order).
pub fn exact<'a>(value: &'a Value, names: &[&str]) -> Result<Vec<&'a Value>, String> {
    let members = value.as_object().ok_or("not an object")?;
    if members.len() != names.len() {
        return Err(format!(
            "{} members, expected {} ({})",
            members.len(),
            names.len(),
            names.join(", ")
        ));
    }
    names
        .iter()
        .map(|name| {
            value
                .get(name)
                .ok_or_else(|| format!("missing member {name}"))
        })
        .collect()
}

/// A string member.
pub fn as_str<'a>(value: &'a Value, name: &str) -> Result<&'a str, String> {
    value
        .as_str()
        .ok_or_else(|| format!("{name} is not a string"))
}

/// An integer member in `[0, 2^53)` (no fraction).
pub fn as_int(value: &Value, name: &str) -> Result<u64, String> {
    value
        .as_u64()
        .ok_or_else(|| format!("{name} is not an integer in [0, 2^53)"))
}

/// Whether `s` is `len` lowercase hex digits.
pub fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// A hex member of `len` digits.
pub fn as_hex<'a>(value: &'a Value, name: &str, len: usize) -> Result<&'a str, String> {
    let s = as_str(value, name)?;
    if is_hex(s, len) {
        Ok(s)
    } else {
        Err(format!("{name} is not {len} lowercase hex digits"))
    }
}

/// The 32 bytes of 64 hex digits (already checked by [`is_hex`]).
pub fn key_bytes(hex: &str) -> Option<[u8; 32]> {
    canon::hex::decode(hex).ok()?.try_into().ok()
}
