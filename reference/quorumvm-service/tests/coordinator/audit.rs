//! The audit log: one entry per decision, chained, paged and verified (QVM-029, QVM-071).

use serde_json::{Value, json};

use super::support::{Deployment, EXAMPLE, get, package, policy};

#[tokio::test]
async fn the_audit_log_verifies_and_pages() {
    let d = Deployment::new("audit", 2, 3, package(EXAMPLE, policy(1, 3, 6000)), 8).await;
    d.activate().await;
    for x in 0..4 {
        let _ = d.eval("frank", json!({"x": x}), None).await;
    }
    let all = d.audit().await;
    // 3 custodians, 1 program, 2 approvals, the activation, 3 allowed, 1 denied.
    assert_eq!(all.len(), 3 + 1 + 2 + 1 + 4);
    for (i, entry) in all.iter().enumerate() {
        assert_eq!(entry["seq"], i as u64);
    }
    let evals: Vec<&Value> = all.iter().filter(|e| e["event"] == "eval").collect();
    let success = evals[0];
    assert_eq!(success["decision"], "allow");
    assert_eq!(success["outcome"], "success");
    assert_eq!(success["identity_id"], "frank");
    assert_eq!(success["program_id"], d.program_id.as_str());
    // The output hash is of the decimal output: (0 + 7)^2 = 49.
    assert_eq!(
        success["output_hash"],
        canon::hex::encode(&canon::id::sha256(b"49"))
    );
    assert_eq!(evals[3]["decision"], "budget_exhausted");

    let v = get(&d.at("/audit/verify")).await;
    assert_eq!(v.status, 200);
    assert_eq!(v.body["valid"], true);
    assert_eq!(v.body["count"], all.len());
    assert_eq!(v.body["head"], all.last().unwrap()["entry_hash"]);
    assert_eq!(v.body, quorumvm::audit::verify(&all).to_json());

    let page = get(&d.at("/audit?offset=2&limit=3")).await;
    assert_eq!(page.status, 200);
    assert_eq!(page.body["total"], all.len());
    assert_eq!(page.body["next_offset"], 5);
    assert_eq!(page.body["entries"], json!(all[2..5]));
    let tail = get(&d.at(&format!("/audit?offset={}", all.len() - 1))).await;
    assert_eq!(tail.body["next_offset"], Value::Null);
    assert_eq!(tail.body["entries"].as_array().unwrap().len(), 1);
    let past = get(&d.at("/audit?offset=1000")).await;
    assert_eq!(past.body["entries"], json!([]));
    assert_eq!(past.body["next_offset"], Value::Null);
    let default = get(&d.at("/audit")).await;
    assert_eq!(default.body["entries"].as_array().unwrap().len(), all.len());

    for bad in [
        "limit=0",
        "limit=1001",
        "offset=-1",
        "limit=ten",
        "offset=18446744073709551615",
    ] {
        get(&d.at(&format!("/audit?{bad}")))
            .await
            .expect_error(400, "SVC_QUERY_INVALID");
    }
    let max = get(&d.at("/audit?limit=1000")).await;
    assert_eq!(max.status, 200);
    d.stop().await;
}
