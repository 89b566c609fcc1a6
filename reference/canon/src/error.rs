//! The crate's one error type and its mapping to the spec's error codes.

use std::fmt;

/// Where in a JSON text a fault was found: a byte offset and the 1-based line and column
/// (columns count Unicode scalar values; only U+000A starts a new line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Position {
    /// Byte offset from the start of the input.
    pub offset: usize,
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Position {
    /// The position of byte `offset` in `text`.
    pub(crate) fn locate(text: &[u8], offset: usize) -> Self {
        let before = text.get(..offset).unwrap_or(text);
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        // Count characters, not bytes: skip UTF-8 continuation bytes.
        let column = 1 + before
            .get(line_start..)
            .unwrap_or_default()
            .iter()
            .filter(|&&b| b & 0xc0 != 0x80)
            .count();
        Self {
            offset,
            line,
            column,
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{} (byte {})", self.line, self.column, self.offset)
    }
}

/// Why a signature did not verify. Opaque on purpose: the spec (canon.md §4) makes every
/// signature failure the one code `CANON_SIG_INVALID`, and the reason is only visible through
/// `Debug`, for logs.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct SigFailure {
    reason: &'static str,
}

impl SigFailure {
    pub(crate) fn new(reason: &'static str) -> Self {
        Self { reason }
    }
}

impl fmt::Debug for SigFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason)
    }
}

/// Every way an operation of this crate can fail.
///
/// [`Error::code`] gives the spec's error code (`spec/canon.md`); `Display` adds the detail
/// (a byte offset, a JSON line:column, what was expected). Several variants may share a code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// CANON-010: JSON input above 16 MiB.
    #[error("JSON input of {len} bytes exceeds the limit of {limit} bytes")]
    JsonTooLarge {
        /// Length of the input.
        len: usize,
        /// The limit (16 MiB).
        limit: usize,
    },
    /// CANON-011: input that is not well-formed UTF-8.
    #[error("input is not well-formed UTF-8 at byte {offset}")]
    Utf8Invalid {
        /// Offset of the first byte of the first ill-formed sequence.
        offset: usize,
    },
    /// CANON-012: not one RFC 8259 JSON text.
    #[error("JSON syntax error at {at}: {reason}")]
    JsonSyntax {
        /// Where the fault is.
        at: Position,
        /// What was wrong.
        reason: &'static str,
    },
    /// CANON-013: nesting deeper than 128 levels.
    #[error("JSON nesting deeper than {limit} levels{}", at_json(.at))]
    JsonTooDeep {
        /// The bracket that opens level 129; `None` for a [`crate::json::Value`] built in memory.
        at: Option<Position>,
        /// The limit (128).
        limit: usize,
    },
    /// CANON-014: two members with the same name (after unescaping) in one object.
    #[error("duplicate object member name {name:?}{}", at_json(.at))]
    JsonDuplicateKey {
        /// The repeated name (lone surrogates shown as U+FFFD).
        name: String,
        /// The second occurrence; `None` for a [`crate::json::Value`] built in memory.
        at: Option<Position>,
    },
    /// CANON-015: a `\u` escape that denotes a lone surrogate.
    #[error("lone surrogate \\u{unit:04x} at {at}")]
    JsonLoneSurrogate {
        /// The backslash of the escape.
        at: Position,
        /// The surrogate code unit.
        unit: u16,
    },
    /// CANON-016 / CANON-017: a number that rounds to infinity, or NaN/infinity to serialize.
    #[error("number has no JSON form (NaN or out of binary64 range){}", at_json(.at))]
    JsonNumberRange {
        /// The number in the input text; `None` when serializing a value.
        at: Option<Position>,
    },
    /// CANON-023: a well-formed CBOR item that is not in deterministic form.
    #[error("non-canonical CBOR at byte {offset}: {reason}")]
    CborNoncanonical {
        /// Offset of the offending data item (or map key).
        offset: usize,
        /// What was not canonical.
        reason: &'static str,
    },
    /// CANON-024: input that is not well-formed CBOR.
    #[error("malformed CBOR at byte {offset}: {reason}")]
    CborMalformed {
        /// Offset of the data item head that cannot be completed.
        offset: usize,
        /// What was wrong.
        reason: &'static str,
    },
    /// CANON-022 / CANON-025: two equal keys in one map.
    #[error("duplicate CBOR map key{}", at_cbor(.offset))]
    CborDuplicateKey {
        /// Offset of the second key when decoding; `None` when encoding.
        offset: Option<usize>,
    },
    /// CANON-025: a text string that is not valid UTF-8.
    #[error("CBOR text string at byte {offset} is not valid UTF-8")]
    CborInvalidUtf8 {
        /// Offset of the text string's head.
        offset: usize,
    },
    /// CANON-025: nesting deeper than 128 levels.
    #[error("CBOR nesting deeper than {limit} levels{}", at_cbor(.offset))]
    CborTooDeep {
        /// Offset of the head that opens level 129 when decoding; `None` when encoding.
        offset: Option<usize>,
        /// The limit (128).
        limit: usize,
    },
    /// CANON-025: bytes after the first data item.
    #[error("{remaining} bytes after the CBOR data item, from byte {offset}")]
    CborTrailing {
        /// Offset of the first byte after the data item.
        offset: usize,
        /// How many bytes are left.
        remaining: usize,
    },
    /// CANON-028: a CBOR value outside the value model (integer range, reserved simple value,
    /// malformed typed JSON).
    #[error("invalid CBOR value: {reason}")]
    CborValueInvalid {
        /// What was wrong.
        reason: String,
    },
    /// CANON-032: not a content identifier.
    #[error("invalid content identifier: {reason}")]
    IdInvalid {
        /// What was wrong.
        reason: &'static str,
    },
    /// CANON-034: a MAC tag that does not verify (or has a length outside 16..=32).
    #[error("MAC does not verify ({tag_len}-byte tag)")]
    MacInvalid {
        /// Length of the presented tag.
        tag_len: usize,
    },
    /// CANON-041..046: a signature that does not verify, for whatever reason (opaque).
    #[error("signature does not verify")]
    SigInvalid(SigFailure),
    /// CANON-042 / CANON-047: a private key (or seed) that cannot be used for signing.
    #[error("invalid private key: {reason}")]
    KeyInvalid {
        /// What was wrong.
        reason: &'static str,
    },
    /// CANON-051: a DRBG request above 2^20 bytes.
    #[error("DRBG request of {requested} bytes exceeds the limit of {limit} bytes")]
    DrbgLimit {
        /// Bytes requested.
        requested: usize,
        /// The limit (2^20).
        limit: usize,
    },
    /// CANON-060: not strict lowercase even-length hex.
    #[error("invalid hex at character {offset}: {reason}")]
    HexInvalid {
        /// Offset of the first offending character (the length, for an odd length).
        offset: usize,
        /// What was wrong.
        reason: &'static str,
    },
}

