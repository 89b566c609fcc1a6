//! `POST /install` (QVM-021, QVM-031).

use serde_json::json;

use super::support::{Cluster, EXAMPLE, assert_error};

#[tokio::test]
async fn installations_are_checked() {
    let cluster = Cluster::new(EXAMPLE, 3, 5, 4);
    let node = cluster.node(1);

    // An installation dealt for x = 2 is refused by x = 1.
    let wrong_x = cluster.install_body(2);
    assert_error(
        &node.post("/install", wrong_x).await,
        400,
        "QVM_INSTALL_INVALID",
    );

    // A tampered package: the constant changed, the program id kept.
    let mut tampered = cluster.install_body(1);
    let nodes = tampered["package"]["ir"]["nodes"].as_array_mut().unwrap();
    let constant = nodes.iter_mut().find(|n| n["type"] == "const").unwrap();
    constant["value"] = json!("8");
    assert_error(
        &node.post("/install", tampered).await,
        400,
        "QVM_PACKAGE_INVALID",
    );

    // A roster giving this custodian another key.
    let mut foreign_key = cluster.install_body(1);
    foreign_key["roster"][0]["public_key"] = json!(cluster.node(2).public_key_hex());
    assert_error(
        &node.post("/install", foreign_key).await,
        400,
        "QVM_INSTALL_INVALID",
    );

    // A roster smaller than K.
    let mut small = cluster.install_body(1);
    small["roster"].as_array_mut().unwrap().truncate(2);
    assert_error(
        &node.post("/install", small).await,
        400,
        "QVM_INSTALL_INVALID",
    );

    // A program that consumes triples with no slot dealt.
    let mut no_slots = cluster.install_body(1);
    no_slots["installation"]["triples"] = json!([]);
    assert_error(
        &node.post("/install", no_slots).await,
        400,
        "QVM_INSTALL_INVALID",
    );

    // A slot whose triples are not the program's gates (QVM-031).
    let mut wrong_gate = cluster.install_body(1);
    wrong_gate["installation"]["triples"][0]["shares"][0]["gate"] = json!("t");
    assert_error(
        &node.post("/install", wrong_gate).await,
        400,
        "QVM_INSTALL_INVALID",
    );

    // The valid installation, then the same again.
    let (status, body) = node.post("/install", cluster.install_body(1)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["program_id"], cluster.program_id());
    assert_eq!(body["slots"], 4);
    assert_error(
        &node.post("/install", cluster.install_body(1)).await,
        409,
        "SVC_ALREADY_INSTALLED",
    );
}

#[tokio::test]
async fn health_names_the_custodian() {
    let cluster = Cluster::new(EXAMPLE, 1, 1, 1);
    let node = cluster.node(1);
    let (status, body) = node.get("/health").await;
    assert_eq!(status, 200);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["role"], "custodian");
    assert_eq!(body["x"], 1);
    assert_eq!(body["custodian_id"], "custodian-1");
    assert_eq!(body["public_key"], node.public_key_hex());
    let (status, body) = node.get("/openapi.json").await;
    assert_eq!(status, 200);
    assert_eq!(body["openapi"], "3.1.0");
    for path in [
        "/install",
        "/approve",
        "/activate",
        "/eval/begin",
        "/eval/open",
        "/eval/batch",
    ] {
        assert!(body["paths"][path]["post"].is_object(), "{path}");
    }
    assert_error(&node.get("/nowhere").await, 404, "SVC_NOT_FOUND");
    assert_error(&node.get("/install").await, 405, "SVC_METHOD_NOT_ALLOWED");
}
