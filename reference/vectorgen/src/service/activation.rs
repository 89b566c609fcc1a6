//! The `activation` scenario.

use serde_json::{Value, json};

use super::dealt::Dealt;
use super::step::Step;
use super::steps::{approve, custodian, eval_body, evaluate, health, install, register_custodians};
use super::{K, LABEL, NOT_FOUND_ID, scenario};
use crate::Error;

pub(super) fn activation() -> Result<Value, Error> {
    let name = "activation";
    let dealt = Dealt::new(&format!("{LABEL}/{name}"), (1, 100, 100), 4)?;
    let mut steps = health();
    steps.extend(register_custodians());
    steps.push(
        Step::new(
            "register-custodian-1-again",
            &["QVM-025"],
            "registering custodian 1 again with the same key is idempotent: 200",
        )
        .post(
            "coordinator",
            "/custodians",
            json!({"x": 1, "url": "${url:custodian:1}", "public_key": "${key_1}"}),
        )
        .ok(200),
    );
    steps.extend(install(&dealt, name)?);
    steps.push(
        Step::new(
            "install-again",
            &["QVM-021"],
            "installing the same program again at custodian 1 is 409",
        )
        .post(&custodian(1), "/install", dealt.install_body(1)?)
        .error(409, "SVC_ALREADY_INSTALLED"),
    );
    steps.push(
        Step::new(
            "register-again",
            &["QVM-025"],
            "registering the same program with the same slots again is idempotent: 200",
        )
        .post(
            "coordinator",
            "/programs",
            json!({"package": dealt.package.to_json(), "slots": dealt.slots}),
        )
        .ok(200)
        .body("/status", json!("registered")),
    );
    steps.push(
        Step::new(
            "program-registered",
            &["QVM-025"],
            "a new program has no approval and needs K",
        )
        .get("coordinator", format!("/programs/{}", dealt.id()))
        .ok(200)
        .body("/program_id", json!(dealt.id()))
        .body("/status", json!("registered"))
        .body("/approvals", json!(0))
        .body("/needed", json!(K)),
    );
    steps.push(
        Step::new(
            "eval-before-activation",
            &["QVM-026", "QVM-027"],
            "a registered program that is not active is not evaluated",
        )
        .post(
            "coordinator",
            "/eval",
            eval_body(&dealt, "activation-alice", "3"),
        )
        .error(403, "SVC_NOT_ACTIVE"),
    );
    steps.push(
        Step::new(
            "sign-unknown-program",
            &["QVM-020"],
            "a custodian signs no approval of a program not installed at it",
        )
        .post(
            &custodian(1),
            "/approve",
            json!({"program_id": NOT_FOUND_ID}),
        )
        .error(404, "SVC_PROGRAM_UNKNOWN"),
    );
    steps.push(
        Step::new(
            "approve-unknown-program",
            &["QVM-025"],
            "an approval of a program that is not registered is 404",
        )
        .post(
            "coordinator",
            format!("/programs/{NOT_FOUND_ID}/approvals"),
            json!({"x": 1, "signature": dealt.forged_signature()?}),
        )
        .error(404, "SVC_PROGRAM_UNKNOWN"),
    );
    steps.extend(approve(&dealt, name, 1));
    steps.push(
        Step::new(
            "approve-activation-1-again",
            &["QVM-025"],
            "the same custodian's approval again does not count: still 1",
        )
        .post(
            "coordinator",
            format!("/programs/{}/approvals", dealt.id()),
            json!({"x": 1, "signature": "${sig_activation_1}"}),
        )
        .ok(200)
        .body("/status", json!("registered"))
        .body("/approvals", json!(1)),
    );
    steps.push(
        Step::new(
            "approve-with-another-custodians-signature",
            &["QVM-025"],
            "custodian 1's signature presented as custodian 2's is refused",
        )
        .post(
            "coordinator",
            format!("/programs/{}/approvals", dealt.id()),
            json!({"x": 2, "signature": "${sig_activation_1}"}),
        )
        .error(403, "SVC_APPROVAL_INVALID"),
    );
    steps.push(
        Step::new(
            "approve-forged",
            &["QVM-025"],
            "an approval signed by a key that is no custodian's is refused",
        )
        .post(
            "coordinator",
            format!("/programs/{}/approvals", dealt.id()),
            json!({"x": 2, "signature": dealt.forged_signature()?}),
        )
        .error(403, "SVC_APPROVAL_INVALID"),
    );
    steps.push(
        Step::new(
            "approve-malformed-signature",
            &["QVM-025"],
            "a signature that is not 128 lowercase hex digits is refused",
        )
        .post(
            "coordinator",
            format!("/programs/{}/approvals", dealt.id()),
            json!({"x": 2, "signature": "not-a-signature"}),
        )
        .error(403, "SVC_APPROVAL_INVALID"),
    );
    steps.push(
        Step::new(
            "still-one-approval",
            &["QVM-025"],
            "refused approvals recorded nothing",
        )
        .get("coordinator", format!("/programs/{}", dealt.id()))
        .ok(200)
        .body("/status", json!("registered"))
        .body("/approvals", json!(1)),
    );
    steps.extend(approve(&dealt, name, 2));
    steps.push(
        Step::new(
            "eval-below-k",
            &["QVM-026", "QVM-027"],
            "K - 1 approvals do not activate",
        )
        .post(
            "coordinator",
            "/eval",
            eval_body(&dealt, "activation-alice", "3"),
        )
        .error(403, "SVC_NOT_ACTIVE"),
    );
    steps.extend(approve(&dealt, name, 3));
    steps.extend(approve(&dealt, name, 4));
    steps.push(
        Step::new(
            "program-active",
            &["QVM-026"],
            "the program is active with every approval counted",
        )
        .get("coordinator", format!("/programs/{}", dealt.id()))
        .ok(200)
        .body("/status", json!("active"))
        .body("/approvals", json!(4))
        .body("/needed", json!(K)),
    );
    steps.push(evaluate(
        &dealt,
        "eval-after-activation",
        "activation-alice",
        "3",
        None,
    )?);
    Ok(scenario(
        name,
        "install a program at five custodians, register it, and activate it with approvals \
         handed over one at a time: refused approvals and duplicates do not count, the K-th \
         activates, and only an active program is evaluated",
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
