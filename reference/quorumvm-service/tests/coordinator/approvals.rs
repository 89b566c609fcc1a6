//! Approvals: verified against registered keys, counted once per custodian, active at K and
//! forwarded to the custodians (QVM-025, QVM-026).

use serde_json::json;

use super::support::{Deployment, EXAMPLE, get, package, policy};

#[tokio::test]
async fn approvals_count_distinct_valid_signers_and_activate_at_k() {
    let d = Deployment::new("approvals", 3, 5, package(EXAMPLE, policy(1, 10, 600)), 4).await;
    let program_url = d.at(&format!("/programs/{}", d.program_id));
    let program = || get(&program_url);

    // Below K: registered; evaluation is refused as not active.
    let a = d.approve(1).await;
    assert_eq!(a.status, 200, "{:?}", a.body);
    assert_eq!(
        a.body,
        json!({"program_id": d.program_id, "status": "registered", "approvals": 1, "needed": 3})
    );
    d.eval("alice", json!({"x": 5}), None)
        .await
        .expect_error(403, "SVC_NOT_ACTIVE");

    // A repeat from the same custodian does not count.
    let a = d.approve(1).await;
    assert_eq!(a.status, 200);
    assert_eq!(a.body["approvals"], 1);
    assert_eq!(a.body["status"], "registered");

    // Custodian 2's signature presented as custodian 3's, a corrupted signature, garbage, and an
    // unregistered x: refused, nothing counted.
    let s2 = d.signature(2).await;
    d.submit_approval(3, &s2)
        .await
        .expect_error(403, "SVC_APPROVAL_INVALID");
    let mut corrupted = s2.clone().into_bytes();
    corrupted[10] = if corrupted[10] == b'0' { b'1' } else { b'0' };
    d.submit_approval(2, &String::from_utf8(corrupted).unwrap())
        .await
        .expect_error(403, "SVC_APPROVAL_INVALID");
    d.submit_approval(2, "not hex")
        .await
        .expect_error(403, "SVC_APPROVAL_INVALID");
    d.submit_approval(6, &s2)
        .await
        .expect_error(403, "SVC_APPROVAL_INVALID");
    d.submit_approval(256, &s2)
        .await
        .expect_error(403, "SVC_APPROVAL_INVALID");
    let p = program().await;
    assert_eq!(
        (p.body["status"].clone(), p.body["approvals"].clone()),
        (json!("registered"), json!(1))
    );

    // An approval of an unknown program.
    let unknown = super::support::post(
        &d.at(&format!("/programs/{}/approvals", "ab".repeat(32))),
        &json!({"x": 2, "signature": s2}),
    )
    .await;
    unknown.expect_error(404, "SVC_PROGRAM_UNKNOWN");

    // K - 1 = 2 distinct: still registered. The K-th activates, and stays active.
    let a = d.submit_approval(2, &s2).await;
    assert_eq!(
        (a.body["approvals"].clone(), a.body["status"].clone()),
        (json!(2), json!("registered"))
    );
    let a = d.approve(3).await;
    assert_eq!(a.status, 200, "{:?}", a.body);
    assert_eq!(
        a.body,
        json!({"program_id": d.program_id, "status": "active", "approvals": 3, "needed": 3})
    );
    let a = d.approve(4).await;
    assert_eq!(
        (a.body["approvals"].clone(), a.body["status"].clone()),
        (json!(4), json!("active"))
    );
    let p = program().await;
    assert_eq!(p.body["status"], "active");
    assert_eq!(p.body["approvals"], 4);

    // The activation reached the custodians: an evaluation runs.
    let e = d.eval("alice", json!({"x": 5}), None).await;
    assert_eq!(e.status, 200, "{:?}", e.body);
    assert_eq!(e.body["output"], "144");

    // The audit log has the approvals that counted and the activation, nothing for refusals.
    let events: Vec<String> = d
        .audit()
        .await
        .iter()
        .map(|e| e["event"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(events.iter().filter(|e| *e == "approval").count(), 4);
    assert_eq!(events.iter().filter(|e| *e == "activated").count(), 1);
    d.stop().await;
}

#[tokio::test]
async fn a_custodian_that_missed_the_activation_gets_it_before_the_next_evaluation() {
    let mut d = Deployment::new(
        "late-activation",
        2,
        3,
        package(EXAMPLE, policy(1, 10, 600)),
        4,
    )
    .await;
    // Custodian 3 is down when the program becomes active.
    let s1 = d.signature(1).await;
    let s2 = d.signature(2).await;
    d.stop_custodian(3).await;
    assert_eq!(d.submit_approval(1, &s1).await.status, 200);
    assert_eq!(d.submit_approval(2, &s2).await.body["status"], "active");
    d.restart_custodian(3).await;
    // Custodian 1 stops: K = 2 answers need custodian 3, so it must have been activated.
    d.stop_custodian(1).await;
    let e = d.eval("bob", json!({"x": 1}), None).await;
    assert_eq!(e.status, 200, "{:?}", e.body);
    assert_eq!(e.body["output"], "64");
    let mut used: Vec<u64> = e.body["custodians"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    used.sort_unstable();
    assert_eq!(used, vec![2, 3]);
    d.stop().await;
}
