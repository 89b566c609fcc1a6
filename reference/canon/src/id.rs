//! SHA-256 and content identifiers (CANON-031, CANON-032).

use std::fmt;
use std::str::FromStr;

use sha2::{Digest, Sha256};

use crate::json::CanonicalJson;
use crate::{Error, cbor, hex};

/// SHA-256 (FIPS 180-4) of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// A content identifier: the SHA-256 of the canonical bytes of the object it names
/// (CANON-031). Displayed as 64 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentId([u8; 32]);

impl ContentId {
    /// The identifier of bytes that are already canonical.
    pub fn of_bytes(canonical: &[u8]) -> Self {
        Self(sha256(canonical))
    }

    /// Enforces CANON-031 for JSON: the SHA-256 of the CANON-001 form.
    pub fn of_json(canonical: &CanonicalJson) -> Self {
        Self::of_bytes(canonical.as_bytes())
    }

    /// Enforces CANON-031 for CBOR: the SHA-256 of the CANON-020 form.
    pub fn of_cbor(value: &cbor::Value) -> Result<Self, Error> {
        Ok(Self::of_bytes(&cbor::encode(value)?))
    }

    /// Parses the 64-hex-digit form.
    ///
    /// Enforces CANON-032: anything other than exactly 64 characters from `0-9a-f` (uppercase
    /// included) is `CANON_ID_INVALID`.
    pub fn parse(s: &str) -> Result<Self, Error> {
        if s.len() != 64 {
            return Err(Error::IdInvalid {
                reason: "not 64 characters",
            });
        }
        let bytes = hex::decode(s).map_err(|_| Error::IdInvalid {
            reason: "not lowercase hex",
        })?;
        <[u8; 32]>::try_from(bytes)
            .map(Self)
            .map_err(|_| Error::IdInvalid {
                reason: "not 32 bytes",
            })
    }

    /// The 32 digest bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The identifier with the given digest bytes.
    pub fn from_digest(digest: [u8; 32]) -> Self {
        Self(digest)
    }
}

impl fmt::Display for ContentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(&self.0))
    }
}

impl fmt::Debug for ContentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ContentId({self})")
    }
}

impl FromStr for ContentId {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}
