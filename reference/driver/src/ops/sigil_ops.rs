//! The `sigil.*` operations (spec/protocol.md §6, "Sigil operations"; spec/sigil.md §11).
//!
//! Every operation translates JSON to the `sigil` core's types and back; the logic is the core's.
//! Outputs carry binary64 values as *number texts* (their CANON-004 form as a string, PROTO-021).

use std::collections::BTreeSet;

use serde_json::{Value, json};
use sigil::features::{CheckRequest, FEATURE_COUNT, Loa, entropy, features};
use sigil::keys::{KeyHistory, KeyInfo, Signer};
use sigil::model::TrustModel;
use sigil::quorum::Attestations;
use sigil::record::{Body, Quorum};

use crate::CaseError;
use crate::input::Input;

type Output = Result<Value, CaseError>;

impl From<sigil::Error> for CaseError {
    fn from(error: sigil::Error) -> Self {
        Self::with_code(error.code(), error.to_string())
    }
}

/// The most bytes one `flips` member may tamper with.
const MAX_FLIPS: u64 = 4096;

/// A JSON value of a case input as the core's JSON value: serde_json writes every number in its
/// shortest round-trip form (and reads with `float_roundtrip`), so the binary64 values are kept.
fn core_json(value: &Value) -> Result<canon::json::Value, CaseError> {
    Ok(canon::json::parse(value.to_string().as_bytes())?)
}

/// A core JSON value the core built (finite numbers) as a case output's JSON.
fn number_text(x: f64) -> Result<Value, CaseError> {
    Ok(Value::String(canon::json::format_number(x)?))
}

fn texts(xs: &[f64]) -> Result<Value, CaseError> {
    Ok(Value::Array(
        xs.iter()
            .map(|x| number_text(*x))
            .collect::<Result<_, _>>()?,
    ))
}

/// The Ed25519 signer of a seed label: the first 32 bytes of its DRBG stream (CANON-050).
fn signer(label: &str) -> Result<Signer, CaseError> {
    let seed = canon::drbg::Drbg::new(label).bytes(32)?;
    Ok(Signer::from_seed(&seed)?)
}

fn str_array<'a>(value: &'a Value, name: &str) -> Result<Vec<&'a str>, CaseError> {
    value
        .as_array()
        .and_then(|items| items.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
        .ok_or_else(|| CaseError::invalid(format!("`{name}` is not an array of strings")))
}

/// A verifier's key history from `keys` (public keys, hex).
fn key_history(input: Input<'_>) -> Result<KeyHistory, CaseError> {
    let keys = str_array(input.value("keys")?, "keys")?;
    Ok(KeyHistory::from_keys(
        keys.into_iter()
            .map(|pub_key| KeyInfo {
                pub_key: pub_key.to_owned(),
                created_ts: 0,
            })
            .collect(),
    ))
}

fn request(input: Input<'_>) -> Result<(CheckRequest, u64), CaseError> {
    let request = CheckRequest::from_json(&core_json(input.value("request")?)?)?;
    Ok((request, input.u64("window_count")?))
}

pub(super) fn features_op(input: Input<'_>) -> Output {
    let (request, window) = request(input)?;
    Ok(json!({
        "features": texts(&features(&request, window))?,
        "entropy": number_text(entropy(request.input.as_bytes()))?,
    }))
}

fn number(input: Input<'_>, name: &str) -> Result<f64, CaseError> {
    input
        .value(name)?
        .as_f64()
        .ok_or_else(|| CaseError::invalid(format!("`{name}` is not a number")))
}

/// Enforces SIGIL-004's domain: `0 < p <= 1`, `p` normal.
pub(super) fn slog2(input: Input<'_>) -> Output {
    let p = number(input, "p")?;
    if !(p.is_normal() && p > 0.0 && p <= 1.0) {
        return Err(CaseError::invalid("`p` is not a normal number in (0, 1]"));
    }
    number_text(sigil::float::slog2(p))
}

/// Enforces SIGIL-006's domain: `t <= 0`.
pub(super) fn sexp(input: Input<'_>) -> Output {
    let t = number(input, "t")?;
    if t.is_nan() || t > 0.0 {
        return Err(CaseError::invalid("`t` is not a number <= 0"));
    }
    number_text(sigil::float::sexp(t))
}

pub(super) fn score(input: Input<'_>) -> Output {
    let model = match input.get("model") {
        Some(model) => TrustModel::from_json(&core_json(model)?)?,
        None => TrustModel::default_model(),
    };
    let x: [f64; FEATURE_COUNT] = match input.get("features") {
        Some(values) => values
            .as_array()
            .and_then(|v| v.iter().map(Value::as_f64).collect::<Option<Vec<f64>>>())
            .and_then(|v| v.try_into().ok())
            .ok_or_else(|| CaseError::invalid("`features` is not an array of 21 numbers"))?,
        None => {
            let (request, window) = request(input)?;
            features(&request, window)
        }
    };
    let s = model.score(&x)?;
    Ok(json!({
        "model_id": model.id().to_string(),
        "z": number_text(s.z)?,
        "score": number_text(s.score)?,
        "allowed": s.allowed,
    }))
}

