//! `mtp/*` suites (spec/mtpscript.md): the gas limit, seeds and content hashes, compile
//! rejections, programs with their bodies and gas, exact gas limits, tail calls and depth, and
//! signed snapshots.
//!
//! Where the spec fixes an answer by hand (Annex A arithmetic, a rejection's code and location)
//! the filler states it and the reference must agree; elsewhere the filler checks properties
//! (gas at `used` succeeds, at `used - 1` exhausts) before the case is written.

mod compile;
mod gas;
mod programs;
mod snapshot;

use serde_json::{Value, json};

use crate::{Case, Suite};

pub(crate) use compile::compile;
pub(crate) use gas::gas;
pub(crate) use programs::programs;
pub(crate) use snapshot::snapshot;

pub(super) const RUN: &str = "mtp.run";

/// A `mtp.run` input with the default limit and an empty context.
pub(super) fn run_input(source: &str, input: &str) -> Value {
    json!({ "source": source, "input": input })
}

/// The reference's answer to `mtp.run`, or the error code as `{"error": code}`.
pub(super) fn reference(input: &Value) -> Value {
    match driver::run_case(RUN, input) {
        Ok(value) => value,
        Err(error) => json!({ "error": error.code() }),
    }
}

/// The `ok` output of `mtp.run` for a body the filler knows.
pub(super) fn output(body: &str, gas_used: u64, code: Option<&str>, logs: &[&str]) -> Value {
    json!({
        "body": body,
        "sha256": canon::hex::encode(&canon::id::sha256(body.as_bytes())),
        "gas_used": gas_used,
        "code": code,
        "logs": logs,
    })
}

/// What a filler knows about a run: its body, and possibly its gas.
pub(super) struct Known<'a> {
    pub(super) body: &'a str,
    pub(super) gas: Option<u64>,
}

