//! ECDSA over P-256 with SHA-256 (FIPS 186-5), RFC 6979 nonces: CANON-043..047.

mod der;

use p256::ecdsa::signature::{Signer, Verifier};
use p256::ecdsa::{Signature, SigningKey, VerifyingKey};

use crate::Error;

/// The uncompressed SEC1 public key (`04 || x || y`) of a private key.
///
/// Enforces CANON-047: a private key that is not a 32-byte big-endian scalar in `[1, n-1]` is
/// `CANON_KEY_INVALID`.
pub fn public_key(private_key: &[u8]) -> Result<[u8; 65], Error> {
    let point = signing_key(private_key)?
        .verifying_key()
        .to_encoded_point(false);
    <[u8; 65]>::try_from(point.as_bytes()).map_err(|_| Error::KeyInvalid {
        reason: "public key encoding is not 65 bytes",
    })
}

/// The P1363 signature `r || s` of `message` (hashed with SHA-256).
///
/// Enforces CANON-043 (RFC 6979 §3.2 nonce), CANON-044 (`s` as RFC 6979 produces it, no low-S
/// normalization) and CANON-047.
pub fn sign(private_key: &[u8], message: &[u8]) -> Result<[u8; 64], Error> {
    // `try_sign`, not `sign`, which would panic on the (negligible) failure of RFC 6979.
    let signature: Signature =
        signing_key(private_key)?
            .try_sign(message)
            .map_err(|_| Error::KeyInvalid {
                reason: "ECDSA signing failed",
            })?;
    <[u8; 64]>::try_from(&signature.to_bytes()[..]).map_err(|_| Error::KeyInvalid {
        reason: "signature encoding is not 64 bytes",
    })
}

/// Verifies a P1363 signature (`r || s`, 64 bytes) on `message`.
///
/// Enforces CANON-044 (both `s` and `n - s` verify) and CANON-045: a signature that is not 64
/// bytes, `r` or `s` equal to 0 or `>= n`, a public key that is not a SEC1 uncompressed (65
/// bytes, `04`) or compressed (33 bytes, `02`/`03`) encoding of a point on P-256 (the point at
/// infinity and the hybrid `06`/`07` forms included), and a failed verification equation are
/// all the one opaque `CANON_SIG_INVALID`.
pub fn verify(public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), Error> {
    let key = verifying_key(public_key)?;
    let signature = Signature::from_slice(signature)
        .map_err(|_| Error::sig("ECDSA signature is not 64 bytes with r, s in [1, n-1]"))?;
    check(&key, message, &signature)
}

/// Verifies an ASN.1 DER signature (`SEQUENCE { INTEGER r, INTEGER s }`) on `message`.
///
/// Enforces CANON-046 and otherwise as [`verify`]. Strict DER only: tags `30`, `02`, `02`;
/// definite lengths, short form below 128 and minimal long form otherwise; each INTEGER
/// non-empty, non-negative, minimal (a leading `00` only before a byte with the high bit set)
/// and at most 32 bytes of magnitude; nothing after `s` inside the SEQUENCE nor after it.
pub fn verify_der(public_key: &[u8], message: &[u8], signature_der: &[u8]) -> Result<(), Error> {
    let key = verifying_key(public_key)?;
    let (r, s) = der::parse(signature_der)?;
    let signature = Signature::from_scalars(r, s)
        .map_err(|_| Error::sig("ECDSA r or s is 0 or not below n"))?;
    check(&key, message, &signature)
}

fn check(key: &VerifyingKey, message: &[u8], signature: &Signature) -> Result<(), Error> {
    key.verify(message, signature)
        .map_err(|_| Error::sig("ECDSA verification equation failed"))
}

/// Enforces CANON-045 (public key encodings).
fn verifying_key(public_key: &[u8]) -> Result<VerifyingKey, Error> {
    match public_key {
        [0x04, ..] if public_key.len() == 65 => {}
        [0x02 | 0x03, ..] if public_key.len() == 33 => {}
        _ => {
            return Err(Error::sig(
                "public key is not SEC1 uncompressed or compressed",
            ));
        }
    }
    VerifyingKey::from_sec1_bytes(public_key)
        .map_err(|_| Error::sig("public key is not a point on P-256"))
}

/// Enforces CANON-047.
fn signing_key(private_key: &[u8]) -> Result<SigningKey, Error> {
    let bytes: [u8; 32] = private_key.try_into().map_err(|_| Error::KeyInvalid {
        reason: "P-256 private key is not 32 bytes",
    })?;
    SigningKey::from_bytes(&bytes.into()).map_err(|_| Error::KeyInvalid {
        reason: "P-256 private key is not in [1, n-1]",
    })
}
