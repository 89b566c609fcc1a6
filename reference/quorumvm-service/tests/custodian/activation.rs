//! `POST /approve` and `POST /activate` (QVM-020, QVM-021).

use quorumvm_service::wire;
use serde_json::{Value, json};

use super::support::{Cluster, EXAMPLE, assert_error};

#[tokio::test]
async fn approval_is_an_ed25519_signature_of_the_approval_message() {
    let cluster = Cluster::new(EXAMPLE, 2, 3, 1);
    cluster.install_all().await;
    let node = cluster.node(2);
    let (status, body) = node
        .post("/approve", json!({ "program_id": cluster.program_id() }))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["program_id"], cluster.program_id());
    assert_eq!(body["x"], 2);
    assert_eq!(body["custodian_id"], "custodian-2");
    assert_eq!(body["public_key"], node.public_key_hex());
    let signature = canon::hex::decode(body["signature"].as_str().unwrap()).unwrap();
    let mut message = b"quorumvm/approve/v1\n".to_vec();
    message.extend_from_slice(cluster.program_id().as_bytes());
    assert_eq!(message, wire::approval_message(cluster.program_id()));
    canon::ed25519::verify(&node.state.public_key(), &message, &signature).unwrap();
    // Not a signature of another program.
    let other = wire::approval_message(&"0".repeat(64));
    assert!(canon::ed25519::verify(&node.state.public_key(), &other, &signature).is_err());
}

#[tokio::test]
async fn approving_an_unknown_program_is_404() {
    let cluster = Cluster::new(EXAMPLE, 1, 1, 1);
    let answer = cluster
        .node(1)
        .post("/approve", json!({ "program_id": cluster.program_id() }))
        .await;
    assert_error(&answer, 404, "SVC_PROGRAM_UNKNOWN");
    let answer = cluster
        .node(1)
        .post(
            "/activate",
            json!({ "program_id": cluster.program_id(), "approvals": [] }),
        )
        .await;
    assert_error(&answer, 404, "SVC_PROGRAM_UNKNOWN");
}

async fn activate(cluster: &Cluster, x: u8, approvals: &[Value]) -> (u16, Value) {
    cluster
        .node(x)
        .post(
            "/activate",
            json!({ "program_id": cluster.program_id(), "approvals": approvals }),
        )
        .await
}

#[tokio::test]
async fn activation_needs_k_distinct_roster_approvals() {
    let cluster = Cluster::new(EXAMPLE, 3, 5, 2);
    cluster.install_all().await;
    let approvals = cluster.approvals(&[1, 2, 4]).await;

    // K - 1 approvals.
    assert_error(
        &activate(&cluster, 5, &approvals[..2]).await,
        403,
        "SVC_APPROVALS_INSUFFICIENT",
    );
    // K - 1 distinct approvals, one given twice.
    let doubled = [
        approvals[0].clone(),
        approvals[1].clone(),
        approvals[1].clone(),
    ];
    assert_error(
        &activate(&cluster, 5, &doubled).await,
        403,
        "SVC_APPROVALS_INSUFFICIENT",
    );
    // Not active yet: evaluation refused.
    let begin = json!({
        "program_id": cluster.program_id(), "request_id": "r", "slot": 0,
        "inputs": [{ "wire": "x", "share": "1" }]
    });
    assert_error(
        &cluster.node(5).post("/eval/begin", begin).await,
        403,
        "SVC_NOT_ACTIVE",
    );
    // K distinct approvals (one repeated): active, and again (idempotent).
    let mut enough = approvals.clone();
    enough.push(approvals[0].clone());
    for _ in 0..2 {
        let (status, body) = activate(&cluster, 5, &enough).await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            body,
            json!({ "program_id": cluster.program_id(), "active": true })
        );
    }
}

#[tokio::test]
async fn activation_refuses_a_non_roster_signature() {
    let cluster = Cluster::new(EXAMPLE, 2, 3, 1);
    // Custodian 3 is left out of everyone's roster.
    let roster: Vec<Value> = wire::to_json(&cluster.roster()).as_array().unwrap()[..2].to_vec();
    for x in 1..=3u8 {
        let mut body = cluster.install_body(x);
        body["roster"] = json!(roster);
        let answer = cluster.node(x).post("/install", body).await;
        assert_eq!(answer.0, 200, "{}", answer.1);
    }
    let approvals = cluster.approvals(&[1, 3]).await;
    // x = 3 signed with its own key, but is not a roster member.
    assert_error(
        &activate(&cluster, 1, &approvals).await,
        403,
        "SVC_APPROVAL_INVALID",
    );
    // x = 3's signature presented as x = 2's: does not verify under 2's key.
    let forged = [
        approvals[0].clone(),
        json!({ "x": 2, "signature": approvals[1]["signature"] }),
    ];
    assert_error(
        &activate(&cluster, 1, &forged).await,
        403,
        "SVC_APPROVAL_INVALID",
    );
    // A signature that is not hex.
    let garbage = [
        approvals[0].clone(),
        json!({ "x": 2, "signature": "not hex" }),
    ];
    assert_error(
        &activate(&cluster, 1, &garbage).await,
        403,
        "SVC_APPROVAL_INVALID",
    );
    // The roster's K members: active.
    let good = cluster.approvals(&[1, 2]).await;
    let (status, body) = activate(&cluster, 1, &good).await;
    assert_eq!(status, 200, "{body}");
}
