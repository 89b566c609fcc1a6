//! The `evaluation` scenario.

use serde_json::{Value, json};

use super::dealt::Dealt;
use super::step::Step;
use super::steps::{approve, eval_body, evaluate, health, install, register_custodians};
use super::{K, LABEL, NOT_FOUND_ID, scenario};
use crate::Error;

pub(super) fn evaluation() -> Result<Value, Error> {
    let name = "evaluation";
    let dealt = Dealt::new(&format!("{LABEL}/{name}"), (1, 1000, 1000), 12)?;
    let mut steps = health();
    steps.extend(register_custodians());
    steps.extend(install(&dealt, name)?);
    for x in 1..=K {
        steps.extend(approve(&dealt, name, x));
    }
    let max = "170141183460469231731687303715884105726";
    for (i, x) in ["0", "1", "5", "-7", max].iter().enumerate() {
        steps.push(evaluate(
            &dealt,
            &format!("eval-{i}"),
            "evaluation-alice",
            x,
            None,
        )?);
    }
    steps.push(evaluate(
        &dealt,
        "eval-same-input-again",
        "evaluation-alice",
        "5",
        None,
    )?);
    steps.push(evaluate(
        &dealt,
        "eval-with-request-id",
        "evaluation-bob",
        "2",
        Some("evaluation-request-1"),
    )?);
    let mut replay = eval_body(&dealt, "evaluation-bob", "2");
    replay["request_id"] = json!("evaluation-request-1");
    steps.push(
        Step::new(
            "eval-replayed-request-id",
            &["QVM-027"],
            "a request id admitted before is refused",
        )
        .post("coordinator", "/eval", replay)
        .error(409, "QVM_REQUEST_REPLAYED"),
    );
    steps.push(
        Step::new(
            "eval-body-not-json",
            &["QVM-027"],
            "a body that is not JSON is 400",
        )
        .post_raw("coordinator", "/eval", "{\"identity_id\": ")
        .error(400, "SVC_BODY_INVALID"),
    );
    steps.push(
        Step::new(
            "eval-member-missing",
            &["QVM-027"],
            "a body without identity_id is 400",
        )
        .post(
            "coordinator",
            "/eval",
            json!({"program_id": dealt.id(), "inputs": {"x": "1"}}),
        )
        .error(400, "SVC_BODY_INVALID"),
    );
    steps.push(
        Step::new(
            "eval-unknown-program",
            &["QVM-027"],
            "a program that is not registered is 404",
        )
        .post(
            "coordinator",
            "/eval",
            json!({"identity_id": "evaluation-alice", "program_id": NOT_FOUND_ID,
                   "inputs": {"x": "1"}}),
        )
        .error(404, "SVC_PROGRAM_UNKNOWN"),
    );
    steps.push(
        Step::new(
            "eval-input-missing",
            &["QVM-027"],
            "inputs without the program's input x are 422",
        )
        .post(
            "coordinator",
            "/eval",
            json!({"identity_id": "evaluation-alice", "program_id": dealt.id(),
                   "inputs": {"y": "1"}}),
        )
        .error(422, "QVM_INPUTS_INVALID"),
    );
    steps.push(
        Step::new(
            "eval-input-not-an-element",
            &["QVM-027"],
            "an input that is not a field element is 422",
        )
        .post(
            "coordinator",
            "/eval",
            eval_body(&dealt, "evaluation-alice", "twelve"),
        )
        .error(422, "FIELD_ELEMENT_INVALID"),
    );
    Ok(scenario(
        name,
        "activate a program and evaluate it: outputs equal the cleartext value for the dealt \
         S_v, a replayed request id, a malformed body, an unknown program and invalid inputs are \
         refused with their codes",
        &[
            "PROTO-080",
            "PROTO-081",
            "PROTO-082",
            "PROTO-083",
            "PROTO-084",
        ],
        &[&dealt],
        steps,
    ))
}