pub(super) fn chain_freeze(input: Input<'_>) -> Output {
    let chain = sigil::chain::ReasoningChain::from_json(&core_json(input.value("chain")?)?)?;
    let frozen = sigil::chain::freeze(chain, &signer(input.str("seed_label")?)?)?;
    Ok(json!({
        "chain_sha256": frozen.chain_sha256,
        "public_key": frozen.public_key,
        "signature": frozen.signature,
        "bytes": canon::hex::encode(frozen.bytes().as_bytes()),
    }))
}

/// Runs `verify` on the stored bytes, or, with `flips`, on each tampered variant (the tamper
/// test of spec/protocol.md §6: one result per flipped byte, `"verified"` or the code).
fn verify_or_flips(input: Input<'_>, verify: impl Fn(&[u8]) -> Result<(), sigil::Error>) -> Output {
    let Some(flips) = input.get("flips") else {
        verify(&input.hex("bytes")?)?;
        return Ok(Value::Bool(true));
    };
    // PROTO-070: the members' JSON types before the hex is decoded.
    let field = |name: &str| flips.get(name).and_then(Value::as_u64);
    let (Some(start), Some(count), Some(xor)) = (field("start"), field("count"), field("xor"))
    else {
        return Err(CaseError::invalid("`flips` needs start, count and xor"));
    };
    let bytes = input.hex("bytes")?;
    let fits = (1..=255).contains(&xor)
        && (1..=MAX_FLIPS).contains(&count)
        && start.saturating_add(count) <= bytes.len() as u64;
    if !fits {
        return Err(CaseError::invalid("`flips` is out of range"));
    }
    let mut results = Vec::with_capacity(count as usize);
    for at in start..start + count {
        let mut tampered = bytes.clone();
        tampered[at as usize] ^= xor as u8;
        results.push(Value::String(match verify(&tampered) {
            Ok(()) => "verified".to_owned(),
            Err(e) => e.code().to_owned(),
        }));
    }
    Ok(Value::Array(results))
}

pub(super) fn chain_verify(input: Input<'_>) -> Output {
    let keys = key_history(input)?;
    verify_or_flips(input, |bytes| {
        sigil::chain::verify(bytes, &keys).map(|_| ())
    })
}

fn body(value: &Value) -> Result<Body, CaseError> {
    Ok(Body::from_json(&core_json(value)?)?)
}

pub(super) fn record_hash(input: Input<'_>) -> Output {
    Ok(json!({ "hash": body(input.value("body")?)?.hash()? }))
}

pub(super) fn record_sign(input: Input<'_>) -> Output {
    // PROTO-070: the labels' JSON type is checked before the body is read.
    let witness_labels = str_array(input.value("witness_labels")?, "witness_labels")?;
    let body = body(input.value("body")?)?;
    let service = signer(input.str("seed_label")?)?;
    let witness_signers = witness_labels
        .into_iter()
        .map(signer)
        .collect::<Result<Vec<_>, _>>()?;
    let hash = body.hash()?;
    let witnesses = witness_signers
        .iter()
        .map(|w| sigil::record::attest(&hash, w))
        .collect::<Result<Vec<_>, _>>()?;
    let record = sigil::record::sign(body, &service, witnesses)?;
    Ok(json!({
        "hash": record.hash,
        "sig": record.sig,
        "pub_key": record.pub_key,
        "witnesses": record.witnesses.iter()
            .map(|w| json!({ "pub_key": w.pub_key, "sig": w.sig }))
            .collect::<Vec<_>>(),
        "bytes": canon::hex::encode(record.canonical()?.as_bytes()),
    }))
}

/// A registry `{"k", "witnesses"}` of a case input.
fn registry(value: &Value) -> Result<(BTreeSet<String>, usize), CaseError> {
    let k = value
        .get("k")
        .and_then(Value::as_u64)
        .ok_or_else(|| CaseError::invalid("`registry.k` is not a non-negative integer"))?;
    let witnesses = str_array(value.get("witnesses").unwrap_or(&Value::Null), "witnesses")?;
    Ok((
        witnesses.into_iter().map(str::to_owned).collect(),
        usize::try_from(k).unwrap_or(usize::MAX),
    ))
}

pub(super) fn record_verify(input: Input<'_>) -> Output {
    let keys = key_history(input)?;
    let registry = input.get("registry").map(registry).transpose()?;
    verify_or_flips(input, |bytes| {
        let quorum = registry
            .as_ref()
            .map(|(witnesses, k)| Quorum { witnesses, k: *k });
        sigil::record::verify_stored(bytes, None, &keys, quorum).map(|_| ())
    })
}

