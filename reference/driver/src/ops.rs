//! The operation table of `spec/protocol.md` §6: one function per operation.

mod canon_ops;

use serde_json::Value;

use crate::CaseError;
use crate::input::Input;

/// Every operation the reference implements; declared as `features` in the handshake.
pub const FEATURES: &[&str] = &[
    "canon.json.canonicalize",
    "canon.json.number",
    "canon.cbor.encode",
    "canon.cbor.decode",
    "canon.fnv1a64",
    "canon.sha256",
    "canon.content_id",
    "canon.content_id.parse",
    "canon.hmac_sha256",
    "canon.hmac_sha256.verify",
    "canon.ed25519.public_key",
    "canon.ed25519.sign",
    "canon.ed25519.verify",
    "canon.ecdsa_p256.public_key",
    "canon.ecdsa_p256.sign",
    "canon.ecdsa_p256.verify",
    "canon.ecdsa_p256.verify_der",
    "canon.drbg",
];

/// Runs one operation on its input and returns the `ok` value or the error code.
///
/// Enforces PROTO-070: an unknown operation is `PROTO_CASE_INVALID`.
pub fn run_case(op: &str, input: &Value) -> Result<Value, CaseError> {
    let input = Input::new(input)?;
    match op {
        "canon.json.canonicalize" => canon_ops::json_canonicalize(input),
        "canon.json.number" => canon_ops::json_number(input),
        "canon.cbor.encode" => canon_ops::cbor_encode(input),
        "canon.cbor.decode" => canon_ops::cbor_decode(input),
        "canon.fnv1a64" => canon_ops::fnv1a64(input),
        "canon.sha256" => canon_ops::sha256(input),
        "canon.content_id" => canon_ops::content_id(input),
        "canon.content_id.parse" => canon_ops::content_id_parse(input),
        "canon.hmac_sha256" => canon_ops::hmac_sha256(input),
        "canon.hmac_sha256.verify" => canon_ops::hmac_sha256_verify(input),
        "canon.ed25519.public_key" => canon_ops::ed25519_public_key(input),
        "canon.ed25519.sign" => canon_ops::ed25519_sign(input),
        "canon.ed25519.verify" => canon_ops::ed25519_verify(input),
        "canon.ecdsa_p256.public_key" => canon_ops::ecdsa_public_key(input),
        "canon.ecdsa_p256.sign" => canon_ops::ecdsa_sign(input),
        "canon.ecdsa_p256.verify" => canon_ops::ecdsa_verify(input),
        "canon.ecdsa_p256.verify_der" => canon_ops::ecdsa_verify_der(input),
        "canon.drbg" => canon_ops::drbg(input),
        other => Err(CaseError::invalid(format!("unknown operation `{other}`"))),
    }
}
