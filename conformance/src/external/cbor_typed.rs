//! Typed CBOR values (spec/canon.md §2.1) as JSON, and a minimal deterministic encoder used
//! only to order map keys and to check that each loaded expectation encodes back to the
//! upstream bytes. It is part of the loader, not an implementation under test.

use serde_json::{Value, json};

/// `{"int": "<decimal>"}` for `-2^64 ..= 2^64-1`; a bignum tag (2 or 3) beyond that.
pub(super) fn integer(n: i128) -> Value {
    const LIMIT: i128 = 1 << 64;
    if (-LIMIT..LIMIT).contains(&n) {
        json!({"int": n.to_string()})
    } else if n >= LIMIT {
        json!({"tag": "2", "value": {"bytes": minimal_be(n.unsigned_abs())}})
    } else {
        // Tag 3 carries -1 - n.
        json!({"tag": "3", "value": {"bytes": minimal_be((-1 - n).unsigned_abs())}})
    }
}

fn minimal_be(n: u128) -> String {
    let bytes = n.to_be_bytes();
    let first = bytes
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(bytes.len() - 1);
    hex::encode(&bytes[first..])
}

/// `{"float": "<16 hex digits of the binary64 bits>"}`.
pub(super) fn float(f: f64) -> Value {
    json!({"float": format!("{:016x}", f.to_bits())})
}

/// `{"text": s}`.
pub(super) fn text(s: &str) -> Value {
    json!({"text": s})
}

/// `{"bytes": hex}`.
pub(super) fn bytes(hex: &str) -> Value {
    json!({"bytes": hex})
}

/// `{"map": [[k, v], ...]}` with entries in canonical order: shorter encoded key first, then
/// bytewise (CANON-020).
pub(super) fn map(entries: Vec<(Value, Value)>) -> Result<Value, String> {
    let mut keyed = Vec::with_capacity(entries.len());
    for (k, v) in entries {
        keyed.push((encode(&k)?, k, v));
    }
    keyed.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then_with(|| a.0.cmp(&b.0)));
    let entries: Vec<Value> = keyed.into_iter().map(|(_, k, v)| json!([k, v])).collect();
    Ok(json!({ "map": entries }))
}

fn head(major: u8, arg: u64, out: &mut Vec<u8>) {
    let m = major << 5;
    match arg {
        0..=23 => out.push(m | u8::try_from(arg).unwrap_or(0)),
        24..=0xff => out.extend([m | 24, u8::try_from(arg).unwrap_or(0)]),
        0x100..=0xffff => {
            out.push(m | 25);
            out.extend(u16::try_from(arg).unwrap_or(0).to_be_bytes());
        }
        0x1_0000..=0xffff_ffff => {
            out.push(m | 26);
            out.extend(u32::try_from(arg).unwrap_or(0).to_be_bytes());
        }
        _ => {
            out.push(m | 27);
            out.extend(arg.to_be_bytes());
        }
    }
}

fn len(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

/// The deterministic encoding of a typed value.
pub(super) fn encode(value: &Value) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    encode_into(value, &mut out)?;
    Ok(out)
}

fn encode_into(value: &Value, out: &mut Vec<u8>) -> Result<(), String> {
    let bad = || format!("not a typed CBOR value: {value}");
    match value {
        Value::Bool(false) => out.push(0xf4),
        Value::Bool(true) => out.push(0xf5),
        Value::Null => out.push(0xf6),
        Value::Object(o) => {
            let str_of = |k: &str| o.get(k).and_then(Value::as_str).ok_or_else(bad);
            if let Some(n) = o.get("int").and_then(Value::as_str) {
                let n: i128 = n.parse().map_err(|_| bad())?;
                let (major, arg) = if n >= 0 { (0, n) } else { (1, -1 - n) };
                head(major, u64::try_from(arg).map_err(|_| bad())?, out);
            } else if o.contains_key("bytes") {
                let b = hex::decode(str_of("bytes")?).map_err(|_| bad())?;
                head(2, len(b.len()), out);
                out.extend(b);
            } else if o.contains_key("text") {
                let t = str_of("text")?;
                head(3, len(t.len()), out);
                out.extend(t.as_bytes());
            } else if let Some(items) = o.get("array").and_then(Value::as_array) {
                head(4, len(items.len()), out);
                for item in items {
                    encode_into(item, out)?;
                }
            } else if let Some(entries) = o.get("map").and_then(Value::as_array) {
                let mut encoded = Vec::with_capacity(entries.len());
                for entry in entries {
                    let pair = entry.as_array().filter(|p| p.len() == 2).ok_or_else(bad)?;
                    encoded.push((encode(&pair[0])?, encode(&pair[1])?));
                }
                encoded.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then_with(|| a.0.cmp(&b.0)));
                head(5, len(encoded.len()), out);
                for (k, v) in encoded {
                    out.extend(k);
                    out.extend(v);
                }
            } else if o.contains_key("tag") {
                let tag: u64 = str_of("tag")?.parse().map_err(|_| bad())?;
                head(6, tag, out);
                encode_into(o.get("value").ok_or_else(bad)?, out)?;
            } else if let Some(n) = o.get("simple").and_then(Value::as_u64) {
                match u8::try_from(n) {
                    Ok(n @ 0..=23) => out.push(0xe0 | n),
                    Ok(n) => out.extend([0xf8, n]),
                    Err(_) => return Err(bad()),
                }
            } else if o.contains_key("float") {
                let bits = u64::from_str_radix(str_of("float")?, 16).map_err(|_| bad())?;
                encode_float(f64::from_bits(bits), out);
            } else {
                return Err(bad());
            }
        }
        _ => return Err(bad()),
    }
    Ok(())
}

/// Shortest exact width; every NaN is `f97e00` (CANON-021).
fn encode_float(f: f64, out: &mut Vec<u8>) {
    if f.is_nan() {
        out.extend([0xf9, 0x7e, 0x00]);
    } else if let Some(h) = to_half(f) {
        out.push(0xf9);
        out.extend(h.to_be_bytes());
    } else {
        #[allow(
            clippy::cast_possible_truncation,
            reason = "exactness is checked by the round trip"
        )]
        let single = f as f32;
        if f64::from(single) == f {
            out.push(0xfa);
            out.extend(single.to_bits().to_be_bytes());
        } else {
            out.push(0xfb);
            out.extend(f.to_bits().to_be_bytes());
        }
    }
}

/// The binary16 encoding of `f`, if it represents `f` exactly (by search: it is a loader).
fn to_half(f: f64) -> Option<u16> {
    let sign = if f.is_sign_negative() { 0x8000 } else { 0 };
    (0u16..=0x7c00)
        .find(|&h| half_to_f64(h) == f.abs())
        .map(|h| h | sign)
}

/// The value of a binary16 bit pattern (NaN patterns excluded by the caller).
pub(super) fn half_to_f64(h: u16) -> f64 {
    let exp = i32::from((h >> 10) & 0x1f);
    let mant = f64::from(h & 0x3ff);
    let magnitude = match exp {
        0 => mant * 2f64.powi(-24),
        31 if mant == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (1024.0 + mant) * 2f64.powi(exp - 25),
    };
    if h & 0x8000 != 0 {
        -magnitude
    } else {
        magnitude
    }
}
