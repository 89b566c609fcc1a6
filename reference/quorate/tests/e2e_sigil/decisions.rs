//! Trust decisions: a low-risk request is allowed and a high-risk one denied with the score the
//! core computes, each with a signed chain (SIGIL-008, SIGIL-010); forced faults deny, never
//! allow and never answer 5xx (SIGIL-011); the same actor's window count lowers its score
//! (SIGIL-005).

use serde_json::{Value, json};

use crate::service::Sigil;
use crate::{expected_score, high_risk, low_risk, post_raw, score_of, verified_chain};

/// A low-risk request is allowed (200) with the score the model gives, and its signed chain is
/// stored and verifies.
#[test]
fn e2e_allow() {
    let sigil = Sigil::start("sigil-allow", 1, 1, None);
    let request = low_risk("ann");
    let reply = sigil.check(&request);
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["allowed"], json!(true));
    let (score, allowed) = expected_score(&request, 0);
    assert!(allowed && score > 0.9);
    assert_eq!(score_of(&reply).to_bits(), score.to_bits());
    let id = reply.body["decision_id"].as_str().unwrap();
    assert!(id.starts_with("dec_") && id.len() == 36);
    let audit = sigil.audit(id).ok();
    assert_eq!(audit["verified"], json!(true));
    let chain = verified_chain(&audit["frozen"], &sigil.key_history());
    assert!(chain.allowed);
    assert_eq!(chain.score.map(f64::to_bits), Some(score.to_bits()));
    assert_eq!(chain.decision_id, id);
    assert_eq!(chain.error, None);
}

/// A high-risk request is denied (403, allowed false) with its low score, and the denial is
/// recorded and signed like an allow; a malformed request is 400 and no decision at all.
#[test]
fn e2e_deny() {
    let sigil = Sigil::start("sigil-deny", 1, 1, None);
    let request = high_risk("mallory");
    let reply = sigil.check(&request);
    assert_eq!(reply.status, 403, "{:?}", reply.body);
    assert_eq!(reply.body["allowed"], json!(false));
    let (score, allowed) = expected_score(&request, 0);
    assert!(!allowed && score < 0.1);
    assert_eq!(score_of(&reply).to_bits(), score.to_bits());
    let audit = sigil
        .audit(reply.body["decision_id"].as_str().unwrap())
        .ok();
    let chain = verified_chain(&audit["frozen"], &sigil.key_history());
    assert!(!chain.allowed);
    assert_eq!(chain.reason.name(), "score_below_threshold");
    // Not a check request: 400, no decision id, never allowed.
    for bad in [
        json!({"tenant": "acme"}),
        json!({"tenant": "acme", "actor": "a", "action": "read", "target": "x", "loa": "root", "input": ""}),
    ] {
        let reply = sigil.check(&bad);
        reply.refused(400, "SIGIL_REQUEST_INVALID");
        assert!(reply.body.get("allowed").is_none());
    }
    post_raw(&sigil.at("/trust/check"), b"{\"tenant\":".to_vec(), &[])
        .refused(400, "SIGIL_REQUEST_INVALID");
}

/// Forced faults in the evaluator, the signer and the store: the request the model would allow
/// is denied (403, allowed false), never allowed and never a 5xx; the evaluator's denial is a
/// signed chain with reason "error", the others are counted as unrecorded denials.
#[test]
fn e2e_error_default_deny() {
    let cases = [
        ("evaluator", "SIGIL_EVAL_FAILED", true),
        ("storage", "SIGIL_STORAGE_FAILED", false),
        ("signer", "SIGIL_SIGNING_FAILED", false),
    ];
    for (fault, code, recorded) in cases {
        let sigil = Sigil::start(&format!("sigil-fault-{fault}"), 1, 1, Some(fault));
        assert_eq!(sigil.health()["fault"], json!(fault));
        let request = low_risk("ann");
        assert!(
            expected_score(&request, 0).1,
            "the model alone would allow it"
        );
        for _ in 0..3 {
            let reply = sigil.check(&request);
            assert_eq!(reply.status, 403, "{fault}: {:?}", reply.body);
            assert_eq!(reply.body["allowed"], json!(false), "{fault}");
            assert_eq!(reply.code(), code, "{fault}");
            let id = reply.body["decision_id"].as_str().unwrap();
            if recorded {
                assert_eq!(reply.body["score"], Value::Null);
                let audit = sigil.audit(id).ok();
                let chain = verified_chain(&audit["frozen"], &sigil.key_history());
                assert!(!chain.allowed);
                assert_eq!(chain.reason.name(), "error");
                assert_eq!(chain.error.as_deref(), Some(code));
            } else {
                sigil.audit(id).refused(404, "SIGIL_NOT_FOUND");
            }
        }
        let unrecorded = if recorded { 0 } else { 3 };
        assert_eq!(
            sigil.health()["unrecorded_denials"],
            json!(unrecorded),
            "{fault}"
        );
    }
}

/// The rate-limit window is a feature: the same actor's repeated checks see a growing window
/// count and a falling score, exactly as the core computes it.
#[test]
fn e2e_sigil_rate_window_lowers_the_score() {
    let sigil = Sigil::start("sigil-rate", 1, 1, None);
    let request = json!({"tenant": "acme", "actor": "bot", "action": "write",
                         "target": "user:bot", "loa": "User", "input": "ab"});
    let mut previous = f64::INFINITY;
    let mut statuses = Vec::new();
    for window in 0..30u64 {
        let reply = sigil.check(&request);
        let (score, allowed) = expected_score(&request, window);
        assert_eq!(
            score_of(&reply).to_bits(),
            score.to_bits(),
            "window {window}"
        );
        assert_eq!(reply.status, if allowed { 200 } else { 403 });
        assert!(score < previous);
        previous = score;
        statuses.push(reply.status);
    }
    assert_eq!(statuses.first(), Some(&200));
    assert_eq!(statuses.last(), Some(&403));
    // Another actor has its own window.
    assert_eq!(
        sigil
            .check(
                &json!({"tenant": "acme", "actor": "human", "action": "write",
                         "target": "user:bot", "loa": "User", "input": "ab"})
            )
            .status,
        200
    );
}
