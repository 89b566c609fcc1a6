//! Steps shared by the scenarios: health, registration, installation, approval, evaluation.

use field::Fp;
use serde_json::{Value, json};

use super::dealt::Dealt;
use super::step::Step;
use super::{K, N, failure};
use crate::Error;

pub(super) fn custodian(x: usize) -> String {
    format!("custodian:{x}")
}

/// Health of every target, capturing the custodians' keys.
pub(super) fn health() -> Vec<Step> {
    let mut steps = vec![
        Step::new(
            "health-coordinator",
            &["QVM-025"],
            "the coordinator is up with the scenario's threshold",
        )
        .get("coordinator", "/health")
        .ok(200)
        .body("/status", json!("ok"))
        .body("/role", json!("coordinator"))
        .body("/k", json!(K))
        .body("/n", json!(N)),
    ];
    for x in 1..=N {
        steps.push(
            Step::new(
                format!("health-custodian-{x}"),
                &["QVM-020"],
                format!("custodian {x} is up and tells its x and public key"),
            )
            .get(&custodian(x), "/health")
            .ok(200)
            .body("/status", json!("ok"))
            .body("/role", json!("custodian"))
            .body("/x", json!(x))
            .capture(&format!("key_{x}"), "/public_key"),
        );
    }
    steps
}

/// Registration of every custodian (201 on fresh services, 200 when an earlier scenario of the
/// file registered it with the same key).
pub(super) fn register_custodians() -> Vec<Step> {
    (1..=N)
        .map(|x| {
            Step::new(
                format!("register-custodian-{x}"),
                &["QVM-025"],
                format!("the coordinator registers custodian {x} with its key"),
            )
            .post(
                "coordinator",
                "/custodians",
                json!({"x": x, "url": format!("${{url:custodian:{x}}}"),
                       "public_key": format!("${{key_{x}}}")}),
            )
            .status(json!([200, 201]))
        })
        .collect()
}

/// Installation at every custodian and registration at the coordinator of one program.
pub(super) fn install(dealt: &Dealt, name: &str) -> Result<Vec<Step>, Error> {
    let mut steps = Vec::new();
    for x in 1..=N {
        steps.push(
            Step::new(
                format!("install-{name}-custodian-{x}"),
                &["QVM-021"],
                format!(
                    "custodian {x} installs the {name} program with its dealt share of S_v and \
                     {} slots",
                    dealt.slots
                ),
            )
            .post(&custodian(x), "/install", dealt.install_body(x)?)
            .ok(200)
            .body("/program_id", json!(dealt.id()))
            .body("/slots", json!(dealt.slots)),
        );
    }
    steps.push(
        Step::new(
            format!("register-{name}"),
            &["QVM-025"],
            format!("the coordinator registers the {name} program: status registered"),
        )
        .post(
            "coordinator",
            "/programs",
            json!({"package": dealt.package.to_json(), "slots": dealt.slots}),
        )
        .ok(201)
        .body("/program_id", json!(dealt.id()))
        .body("/status", json!("registered")),
    );
    Ok(steps)
}

/// Custodian `x` signs its approval (captured as `sig_<name>_<x>`) and the coordinator counts
/// it, with the status it must then have.
pub(super) fn approve(dealt: &Dealt, name: &str, x: usize) -> Vec<Step> {
    let status = if x >= K { "active" } else { "registered" };
    let sig = format!("sig_{name}_{x}");
    vec![
        Step::new(
            format!("sign-{name}-{x}"),
            &["QVM-020"],
            format!("custodian {x} signs its approval of the {name} program"),
        )
        .post(&custodian(x), "/approve", json!({"program_id": dealt.id()}))
        .ok(200)
        .body("/program_id", json!(dealt.id()))
        .body("/x", json!(x))
        .body("/public_key", json!(format!("${{key_{x}}}")))
        .capture(&sig, "/signature"),
        Step::new(
            format!("approve-{name}-{x}"),
            &["QVM-025", "QVM-026"],
            format!("approval {x} of the {name} program: {x} of K = {K}, status {status}"),
        )
        .post(
            "coordinator",
            format!("/programs/{}/approvals", dealt.id()),
            json!({"x": x, "signature": format!("${{{sig}}}")}),
        )
        .ok(200)
        .body("/program_id", json!(dealt.id()))
        .body("/status", json!(status))
        .body("/approvals", json!(x))
        .body("/needed", json!(K)),
    ]
}

pub(super) fn eval_body(dealt: &Dealt, identity: &str, x: &str) -> Value {
    json!({"identity_id": identity, "program_id": dealt.id(), "inputs": {"x": x}})
}

/// An evaluation that succeeds with the reference's output.
pub(super) fn evaluate(
    dealt: &Dealt,
    id: &str,
    identity: &str,
    x: &str,
    request_id: Option<&str>,
) -> Result<Step, Error> {
    let value = Fp::parse(x).map_err(|e| failure(id, e))?;
    let mut body = eval_body(dealt, identity, x);
    if let Some(request_id) = request_id {
        body["request_id"] = json!(request_id);
    }
    let mut step = Step::new(
        id,
        &["QVM-027"],
        format!("{identity} evaluates at x = {x}: ((x + S_v)^2 + 7)·x for the dealt S_v"),
    )
    .post("coordinator", "/eval", body)
    .ok(200)
    .body("/output", json!(dealt.output(value)?))
    .body("/program_id", json!(dealt.id()))
    .body("/rounds", json!(3));
    if let Some(request_id) = request_id {
        step = step.body("/request_id", json!(request_id));
    }
    Ok(step)
}
