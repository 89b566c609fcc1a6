//! The `qvm.*` operations of `spec/protocol.md` §6 over JSON case inputs, for the
//! conformance driver. Each takes the case's `input` object and returns the `ok` output.
//!
//! A member missing or of the wrong JSON type where the table gives no QuorumVM code is
//! `PROTO_CASE_INVALID` ([`Error::CaseInvalid`]).

use serde_json::Value;
use shamir::Threshold;

use crate::Error;
use crate::audit;
use crate::encoding::{element_json, small_uint};
use crate::eval::{eval_clear as clear, inputs_from_json};
use crate::package::{PolicyManifest, Program, program_id_of_json};
use crate::policy::{self, TraceRequest};
use crate::simulate::{Corruption, threshold_transcript};

fn member<'a>(input: &'a Value, name: &str) -> Result<&'a Value, Error> {
    input
        .get(name)
        .ok_or_else(|| Error::case(format!("input member `{name}` is missing")))
}

/// `k` or `n`: a JSON integer; anything else is read as 0, which SHAMIR-001 rejects with
/// `SHAMIR_THRESHOLD_INVALID` as it rejects a negative or fractional value.
fn threshold_member(input: &Value, name: &str) -> Result<usize, Error> {
    Ok(member(input, name)?
        .as_u64()
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0))
}

/// `qvm.program_id`: `{"ir", "policy_manifest", "secret_manifest"}` → 64 hex digits.
///
/// Enforces QVM-001, QVM-002, QVM-003.
pub fn program_id(input: &Value) -> Result<Value, Error> {
    program_id_of_json(
        member(input, "ir")?,
        member(input, "policy_manifest")?,
        member(input, "secret_manifest")?,
    )
    .map(Value::String)
}

/// `qvm.eval_clear`: `{"ir", "inputs", "secret"?}` → element.
///
/// Enforces QVM-010, QVM-011.
pub fn eval_clear(input: &Value) -> Result<Value, Error> {
    let program = Program::from_json(member(input, "ir")?)?;
    let (inputs, secret) =
        inputs_from_json(&program, member(input, "inputs")?, input.get("secret"))?;
    clear(&program, &inputs, secret).map(element_json)
}

/// `qvm.eval_threshold`: `{"ir", "inputs", "secret"?, "k", "n", "label", "rounds",
/// "corrupt"?}` → the transcript. Checks, in order: the IR (`QVM_PACKAGE_INVALID`), `k` and
/// `n` (`SHAMIR_THRESHOLD_INVALID`, any JSON value that is not an integer in range included),
/// the inputs (QVM-011), the schedule (`QVM_INPUTS_INVALID`); then runs QVM-040.
///
/// Enforces QVM-040.
pub fn eval_threshold(input: &Value) -> Result<Value, Error> {
    let program = Program::from_json(member(input, "ir")?)?;
    let threshold = Threshold::new(threshold_member(input, "k")?, threshold_member(input, "n")?)?;
    let label = member(input, "label")?
        .as_str()
        .ok_or_else(|| Error::case("input member `label` is not a string"))?;
    let (inputs, secret) =
        inputs_from_json(&program, member(input, "inputs")?, input.get("secret"))?;
    let rounds = custodian_lists(member(input, "rounds")?)?;
    let corrupt = match input.get("corrupt") {
        None | Some(Value::Null) => None,
        Some(c) => Some(corruption(c)?),
    };
    threshold_transcript(
        &program, &inputs, secret, threshold, label, &rounds, corrupt,
    )
    .map(|t| t.to_json())
}

/// `rounds`: an array of arrays of custodian x values (`QVM_INPUTS_INVALID` otherwise; an x
/// above 255 is no custodian either).
fn custodian_lists(value: &Value) -> Result<Vec<Vec<u8>>, Error> {
    let lists = value
        .as_array()
        .ok_or_else(|| Error::inputs("rounds is not an array of custodian lists"))?;
    lists
        .iter()
        .map(|list| {
            list.as_array()
                .ok_or_else(|| Error::inputs("a round is not an array of custodians"))?
                .iter()
                .map(|x| {
                    x.as_u64()
                        .and_then(|x| u8::try_from(x).ok())
                        .ok_or_else(|| Error::inputs(format!("{x} is not a custodian x")))
                })
                .collect()
        })
        .collect()
}

/// `corrupt`: `{"custodian": x, "round": r}` (`QVM_INPUTS_INVALID` otherwise).
fn corruption(value: &Value) -> Result<Corruption, Error> {
    let custodian = value
        .get("custodian")
        .and_then(Value::as_u64)
        .and_then(|x| u8::try_from(x).ok());
    let round = value
        .get("round")
        .and_then(Value::as_u64)
        .and_then(|r| usize::try_from(r).ok());
    match (custodian, round) {
        (Some(custodian), Some(round)) => Ok(Corruption { custodian, round }),
        _ => Err(Error::inputs(
            "corrupt is not {\"custodian\": x, \"round\": r}",
        )),
    }
}

/// `qvm.policy_trace`: `{"policy", "requests": [{"t_ms", "identity", "succeeds"}, …]}` →
/// one decision per request.
///
/// Enforces QVM-003, QVM-065 and PROTO-070's order: the requests' shapes are checked before
/// the policy's values.
pub fn policy_trace(input: &Value) -> Result<Value, Error> {
    let policy = member(input, "policy")?;
    let requests = member(input, "requests")?
        .as_array()
        .ok_or_else(|| Error::case("requests is not an array"))?
        .iter()
        .map(|r| {
            let t_ms = r.get("t_ms").and_then(small_uint);
            let identity = r.get("identity").and_then(Value::as_str);
            let succeeds = r.get("succeeds").and_then(Value::as_bool);
            match (t_ms, identity, succeeds) {
                (Some(t_ms), Some(identity), Some(succeeds)) => Ok(TraceRequest {
                    t_ms,
                    identity: identity.to_owned(),
                    succeeds,
                }),
                _ => Err(Error::case(
                    "a request is not {\"t_ms\": n, \"identity\": s, \"succeeds\": bool}",
                )),
            }
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let policy = PolicyManifest::from_json(policy)?;
    Ok(Value::Array(
        policy::trace(&policy, &requests)
            .iter()
            .map(policy::TraceEntry::to_json)
            .collect(),
    ))
}

fn entries(input: &Value) -> Result<&[Value], Error> {
    member(input, "entries")?
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| Error::AuditInvalid {
            index: 0,
            reason: "entries is not an array".into(),
        })
}

/// `qvm.audit_chain`: `{"entries": [body, …]}` → the chained entries.
///
/// Enforces QVM-070.
pub fn audit_chain(input: &Value) -> Result<Value, Error> {
    audit::chain(entries(input)?).map(Value::Array)
}

/// `qvm.audit_verify`: `{"entries": [entry, …]}` → the verification.
///
/// Enforces QVM-071, QVM-072.
pub fn audit_verify(input: &Value) -> Result<Value, Error> {
    Ok(audit::verify(entries(input)?).to_json())
}

/// Every operation by name, for a driver's table.
pub fn run(op: &str, input: &Value) -> Option<Result<Value, Error>> {
    let f: fn(&Value) -> Result<Value, Error> = match op {
        "qvm.program_id" => program_id,
        "qvm.eval_clear" => eval_clear,
        "qvm.eval_threshold" => eval_threshold,
        "qvm.policy_trace" => policy_trace,
        "qvm.audit_chain" => audit_chain,
        "qvm.audit_verify" => audit_verify,
        _ => return None,
    };
    Some(f(input))
}
