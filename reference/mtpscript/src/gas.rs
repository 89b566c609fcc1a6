//! The gas limit contract (MTP-060, MTP-061) and the Annex A cost table's identity.

use crate::Error;

/// The default limit when `MTP_GAS_LIMIT` is absent (MTP-060).
pub const DEFAULT_GAS_LIMIT: u64 = 10_000_000;
/// The largest accepted limit (MTP-060).
pub const MAX_GAS_LIMIT: u64 = 2_000_000_000;
/// The call-depth limit (MTP-052).
pub const DEPTH_LIMIT: u32 = 128;

/// The Annex A table, in its RFC 8785 form (hashed into every snapshot, MTP-080, MTP-082).
pub const COST_TABLE_JSON: &str = r#"{"arrayElement":1,"arrayLiteral":1,"arrow":1,"assign":1,"binary":1,"call":5,"callbackPerElement":5,"conditional":1,"declare":1,"depthLimit":128,"if":1,"logical":1,"memberWrite":1,"objectLiteral":1,"objectProperty":1,"propertyRead":1,"sizeUnit":1,"tailCall":0,"unary":1,"update":2,"version":"mtpscript-gas/1"}"#;

/// `h(costs)`: the SHA-256 of [`COST_TABLE_JSON`].
pub fn cost_table_hash() -> [u8; 32] {
    canon::id::sha256(COST_TABLE_JSON.as_bytes())
}

/// A validated gas limit, 1..=2,000,000,000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GasLimit(u64);

impl GasLimit {
    /// Parses the value of `MTP_GAS_LIMIT` (`None` = the variable is absent).
    ///
    /// Enforces MTP-060: one to ten ASCII digits, no leading zero, no sign, no whitespace,
    /// 1..=2,000,000,000; anything else is `MTP_GAS_LIMIT_INVALID`.
    pub fn parse(value: Option<&str>) -> Result<Self, Error> {
        let Some(text) = value else {
            return Ok(Self(DEFAULT_GAS_LIMIT));
        };
        let invalid = || Error::GasLimitInvalid {
            value: text.to_owned(),
        };
        let bytes = text.as_bytes();
        if bytes.is_empty() || bytes.len() > 10 || bytes[0] == b'0' {
            return Err(invalid());
        }
        let mut n: u64 = 0;
        for &b in bytes {
            if !b.is_ascii_digit() {
                return Err(invalid());
            }
            n = n * 10 + u64::from(b - b'0');
        }
        Self::new(n).ok_or_else(invalid)
    }

    /// As [`GasLimit::parse`], for the raw value of an environment variable: a value that is
    /// not UTF-8 is `MTP_GAS_LIMIT_INVALID` (never the default).
    pub fn parse_os(value: Option<&std::ffi::OsStr>) -> Result<Self, Error> {
        match value {
            None => Ok(Self(DEFAULT_GAS_LIMIT)),
            Some(v) => match v.to_str() {
                Some(text) => Self::parse(Some(text)),
                None => Err(Error::GasLimitInvalid {
                    value: v.to_string_lossy().into_owned(),
                }),
            },
        }
    }

    /// A limit from a number, if it is in 1..=2,000,000,000.
    pub fn new(n: u64) -> Option<Self> {
        (1..=MAX_GAS_LIMIT).contains(&n).then_some(Self(n))
    }

    /// The limit.
    pub fn get(self) -> u64 {
        self.0
    }

    /// The MTP-060 decimal form (no leading zeros), as used in the seed and the audit line.
    pub fn ascii(self) -> String {
        self.0.to_string()
    }
}

impl Default for GasLimit {
    fn default() -> Self {
        Self(DEFAULT_GAS_LIMIT)
    }
}
