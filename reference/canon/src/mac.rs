//! HMAC-SHA256 (CANON-033, CANON-034).

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::Error;
use crate::id::sha256;

/// The SHA-256 block size: HMAC keys are padded (or first hashed) to this length.
const BLOCK: usize = 64;

/// HMAC-SHA256 of `message` under `key`.
///
/// Enforces CANON-033: RFC 2104 with SHA-256; keys of any length (longer than 64 bytes are
/// hashed first).
pub fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    keyed(key)
        .chain_update(message)
        .finalize()
        .into_bytes()
        .into()
}

/// Verifies `tag` on `message` under `key`.
///
/// Enforces CANON-034: a tag of `16..=32` bytes is compared, in constant time with respect to
/// its contents, with the leftmost bytes of the MAC (RFC 2104 §5 truncation); any other length
/// and any mismatch is `CANON_MAC_INVALID`.
pub fn verify_hmac_sha256(key: &[u8], message: &[u8], tag: &[u8]) -> Result<(), Error> {
    let invalid = Error::MacInvalid { tag_len: tag.len() };
    if !(16..=32).contains(&tag.len()) {
        return Err(invalid);
    }
    keyed(key)
        .chain_update(message)
        .verify_truncated_left(tag)
        .map_err(|_| invalid)
}

/// The MAC keyed as RFC 2104 keys it: a key longer than a block is replaced by its hash, then
/// zero-padded to a block. Doing this here makes keying infallible (no `unwrap`).
fn keyed(key: &[u8]) -> Hmac<Sha256> {
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&sha256(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    <Hmac<Sha256> as KeyInit>::new(&block.into())
}