impl Error {
    /// The spec error code (`spec/canon.md`, `spec/errors.md`) for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::JsonTooLarge { .. } => "CANON_JSON_TOO_LARGE",
            Self::Utf8Invalid { .. } => "CANON_UTF8_INVALID",
            Self::JsonSyntax { .. } => "CANON_JSON_SYNTAX",
            Self::JsonTooDeep { .. } => "CANON_JSON_TOO_DEEP",
            Self::JsonDuplicateKey { .. } => "CANON_JSON_DUPLICATE_KEY",
            Self::JsonLoneSurrogate { .. } => "CANON_JSON_LONE_SURROGATE",
            Self::JsonNumberRange { .. } => "CANON_JSON_NUMBER_RANGE",
            Self::CborNoncanonical { .. } => "CANON_CBOR_NONCANONICAL",
            Self::CborMalformed { .. } => "CANON_CBOR_MALFORMED",
            Self::CborDuplicateKey { .. } => "CANON_CBOR_DUPLICATE_KEY",
            Self::CborInvalidUtf8 { .. } => "CANON_CBOR_INVALID_UTF8",
            Self::CborTooDeep { .. } => "CANON_CBOR_TOO_DEEP",
            Self::CborTrailing { .. } => "CANON_CBOR_TRAILING",
            Self::CborValueInvalid { .. } => "CANON_CBOR_VALUE_INVALID",
            Self::IdInvalid { .. } => "CANON_ID_INVALID",
            Self::MacInvalid { .. } => "CANON_MAC_INVALID",
            Self::SigInvalid(_) => "CANON_SIG_INVALID",
            Self::KeyInvalid { .. } => "CANON_KEY_INVALID",
            Self::DrbgLimit { .. } => "CANON_DRBG_LIMIT",
            Self::HexInvalid { .. } => "CANON_HEX_INVALID",
        }
    }

    pub(crate) fn sig(reason: &'static str) -> Self {
        Self::SigInvalid(SigFailure::new(reason))
    }

    pub(crate) fn cbor_value(reason: impl Into<String>) -> Self {
        Self::CborValueInvalid {
            reason: reason.into(),
        }
    }
}

fn at_json(at: &Option<Position>) -> String {
    at.map_or_else(String::new, |p| format!(" at {p}"))
}

fn at_cbor(offset: &Option<usize>) -> String {
    offset.map_or_else(String::new, |o| format!(" at byte {o}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_lines_and_characters() {
        let text = "ab\n\u{e9}x\ny".as_bytes();
        let check = |offset, expect: (usize, usize)| {
            let p = Position::locate(text, offset);
            assert_eq!((p.line, p.column), expect, "offset {offset}");
        };
        check(0, (1, 1));
        check(2, (1, 3));
        check(3, (2, 1));
        check(5, (2, 2)); // after the two-byte é
        check(7, (3, 1));
    }

    #[test]
    fn signature_detail_is_only_in_debug() {
        let e = Error::sig("public key is small order");
        assert_eq!(e.to_string(), "signature does not verify");
        assert!(format!("{e:?}").contains("small order"));
        assert_eq!(e.code(), "CANON_SIG_INVALID");
    }
}
