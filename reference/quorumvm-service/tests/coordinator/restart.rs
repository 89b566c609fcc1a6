//! Restarts: everything acknowledged survives, budgets are never refunded or reset, and a
//! reservation left pending by a crash is charged (QVM-026, QVM-028, QVM-029).

use serde_json::{Value, json};

use super::support::{Deployment, EXAMPLE, get, package, policy};

#[tokio::test]
async fn a_restart_keeps_programs_approvals_activation_budgets_buckets_slots_and_audit() {
    // Cost 1, budget 3, two evaluations per minute.
    let mut d = Deployment::new("restart", 2, 3, package(EXAMPLE, policy(1, 3, 2)), 16).await;
    d.activate().await;
    for left in [2, 1] {
        let e = d
            .eval("alice", json!({"x": 1}), Some(&format!("alice-{left}")))
            .await;
        assert_eq!(e.status, 200, "{:?}", e.body);
        assert_eq!(e.body["budget_remaining"], left);
    }
    d.eval("alice", json!({"x": 1}), None)
        .await
        .expect_error(429, "QVM_RATE_LIMITED");
    assert_eq!(
        d.eval("bob", json!({"x": 1}), None).await.body["budget_remaining"],
        2
    );
    let audit_before = d.audit().await;

    d.restart_coordinator().await;

    let p = get(&d.at(&format!("/programs/{}", d.program_id))).await;
    assert_eq!(p.body["status"], "active");
    assert_eq!(p.body["approvals"], 2);
    assert_eq!(p.body["slots_used"], 3);
    // The approvals are remembered: a repeat still does not count.
    assert_eq!(d.approve(1).await.body["approvals"], 2);
    // The bucket is not refilled by the restart, the budget not reset.
    d.eval("alice", json!({"x": 1}), None)
        .await
        .expect_error(429, "QVM_RATE_LIMITED");
    let e = d.eval("bob", json!({"x": 2}), None).await;
    assert_eq!(e.status, 200, "{:?}", e.body);
    assert_eq!(e.body["budget_remaining"], 1);
    assert_eq!(e.body["output"], "81");
    // Request ids are remembered.
    d.eval("carol", json!({"x": 1}), Some("alice-2"))
        .await
        .expect_error(409, "QVM_REQUEST_REPLAYED");
    let p = get(&d.at(&format!("/programs/{}", d.program_id))).await;
    assert_eq!(p.body["slots_used"], 4, "slots continue after the restart");

    let audit = d.audit().await;
    assert_eq!(audit[..audit_before.len()], audit_before[..]);
    assert_eq!(get(&d.at("/audit/verify")).await.body["valid"], true);
    d.stop().await;
}

#[tokio::test]
async fn a_reservation_pending_at_a_crash_is_charged_at_start() {
    let mut d = Deployment::new("crash", 2, 3, package(EXAMPLE, policy(2, 10, 600)), 16).await;
    d.activate().await;
    let e = d.eval("carol", json!({"x": 1}), None).await;
    assert_eq!(e.body["budget_remaining"], 8);

    // A crash between admission and settlement leaves the reservation pending in the
    // database; simulate it on the stopped coordinator's database.
    d.coordinator.take().unwrap().stop().await;
    let db = rusqlite::Connection::open(d.config().database).unwrap();
    let account: (String, i64, i64) = db
        .query_row(
            "SELECT level, budget_remaining, pending FROM identities WHERE identity_id = 'carol'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((account.1, account.2), (8, 0));
    db.execute(
        "UPDATE identities SET pending = 1 WHERE identity_id = 'carol'",
        [],
    )
    .unwrap();
    drop(db);
    d.coordinator = Some(super::support::start_coordinator(d.config()).await);

    let audit = d.audit().await;
    let charged: Vec<&Value> = audit
        .iter()
        .filter(|e| e["event"] == "reservation_charged")
        .collect();
    assert_eq!(charged.len(), 1);
    assert_eq!(charged[0]["identity_id"], "carol");
    assert_eq!(charged[0]["evaluations"], 1);
    assert_eq!(charged[0]["budget_remaining"], 6);
    let e = d.eval("carol", json!({"x": 1}), None).await;
    assert_eq!(e.status, 200, "{:?}", e.body);
    assert_eq!(e.body["budget_remaining"], 4);
    // A second start charges nothing more.
    d.restart_coordinator().await;
    let again = d.audit().await;
    assert_eq!(
        again
            .iter()
            .filter(|e| e["event"] == "reservation_charged")
            .count(),
        1
    );
    assert_eq!(get(&d.at("/audit/verify")).await.body["valid"], true);
    d.stop().await;
}

#[tokio::test]
async fn a_tampered_audit_log_is_refused_at_start_and_a_database_keeps_its_threshold() {
    let mut d = Deployment::new("tamper", 2, 3, package(EXAMPLE, policy(1, 10, 600)), 4).await;
    d.activate().await;
    d.coordinator.take().unwrap().stop().await;

    // Another threshold on the same database: refused.
    let mut other = d.config();
    other.k = 3;
    let e = quorumvm_service::coordinator::AppState::open(other).unwrap_err();
    assert_eq!(e.code(), "SVC_CONFIG_INVALID");

    let db = rusqlite::Connection::open(d.config().database).unwrap();
    let entry: String = db
        .query_row("SELECT entry FROM audit WHERE seq = 1", [], |r| r.get(0))
        .unwrap();
    let edited = entry.replace("\"t_ms\":", "\"t_ms\":1");
    assert_ne!(edited, entry);
    db.execute("UPDATE audit SET entry = ?1 WHERE seq = 1", [edited])
        .unwrap();
    drop(db);
    let e = quorumvm_service::coordinator::AppState::open(d.config()).unwrap_err();
    assert_eq!(e.code(), "QVM_AUDIT_HASH");
    d.stop().await;
}
