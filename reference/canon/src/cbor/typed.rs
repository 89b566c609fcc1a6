//! Typed CBOR: the JSON form of CBOR values used by vectors and the adapter protocol
//! (canon.md §2.1, CANON-028).

use super::{Value, check_int, check_simple};
use crate::{Error, MAX_DEPTH, hex, json};

/// Reads a typed-CBOR JSON value.
///
/// Enforces CANON-028: anything that does not follow the table of canon.md §2.1 (an unknown or
/// missing member, an extra member, a JSON type other than the table's, an integer out of range
/// or with leading zeros or `-0`, a tag that is not a decimal `u64`, simple values 20..=31, hex
/// that is not lowercase and even-length, a float that is not 16 hex digits) is
/// `CANON_CBOR_VALUE_INVALID`. Nesting deeper than 128 CBOR levels is `CANON_CBOR_TOO_DEEP`.
pub fn from_typed(value: &json::Value) -> Result<Value, Error> {
    read(value, 0)
}

/// Writes a CBOR value as typed-CBOR JSON (maps keep their entry order; floats are their
/// binary64 bits). Fails as [`super::encode`] does on a value outside the model.
pub fn to_typed(value: &Value) -> Result<json::Value, Error> {
    write(value, 0)
}

fn read(value: &json::Value, depth: usize) -> Result<Value, Error> {
    use json::Value as J;
    let members = match value {
        J::Null => return Ok(Value::Null),
        J::Bool(b) => return Ok(Value::Bool(*b)),
        J::Object(members) => members.as_slice(),
        _ => {
            return Err(invalid(
                "a typed CBOR value is an object, true, false or null",
            ));
        }
    };
    match members {
        [(name, v)] => match (name.as_str(), v) {
            ("int", J::String(s)) => Ok(Value::Int(check_int(decimal_int(s)?)?)),
            ("bytes", J::String(s)) => {
                Ok(Value::Bytes(hex::decode(s).map_err(|_| {
                    invalid("\"bytes\" is not lowercase even-length hex")
                })?))
            }
            ("text", J::String(s)) => Ok(Value::Text(s.clone())),
            ("array", J::Array(items)) => {
                enter(depth)?;
                let items = items.iter().map(|item| read(item, depth + 1));
                Ok(Value::Array(items.collect::<Result<_, _>>()?))
            }
            ("map", J::Array(entries)) => {
                enter(depth)?;
                let entries = entries.iter().map(|entry| match entry {
                    J::Array(pair) => match pair.as_slice() {
                        [k, v] => Ok((read(k, depth + 1)?, read(v, depth + 1)?)),
                        _ => Err(invalid("a map entry is a [key, value] array")),
                    },
                    _ => Err(invalid("a map entry is a [key, value] array")),
                });
                Ok(Value::Map(entries.collect::<Result<_, _>>()?))
            }
            ("simple", J::Number(n)) => {
                if n.fract() != 0.0 || !(0.0..=255.0).contains(n) {
                    return Err(invalid("\"simple\" is an integer 0..=255"));
                }
                Ok(Value::Simple(check_simple(*n as u8)?))
            }
            ("float", J::String(s)) => {
                let bits = match hex::decode(s) {
                    Ok(bytes) => <[u8; 8]>::try_from(bytes).ok(),
                    Err(_) => None,
                };
                let bits = bits.ok_or_else(|| invalid("\"float\" is 16 lowercase hex digits"))?;
                Ok(Value::Float(f64::from_bits(u64::from_be_bytes(bits))))
            }
            _ => Err(invalid(
                "unknown member or wrong JSON type in a typed CBOR value",
            )),
        },
        [(a, x), (b, y)] => {
            let (tag, content) = match (a.as_str(), b.as_str()) {
                ("tag", "value") => (x, y),
                ("value", "tag") => (y, x),
                _ => {
                    return Err(invalid(
                        "a two-member typed CBOR value is {\"tag\", \"value\"}",
                    ));
                }
            };
            let J::String(tag) = tag else {
                return Err(invalid("\"tag\" is a decimal string"));
            };
            enter(depth)?;
            let tag = decimal_u64(tag)?;
            Ok(Value::Tag(tag, Box::new(read(content, depth + 1)?)))
        }
        _ => Err(invalid(
            "a typed CBOR object has one member, or \"tag\" and \"value\"",
        )),
    }
}

fn write(value: &Value, depth: usize) -> Result<json::Value, Error> {
    use json::Value as J;
    let one = |name: &str, v: J| J::Object(vec![(name.to_owned(), v)]);
    Ok(match value {
        Value::Int(n) => one("int", J::String(check_int(*n)?.to_string())),
        Value::Bytes(bytes) => one("bytes", J::String(hex::encode(bytes))),
        Value::Text(text) => one("text", J::String(text.clone())),
        Value::Array(items) => {
            enter(depth)?;
            let items = items.iter().map(|item| write(item, depth + 1));
            one("array", J::Array(items.collect::<Result<_, _>>()?))
        }
        Value::Map(entries) => {
            enter(depth)?;
            let entries = entries
                .iter()
                .map(|(k, v)| Ok(J::Array(vec![write(k, depth + 1)?, write(v, depth + 1)?])));
            one("map", J::Array(entries.collect::<Result<_, Error>>()?))
        }
        Value::Tag(tag, content) => {
            enter(depth)?;
            J::Object(vec![
                ("tag".to_owned(), J::String(tag.to_string())),
                ("value".to_owned(), write(content, depth + 1)?),
            ])
        }
        Value::Bool(b) => J::Bool(*b),
        Value::Null => J::Null,
        Value::Simple(n) => one("simple", J::Number(f64::from(check_simple(*n)?))),
        Value::Float(x) => one("float", J::String(format!("{:016x}", x.to_bits()))),
    })
}

/// `"0"` or an optional `-` then a nonzero digit and digits; not `-0`.
fn decimal_int(s: &str) -> Result<i128, Error> {
    let (negative, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let magnitude = decimal_u64_or_more(digits)?;
    if negative && magnitude == 0 {
        return Err(invalid("\"-0\" is not an integer form"));
    }
    Ok(if negative { -magnitude } else { magnitude })
}

fn decimal_u64(s: &str) -> Result<u64, Error> {
    u64::try_from(decimal_u64_or_more(s)?).map_err(|_| invalid("tag number above 2^64-1"))
}

/// Unsigned decimal without leading zeros; values above `2^64` saturate just past it.
fn decimal_u64_or_more(digits: &str) -> Result<i128, Error> {
    let well_formed = match digits.as_bytes() {
        [b'0'] => true,
        [b'1'..=b'9', rest @ ..] => rest.iter().all(u8::is_ascii_digit),
        _ => false,
    };
    if !well_formed {
        return Err(invalid("integer is not a decimal without leading zeros"));
    }
    let beyond = super::INT_MAX + 2; // out of range for both uses, so saturate here
    Ok(digits.bytes().fold(0i128, |acc, d| {
        (acc * 10 + i128::from(d - b'0')).min(beyond)
    }))
}

fn enter(depth: usize) -> Result<(), Error> {
    if depth >= MAX_DEPTH {
        return Err(Error::CborTooDeep {
            offset: None,
            limit: MAX_DEPTH,
        });
    }
    Ok(())
}

fn invalid(reason: &str) -> Error {
    Error::cbor_value(reason)
}
