//! The `canon.*` operations (spec/protocol.md §6, spec/canon.md).

use canon::{cbor, drbg, ecdsa, ed25519, fnv, hex, id, json, mac};
use serde_json::Value;

use crate::CaseError;
use crate::input::Input;
use crate::typed_cbor;

type Output = Result<Value, CaseError>;

fn hex_value(bytes: &[u8]) -> Value {
    Value::String(hex::encode(bytes))
}

/// The most padding a case may ask for: enough to cross CANON-010's 16 MiB limit, no more.
const MAX_PAD_SPACES: u64 = 32 * 1024 * 1024;

/// The raw bytes of a JSON-text input: `{"text": s}` or `{"bytes": hex}`, then `pad_spaces`.
fn text_bytes(input: Input<'_>) -> Result<Vec<u8>, CaseError> {
    let mut bytes = if input.has("bytes") {
        input.hex("bytes")?
    } else {
        input.str("text")?.as_bytes().to_vec()
    };
    if input.has("pad_spaces") {
        let pad = input.u64("pad_spaces")?;
        if pad > MAX_PAD_SPACES {
            return Err(CaseError::invalid("`pad_spaces` exceeds 32 MiB"));
        }
        bytes.resize(bytes.len() + usize::try_from(pad).unwrap_or(0), b' ');
    }
    Ok(bytes)
}

pub(super) fn json_canonicalize(input: Input<'_>) -> Output {
    let canonical = json::canonicalize(&text_bytes(input)?)?;
    Ok(Value::String(canonical.into_string()))
}

/// `bits` is a binary64 bit pattern: 1..=16 lowercase hex digits, leading zeros optional.
pub(super) fn json_number(input: Input<'_>) -> Output {
    let bits = input.str("bits")?;
    let well_formed = (1..=16).contains(&bits.len())
        && bits
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let pattern = well_formed
        .then(|| u64::from_str_radix(bits, 16).ok())
        .flatten()
        .ok_or_else(|| CaseError::hex("`bits` is not 1..=16 lowercase hex digits"))?;
    Ok(Value::String(json::format_number(f64::from_bits(pattern))?))
}

pub(super) fn cbor_encode(input: Input<'_>) -> Output {
    let value = typed_cbor::from_json(input.value("value")?)?;
    let bytes = cbor::encode(&value)?;
    Ok(serde_json::json!({ "hex": hex::encode(&bytes) }))
}

pub(super) fn cbor_decode(input: Input<'_>) -> Output {
    let value = cbor::decode(&input.hex("hex")?)?;
    Ok(serde_json::json!({ "value": typed_cbor::to_json(&value)? }))
}

pub(super) fn fnv1a64(input: Input<'_>) -> Output {
    let hash = fnv::fnv1a64(&input.hex("bytes")?);
    Ok(Value::String(format!("{hash:016x}")))
}

pub(super) fn sha256(input: Input<'_>) -> Output {
    Ok(hex_value(&id::sha256(&input.hex("bytes")?)))
}

pub(super) fn content_id(input: Input<'_>) -> Output {
    let canonical = json::canonicalize(input.str("text")?.as_bytes())?;
    Ok(Value::String(
        id::ContentId::of_json(&canonical).to_string(),
    ))
}

pub(super) fn content_id_parse(input: Input<'_>) -> Output {
    Ok(Value::String(
        id::ContentId::parse(input.str("id")?)?.to_string(),
    ))
}

pub(super) fn hmac_sha256(input: Input<'_>) -> Output {
    Ok(hex_value(&mac::hmac_sha256(
        &input.hex("key")?,
        &input.hex("message")?,
    )))
}

pub(super) fn hmac_sha256_verify(input: Input<'_>) -> Output {
    mac::verify_hmac_sha256(
        &input.hex("key")?,
        &input.hex("message")?,
        &input.hex("tag")?,
    )?;
    Ok(Value::Bool(true))
}

pub(super) fn ed25519_public_key(input: Input<'_>) -> Output {
    Ok(hex_value(&ed25519::public_key(&input.hex("seed")?)?))
}

pub(super) fn ed25519_sign(input: Input<'_>) -> Output {
    Ok(hex_value(&ed25519::sign(
        &input.hex("seed")?,
        &input.hex("message")?,
    )?))
}

pub(super) fn ed25519_verify(input: Input<'_>) -> Output {
    ed25519::verify(
        &input.hex("public_key")?,
        &input.hex("message")?,
        &input.hex("signature")?,
    )?;
    Ok(Value::Bool(true))
}

pub(super) fn ecdsa_public_key(input: Input<'_>) -> Output {
    Ok(hex_value(&ecdsa::public_key(&input.hex("private_key")?)?))
}

pub(super) fn ecdsa_sign(input: Input<'_>) -> Output {
    Ok(hex_value(&ecdsa::sign(
        &input.hex("private_key")?,
        &input.hex("message")?,
    )?))
}

pub(super) fn ecdsa_verify(input: Input<'_>) -> Output {
    ecdsa::verify(
        &input.hex("public_key")?,
        &input.hex("message")?,
        &input.hex("signature")?,
    )?;
    Ok(Value::Bool(true))
}

pub(super) fn ecdsa_verify_der(input: Input<'_>) -> Output {
    ecdsa::verify_der(
        &input.hex("public_key")?,
        &input.hex("message")?,
        &input.hex("signature")?,
    )?;
    Ok(Value::Bool(true))
}

pub(super) fn drbg(input: Input<'_>) -> Output {
    let length = usize::try_from(input.u64("length")?).unwrap_or(usize::MAX);
    let bytes = drbg::Drbg::new(input.str("label")?).bytes(length)?;
    Ok(hex_value(&bytes))
}
