//! Strict JSON (RFC 8259) and its canonical form (RFC 8785, JCS): canon.md §1.
//!
//! [`parse`] accepts exactly one RFC 8259 text and rejects everything else with the code of the
//! first failing check of CANON-010..016, in the spec's order. [`to_canonical`] writes the
//! CANON-001 form; [`CanonicalJson`] can only be obtained from this module, so holding one proves
//! the bytes are canonical.

mod number;
mod parse;
mod serialize;

use std::fmt;

use crate::Error;

pub use number::format_number;

/// The largest JSON input accepted by [`parse`], in bytes (CANON-010).
pub const MAX_INPUT_LEN: usize = 16 * 1024 * 1024;

/// A parsed JSON value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A number, as the binary64 value it rounds to (CANON-016).
    Number(f64),
    /// A string.
    String(String),
    /// An array, in order.
    Array(Vec<Value>),
    /// An object's members in the order they were parsed (or built). Names are unique in a
    /// parsed value; [`to_canonical`] sorts them and rejects duplicates.
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The value of the first member called `name`, if this is an object that has one.
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Self::Object(members) => members.iter().find(|(n, _)| n == name).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Self::String(s) => Some(s),
            _ => None,
        }
    }

    /// The number, if this is one.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Self::Number(x) => Some(*x),
            _ => None,
        }
    }

    /// The number as a `u64`, if this is a number with an integral value in `u64` range that
    /// binary64 represents exactly (below 2^53, as PROTO-021 output integers are).
    pub fn as_u64(&self) -> Option<u64> {
        const EXACT: f64 = 9_007_199_254_740_992.0; // 2^53
        match self {
            Self::Number(x) if x.fract() == 0.0 && *x >= 0.0 && *x < EXACT => Some(*x as u64),
            _ => None,
        }
    }

    /// The boolean, if this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Self::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The elements, if this is an array.
    pub fn as_array(&self) -> Option<&[Value]> {
        match self {
            Self::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The members, if this is an object.
    pub fn as_object(&self) -> Option<&[(String, Value)]> {
        match self {
            Self::Object(members) => Some(members),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }
}

/// Canonical JSON text (CANON-001): UTF-8, RFC 8785 form. Only this module creates one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CanonicalJson(String);

impl CanonicalJson {
    /// The canonical text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The canonical bytes (what CANON-031 hashes).
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The canonical text, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for CanonicalJson {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for CanonicalJson {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl AsRef<[u8]> for CanonicalJson {
    fn as_ref(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

/// Parses one JSON text strictly (CANON-010..016), the first failing check in the spec's order
/// giving the error: size, UTF-8, syntax, depth, duplicate names, lone surrogates, number range.
pub fn parse(bytes: &[u8]) -> Result<Value, Error> {
    parse::parse(bytes)
}

/// Parses `bytes` strictly and returns their canonical form.
pub fn canonicalize(bytes: &[u8]) -> Result<CanonicalJson, Error> {
    to_canonical(&parse(bytes)?)
}

/// The canonical form (CANON-001..005, 017) of a value.
///
/// Also rejects what [`parse`] would reject in a value built in memory: nesting deeper than 128
/// (`CANON_JSON_TOO_DEEP`), two members with the same name (`CANON_JSON_DUPLICATE_KEY`), and NaN
/// or an infinity (`CANON_JSON_NUMBER_RANGE`). The 16 MiB input limit does not apply to output.
pub fn to_canonical(value: &Value) -> Result<CanonicalJson, Error> {
    serialize::to_canonical(value).map(CanonicalJson)
}
