//! The `field.*`, `shamir.*`, `dsl.compile` and `qvm.*` operations (spec/protocol.md §6,
//! "QuorumVM operations").

use field::Fp;
use serde_json::{Value, json};

use crate::CaseError;
use crate::input::Input;

type Output = Result<Value, CaseError>;

/// The most elements `field.random` returns in one case.
const MAX_RANDOM: u64 = 1024;

/// Enforces FIELD-003: a JSON integer of magnitude below 2^53, or a decimal string.
fn element(value: &Value) -> Result<Fp, CaseError> {
    match value {
        Value::String(text) => Ok(Fp::parse(text)?),
        Value::Number(n) => match n.as_i64() {
            Some(n) => Ok(Fp::from_json_integer(n)?),
            None => Ok(Fp::parse("not an integer")?),
        },
        _ => Ok(Fp::parse("not a number or string")?),
    }
}

fn element_json(x: Fp) -> Value {
    Value::String(x.to_string())
}

fn member_element(input: Input<'_>, name: &str) -> Result<Fp, CaseError> {
    element(input.value(name)?)
}

pub(super) fn field_reduce(input: Input<'_>) -> Output {
    Ok(element_json(member_element(input, "value")?))
}

pub(super) fn field_add(input: Input<'_>) -> Output {
    Ok(element_json(
        member_element(input, "a")? + member_element(input, "b")?,
    ))
}

pub(super) fn field_sub(input: Input<'_>) -> Output {
    Ok(element_json(
        member_element(input, "a")? - member_element(input, "b")?,
    ))
}

pub(super) fn field_mul(input: Input<'_>) -> Output {
    Ok(element_json(
        member_element(input, "a")? * member_element(input, "b")?,
    ))
}

pub(super) fn field_neg(input: Input<'_>) -> Output {
    Ok(element_json(-member_element(input, "a")?))
}

pub(super) fn field_inv(input: Input<'_>) -> Output {
    Ok(element_json(member_element(input, "a")?.inv()?))
}

pub(super) fn field_random(input: Input<'_>) -> Output {
    let count = input.u64("count")?;
    if count > MAX_RANDOM {
        return Err(CaseError::invalid("`count` exceeds 1024"));
    }
    let mut drbg = canon::drbg::Drbg::new(input.str("label")?);
    let elements: Vec<Value> = (0..count)
        .map(|_| element_json(Fp::random(&mut drbg)))
        .collect();
    Ok(Value::Array(elements))
}

/// A count member as the Shamir crate checks it: anything that is not an integer in range
/// becomes 0, which the crate refuses with its own code (SHAMIR-001, SHAMIR-006).
fn small(value: Option<&Value>) -> usize {
    value
        .and_then(Value::as_u64)
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0)
}

/// Enforces SHAMIR-003's order: the secret is read before the threshold is checked.
pub(super) fn shamir_share(input: Input<'_>) -> Output {
    let secret = member_element(input, "secret")?;
    let threshold = shamir::Threshold::new(small(input.get("k")), small(input.get("n")))?;
    let mut drbg = canon::drbg::Drbg::new(input.str("label")?);
    let shares: Vec<Value> = shamir::share(secret, threshold, &mut drbg)
        .into_iter()
        .map(|share| json!({ "x": share.x, "y": share.y.to_string() }))
        .collect();
    Ok(json!({ "shares": shares }))
}

/// Enforces SHAMIR-006's order: the input is decoded first (shape, then every `y`), then the
/// crate checks `k`, each `x`, duplicates, the count and consistency. An `x` that is not an
/// integer in `0..=255` is passed on as 0, which the crate reports as `SHAMIR_X_INVALID`.
pub(super) fn shamir_reconstruct(input: Input<'_>) -> Output {
    let items = input
        .value("shares")?
        .as_array()
        .ok_or_else(|| CaseError::invalid("`shares` is not an array"))?;
    let mut raw = Vec::with_capacity(items.len());
    for item in items {
        match (item.get("x"), item.get("y")) {
            (Some(x), Some(y)) => raw.push((x, y)),
            _ => return Err(CaseError::invalid("a share needs `x` and `y`")),
        }
    }
    let mut shares = Vec::with_capacity(raw.len());
    for (x, y) in raw {
        let y = element(y)?;
        let x = x.as_u64().and_then(|x| u8::try_from(x).ok()).unwrap_or(0);
        shares.push(shamir::Share { x, y });
    }
    Ok(element_json(shamir::reconstruct(
        small(input.get("k")),
        &shares,
    )?))
}

pub(super) fn dsl_compile(input: Input<'_>) -> Output {
    match dsl::compile(input.str("source")?) {
        Ok(ir) => Ok(ir.to_json()),
        Err(diagnostics) => Err(match diagnostics.first() {
            Some(first) => CaseError::with_code(first.code, first.to_string()),
            None => CaseError::with_code("DSL_SOURCE_INVALID", "no diagnostic"),
        }),
    }
}

/// The `qvm.*` operations are implemented over JSON by the core itself.
fn qvm(op: &str, input: Input<'_>) -> Output {
    match quorumvm::ops::run(op, &input.as_value()) {
        Some(result) => Ok(result?),
        None => Err(CaseError::invalid(format!("unknown operation `{op}`"))),
    }
}

pub(super) fn qvm_program_id(input: Input<'_>) -> Output {
    qvm("qvm.program_id", input)
}

pub(super) fn qvm_eval_clear(input: Input<'_>) -> Output {
    qvm("qvm.eval_clear", input)
}

pub(super) fn qvm_eval_threshold(input: Input<'_>) -> Output {
    qvm("qvm.eval_threshold", input)
}

pub(super) fn qvm_policy_trace(input: Input<'_>) -> Output {
    qvm("qvm.policy_trace", input)
}

pub(super) fn qvm_audit_chain(input: Input<'_>) -> Output {
    qvm("qvm.audit_chain", input)
}

pub(super) fn qvm_audit_verify(input: Input<'_>) -> Output {
    qvm("qvm.audit_verify", input)
}
