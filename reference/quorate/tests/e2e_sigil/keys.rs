//! The service's signing keys: sealed at rest under the KEK, the service refusing another KEK or
//! none (SIGIL-050); rotation by Admin only, with the history still verifying (SIGIL-051,
//! SIGIL-052).

use serde_json::json;
use sigil::keys::Signer;

use crate::service::Sigil;
use crate::{KEK, get, low_risk, post, verified_chain, verified_record};

/// Rotation: only Admin may rotate; new chains and records are signed by the new key, old ones
/// still verify (also after a restart), and the rotation is a system record signed by the
/// previous key.
#[test]
fn e2e_sigil_key_rotation() {
    let mut sigil = Sigil::start("sigil-rotation", 1, 1, None);
    let old_decision = sigil.check(&low_risk("ann")).body["decision_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let old_record = sigil.write("acme", json!({"n": 1}));
    let first = sigil.health()["public_key"].clone();
    for loa in ["Operator", "Guest"] {
        post(
            &sigil.at("/keys/rotate"),
            &json!({}),
            &[("x-sigil-loa", loa)],
        )
        .refused(403, "SIGIL_LOA_INSUFFICIENT");
    }
    let rotated = post(
        &sigil.at("/keys/rotate"),
        &json!({}),
        &[("x-sigil-loa", "Admin")],
    )
    .ok();
    assert_eq!(rotated["previous"], first);
    assert_ne!(rotated["next"], first);
    assert_eq!(sigil.health()["public_key"], rotated["next"]);
    let new_decision = sigil.check(&low_risk("ann")).body["decision_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let new_record = sigil.write("acme", json!({"n": 2}));
    assert_eq!(new_record["pub_key"], rotated["next"]);
    assert_eq!(old_record["pub_key"], first);
    for round in 0..2 {
        let keys = sigil.key_history();
        assert_eq!(keys.keys().len(), 2);
        let old = sigil.audit(&old_decision).ok();
        assert_eq!(old["frozen"]["public_key"], first, "round {round}");
        verified_chain(&old["frozen"], &keys);
        let new = sigil.audit(&new_decision).ok();
        assert_eq!(new["frozen"]["public_key"], rotated["next"]);
        verified_chain(&new["frozen"], &keys);
        let entries = sigil.entries("acme").ok()["entries"].clone();
        assert_eq!(entries, json!([old_record, new_record]));
        // The rotation record: a service record signed by the previous key.
        let records = get(&sigil.at("/canon/system/records")).ok()["records"].clone();
        let rotation = records
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["kind"] == json!("sigil.key.rotated"))
            .unwrap()
            .clone();
        assert_eq!(rotation["pub_key"], first);
        assert_eq!(
            rotation["payload"],
            json!({"previous": first, "next": rotated["next"]})
        );
        verified_record(&rotation, &keys);
        sigil.restart();
    }
}

/// Signing seeds are stored only sealed under the KEK (each opens, with the key's public key as
/// associated data, to the seed of that key), and the service refuses to start with another
/// KEK or with none.
#[test]
fn e2e_sigil_seeds_are_sealed_at_rest() {
    let mut sigil = Sigil::start("sigil-seeds", 1, 1, None);
    post(
        &sigil.at("/keys/rotate"),
        &json!({}),
        &[("x-sigil-loa", "Admin")],
    )
    .ok();
    sigil.kill();
    let db = rusqlite::Connection::open(sigil.database()).unwrap();
    let rows: Vec<(String, Vec<u8>)> = db
        .prepare("SELECT pub_key, sealed_seed FROM keys ORDER BY seq")
        .unwrap()
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    drop(db);
    assert_eq!(rows.len(), 2);
    let kek = service_kit::at_rest::AtRestKey::from_hex(KEK).unwrap();
    let mut files = std::fs::read(sigil.database()).unwrap();
    files.extend(std::fs::read(sigil.dir.0.join("sigil.sqlite-wal")).unwrap_or_default());
    for (i, (pub_key, sealed)) in rows.iter().enumerate() {
        assert_eq!(sealed.len(), 12 + 32 + 16);
        let seed = kek.open("keys", pub_key, sealed).unwrap();
        assert_eq!(Signer::from_seed(&seed).unwrap().pub_key(), pub_key);
        // Sealed to its own key: it does not open as the other key's seed.
        assert!(kek.open("keys", &rows[1 - i].0, sealed).is_err());
        assert!(!files.windows(32).any(|w| w == seed.as_slice()));
    }
    // Another KEK, or none: the service does not start.
    for key in [Some("00".repeat(32)), None] {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_quorate"));
        command
            .args(["serve", "sigil", "--config"])
            .arg(sigil.config())
            .args(["--listen", "127.0.0.1:0"])
            .env_remove("QUORATE_AT_REST_KEY");
        if let Some(key) = &key {
            command.env("QUORATE_AT_REST_KEY", key);
        }
        let output = command.output().unwrap();
        assert!(!output.status.success());
        let stderr = String::from_utf8_lossy(&output.stderr);
        let expected = if key.is_some() {
            "SVC_KEY_WRONG"
        } else {
            "SVC_KEY_MISSING"
        };
        assert!(stderr.contains(expected), "{stderr}");
    }
    sigil.restart();
    assert_eq!(sigil.key_history().keys().len(), 2);
}
