//! Deterministic CBOR: canon.md §2 (CANON-020..028).
//!
//! Hand-written rather than built on a CBOR crate: none reports the spec's distinct faults
//! (non-canonical vs malformed vs duplicate key, with the CANON-026 order), and the spec's
//! "length-first" map order (RFC 7049 §3.9) is not the bytewise order of RFC 8949 that current
//! crates implement.
//!
//! [`decode`] reads in two passes over the first data item: the first checks RFC 8949
//! well-formedness (and the nesting limit) without building anything; then the decoder builds
//! the [`Value`], checking canonical form and UTF-8 in reading order and recording duplicate map
//! keys, which are reported only if the whole item is otherwise canonical. Bytes after the item
//! are reported last. This is the CANON-026 order applied to the whole first data item:
//! malformed (or too deep) anywhere, then non-canonical or invalid UTF-8 (whichever comes first),
//! then duplicate keys, then trailing bytes.

mod decode;
mod encode;
mod float;
mod head;
mod typed;
mod wellformed;

use std::cmp::Ordering;

use crate::Error;

pub use typed::{from_typed, to_typed};

/// A CBOR data item (the value model of canon.md §2.1).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An unsigned or negative integer, `-2^64 ..= 2^64-1` (major types 0 and 1).
    Int(i128),
    /// A byte string (major type 2).
    Bytes(Vec<u8>),
    /// A text string (major type 3).
    Text(String),
    /// An array (major type 4).
    Array(Vec<Value>),
    /// A map (major type 5). [`decode`] returns entries in wire order, which is canonical order;
    /// [`encode`] sorts them itself.
    Map(Vec<(Value, Value)>),
    /// A tag number and its content, not interpreted (CANON-027).
    Tag(u64, Box<Value>),
    /// `false` / `true`.
    Bool(bool),
    /// `null`.
    Null,
    /// Any other simple value: 0..=19, 23 (`undefined`) or 32..=255.
    Simple(u8),
    /// A float of any width, as binary64. A decoded NaN is `f64::NAN` (bits `7ff8000000000000`).
    Float(f64),
}

/// The smallest integer in the value model, -2^64.
pub const INT_MIN: i128 = -(1 << 64);
/// The largest integer in the value model, 2^64 - 1.
pub const INT_MAX: i128 = (1 << 64) - 1;

/// The deterministic encoding of `value` (CANON-020..022, 027, 028). Map entries are sorted
/// here; two keys with the same encoding are `CANON_CBOR_DUPLICATE_KEY`; an integer or simple
/// value outside the model is `CANON_CBOR_VALUE_INVALID`; nesting deeper than 128 is
/// `CANON_CBOR_TOO_DEEP` (so that every encoding decodes).
pub fn encode(value: &Value) -> Result<Vec<u8>, Error> {
    encode::encode(value)
}

/// Decodes exactly one deterministic CBOR data item (CANON-023..027); see the module doc for
/// the order in which faults are reported.
pub fn decode(bytes: &[u8]) -> Result<Value, Error> {
    decode::decode(bytes)
}

/// Enforces CANON-020 (map order): a shorter encoded key first, then bytewise.
pub(crate) fn cmp_encoded_keys(a: &[u8], b: &[u8]) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Enforces CANON-028 (integer range).
pub(crate) fn check_int(n: i128) -> Result<i128, Error> {
    if (INT_MIN..=INT_MAX).contains(&n) {
        Ok(n)
    } else {
        Err(Error::cbor_value(format!(
            "integer {n} outside -2^64 ..= 2^64-1"
        )))
    }
}

/// Enforces CANON-028 (simple values): 20..=22 are `false`/`true`/`null`, 24..=31 are reserved.
pub(crate) fn check_simple(n: u8) -> Result<u8, Error> {
    match n {
        0..=19 | 23 | 32..=255 => Ok(n),
        _ => Err(Error::cbor_value(format!(
            "simple value {n} (20..22 are false/true/null, 24..31 are reserved)"
        ))),
    }
}
