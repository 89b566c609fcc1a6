//! Custodians that do not answer or answer wrong: fewer than K is `503 QVM_QUORUM_UNAVAILABLE`
//! and not charged (QVM-027, QVM-044, QVM-063, QVM-029); a wrong share while more than K answer
//! is `502 QVM_INCONSISTENT_SHARES` naming the custodians, and not charged (QVM-043, QVM-027,
//! QVM-049).

use field::Fp;
use serde_json::Value;

use crate::cluster::Cluster;
use crate::installer::{all_audit_entries, approve_all, eval, install, package};
use crate::{EXAMPLE, K, N, get};

#[test]
fn e2e_k_minus_one_custodians_is_503_and_not_charged() {
    let mut cluster = Cluster::start("e2e-quorum");
    // A budget of exactly one evaluation.
    let installed = install(&cluster, package(EXAMPLE, 1, 1, 100), 8);
    approve_all(&cluster, &installed);
    for x in [3, 4, 5] {
        cluster.kill_custodian(x);
    }
    for _ in 0..2 {
        let reply = eval(&cluster, &installed, "alice", Fp::from(9u64), None);
        reply.refused(503, "QVM_QUORUM_UNAVAILABLE");
    }
    for x in [3, 4, 5] {
        cluster.restart_custodian(x);
    }
    // The failures were not charged: the one evaluation the budget pays for still runs.
    let answer = eval(&cluster, &installed, "alice", Fp::from(9u64), None).ok();
    assert_eq!(
        answer["output"],
        installed.clear(Fp::from(9u64)).to_string()
    );
    assert_eq!(answer["budget_remaining"], 0);
    eval(&cluster, &installed, "alice", Fp::from(9u64), None).refused(402, "QVM_BUDGET_EXHAUSTED");
    let entries = all_audit_entries(&cluster);
    let failures = entries
        .iter()
        .filter(|e| e["outcome"] == "failure" && e["error"] == "QVM_QUORUM_UNAVAILABLE")
        .count();
    assert_eq!(failures, 2, "{entries:?}");
}

/// The custodians named in a `QVM_INCONSISTENT_SHARES` message (`… custodians [1, 2, 3] …`).
fn named_custodians(message: &str) -> Vec<u8> {
    let list = message
        .split_once("custodians [")
        .and_then(|(_, rest)| rest.split_once(']'))
        .map(|(list, _)| list)
        .unwrap_or_else(|| panic!("no custodians named in {message:?}"));
    list.split(',').map(|x| x.trim().parse().unwrap()).collect()
}

/// QVM-043 end to end: custodian 4 of five answers wrong shares (the test-only `fault` option),
/// first its masked shares (round 1), then, restarted, its output share (round 3); every
/// custodian answers, so more than K shares reach the coordinator, which answers
/// `502 QVM_INCONSISTENT_SHARES` naming the custodians it combined and charges nothing. Restarted
/// honest, the same custodian lets the next evaluation succeed and be charged once.
#[test]
fn e2e_wrong_share_is_detected_when_more_than_k_answer() {
    let mut cluster =
        Cluster::start_with_fault("e2e-wrong-share", Some((4, "add_one_to_masked_shares")));
    let budget = 3;
    let installed = install(&cluster, package(EXAMPLE, 1, budget, 100), 16);
    approve_all(&cluster, &installed);
    let mut refused = 0;
    for (fault, round) in [
        ("add_one_to_masked_shares", 1),
        ("add_one_to_output_share", 3),
    ] {
        cluster.restart_custodian_with_fault(4, Some(fault));
        for x in [2u64, 11] {
            let reply = eval(&cluster, &installed, "mallory", Fp::from(x), None);
            reply.refused(502, "QVM_INCONSISTENT_SHARES");
            refused += 1;
            let message = reply.body["error"]["message"].as_str().unwrap();
            assert!(
                message.contains(&format!("round {round}:")),
                "{fault}: {message}"
            );
            let named = named_custodians(message);
            assert!(named.len() > K, "{fault}: more than K answered: {message}");
            assert!(
                named.contains(&4),
                "{fault}: the faulty custodian is named: {message}"
            );
            let mut distinct = named.clone();
            distinct.sort_unstable();
            distinct.dedup();
            assert_eq!(distinct.len(), named.len(), "{message}");
            assert!(named.iter().all(|x| (1..=N as u8).contains(x)), "{message}");
        }
    }
    // Nothing was charged: every failure is audited with the whole budget left.
    let entries = all_audit_entries(&cluster);
    let failures: Vec<&Value> = entries
        .iter()
        .filter(|e| e["outcome"] == "failure" && e["error"] == "QVM_INCONSISTENT_SHARES")
        .collect();
    assert_eq!(failures.len(), refused, "{entries:?}");
    assert!(
        failures.iter().all(|e| e["budget_remaining"] == budget),
        "{failures:?}"
    );
    assert!(
        !entries.iter().any(|e| e["outcome"] == "success"),
        "{entries:?}"
    );
    // Honest again: the evaluation succeeds and is the first one charged.
    cluster.restart_custodian_with_fault(4, None);
    let answer = eval(&cluster, &installed, "mallory", Fp::from(2u64), None).ok();
    assert_eq!(
        answer["output"],
        installed.clear(Fp::from(2u64)).to_string()
    );
    assert_eq!(answer["budget_remaining"], budget - 1);
    let verify = get(&cluster.coordinator("/audit/verify")).ok();
    assert_eq!(verify["valid"], true, "{verify}");
}
