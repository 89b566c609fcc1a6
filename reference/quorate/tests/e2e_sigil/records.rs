//! User-space records: payloads encrypted at rest, each tenant's entries listed decrypted, in
//! chain order and verifying with the core (SIGIL-023, SIGIL-030, SIGIL-031, SIGIL-032).

use serde_json::json;

use crate::service::Sigil;
use crate::{get, verified_record};

/// Each tenant's payloads are encrypted in the database, and listing returns exactly the
/// tenant's own entries, decrypted, chained by `prev`, each verifying with the core.
#[test]
fn e2e_canon_iter_decrypt() {
    let sigil = Sigil::start("sigil-canon", 1, 1, None);
    let mut written = Vec::new();
    for i in 0..4 {
        written.push(sigil.write("alice", json!({"secret": format!("alice-marker-{i}")})));
        sigil.write("bob", json!({"secret": format!("bob-marker-{i}")}));
    }
    let raw = std::fs::read(sigil.database()).unwrap();
    let wal = std::fs::read(sigil.dir.0.join("sigil.sqlite-wal")).unwrap_or_default();
    for bytes in [&raw, &wal] {
        let text = String::from_utf8_lossy(bytes);
        assert!(!text.contains("alice-marker") && !text.contains("bob-marker"));
    }
    let keys = sigil.key_history();
    let entries = sigil.entries("alice").ok()["entries"].clone();
    let entries = entries.as_array().unwrap();
    assert_eq!(entries, &written);
    let mut prev: Option<String> = None;
    for (i, entry) in entries.iter().enumerate() {
        let record = verified_record(entry, &keys);
        assert_eq!(record.body.tenant, "alice");
        assert_eq!(record.body.prev, prev);
        assert_eq!(
            entry["payload"]["secret"],
            json!(format!("alice-marker-{i}"))
        );
        prev = Some(record.hash);
    }
    let bob = sigil.entries("bob").ok()["entries"].clone();
    assert_eq!(bob.as_array().unwrap().len(), 4);
    assert!(
        bob.as_array()
            .unwrap()
            .iter()
            .all(|e| e["tenant"] == json!("bob"))
    );
    assert_eq!(sigil.entries("carol").ok()["entries"], json!([]));
    get(&sigil.at("/canon/user/entries")).refused(400, "SIGIL_REQUEST_INVALID");
    sigil
        .entries("system")
        .refused(400, "SIGIL_REQUEST_INVALID");
}
