//! The deterministic encoder (CANON-020..022, 027, 028).

use super::float::{self, Width};
use super::{Value, check_int, check_simple, cmp_encoded_keys};
use crate::{Error, MAX_DEPTH};

pub(super) fn encode(value: &Value) -> Result<Vec<u8>, Error> {
    let mut out = Vec::new();
    write(&mut out, value, 0)?;
    Ok(out)
}

/// Writes `value`, which sits inside `depth` arrays, maps and tags.
fn write(out: &mut Vec<u8>, value: &Value, depth: usize) -> Result<(), Error> {
    match value {
        Value::Int(n) => {
            let n = check_int(*n)?;
            // In range, so the argument fits in a u64 (checked again rather than assumed).
            let (major, arg) = if n >= 0 { (0, n) } else { (1, -1 - n) };
            let arg = u64::try_from(arg).map_err(|_| Error::cbor_value("integer out of range"))?;
            head(out, major, arg);
        }
        Value::Bytes(bytes) => {
            head(out, 2, bytes.len() as u64);
            out.extend_from_slice(bytes);
        }
        Value::Text(text) => {
            head(out, 3, text.len() as u64);
            out.extend_from_slice(text.as_bytes());
        }
        Value::Array(items) => {
            enter(depth)?;
            head(out, 4, items.len() as u64);
            for item in items {
                write(out, item, depth + 1)?;
            }
        }
        Value::Map(entries) => {
            enter(depth)?;
            write_map(out, entries, depth)?;
        }
        Value::Tag(tag, content) => {
            // Enforces CANON-027: any u64 tag, content not interpreted.
            enter(depth)?;
            head(out, 6, *tag);
            write(out, content, depth + 1)?;
        }
        Value::Bool(false) => out.push(0xf4),
        Value::Bool(true) => out.push(0xf5),
        Value::Null => out.push(0xf6),
        Value::Simple(n) => match check_simple(*n)? {
            n @ 0..=23 => out.push(0xe0 | n),
            n => out.extend_from_slice(&[0xf8, n]),
        },
        Value::Float(x) => match float::shortest(*x) {
            Width::Half(bits) => {
                out.push(0xf9);
                out.extend_from_slice(&bits.to_be_bytes());
            }
            Width::Single(bits) => {
                out.push(0xfa);
                out.extend_from_slice(&bits.to_be_bytes());
            }
            Width::Double(bits) => {
                out.push(0xfb);
                out.extend_from_slice(&bits.to_be_bytes());
            }
        },
    }
    Ok(())
}

/// Enforces CANON-020 (entries sorted by encoded key, length first) and CANON-022 (two keys
/// with the same encoding are `CANON_CBOR_DUPLICATE_KEY`).
fn write_map(out: &mut Vec<u8>, entries: &[(Value, Value)], depth: usize) -> Result<(), Error> {
    let mut encoded = Vec::with_capacity(entries.len());
    for (key, value) in entries {
        let mut key_bytes = Vec::new();
        write(&mut key_bytes, key, depth + 1)?;
        encoded.push((key_bytes, value));
    }
    encoded.sort_by(|a, b| cmp_encoded_keys(&a.0, &b.0));
    if encoded.windows(2).any(|w| w[0].0 == w[1].0) {
        return Err(Error::CborDuplicateKey { offset: None });
    }
    head(out, 5, encoded.len() as u64);
    for (key_bytes, value) in encoded {
        out.extend_from_slice(&key_bytes);
        write(out, value, depth + 1)?;
    }
    Ok(())
}

/// Enforces CANON-025 for values built in memory, before recursing.
fn enter(depth: usize) -> Result<(), Error> {
    if depth >= MAX_DEPTH {
        return Err(Error::CborTooDeep {
            offset: None,
            limit: MAX_DEPTH,
        });
    }
    Ok(())
}

/// Enforces CANON-020: the shortest head for `arg`.
fn head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let m = major << 5;
    if arg < 24 {
        out.push(m | arg as u8);
    } else if arg <= 0xff {
        out.extend_from_slice(&[m | 24, arg as u8]);
    } else if arg <= 0xffff {
        out.push(m | 25);
        out.extend_from_slice(&(arg as u16).to_be_bytes());
    } else if arg <= 0xffff_ffff {
        out.push(m | 26);
        out.extend_from_slice(&(arg as u32).to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&arg.to_be_bytes());
    }
}