/// A `mtp.run` case. When the filler knows the body (and the gas), the reference must agree;
/// a known body with unknown gas takes the reference's gas.
pub(super) fn run_case(
    id: &str,
    reqs: &[&'static str],
    description: &str,
    input: Value,
    known: Option<Known<'_>>,
) -> Case {
    let Some(known) = known else {
        return Case::computed(id, reqs, description, RUN, input);
    };
    let actual = reference(&input);
    let gas = known
        .gas
        .or_else(|| actual["gas_used"].as_u64())
        .unwrap_or(0);
    let logs: Vec<&str> = actual["logs"]
        .as_array()
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let code = error_code(known.body);
    let expected = output(known.body, gas, code.as_deref(), &logs);
    Case::known(id, reqs, description, RUN, input, expected)
}

/// The MTP-073 code of an error body, from its `error` (and `code`) members.
fn error_code(body: &str) -> Option<String> {
    let value: Value = serde_json::from_str(body).ok()?;
    let name = value.as_object()?.get("error")?.as_str()?;
    let code = match name {
        "CompileError" => return value["code"].as_str().map(str::to_owned),
        "InputInvalid" => "MTP_INPUT_INVALID",
        "GasExhausted" => "MTP_GAS_EXHAUSTED",
        "DepthExceeded" => "MTP_DEPTH_EXCEEDED",
        "RuntimeError" => "MTP_RUNTIME_ERROR",
        "EffectInvalid" => "MTP_EFFECT_INVALID",
        "ResultInvalid" => "MTP_RESULT_INVALID",
        _ => return None,
    };
    Some(code.to_owned())
}

/// A case the generator must refuse: a property of the reference failed while the filler ran.
pub(super) fn property_failed(id: &str, what: String) -> Case {
    static FAILED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = FAILED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    Case::known(
        format!("{id}-property-{n}"),
        &["MTP-051"],
        format!("property failed: {what}"),
        RUN,
        run_input("function main(input) { return 0; }", "null"),
        json!({ "property_failed": what }),
    )
}

/// `mtp/gas-limit` (MTP-060): the `MTP_GAS_LIMIT` values of the issue and the edges.
pub(crate) fn gas_limit() -> Suite {
    let op = "mtp.gas_limit";
    let mut cases = vec![Case::known(
        "absent",
        &["MTP-060"],
        "no MTP_GAS_LIMIT: the default 10,000,000",
        op,
        json!({}),
        json!(10_000_000),
    )];
    for (id, text, answer) in [
        ("one", "1", 1u64),
        ("max", "2000000000", 2_000_000_000),
        ("default-written", "10000000", 10_000_000),
        ("ten-digits", "1999999999", 1_999_999_999),
        ("nine", "9", 9),
    ] {
        cases.push(Case::known(
            id,
            &["MTP-060"],
            format!("MTP_GAS_LIMIT={text:?} is accepted"),
            op,
            json!({ "text": text }),
            json!(answer),
        ));
    }
    for (id, text) in [
        ("zero", "0"),
        ("over-max", "2000000001"),
        ("eleven-digits", "10000000000"),
        ("u64-overflow", "18446744073709551617"),
        ("leading-zero", "05"),
        ("leading-zero-max", "02000000000"),
        ("plus-sign", "+5"),
        ("minus-sign", "-5"),
        ("leading-space", " 5"),
        ("trailing-space", "5 "),
        ("trailing-newline", "5\n"),
        ("empty", ""),
        ("exponent", "1e6"),
        ("underscore", "1_000"),
        ("decimal-point", "5.0"),
        ("hex", "0x10"),
        ("fullwidth-digit", "\u{ff15}"),
        ("arabic-indic-digit", "\u{0665}"),
    ] {
        cases.push(Case::error(
            format!("invalid-{id}"),
            &["MTP-060"],
            format!("MTP_GAS_LIMIT={text:?} stops the host at start-up"),
            op,
            json!({ "text": text }),
            "MTP_GAS_LIMIT_INVALID",
        ));
    }
    Suite {
        name: "mtp/gas-limit",
        source: "spec/mtpscript.md",
        notes: Vec::new(),
        cases,
    }
}

/// `mtp/seed` (MTP-065, MTP-082): content hashes of programs and request seeds, including the
/// field-boundary cases that plain concatenation would confuse.
pub(crate) fn seed() -> Suite {
    let mut cases = Vec::new();
    let sources = [
        ("worked-example", programs::WORKED_EXAMPLE),
        ("empty", ""),
        (
            "non-ascii",
            "function main(input) { return \"h\u{e9}llo \u{1f600}\"; }\n",
        ),
        ("crlf", "function main(input) {\r\n  return 1;\r\n}\r\n"),
    ];
    for (id, source) in sources {
        cases.push(Case::computed(
            format!("content-hash-{id}"),
            &["MTP-082"],
            format!("the content hash of the {id} source"),
            "mtp.content_hash",
            json!({ "source": source }),
        ));
    }
    let hash = canon::hex::encode(&mtpscript::content_hash(programs::WORKED_EXAMPLE));
    let seed = |request: &str, account: &str, version: &str, limit: u64| {
        json!({
            "request_id": request,
            "account_id": account,
            "function_version": version,
            "content_hash": hash,
            "gas_limit": limit,
        })
    };
    let long = "r".repeat(1024);
    let too_long = "r".repeat(1025);
    let seeds: [(&str, &str, Value); 10] = [
        (
            "basic",
            "a request",
            seed("req-1", "acct-1", "v1", 10_000_000),
        ),
        ("empty-fields", "all identifiers empty", seed("", "", "", 1)),
        (
            "boundary-a",
            "request `ab`, account `c`",
            seed("ab", "c", "v1", 5),
        ),
        (
            "boundary-b",
            "request `a`, account `bc`: another seed than boundary-a",
            seed("a", "bc", "v1", 5),
        ),
        ("limit-1", "gas limit 1", seed("req-1", "acct-1", "v1", 1)),
        (
            "limit-max",
            "gas limit 2,000,000,000",
            seed("req-1", "acct-1", "v1", 2_000_000_000),
        ),
        (
            "limit-10",
            "gas limit 10 (two ASCII digits)",
            seed("req-1", "acct-1", "v1", 10),
        ),
        (
            "unicode",
            "non-ASCII identifiers are their UTF-8 bytes",
            seed("r\u{e9}q", "\u{1f600}", "v\u{2028}1", 7),
        ),
        (
            "long-1024",
            "a 1,024-byte request id",
            seed(&long, "a", "v", 3),
        ),
        (
            "zero-hash",
            "an all-zero content hash",
            json!({ "request_id": "r", "account_id": "a", "function_version": "v", "content_hash": "00".repeat(32), "gas_limit": 3 }),
        ),
    ];
    for (id, description, input) in seeds {
        cases.push(Case::computed(
            format!("seed-{id}"),
            &["MTP-065"],
            description,
            "mtp.seed",
            input,
        ));
    }
    cases.push(Case::error(
        "seed-request-id-1025",
        &["MTP-065"],
        "a 1,025-byte request id is refused",
        "mtp.seed",
        seed(&too_long, "a", "v", 3),
        "MTP_CONTEXT_INVALID",
    ));
    cases.push(Case::error(
        "seed-account-id-1025",
        &["MTP-065"],
        "a 1,025-byte account id is refused",
        "mtp.seed",
        seed("r", &too_long, "v", 3),
        "MTP_CONTEXT_INVALID",
    ));
    cases.push(Case::error(
        "seed-limit-zero",
        &["MTP-060", "MTP-065"],
        "a gas limit of 0 is not a limit",
        "mtp.seed",
        seed("r", "a", "v", 0),
        "MTP_GAS_LIMIT_INVALID",
    ));
    cases.push(Case::error(
        "seed-hash-short",
        &["MTP-065"],
        "a 31-byte content hash",
        "mtp.seed",
        json!({ "request_id": "r", "account_id": "a", "function_version": "v", "content_hash": "00".repeat(31), "gas_limit": 3 }),
        "PROTO_CASE_INVALID",
    ));
    cases.extend(seed_properties(&hash));
    Suite {
        name: "mtp/seed",
        source: "spec/mtpscript.md",
        notes: Vec::new(),
        cases,
    }
}

/// Checks the seed against MTP-065 computed here from its definition, so the filler does not
/// only trust the crate.
fn seed_properties(hash_hex: &str) -> Vec<Case> {
    let frame = |out: &mut Vec<u8>, bytes: &[u8]| {
        let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(bytes);
    };
    let hash = canon::hex::decode(hash_hex).unwrap_or_default();
    let mut message = Vec::new();
    for field in [
        b"req-1".as_slice(),
        b"acct-1",
        b"v1",
        b"mtpscript-v5.1",
        &hash,
        b"10000000",
    ] {
        frame(&mut message, field);
    }
    let expected = canon::hex::encode(&canon::id::sha256(&message));
    let input = json!({ "request_id": "req-1", "account_id": "acct-1", "function_version": "v1", "content_hash": hash_hex, "gas_limit": 10_000_000 });
    vec![Case::known(
        "seed-by-definition",
        &["MTP-065"],
        "the basic seed, recomputed from the length-prefixed definition",
        "mtp.seed",
        input,
        Value::String(expected),
    )]
}
