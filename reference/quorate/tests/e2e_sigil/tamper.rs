//! Stored bytes are verified on every read: a flipped byte of a FrozenChain or a CanonicalRecord
//! fails with the verification's code, a flipped byte of a sealed payload fails to open, and the
//! restored bytes verify again (SIGIL-014, SIGIL-015, SIGIL-022, SIGIL-031).

use std::time::Duration;

use serde_json::json;

use crate::low_risk;
use crate::service::Sigil;

/// Flipping bytes of a stored FrozenChain or CanonicalRecord in the database makes the next
/// read fail with the verification's code; restoring the bytes makes it verify again.
#[test]
fn e2e_tamper_audit() {
    let sigil = Sigil::start("sigil-tamper", 1, 1, None);
    let id = sigil.check(&low_risk("ann")).body["decision_id"]
        .as_str()
        .unwrap()
        .to_owned();
    sigil.audit(&id).ok();
    let db = rusqlite::Connection::open(sigil.database()).unwrap();
    db.busy_timeout(Duration::from_secs(5)).unwrap();
    let original: Vec<u8> = db
        .query_row(
            "SELECT frozen FROM decisions WHERE decision_id = ?1",
            [&id],
            |row| row.get(0),
        )
        .unwrap();
    let set = |bytes: &[u8]| {
        db.execute(
            "UPDATE decisions SET frozen = ?1 WHERE decision_id = ?2",
            rusqlite::params![bytes, id],
        )
        .unwrap();
    };
    let codes = [
        "SIGIL_CHAIN_NONCANONICAL",
        "SIGIL_CHAIN_SHAPE",
        "SIGIL_CHAIN_HASH",
        "SIGIL_CHAIN_SIG",
        "SIGIL_KEY_UNKNOWN",
        "CANON_JSON_SYNTAX",
        "CANON_UTF8_INVALID",
    ];
    // Every 7th byte, and each of the last 140 (signature, key, hash), flipped one at a time.
    let positions: Vec<usize> = (0..original.len())
        .filter(|i| i % 7 == 0 || *i + 140 >= original.len())
        .collect();
    for &i in &positions {
        let mut tampered = original.clone();
        tampered[i] ^= 0x01;
        set(&tampered);
        let reply = sigil.audit(&id);
        assert!(
            reply.status == 500 || reply.status == 400,
            "byte {i}: {:?}",
            reply.body
        );
        assert!(codes.contains(&reply.code()), "byte {i}: {:?}", reply.body);
    }
    set(&original);
    assert_eq!(sigil.audit(&id).ok()["verified"], json!(true));

    // A stored record: its canonical bytes, and its sealed payload.
    let record = sigil.write("acme", json!({"text": "ledger line"}));
    let record_id = record["id"].as_str().unwrap().to_owned();
    let (stored, sealed): (Vec<u8>, Vec<u8>) = db
        .query_row(
            "SELECT record, sealed_payload FROM records WHERE id = ?1",
            [&record_id],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .unwrap();
    for i in (0..stored.len()).step_by(11) {
        let mut tampered = stored.clone();
        tampered[i] ^= 0x01;
        db.execute(
            "UPDATE records SET record = ?1 WHERE id = ?2",
            rusqlite::params![tampered, record_id],
        )
        .unwrap();
        let reply = sigil.entries("acme");
        assert!(
            reply.status == 500 || reply.status == 400,
            "byte {i}: {:?}",
            reply.body
        );
        assert!(
            reply.code().starts_with("SIGIL_RECORD_")
                || reply.code().starts_with("CANON_")
                || reply.code() == "SIGIL_KEY_UNKNOWN",
            "byte {i}: {:?}",
            reply.body
        );
    }
    db.execute(
        "UPDATE records SET record = ?1 WHERE id = ?2",
        rusqlite::params![stored, record_id],
    )
    .unwrap();
    let mut tampered = sealed.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 0x80;
    db.execute(
        "UPDATE records SET sealed_payload = ?1 WHERE id = ?2",
        rusqlite::params![tampered, record_id],
    )
    .unwrap();
    sigil.entries("acme").refused(500, "SIGIL_PAYLOAD_SEALED");
    db.execute(
        "UPDATE records SET sealed_payload = ?1 WHERE id = ?2",
        rusqlite::params![sealed, record_id],
    )
    .unwrap();
    assert_eq!(sigil.entries("acme").ok()["entries"][0], record);
}
