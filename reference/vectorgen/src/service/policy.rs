//! The `policy` scenario.

use serde_json::{Value, json};

use super::dealt::Dealt;
use super::step::Step;
use super::steps::{approve, eval_body, evaluate, health, install, register_custodians};
use super::{K, LABEL, scenario};
use crate::Error;

pub(super) fn policy() -> Result<Value, Error> {
    let name = "policy";
    let rate = Dealt::new(&format!("{LABEL}/{name}/rate"), (1, 100, 2), 4)?;
    let budget = Dealt::new(&format!("{LABEL}/{name}/budget"), (1, 2, 100), 4)?;
    let mut steps = health();
    steps.extend(register_custodians());
    steps.extend(install(&rate, "rate")?);
    steps.extend(install(&budget, "budget")?);
    for x in 1..=K {
        steps.extend(approve(&rate, "rate", x));
    }
    for x in 1..=K {
        steps.extend(approve(&budget, "budget", x));
    }
    steps.push(
        Step::new(
            "audit-before",
            &["QVM-029"],
            "the audit log verifies; its length is captured",
        )
        .get("coordinator", "/audit/verify")
        .ok(200)
        .body("/valid", json!(true))
        .capture("audit_start", "/count"),
    );
    steps.push(evaluate(&rate, "rate-1", "policy-alice", "1", None)?);
    steps.push(evaluate(&rate, "rate-2", "policy-alice", "2", None)?);
    steps.push(
        Step::new(
            "rate-limited",
            &["QVM-027"],
            "a third evaluation within the minute under max_evals_per_minute = 2 is 429 with \
             Retry-After",
        )
        .post(
            "coordinator",
            "/eval",
            eval_body(&rate, "policy-alice", "3"),
        )
        .error(429, "QVM_RATE_LIMITED")
        .header("retry-after"),
    );
    steps.push(evaluate(&budget, "budget-1", "policy-bob", "1", None)?);
    steps.push(evaluate(&budget, "budget-2", "policy-bob", "2", None)?);
    for i in 1..=2 {
        steps.push(
            Step::new(
                format!("budget-exhausted-{i}"),
                &["QVM-027"],
                "with budget_per_identity = 2 and cost_per_eval = 1 a third evaluation is 402, \
                 and stays 402",
            )
            .post(
                "coordinator",
                "/eval",
                eval_body(&budget, "policy-bob", "3"),
            )
            .error(402, "QVM_BUDGET_EXHAUSTED"),
        );
    }
    let decisions = [
        ("allow", "policy-alice"),
        ("allow", "policy-alice"),
        ("rate_limited", "policy-alice"),
        ("allow", "policy-bob"),
        ("allow", "policy-bob"),
        ("budget_exhausted", "policy-bob"),
        ("budget_exhausted", "policy-bob"),
    ];
    let mut audit = Step::new(
        "audit-entries",
        &["QVM-029"],
        "each policy decision appended one eval entry, allowed ones settled as success",
    )
    .get("coordinator", "/audit?offset=${audit_start}&limit=1000")
    .ok(200)
    .length("/entries", decisions.len())
    .body("/next_offset", Value::Null);
    for (i, (decision, identity)) in decisions.iter().enumerate() {
        let program = if i < 3 { rate.id() } else { budget.id() };
        let mut entry = json!({"event": "eval", "decision": decision,
                               "identity_id": identity, "program_id": program});
        if *decision == "allow" {
            entry["outcome"] = json!("success");
        }
        audit = audit.body(&format!("/entries/{i}"), entry);
    }
    steps.push(audit);
    steps.push(
        Step::new("audit-verify", &["QVM-029"], "the audit log still verifies")
            .get("coordinator", "/audit/verify")
            .ok(200)
            .body("/valid", json!(true)),
    );
    Ok(scenario(
        name,
        "two active programs, one limited to 2 evaluations a minute and one with a budget of 2: \
         the third evaluation is 429, resp. 402, and every decision is in the audit log",
        &[
            "PROTO-080",
            "PROTO-081",
            "PROTO-082",
            "PROTO-083",
            "PROTO-084",
        ],
        &[&rate, &budget],
        steps,
    ))
}
