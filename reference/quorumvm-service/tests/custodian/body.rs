//! Bodies that are not JSON, not the right shape, or too large: our error shape, never 500.

use serde_json::json;

use super::support::{Cluster, EXAMPLE, assert_error, send};

#[tokio::test]
async fn bad_bodies_are_400_and_large_ones_413() {
    let cluster = Cluster::new(EXAMPLE, 1, 1, 1);
    let router = &cluster.node(1).router;
    for path in [
        "/install",
        "/approve",
        "/activate",
        "/eval/begin",
        "/eval/open",
    ] {
        let answer = send(router, "POST", path, b"{not json".to_vec()).await;
        assert_error(&answer, 400, "SVC_BODY_INVALID");
        let answer = send(router, "POST", path, b"[]".to_vec()).await;
        assert_error(&answer, 400, "SVC_BODY_INVALID");
        let answer = send(router, "POST", path, Vec::new()).await;
        assert_error(&answer, 400, "SVC_BODY_INVALID");
    }
    // A mistyped member, an element that is a number, an x out of range.
    let answer = cluster
        .node(1)
        .post("/approve", json!({ "program_id": 5 }))
        .await;
    assert_error(&answer, 400, "SVC_BODY_INVALID");
    let answer = cluster
        .node(1)
        .post(
            "/eval/begin",
            json!({ "program_id": "p", "request_id": "r", "slot": 0,
                    "inputs": [{ "wire": "x", "share": 5 }] }),
        )
        .await;
    assert_error(&answer, 400, "SVC_BODY_INVALID");
    let answer = cluster
        .node(1)
        .post(
            "/activate",
            json!({ "program_id": "p", "approvals": [{ "x": 256, "signature": "" }] }),
        )
        .await;
    assert_error(&answer, 400, "SVC_BODY_INVALID");
    // Unknown members are ignored.
    let answer = cluster
        .node(1)
        .post("/approve", json!({ "program_id": "p", "extra": true }))
        .await;
    assert_error(&answer, 404, "SVC_PROGRAM_UNKNOWN");
    // Over 1 MiB.
    let mut large = br#"{"program_id": ""#.to_vec();
    large.extend(std::iter::repeat_n(b'a', 1 << 20));
    large.extend(br#""}"#);
    let answer = send(router, "POST", "/approve", large).await;
    assert_error(&answer, 413, "SVC_BODY_TOO_LARGE");
}
