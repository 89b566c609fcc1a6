//! The `mtp.*` operations (spec/protocol.md §6, "MTPScript operations") over the `mtpscript`
//! crate.

use std::sync::OnceLock;

use canon::cbor::Value as Cbor;
use mtpscript::{GasLimit, RequestContext, Snapshot};
use serde_json::{Value, json};

use crate::CaseError;
use crate::input::Input;

type Output = Result<Value, CaseError>;

fn mtp_error(error: &mtpscript::Error) -> CaseError {
    CaseError::with_code(error.code(), error.to_string())
}

/// The optional `gas_limit` member: absent is the MTP-060 default; outside 1..=2,000,000,000
/// is `MTP_GAS_LIMIT_INVALID`.
fn gas_limit(input: Input<'_>) -> Result<GasLimit, CaseError> {
    if !input.has("gas_limit") {
        return Ok(GasLimit::default());
    }
    let n = input.u64("gas_limit")?;
    GasLimit::new(n).ok_or_else(|| {
        CaseError::with_code(
            "MTP_GAS_LIMIT_INVALID",
            format!("gas_limit {n} is outside 1..=2000000000"),
        )
    })
}

/// The request context members (absent: the empty string).
fn context(input: Input<'_>) -> Result<RequestContext, CaseError> {
    let field = |name: &str| -> Result<String, CaseError> {
        if input.has(name) {
            Ok(input.str(name)?.to_owned())
        } else {
            Ok(String::new())
        }
    };
    let ctx = RequestContext {
        request_id: field("request_id")?,
        account_id: field("account_id")?,
        function_version: field("function_version")?,
    };
    // Enforces MTP-065: an over-long identifier refuses the request.
    ctx.validate().map_err(|e| mtp_error(&e))?;
    Ok(ctx)
}

/// `mtp.gas_limit`: MTP-060 on `text`, or the default when it is absent.
pub(super) fn gas_limit_op(input: Input<'_>) -> Output {
    let text = if input.has("text") {
        Some(input.str("text")?)
    } else {
        None
    };
    let limit = GasLimit::parse(text).map_err(|e| mtp_error(&e))?;
    Ok(json!(limit.get()))
}

/// `mtp.seed`: MTP-065.
pub(super) fn seed(input: Input<'_>) -> Output {
    let ctx = context(input)?;
    let hash: [u8; 32] = input
        .hex("content_hash")?
        .try_into()
        .map_err(|_| CaseError::invalid("`content_hash` is not 32 bytes"))?;
    let seed = mtpscript::derive_seed(&ctx, &hash, gas_limit(input)?);
    Ok(Value::String(canon::hex::encode(&seed)))
}

/// `mtp.content_hash`: MTP-082.
pub(super) fn content_hash(input: Input<'_>) -> Output {
    let hash = mtpscript::content_hash(input.str("source")?);
    Ok(Value::String(canon::hex::encode(&hash)))
}

/// `mtp.run`: compile, run once in a fresh VM, and report the response (MTP-070..MTP-073).
/// `MTP_SYNTAX` and the engine-dependent outcomes are errors, every other outcome an `ok` body.
pub(super) fn run(input: Input<'_>) -> Output {
    let source = input.str("source")?;
    let input_json = input.str("input")?;
    let gas = gas_limit(input)?;
    let ctx = context(input)?;
    let response = match mtpscript::run_source(source, input_json.as_bytes(), &ctx, gas) {
        Ok(response) => response,
        Err(error @ mtpscript::Error::Compile { code, .. }) if code != "MTP_SYNTAX" => {
            mtpscript::Response::from_error(&error)
        }
        Err(error) => return Err(mtp_error(&error)),
    };
    match response.error_code {
        Some(
            code @ ("MTP_CONTEXT_INVALID"
            | "MTP_MEMORY_EXHAUSTED"
            | "MTP_DEADLINE_EXCEEDED"
            | "MTP_ENGINE_FAILURE"),
        ) => Err(CaseError::with_code(code, response.body_str().to_owned())),
        code => Ok(json!({
            "body": response.body_str(),
            "sha256": response.sha256_hex(),
            "gas_used": response.gas_used,
            "code": code,
            "logs": response.logs,
        })),
    }
}

/// The reference engine's bytecode version, read from a snapshot it builds (the crate names it
/// only inside its manifest).
fn own_bytecode_version() -> Option<u64> {
    static VERSION: OnceLock<Option<u64>> = OnceLock::new();
    *VERSION.get_or_init(|| {
        let program = mtpscript::compile("function main(input) { return input; }").ok()?;
        let mut key = [0u8; 32];
        key[31] = 1;
        let bytes = Snapshot::build(&program, &key).ok()?;
        let envelope = canon::cbor::decode(&bytes).ok()?;
        match member(member(&envelope, "manifest")?, "bytecodeVersion")? {
            Cbor::Int(n) => u64::try_from(*n).ok(),
            _ => None,
        }
    })
}

/// The member `name` of a CBOR map with text keys.
fn member<'a>(map: &'a Cbor, name: &str) -> Option<&'a Cbor> {
    match map {
        Cbor::Map(members) => members
            .iter()
            .find(|(k, _)| matches!(k, Cbor::Text(t) if t == name))
            .map(|(_, v)| v),
        _ => None,
    }
}

fn bytes_hex(value: Option<&Cbor>) -> Value {
    match value {
        Some(Cbor::Bytes(b)) => Value::String(canon::hex::encode(b)),
        _ => Value::Null,
    }
}

/// `mtp.snapshot_verify`: MTP-081 by the crate, then the verified manifest.
pub(super) fn snapshot_verify(input: Input<'_>) -> Output {
    let engine = input.str("engine")?;
    let version = input.u64("bytecode_version")?;
    if engine != mtpscript::ENGINE_IDENTITY || Some(version) != own_bytecode_version() {
        return Err(CaseError::invalid(format!(
            "the case is for engine {engine:?} bytecode {version}, not this implementation's \
             ({:?}); regenerate the vectors",
            mtpscript::ENGINE_IDENTITY
        )));
    }
    let bytes = input.hex("snapshot")?;
    let public_key = input.hex("public_key")?;
    Snapshot::verify(&bytes, &public_key).map_err(|e| mtp_error(&e))?;
    let envelope = canon::cbor::decode(&bytes)
        .map_err(|e| CaseError::with_code("MTP_SNAPSHOT_MALFORMED", e.to_string()))?;
    let manifest = member(&envelope, "manifest");
    let text = |name: &str| match manifest.and_then(|m| member(m, name)) {
        Some(Cbor::Text(t)) => Value::String(t.clone()),
        _ => Value::Null,
    };
    let bytecode_sha256 = match member(&envelope, "bytecode") {
        Some(Cbor::Bytes(b)) => Value::String(canon::hex::encode(&canon::id::sha256(b))),
        _ => Value::Null,
    };
    Ok(json!({
        "engine": text("engine"),
        "bytecode_version": version,
        "cost_table": bytes_hex(manifest.and_then(|m| member(m, "costTable"))),
        "source": bytes_hex(manifest.and_then(|m| member(m, "source"))),
        "content_hash": bytes_hex(manifest.and_then(|m| member(m, "contentHash"))),
        "bytecode_sha256": bytecode_sha256,
    }))
}
