//! The typed-CBOR JSON model of spec/canon.md §2.1, in both directions.

use canon::cbor::Value as Cbor;
use serde_json::{Value, json};

use crate::CaseError;

/// Enforces CANON-028: a value that does not follow the model is `CANON_CBOR_VALUE_INVALID`.
fn invalid(detail: impl Into<String>) -> CaseError {
    CaseError {
        code: "CANON_CBOR_VALUE_INVALID",
        detail: detail.into(),
    }
}

/// Nesting limit for typed values, matching CANON-025's decoder limit plus headroom so that the
/// encoder, not this converter, is what a too-deep vector exercises.
const MAX_DEPTH: usize = 256;

pub(crate) fn from_json(value: &Value) -> Result<Cbor, CaseError> {
    from_json_at(value, 0)
}

fn from_json_at(value: &Value, depth: usize) -> Result<Cbor, CaseError> {
    if depth > MAX_DEPTH {
        return Err(invalid("typed value nested too deeply"));
    }
    let object = match value {
        Value::Bool(b) => return Ok(Cbor::Bool(*b)),
        Value::Null => return Ok(Cbor::Null),
        Value::Object(object) if object.len() == 1 || object.len() == 2 => object,
        _ => return Err(invalid("not a typed CBOR value")),
    };
    let single = |name: &str| (object.len() == 1).then(|| object.get(name)).flatten();
    if let Some(text) = single("int") {
        return parse_int(text).map(Cbor::Int);
    }
    if let Some(text) = single("bytes") {
        let text = text
            .as_str()
            .ok_or_else(|| invalid("`bytes` is not a string"))?;
        return canon::hex::decode(text)
            .map(Cbor::Bytes)
            .map_err(|e| invalid(e.to_string()));
    }
    if let Some(text) = single("text") {
        let text = text
            .as_str()
            .ok_or_else(|| invalid("`text` is not a string"))?;
        return Ok(Cbor::Text(text.to_owned()));
    }
    if let Some(items) = single("array") {
        let items = items
            .as_array()
            .ok_or_else(|| invalid("`array` is not an array"))?;
        let items = items.iter().map(|item| from_json_at(item, depth + 1));
        return items.collect::<Result<_, _>>().map(Cbor::Array);
    }
    if let Some(entries) = single("map") {
        let entries = entries
            .as_array()
            .ok_or_else(|| invalid("`map` is not an array"))?;
        let entries = entries
            .iter()
            .map(|entry| match entry.as_array().map(Vec::as_slice) {
                Some([key, value]) => Ok((
                    from_json_at(key, depth + 1)?,
                    from_json_at(value, depth + 1)?,
                )),
                _ => Err(invalid("a map entry is not a [key, value] pair")),
            });
        return entries.collect::<Result<_, _>>().map(Cbor::Map);
    }
    if let Some(n) = single("simple") {
        let n = n
            .as_u64()
            .and_then(|n| u8::try_from(n).ok())
            .filter(|n| matches!(n, 0..=19 | 23 | 32..=255))
            .ok_or_else(|| invalid("`simple` is not 0..=19, 23 or 32..=255"))?;
        return Ok(Cbor::Simple(n));
    }
    if let Some(bits) = single("float") {
        let bits = bits
            .as_str()
            .filter(|b| {
                b.len() == 16
                    && b.bytes()
                        .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
            })
            .and_then(|b| u64::from_str_radix(b, 16).ok())
            .ok_or_else(|| invalid("`float` is not 16 lowercase hex digits"))?;
        return Ok(Cbor::Float(f64::from_bits(bits)));
    }
    if let (Some(tag), Some(inner), 2) = (object.get("tag"), object.get("value"), object.len()) {
        let tag = tag
            .as_str()
            .filter(|t| is_decimal(t, false))
            .and_then(|t| t.parse::<u64>().ok())
            .ok_or_else(|| invalid("`tag` is not a decimal u64 string"))?;
        return Ok(Cbor::Tag(tag, Box::new(from_json_at(inner, depth + 1)?)));
    }
    Err(invalid("unknown typed CBOR member"))
}

/// Decimal integer text without leading zeros (and without `-0`).
fn is_decimal(text: &str, allow_sign: bool) -> bool {
    let digits = match text.strip_prefix('-') {
        Some(rest) if allow_sign => rest,
        _ => text,
    };
    let canonical = digits == "0" && !text.starts_with('-') || !digits.starts_with('0');
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && canonical
}

fn parse_int(value: &Value) -> Result<i128, CaseError> {
    const MIN: i128 = -(1 << 64);
    const MAX: i128 = (1 << 64) - 1;
    value
        .as_str()
        .filter(|t| t.len() <= 21 && is_decimal(t, true))
        .and_then(|t| t.parse::<i128>().ok())
        .filter(|n| (MIN..=MAX).contains(n))
        .ok_or_else(|| invalid("`int` is not a decimal integer in -2^64..=2^64-1"))
}

pub(crate) fn to_json(value: &Cbor) -> Value {
    match value {
        Cbor::Int(n) => json!({ "int": n.to_string() }),
        Cbor::Bytes(b) => json!({ "bytes": canon::hex::encode(b) }),
        Cbor::Text(t) => json!({ "text": t }),
        Cbor::Array(items) => json!({ "array": items.iter().map(to_json).collect::<Vec<_>>() }),
        Cbor::Map(entries) => {
            let entries: Vec<Value> = entries
                .iter()
                .map(|(k, v)| Value::Array(vec![to_json(k), to_json(v)]))
                .collect();
            json!({ "map": entries })
        }
        Cbor::Tag(tag, inner) => json!({ "tag": tag.to_string(), "value": to_json(inner) }),
        Cbor::Bool(b) => Value::Bool(*b),
        Cbor::Null => Value::Null,
        Cbor::Simple(n) => json!({ "simple": n }),
        Cbor::Float(x) => json!({ "float": format!("{:016x}", x.to_bits()) }),
    }
}