pub(super) fn quorum(input: Input<'_>) -> Output {
    let hash = input.str("hash")?;
    if !sigil::json::is_hex(hash, 64) {
        return Err(CaseError::invalid("`hash` is not 64 lowercase hex digits"));
    }
    let k = usize::try_from(input.u64("k")?).unwrap_or(usize::MAX);
    if k == 0 {
        return Err(CaseError::invalid("`k` is 0"));
    }
    let registered: BTreeSet<String> = str_array(input.value("registry")?, "registry")?
        .into_iter()
        .map(str::to_owned)
        .collect();
    let attestations = input
        .value("attestations")?
        .as_array()
        .ok_or_else(|| CaseError::invalid("`attestations` is not an array"))?;
    let mut pairs = Vec::with_capacity(attestations.len());
    for a in attestations {
        match (
            a.get("pub_key").and_then(Value::as_str),
            a.get("sig").and_then(Value::as_str),
        ) {
            (Some(pub_key), Some(sig)) => pairs.push((pub_key, sig)),
            _ => {
                return Err(CaseError::invalid(
                    "an attestation needs pub_key and sig strings",
                ));
            }
        }
    }
    let mut state = Attestations::new(hash);
    let mut steps = Vec::with_capacity(pairs.len());
    let mut count = 0;
    for (pub_key, sig) in pairs {
        let outcome = match state.attest(&registered, pub_key, sig) {
            Ok(attested) => {
                count = attested.count;
                if attested.duplicate {
                    "duplicate"
                } else {
                    "accepted"
                }
            }
            Err(e) => e.code(),
        };
        let status = if count >= k { "committed" } else { "pending" };
        steps.push(json!({ "outcome": outcome, "count": count, "status": status }));
    }
    let commit = match state.is_met(&registered, k) {
        Ok(()) => "committed",
        Err(e) => e.code(),
    };
    let witnesses: Vec<String> = state
        .counted(&registered)
        .into_iter()
        .map(|w| w.pub_key)
        .collect();
    Ok(json!({ "steps": steps, "commit": commit, "witnesses": witnesses }))
}

pub(super) fn key_history_op(input: Input<'_>) -> Output {
    let signers = str_array(input.value("seed_labels")?, "seed_labels")?
        .into_iter()
        .map(signer)
        .collect::<Result<Vec<_>, _>>()?;
    let known = usize::try_from(input.u64("known")?).unwrap_or(usize::MAX);
    if !(1..=signers.len()).contains(&known) {
        return Err(CaseError::invalid("`known` is not in 1..=keys"));
    }
    let keys: Vec<KeyInfo> = signers
        .iter()
        .map(|s| KeyInfo {
            pub_key: s.pub_key().to_owned(),
            created_ts: 0,
        })
        .collect();
    let verifier = KeyHistory::from_keys(keys[..known].to_vec());
    let items = input
        .value("records")?
        .as_array()
        .ok_or_else(|| CaseError::invalid("`records` is not an array"))?;
    let mut records = Vec::with_capacity(items.len());
    for item in items {
        let index = item
            .get("key")
            .and_then(Value::as_u64)
            .and_then(|i| usize::try_from(i).ok())
            .filter(|i| *i < signers.len())
            .ok_or_else(|| CaseError::invalid("a record's `key` is not a key index"))?;
        let body = body(item.get("body").unwrap_or(&Value::Null))?;
        let record = sigil::record::sign(body, &signers[index], vec![])?;
        let result = match sigil::record::verify_record(&record, &verifier, None) {
            Ok(()) => "verified",
            Err(e) => e.code(),
        };
        records.push(json!({ "pub_key": record.pub_key, "hash": record.hash, "result": result }));
    }
    let history = KeyHistory::from_keys(keys);
    Ok(json!({
        "keys": history.keys().iter().map(|k| k.pub_key.clone()).collect::<Vec<_>>(),
        "current": history.current().map(|k| k.pub_key.clone()),
        "records": records,
    }))
}

pub(super) fn loa_gate(input: Input<'_>) -> Output {
    let min = input
        .str("min_loa")
        .ok()
        .and_then(Loa::parse)
        .ok_or_else(|| CaseError::invalid("`min_loa` is not a level"))?;
    let caller = match input.value("loa")? {
        Value::Null => None,
        Value::String(name) => Loa::parse(name),
        _ => return Err(CaseError::invalid("`loa` is neither a string nor null")),
    };
    Ok(json!({ "allowed": sigil::module::gate(caller, min).is_ok() }))
}

/// Enforces SIGIL-071 through the core: the envelopes applied in order from offset 0.
pub(super) fn cdc_replay(input: Input<'_>) -> Output {
    let items = input
        .value("envelopes")?
        .as_array()
        .ok_or_else(|| CaseError::invalid("`envelopes` is not an array"))?;
    let envelopes = items
        .iter()
        .map(|e| Ok(sigil::cdc::Envelope::from_json(&core_json(e)?)?))
        .collect::<Result<Vec<_>, CaseError>>()?;
    let projection = sigil::cdc::Projection::replay(envelopes)?;
    Ok(json!({ "offset": projection.offset(), "digest": projection.digest()? }))
}
