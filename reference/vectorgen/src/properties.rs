//! Properties the generator asserts before it writes a case (vectors/README.md, "Trust").

use serde_json::{Value, json};

fn call(op: &str, input: Value) -> Result<Value, String> {
    driver::run_case(op, &input)
        .map_err(|e| format!("{op} failed with {}: {}", e.code(), e.detail()))
}

fn same(what: &str, left: &Value, right: &Value) -> Result<(), String> {
    if left == right {
        Ok(())
    } else {
        Err(format!("property `{what}` failed: {left} != {right}"))
    }
}

/// Checks the property of `op` for one successful output.
pub(crate) fn check(op: &str, input: &Value, output: &Value) -> Result<(), String> {
    match op {
        "canon.json.canonicalize" => {
            let again = call(op, json!({ "text": output }))?;
            same("canonical form is a fixed point", &again, output)
        }
        "canon.cbor.encode" => {
            let decoded = call("canon.cbor.decode", json!({ "hex": output["hex"] }))?;
            let again = call(op, json!({ "value": decoded["value"] }))?;
            same(
                "decode(encode(v)) re-encodes to the same bytes",
                &again,
                output,
            )
        }
        "canon.cbor.decode" => {
            let encoded = call("canon.cbor.encode", json!({ "value": output["value"] }))?;
            same("encode(decode(b)) == b", &encoded["hex"], &input["hex"])
        }
        "canon.ed25519.sign" => {
            let public_key = call("canon.ed25519.public_key", json!({ "seed": input["seed"] }))?;
            let verify = json!({ "public_key": public_key, "message": input["message"], "signature": output });
            same(
                "signature verifies",
                &call("canon.ed25519.verify", verify)?,
                &Value::Bool(true),
            )
        }
        "canon.ecdsa_p256.sign" => {
            let public_key = call(
                "canon.ecdsa_p256.public_key",
                json!({ "private_key": input["private_key"] }),
            )?;
            let verify = json!({ "public_key": public_key, "message": input["message"], "signature": output });
            same(
                "signature verifies",
                &call("canon.ecdsa_p256.verify", verify)?,
                &Value::Bool(true),
            )
        }
        "canon.hmac_sha256" => {
            let verify = json!({ "key": input["key"], "message": input["message"], "tag": output });
            same(
                "tag verifies",
                &call("canon.hmac_sha256.verify", verify)?,
                &Value::Bool(true),
            )
        }
        "canon.content_id" => {
            let canonical = call("canon.json.canonicalize", json!({ "text": input["text"] }))?;
            let bytes = canonical
                .as_str()
                .map(|s| canon::hex::encode(s.as_bytes()))
                .unwrap_or_default();
            let digest = call("canon.sha256", json!({ "bytes": bytes }))?;
            same("id is SHA-256 of the canonical form", &digest, output)
        }
        _ => Ok(()),
    }
}
