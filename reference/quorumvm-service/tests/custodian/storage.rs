//! Persistence across restarts (QVM-023) and secret material at rest (QVM-024).

use quorumvm_service::custodian::AppState;
use serde_json::json;

use super::eval::evaluate;
use super::support::{Cluster, Dir, EXAMPLE, KEY, Node, WITH_SECRET, assert_error, config};

#[tokio::test]
async fn a_restart_keeps_identity_installation_and_consumed_ids() {
    let mut cluster = Cluster::new(EXAMPLE, 2, 3, 4);
    cluster.activate_all().await;
    assert_eq!(
        evaluate(&cluster, &[1, 2], "before", 0, 3).await,
        field::Fp::new(100)
    );
    let key_before = cluster.node(1).public_key_hex();

    // Custodian 1 restarts from its database.
    let node = cluster.nodes.remove(0).restart();
    assert_eq!(node.public_key_hex(), key_before);
    let (_, health) = node.get("/health").await;
    assert_eq!(health["public_key"], key_before);
    cluster.nodes.insert(0, node);

    let begin = |request_id: &str, slot: u64| {
        json!({
            "program_id": cluster.program_id(), "request_id": request_id, "slot": slot,
            "inputs": [{ "wire": "x", "share": "5" }]
        })
    };
    let node = cluster.node(1);
    // Still installed: installing again is a conflict.
    assert_error(
        &node.post("/install", cluster.install_body(1)).await,
        409,
        "SVC_ALREADY_INSTALLED",
    );
    // The request id and slot consumed before the restart stay consumed.
    assert_error(
        &node.post("/eval/begin", begin("before", 1)).await,
        409,
        "QVM_REQUEST_REPLAYED",
    );
    assert_error(
        &node.post("/eval/begin", begin("after-0", 0)).await,
        409,
        "QVM_TRIPLE_REUSED",
    );
    // Still active, with its remaining slots: a full evaluation works.
    assert_eq!(
        evaluate(&cluster, &[1, 3], "after", 1, 3).await,
        field::Fp::new(100)
    );
    // Still signs with the same key.
    let (status, body) = node
        .post("/approve", json!({ "program_id": cluster.program_id() }))
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["public_key"], key_before);
}

/// The forms of an element a careless store could write: decimal, and the 16 bytes of its
/// value big- and little-endian.
fn forms(value: field::Fp) -> Vec<Vec<u8>> {
    vec![
        value.to_string().into_bytes(),
        value.value().to_be_bytes().to_vec(),
        value.value().to_le_bytes().to_vec(),
    ]
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn shares_are_not_stored_in_clear() {
    let cluster = Cluster::new(WITH_SECRET, 2, 3, 3);
    cluster.activate_all().await;
    let installation = &cluster.installations[0];
    let mut secrets = Vec::new();
    secrets.extend(forms(installation.secret.unwrap()));
    for shares in installation.triples.values() {
        for t in shares {
            for v in [t.a, t.b, t.c] {
                secrets.extend(forms(v));
            }
        }
    }
    let node = cluster.node(1);
    // Written while running (the database and its WAL)...
    let bytes = node.dir.all_bytes();
    // (the search does find what is stored in clear: the public package)
    assert!(contains(&bytes, cluster.program_id().as_bytes()));
    for secret in &secrets {
        assert!(!contains(&bytes, secret), "a share is stored in clear");
    }
    // ...and after a restart (checkpointed).
    let Cluster { mut nodes, .. } = cluster;
    let node = nodes.remove(0).restart();
    drop(nodes);
    let bytes = node.dir.all_bytes();
    for secret in &secrets {
        assert!(!contains(&bytes, secret), "a share is stored in clear");
    }
}

#[test]
fn a_wrong_at_rest_key_is_refused() {
    let dir = Dir::new("wrong-key");
    drop(AppState::open(&config(&dir, 1, KEY)).unwrap());
    let other = "ff".repeat(32);
    let error = AppState::open(&config(&dir, 1, &other)).unwrap_err();
    assert_eq!(error.code, "SVC_KEY_WRONG", "{error}");
    // The right key still opens it; upper-case hex is the same key.
    drop(AppState::open(&config(&dir, 1, &KEY.to_uppercase())).unwrap());
    // Another x on the same database.
    let error = AppState::open(&config(&dir, 2, KEY)).unwrap_err();
    assert_eq!(error.code, "SVC_CONFIG_INVALID", "{error}");
}

#[test]
fn a_missing_or_invalid_at_rest_key_is_refused() {
    let dir = Dir::new("no-key");
    let mut missing = config(&dir, 1, KEY);
    missing.at_rest_key_file = Some(dir.path().join("absent.key"));
    assert_eq!(
        AppState::open(&missing).unwrap_err().code,
        "SVC_KEY_MISSING"
    );
    for bad in [
        "",
        "00",
        &"0".repeat(63),
        &"g".repeat(64),
        &format!("{KEY}00"),
    ] {
        let error = AppState::open(&config(&dir, 1, bad)).unwrap_err();
        assert_eq!(error.code, "SVC_KEY_INVALID", "{bad:?}");
    }
    // Nothing was created by the refused starts: the right key works.
    let node = Node::open(dir, 1).unwrap();
    assert_eq!(node.x, 1);
}
