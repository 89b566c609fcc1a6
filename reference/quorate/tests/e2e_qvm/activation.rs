//! Installing, approving and activating a program, then evaluating it: activation at exactly K
//! distinct valid approvals, never before (QVM-020, QVM-021, QVM-022, QVM-025, QVM-026), and
//! evaluations that agree with the cleartext value with an audit log that verifies (QVM-027,
//! QVM-029, QVM-041, QVM-045).

use field::Fp;
use serde_json::{Value, json};

use crate::cluster::Cluster;
use crate::installer::{approval, approve, eval, install, package};
use crate::{EXAMPLE, K, N, get, post};

#[test]
fn e2e_install_activate_evaluate_deterministic_outputs() {
    let cluster = Cluster::start("e2e-eval");
    let installed = install(&cluster, package(EXAMPLE, 1, 100, 100), 16);
    for x in 1..=N as u8 {
        let status = approve(&cluster, &installed, x);
        let expected = if usize::from(x) >= K {
            "active"
        } else {
            "registered"
        };
        assert_eq!(status["status"], expected, "after approval {x}: {status}");
        assert_eq!(status["approvals"], x);
        assert_eq!(status["needed"], K);
    }
    let inputs = [
        "0",
        "1",
        "5",
        "-7",
        "170141183460469231731687303715884105726",
    ];
    for text in inputs {
        let x = Fp::parse(text).unwrap();
        let answer = eval(&cluster, &installed, "alice", x, None).ok();
        assert_eq!(
            answer["output"],
            installed.clear(x).to_string(),
            "x = {text}"
        );
        assert_eq!(answer["program_id"], installed.id());
        assert_eq!(answer["rounds"], 3);
        assert!(answer["custodians"].as_array().unwrap().len() >= K);
    }
    // The same input again: the same output (fresh input sharing, fresh triples).
    let again = eval(&cluster, &installed, "alice", Fp::from(5u64), None).ok();
    assert_eq!(again["output"], installed.clear(Fp::from(5u64)).to_string());
    let verify = get(&cluster.coordinator("/audit/verify")).ok();
    assert_eq!(verify["valid"], true, "{verify}");
}

#[test]
fn e2e_fewer_than_k_approvals_never_activate() {
    let cluster = Cluster::start("e2e-approvals");
    let installed = install(&cluster, package(EXAMPLE, 1, 100, 100), 4);
    let first = approve(&cluster, &installed, 1);
    assert_eq!(
        (first["status"].as_str(), first["approvals"].as_u64()),
        (Some("registered"), Some(1))
    );
    let second = approve(&cluster, &installed, 2);
    assert_eq!(
        (second["status"].as_str(), second["approvals"].as_u64()),
        (Some("registered"), Some(2))
    );
    // The same custodian again does not count.
    let repeat = approve(&cluster, &installed, 2);
    assert_eq!(
        (repeat["status"].as_str(), repeat["approvals"].as_u64()),
        (Some("registered"), Some(2))
    );
    // Custodian 1's signature presented as custodian 3's is refused.
    let forged = approval(&cluster, &installed, 1);
    post(
        &cluster.coordinator(&format!("/programs/{}/approvals", installed.id())),
        &json!({"x": 3, "signature": forged}),
    )
    .refused(403, "SVC_APPROVAL_INVALID");
    let status = get(&cluster.coordinator(&format!("/programs/{}", installed.id()))).ok();
    assert_eq!(status["status"], "registered");
    assert_eq!(status["approvals"], 2);

    eval(&cluster, &installed, "alice", Fp::from(1u64), None).refused(403, "SVC_NOT_ACTIVE");
    // The custodians refuse too: K - 1 approvals do not activate them, and they do not evaluate.
    let approvals: Vec<Value> = (1..=2u8)
        .map(|x| json!({"x": x, "signature": approval(&cluster, &installed, x)}))
        .collect();
    let custodian = &cluster.custodians[0].url;
    post(
        &format!("{custodian}/activate"),
        &json!({"program_id": installed.id(), "approvals": approvals}),
    )
    .refused(403, "SVC_APPROVALS_INSUFFICIENT");
    post(
        &format!("{custodian}/eval/begin"),
        &json!({"program_id": installed.id(), "request_id": "r", "slot": 0,
                "inputs": [{"wire": "x", "share": "1"}]}),
    )
    .refused(403, "SVC_NOT_ACTIVE");
}
