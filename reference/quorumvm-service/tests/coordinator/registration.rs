//! Registering custodians and programs (QVM-025, QVM-004, QVM-006).

use serde_json::json;

use super::support::{Deployment, Dir, EXAMPLE, get, package, policy, post, start_coordinator};

const KEY: &str = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c";
const OTHER_KEY: &str = "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025";

#[tokio::test]
async fn custodians_register_once_per_key() {
    let dir = Dir::new("registration");
    let server = start_coordinator(Deployment::config_for(&dir, 2, 3)).await;
    let at = |path: &str| format!("{}{path}", server.url);
    let body = |x: u64, url: &str, key: &str| json!({"x": x, "url": url, "public_key": key});

    let a = post(&at("/custodians"), &body(1, "http://127.0.0.1:9/", KEY)).await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    assert_eq!(a.body["custodian_id"], "custodian-1");
    assert_eq!(a.body["url"], "http://127.0.0.1:9");
    // The same key again: 200, the URL updated.
    let a = post(&at("/custodians"), &body(1, "http://127.0.0.1:10", KEY)).await;
    assert_eq!(a.status, 200, "{:?}", a.body);
    // Another key for the same x: refused, the registered key stays.
    post(
        &at("/custodians"),
        &body(1, "http://127.0.0.1:10", OTHER_KEY),
    )
    .await
    .expect_error(409, "SVC_CUSTODIAN_CONFLICT");
    for bad in [
        body(0, "http://127.0.0.1:9", OTHER_KEY),
        body(4, "http://127.0.0.1:9", OTHER_KEY),
        body(300, "http://127.0.0.1:9", OTHER_KEY),
        body(2, "ftp://127.0.0.1:9", OTHER_KEY),
        body(2, "http://", OTHER_KEY),
        body(2, "http://127.0.0.1:9", "abcd"),
        body(2, "http://127.0.0.1:9", &OTHER_KEY.to_uppercase()),
    ] {
        post(&at("/custodians"), &bad)
            .await
            .expect_error(422, "SVC_CUSTODIAN_INVALID");
    }
    post(
        &at("/custodians"),
        &json!({"x": 2, "url": "http://127.0.0.1:9"}),
    )
    .await
    .expect_error(400, "SVC_BODY_INVALID");

    let list = get(&at("/custodians")).await;
    assert_eq!(list.status, 200);
    assert_eq!(
        list.body["custodians"],
        json!([{"x": 1, "custodian_id": "custodian-1", "url": "http://127.0.0.1:10", "public_key": KEY}])
    );
    server.stop().await;
}

#[tokio::test]
async fn programs_register_idempotently_and_invalid_ones_are_422() {
    let dir = Dir::new("programs");
    let server = start_coordinator(Deployment::config_for(&dir, 2, 3)).await;
    let at = |path: &str| format!("{}{path}", server.url);
    let p = package(EXAMPLE, policy(1, 10, 60));

    let a = post(
        &at("/programs"),
        &json!({"package": p.to_json(), "slots": 4}),
    )
    .await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    assert_eq!(a.body["program_id"], p.program_id());
    assert_eq!(a.body["status"], "registered");
    assert_eq!(a.body["warnings"], json!([]));
    let again = post(
        &at("/programs"),
        &json!({"package": p.to_json(), "slots": 4}),
    )
    .await;
    assert_eq!(again.status, 200, "{:?}", again.body);
    assert_eq!(again.body["program_id"], p.program_id());
    post(
        &at("/programs"),
        &json!({"package": p.to_json(), "slots": 5}),
    )
    .await
    .expect_error(409, "SVC_PROGRAM_CONFLICT");
    post(
        &at("/programs"),
        &json!({"package": p.to_json(), "slots": 0}),
    )
    .await
    .expect_error(422, "SVC_SLOTS_INVALID");
    post(
        &at("/programs"),
        &json!({"package": p.to_json(), "slots": u64::MAX}),
    )
    .await
    .expect_error(422, "SVC_SLOTS_INVALID");

    let mut tampered = p.to_json();
    tampered["program_id"] = "00".repeat(32).into();
    post(&at("/programs"), &json!({"package": tampered, "slots": 4}))
        .await
        .expect_error(422, "QVM_PACKAGE_INVALID");
    let mut bad_policy = p.to_json();
    bad_policy["policy_manifest"]["cost_per_eval"] = 0.into();
    post(
        &at("/programs"),
        &json!({"package": bad_policy, "slots": 4}),
    )
    .await
    .expect_error(422, "QVM_POLICY_INVALID");
    post(
        &at("/programs"),
        &json!({"package": p.to_json(), "slots": -1}),
    )
    .await
    .expect_error(400, "SVC_BODY_INVALID");

    // A program with no secure multiplication needs no slot; its warning is reported.
    let affine = package(
        "input x\nsecret s\nadd y = x s\noutput y\n",
        policy(1, 10, 60),
    );
    let a = post(
        &at("/programs"),
        &json!({"package": affine.to_json(), "slots": 0}),
    )
    .await;
    assert_eq!(a.status, 201, "{:?}", a.body);
    assert_eq!(a.body["warnings"], json!(["QVM_WARN_AFFINE_IN_SECRET"]));

    let got = get(&at(&format!("/programs/{}", p.program_id()))).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body["status"], "registered");
    assert_eq!(got.body["approvals"], 0);
    assert_eq!(got.body["needed"], 2);
    assert_eq!(got.body["slots"], 4);
    assert_eq!(got.body["package"], p.to_json());
    server.stop().await;
}
