//! Ed25519 (RFC 8032 §5.1, PureEdDSA): CANON-040..042.

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use crate::Error;

/// The public key of a 32-byte seed (RFC 8032 §5.1.5).
///
/// Enforces CANON-040 and CANON-042 (a seed that is not 32 bytes is `CANON_KEY_INVALID`).
pub fn public_key(seed: &[u8]) -> Result<[u8; 32], Error> {
    Ok(signing_key(seed)?.verifying_key().to_bytes())
}

/// The deterministic signature of `message` under `seed` (RFC 8032 §5.1.6).
///
/// Enforces CANON-040 and CANON-042.
pub fn sign(seed: &[u8], message: &[u8]) -> Result<[u8; 64], Error> {
    // `try_sign` (infallible for Ed25519) rather than `sign`, which has a panic path.
    let signature = signing_key(seed)?
        .try_sign(message)
        .map_err(|_| Error::KeyInvalid {
            reason: "Ed25519 signing failed",
        })?;
    Ok(signature.to_bytes())
}

/// Verifies `signature` on `message` under `public_key`, strictly.
///
/// Enforces CANON-041 and CANON-042; every failure is the one opaque `CANON_SIG_INVALID`:
/// - a public key that is not 32 bytes or a signature that is not 64 bytes;
/// - a public key that is not the canonical encoding of a curve point (decoding fails, or
///   re-encoding the point does not give the same bytes: `y >= p`, or `x = 0` with the sign bit);
/// - `S >= L`; an `R` that is not a canonical point encoding (the computed `R` is compared as
///   canonical bytes with the given `R`);
/// - a public key or `R` of small order (order dividing 8);
/// - the cofactorless equation `[S]B = R + [k]A`, `k = SHA-512(R || A || M)`, not holding.
pub fn verify(public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), Error> {
    let key: &[u8; 32] = public_key
        .try_into()
        .map_err(|_| Error::sig("Ed25519 public key is not 32 bytes"))?;
    let signature: &[u8; 64] = signature
        .try_into()
        .map_err(|_| Error::sig("Ed25519 signature is not 64 bytes"))?;
    let verifying_key = VerifyingKey::from_bytes(key)
        .map_err(|_| Error::sig("Ed25519 public key is not a curve point"))?;
    if verifying_key.to_edwards().compress().as_bytes() != key {
        return Err(Error::sig("Ed25519 public key is not canonically encoded"));
    }
    if verifying_key.is_weak() {
        return Err(Error::sig("Ed25519 public key has small order"));
    }
    // `verify_strict`: S < L, R not of small order, A not of small order, and the cofactorless
    // equation checked by comparing the canonical encoding of [S]B - [k]A with the given R.
    verifying_key
        .verify_strict(message, &Signature::from_bytes(signature))
        .map_err(|_| Error::sig("Ed25519 strict verification failed"))
}

fn signing_key(seed: &[u8]) -> Result<SigningKey, Error> {
    let seed: &[u8; 32] = seed.try_into().map_err(|_| Error::KeyInvalid {
        reason: "Ed25519 seed is not 32 bytes",
    })?;
    Ok(SigningKey::from_bytes(seed))
}
