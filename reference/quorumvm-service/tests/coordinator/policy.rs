//! The policy at the coordinator: rate limits, budgets and replays (QVM-027, QVM-064).

use serde_json::json;

use super::support::{Deployment, EXAMPLE, package, policy};

#[tokio::test]
async fn rate_limit_is_429_with_retry_after_then_budget_is_402_and_replay_409() {
    // One evaluation per minute, two in the budget; identities are independent.
    let d = Deployment::new("policy", 2, 3, package(EXAMPLE, policy(1, 2, 1)), 8).await;
    d.activate().await;

    let e = d.eval("alice", json!({"x": 1}), Some("req-1")).await;
    assert_eq!(e.status, 200, "{:?}", e.body);
    assert_eq!(e.body["request_id"], "req-1");
    assert_eq!(e.body["budget_remaining"], 1);

    let limited = d.eval("alice", json!({"x": 1}), Some("req-2")).await;
    limited.expect_error(429, "QVM_RATE_LIMITED");
    let retry: u64 = limited.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((55..=60).contains(&retry), "Retry-After {retry}");

    // A replayed request id is refused before the policy: 409, whoever asks.
    d.eval("alice", json!({"x": 1}), Some("req-1"))
        .await
        .expect_error(409, "QVM_REQUEST_REPLAYED");
    d.eval("bob", json!({"x": 1}), Some("req-1"))
        .await
        .expect_error(409, "QVM_REQUEST_REPLAYED");
    // A denied request id was not consumed: it can be used later.
    let e = d.eval("bob", json!({"x": 2}), Some("req-2")).await;
    assert_eq!(e.status, 200, "{:?}", e.body);
    assert_eq!(e.body["output"], "81");

    d.stop().await;

    // Budget exhaustion with a generous rate.
    let d = Deployment::new("budget", 2, 3, package(EXAMPLE, policy(2, 5, 6000)), 8).await;
    d.activate().await;
    for left in [3, 1] {
        let e = d.eval("carol", json!({"x": 3}), None).await;
        assert_eq!(e.status, 200, "{:?}", e.body);
        assert_eq!(e.body["budget_remaining"], left);
    }
    let denied = d.eval("carol", json!({"x": 3}), None).await;
    denied.expect_error(402, "QVM_BUDGET_EXHAUSTED");
    assert!(denied.headers.get("retry-after").is_none());
    // Another identity has its own budget.
    assert_eq!(d.eval("dave", json!({"x": 3}), None).await.status, 200);
    let audit = d.audit().await;
    let decisions: Vec<&str> = audit
        .iter()
        .filter(|e| e["event"] == "eval")
        .map(|e| e["decision"].as_str().unwrap())
        .collect();
    assert_eq!(decisions, ["allow", "allow", "budget_exhausted", "allow"]);
    d.stop().await;
}

#[tokio::test]
async fn an_exhausted_triple_pool_is_503_and_not_charged() {
    let d = Deployment::new("pool", 2, 3, package(EXAMPLE, policy(1, 10, 6000)), 2).await;
    d.activate().await;
    for _ in 0..2 {
        assert_eq!(d.eval("erin", json!({"x": 3}), None).await.status, 200);
    }
    d.eval("erin", json!({"x": 3}), None)
        .await
        .expect_error(503, "QVM_TRIPLES_EXHAUSTED");
    let audit = d.audit().await;
    let last = audit.last().unwrap();
    assert_eq!(last["outcome"], "failure");
    assert_eq!(last["error"], "QVM_TRIPLES_EXHAUSTED");
    assert_eq!(last["budget_remaining"], 8);
    d.stop().await;
}
