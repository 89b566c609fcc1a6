//! Sigil end to end: the real `quorate serve sigil` binary started as a process on loopback
//! with its SQLite file in a temporary directory, driven over HTTP, killed with SIGKILL for the
//! restart test, and its database edited behind its back for the tamper test. Every test is
//! named `e2e_*`, so `cargo test e2e_` runs them.
//!
//! Witness keys and attestations are made here with the `sigil` core (the witnesses are the
//! test's, not the service's), and every answer the service gives is checked against the core:
//! scores are recomputed, chains and records re-verified.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failure is a test failure

#[path = "support/process.rs"]
mod process;
#[path = "support/reply.rs"]
mod reply;

use std::path::PathBuf;
use std::process::Child;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use reply::Reply;
use sigil::cdc::{Envelope, Projection};
use sigil::features::{CheckRequest, features};
use sigil::keys::{KeyHistory, KeyInfo, Signer};
use sigil::model::TrustModel;
use sigil::record::{self, Record};

use process::TempDir;

/// The KEK of every service in these tests.
const KEK: &str = "5369676696c206532652074657374732061742072657374202e6f742061206b6";

/// A low-risk request the default model allows.
fn low_risk(actor: &str) -> Value {
    json!({"tenant": "acme", "actor": actor, "action": "read", "target": "public:docs",
           "loa": "Operator", "input": "page=1"})
}

/// A high-risk request the default model denies.
fn high_risk(actor: &str) -> Value {
    json!({"tenant": "acme", "actor": actor, "action": "delete", "target": "secret:keys",
           "loa": "Guest", "input": "rm -rf / --no-preserve-root"})
}

fn witness(i: u8) -> Signer {
    Signer::from_seed(&[0x40 + i; 32]).unwrap()
}

// ---------------------------------------------------------------------------------------------
// The service process.

/// A `quorate serve sigil` process with its directory; killed (SIGKILL) on drop.
struct Sigil {
    child: Option<Child>,
    url: String,
    dir: TempDir,
}

impl Sigil {
    /// A fresh service: `k` of the first `n` test witnesses, an optional fault.
    fn start(name: &str, k: usize, n: u8, fault: Option<&str>) -> Self {
        let dir = TempDir::new(name);
        Self::write_config(&dir, k, n, fault);
        let mut sigil = Self {
            child: None,
            url: String::new(),
            dir,
        };
        sigil.restart();
        sigil
    }

    fn write_config(dir: &TempDir, k: usize, n: u8, fault: Option<&str>) {
        let witnesses: Vec<String> = (0..n)
            .map(|i| format!("\"{}\"", witness(i).pub_key()))
            .collect();
        let mut text = format!(
            "database = \"sigil.sqlite\"\nk = {k}\nwitnesses = [{}]\n",
            witnesses.join(", ")
        );
        if let Some(fault) = fault {
            text.push_str(&format!("fault = \"{fault}\"\n"));
        }
        std::fs::write(dir.0.join("sigil.toml"), text).unwrap();
    }

    fn config(&self) -> PathBuf {
        self.dir.0.join("sigil.toml")
    }

    fn database(&self) -> PathBuf {
        self.dir.0.join("sigil.sqlite")
    }

    /// (Re)starts the process on a free port and waits until it is healthy.
    fn restart(&mut self) {
        self.kill();
        let (child, url) = process::serve("sigil", &self.config(), "127.0.0.1:0", KEK);
        self.child = Some(child);
        self.url = url;
        let deadline = Instant::now() + Duration::from_secs(20);
        while get(&format!("{}/health", self.url)).status != 200 {
            assert!(Instant::now() < deadline, "sigil never became healthy");
            thread::sleep(Duration::from_millis(50));
        }
    }

    fn kill(&mut self) {
        if let Some(mut child) = self.child.take() {
            process::stop(&mut child);
        }
    }

    fn at(&self, path: &str) -> String {
        format!("{}{path}", self.url)
    }

    fn check(&self, request: &Value) -> Reply {
        post(&self.at("/trust/check"), request, &[])
    }

    fn audit(&self, decision_id: &str) -> Reply {
        get(&self.at(&format!("/audit/{decision_id}")))
    }

    fn write(&self, tenant: &str, payload: Value) -> Value {
        let reply = post(
            &self.at("/canon/user/write"),
            &json!({"kind": "note", "payload": payload}),
            &[("x-sigil-tenant", tenant)],
        );
        assert_eq!(reply.status, 201, "{:?}", reply.body);
        reply.body
    }

    fn entries(&self, tenant: &str) -> Reply {
        get_with(
            &self.at("/canon/user/entries"),
            &[("x-sigil-tenant", tenant)],
        )
    }

    fn propose(&self, kind: &str, payload: Value) -> String {
        let reply = post(
            &self.at("/canon/system/propose"),
            &json!({"kind": kind, "payload": payload}),
            &[],
        );
        assert_eq!(reply.status, 201, "{:?}", reply.body);
        reply.body["proposal_id"].as_str().unwrap().to_owned()
    }

    fn attest(&self, proposal_id: &str, signer: &Signer) -> Reply {
        let witness = record::attest(proposal_id, signer).unwrap();
        post(
            &self.at("/canon/system/attest"),
            &json!({"proposal_id": proposal_id, "pub_key": witness.pub_key, "sig": witness.sig}),
            &[],
        )
    }

    fn commit(&self, proposal_id: &str) -> Reply {
        post(
            &self.at("/canon/system/commit"),
            &json!({"proposal_id": proposal_id}),
            &[],
        )
    }

    /// The service's key history, as the core's type.
    fn key_history(&self) -> KeyHistory {
        let keys = get(&self.at("/keys")).ok();
        KeyHistory::from_keys(
            keys["keys"]
                .as_array()
                .unwrap()
                .iter()
                .map(|k| KeyInfo {
                    pub_key: k["pub_key"].as_str().unwrap().to_owned(),
                    created_ts: k["created_ts"].as_u64().unwrap(),
                })
                .collect(),
        )
    }

    fn health(&self) -> Value {
        get(&self.at("/health")).ok()
    }
}

impl Drop for Sigil {
    fn drop(&mut self) {
        self.kill();
    }
}

// ---------------------------------------------------------------------------------------------
// HTTP.

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

fn reply(response: reqwest::blocking::Response) -> Reply {
    let status = response.status().as_u16();
    let body = response.json().unwrap_or(Value::Null);
    Reply { status, body }
}

fn get(url: &str) -> Reply {
    get_with(url, &[])
}

fn get_with(url: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = client().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    reply(request.send().unwrap())
}

fn post(url: &str, body: &Value, headers: &[(&str, &str)]) -> Reply {
    post_raw(url, serde_json::to_vec(body).unwrap(), headers)
}

fn post_raw(url: &str, body: Vec<u8>, headers: &[(&str, &str)]) -> Reply {
    let mut request = client().post(url).body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    reply(request.send().unwrap())
}

// ---------------------------------------------------------------------------------------------
// Checks against the core.

/// The canonical bytes of a JSON value the service returned.
fn canonical(value: &Value) -> Vec<u8> {
    canon::json::canonicalize(&serde_json::to_vec(value).unwrap())
        .unwrap()
        .into_string()
        .into_bytes()
}

/// Re-verifies an audited FrozenChain with the core and returns its chain.
fn verified_chain(frozen: &Value, keys: &KeyHistory) -> sigil::chain::ReasoningChain {
    sigil::chain::verify(&canonical(frozen), keys)
        .unwrap()
        .chain
}

/// Re-verifies a record with the core (no quorum: user space or a service kind).
fn verified_record(record: &Value, keys: &KeyHistory) -> Record {
    record::verify_stored(&canonical(record), None, keys, None).unwrap()
}

/// The default model's score of `request` at window count `window`, as the core computes it.
fn expected_score(request: &Value, window: u64) -> (f64, bool) {
    let request = CheckRequest::parse(&serde_json::to_vec(request).unwrap()).unwrap();
    let score = TrustModel::default_model()
        .score(&features(&request, window))
        .unwrap();
    (score.score, score.allowed)
}

fn score_of(reply: &Reply) -> f64 {
    reply.body["score"].as_f64().unwrap()
}

// ---------------------------------------------------------------------------------------------
// The seven tests of the issue.

/// A low-risk request is allowed (200) with the score the model gives, and its signed chain is
/// stored and verifies.
#[test]
fn e2e_allow() {
    let sigil = Sigil::start("sigil-allow", 1, 1, None);
    let request = low_risk("ann");
    let reply = sigil.check(&request);
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["allowed"], json!(true));
    let (score, allowed) = expected_score(&request, 0);
    assert!(allowed && score > 0.9);
    assert_eq!(score_of(&reply).to_bits(), score.to_bits());
    let id = reply.body["decision_id"].as_str().unwrap();
    assert!(id.starts_with("dec_") && id.len() == 36);
    let audit = sigil.audit(id).ok();
    assert_eq!(audit["verified"], json!(true));
    let chain = verified_chain(&audit["frozen"], &sigil.key_history());
    assert!(chain.allowed);
    assert_eq!(chain.score.map(f64::to_bits), Some(score.to_bits()));
    assert_eq!(chain.decision_id, id);
    assert_eq!(chain.error, None);
}

/// A high-risk request is denied (403, allowed false) with its low score, and the denial is
/// recorded and signed like an allow; a malformed request is 400 and no decision at all.
#[test]
fn e2e_deny() {
    let sigil = Sigil::start("sigil-deny", 1, 1, None);
    let request = high_risk("mallory");
    let reply = sigil.check(&request);
    assert_eq!(reply.status, 403, "{:?}", reply.body);
    assert_eq!(reply.body["allowed"], json!(false));
    let (score, allowed) = expected_score(&request, 0);
    assert!(!allowed && score < 0.1);
    assert_eq!(score_of(&reply).to_bits(), score.to_bits());
    let audit = sigil
        .audit(reply.body["decision_id"].as_str().unwrap())
        .ok();
    let chain = verified_chain(&audit["frozen"], &sigil.key_history());
    assert!(!chain.allowed);
    assert_eq!(chain.reason.name(), "score_below_threshold");
    // Not a check request: 400, no decision id, never allowed.
    for bad in [
        json!({"tenant": "acme"}),
        json!({"tenant": "acme", "actor": "a", "action": "read", "target": "x", "loa": "root", "input": ""}),
    ] {
        let reply = sigil.check(&bad);
        reply.refused(400, "SIGIL_REQUEST_INVALID");
        assert!(reply.body.get("allowed").is_none());
    }
    post_raw(&sigil.at("/trust/check"), b"{\"tenant\":".to_vec(), &[])
        .refused(400, "SIGIL_REQUEST_INVALID");
}

/// Forced faults in the evaluator, the signer and the store: the request the model would allow
/// is denied (403, allowed false), never allowed and never a 5xx; the evaluator's denial is a
/// signed chain with reason "error", the others are counted as unrecorded denials.
#[test]
fn e2e_error_default_deny() {
    let cases = [
        ("evaluator", "SIGIL_EVAL_FAILED", true),
        ("storage", "SIGIL_STORAGE_FAILED", false),
        ("signer", "SIGIL_SIGNING_FAILED", false),
    ];
    for (fault, code, recorded) in cases {
        let sigil = Sigil::start(&format!("sigil-fault-{fault}"), 1, 1, Some(fault));
        assert_eq!(sigil.health()["fault"], json!(fault));
        let request = low_risk("ann");
        assert!(
            expected_score(&request, 0).1,
            "the model alone would allow it"
        );
        for _ in 0..3 {
            let reply = sigil.check(&request);
            assert_eq!(reply.status, 403, "{fault}: {:?}", reply.body);
            assert_eq!(reply.body["allowed"], json!(false), "{fault}");
            assert_eq!(reply.code(), code, "{fault}");
            let id = reply.body["decision_id"].as_str().unwrap();
            if recorded {
                assert_eq!(reply.body["score"], Value::Null);
                let audit = sigil.audit(id).ok();
                let chain = verified_chain(&audit["frozen"], &sigil.key_history());
                assert!(!chain.allowed);
                assert_eq!(chain.reason.name(), "error");
                assert_eq!(chain.error.as_deref(), Some(code));
            } else {
                sigil.audit(id).refused(404, "SIGIL_NOT_FOUND");
            }
        }
        let unrecorded = if recorded { 0 } else { 3 };
        assert_eq!(
            sigil.health()["unrecorded_denials"],
            json!(unrecorded),
            "{fault}"
        );
    }
}

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

/// k = 2 of 3 registered witnesses: k - 1 attestations leave the proposal uncommitted (commit
/// is 403), a duplicate key counts once, an unregistered key and a tampered signature are 403,
/// and the k-th distinct valid attestation commits a record that verifies with its witnesses.
#[test]
fn e2e_quorum_pass_fail() {
    let sigil = Sigil::start("sigil-quorum", 2, 3, None);
    let proposal = sigil.propose("policy.note", json!({"text": "raise the review bar"}));
    sigil.commit(&proposal).refused(403, "SIGIL_QUORUM_NOT_MET");

    let first = sigil.attest(&proposal, &witness(0)).ok();
    assert_eq!(
        (first["status"].clone(), first["attestations"].clone()),
        (json!("pending"), json!(1))
    );
    let again = sigil.attest(&proposal, &witness(0)).ok();
    assert_eq!(again["duplicate"], json!(true));
    assert_eq!(again["attestations"], json!(1));
    sigil.commit(&proposal).refused(403, "SIGIL_QUORUM_NOT_MET");

    sigil
        .attest(&proposal, &witness(9))
        .refused(403, "SIGIL_WITNESS_UNKNOWN");
    let mut tampered = record::attest(&proposal, &witness(1)).unwrap();
    let flipped = if tampered.sig.as_bytes()[5] == b'0' {
        "1"
    } else {
        "0"
    };
    tampered.sig.replace_range(5..6, flipped);
    post(
        &sigil.at("/canon/system/attest"),
        &json!({"proposal_id": proposal, "pub_key": tampered.pub_key, "sig": tampered.sig}),
        &[],
    )
    .refused(403, "SIGIL_WITNESS_SIG");
    // An attestation of another proposal's hash is a bad signature for this one.
    let other = sigil.propose("policy.note", json!({"text": "other"}));
    let foreign = record::attest(&other, &witness(1)).unwrap();
    post(
        &sigil.at("/canon/system/attest"),
        &json!({"proposal_id": proposal, "pub_key": foreign.pub_key, "sig": foreign.sig}),
        &[],
    )
    .refused(403, "SIGIL_WITNESS_SIG");
    sigil.commit(&proposal).refused(403, "SIGIL_QUORUM_NOT_MET");

    let done = sigil.attest(&proposal, &witness(1)).ok();
    assert_eq!(done["status"], json!("committed"));
    assert_eq!(done["attestations"], json!(2));
    let committed = &done["record"];
    assert_eq!(committed["hash"], json!(proposal));
    assert_eq!(committed["witnesses"].as_array().unwrap().len(), 2);
    // The committed record verifies with the core under the registry, and fails under k = 3.
    let witnesses: std::collections::BTreeSet<String> =
        (0..3).map(|i| witness(i).pub_key().to_owned()).collect();
    let bytes = canonical(committed);
    let keys = sigil.key_history();
    let quorum = |k| record::Quorum {
        witnesses: &witnesses,
        k,
    };
    assert!(record::verify_stored(&bytes, None, &keys, Some(quorum(2))).is_ok());
    assert_eq!(
        record::verify_stored(&bytes, None, &keys, Some(quorum(3))).map_err(|e| e.code()),
        Err("SIGIL_QUORUM_NOT_MET")
    );
    assert_eq!(sigil.commit(&proposal).ok(), *committed);
    let records = get(&sigil.at("/canon/system/records")).ok();
    assert!(records["records"].as_array().unwrap().contains(committed));
    // The other proposal was made at the same head: it is stale now.
    sigil.attest(&other, &witness(0)).ok();
    sigil
        .attest(&other, &witness(1))
        .refused(409, "SIGIL_PROPOSAL_STALE");
}

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

/// The LOA gate runs before the module: Operator and Admin get 200 with the module's content,
/// Guest, User and no level get 403; an unknown module is 404.
#[test]
fn e2e_module_gate() {
    let sigil = Sigil::start("sigil-module", 1, 1, None);
    let url = sigil.at("/module/hello/run");
    for loa in ["Operator", "Admin"] {
        let reply = post(&url, &json!({"name": "ann"}), &[("x-sigil-loa", loa)]).ok();
        assert_eq!(reply["body"], json!({"hello": "ann"}), "{loa}");
        assert_eq!(reply["logs"], json!(["hello ann"]));
        assert!(reply["gas_used"].as_u64().unwrap() > 0);
        let body = canon::json::canonicalize(br#"{"hello":"ann"}"#).unwrap();
        assert_eq!(
            reply["sha256"],
            json!(canon::hex::encode(&canon::id::sha256(body.as_bytes())))
        );
    }
    let world = post(&url, &json!({}), &[("x-sigil-loa", "Operator")]).ok();
    assert_eq!(world["body"], json!({"hello": "world"}));
    for loa in ["Guest", "User", "operator", ""] {
        post(&url, &json!({"name": "ann"}), &[("x-sigil-loa", loa)])
            .refused(403, "SIGIL_LOA_INSUFFICIENT");
    }
    post(&url, &json!({}), &[]).refused(403, "SIGIL_LOA_INSUFFICIENT");
    // The gate comes before the input is even read.
    post_raw(&url, b"not json".to_vec(), &[("x-sigil-loa", "Guest")])
        .refused(403, "SIGIL_LOA_INSUFFICIENT");
    post(
        &sigil.at("/module/nope/run"),
        &json!({}),
        &[("x-sigil-loa", "Admin")],
    )
    .refused(404, "SIGIL_MODULE_UNKNOWN");
}

// ---------------------------------------------------------------------------------------------
// Keys, registry, restart, CDC, rate window.

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

/// The witness registry lives in system space: adding a witness, changing k and removing a
/// witness each need the current quorum, and the registry follows the committed records.
#[test]
fn e2e_sigil_registry_changes_under_quorum() {
    let sigil = Sigil::start("sigil-registry", 2, 3, None);
    let newcomer = witness(3);
    let add = sigil.propose("sigil.witness.add", json!({"pub_key": newcomer.pub_key()}));
    // The newcomer is not a witness yet.
    sigil
        .attest(&add, &newcomer)
        .refused(403, "SIGIL_WITNESS_UNKNOWN");
    assert_eq!(
        sigil.attest(&add, &witness(0)).ok()["status"],
        json!("pending")
    );
    assert_eq!(
        get(&sigil.at("/witnesses")).ok()["witnesses"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        sigil.attest(&add, &witness(1)).ok()["status"],
        json!("committed")
    );
    let registry = get(&sigil.at("/witnesses")).ok();
    assert_eq!(registry["witnesses"].as_array().unwrap().len(), 4);
    assert!(
        registry["witnesses"]
            .as_array()
            .unwrap()
            .contains(&json!(newcomer.pub_key()))
    );

    // k = 3, attested by the newcomer among others.
    let raise = sigil.propose("sigil.quorum.set", json!({"k": 3}));
    sigil.attest(&raise, &newcomer).ok();
    assert_eq!(
        sigil.attest(&raise, &witness(2)).ok()["status"],
        json!("committed")
    );
    assert_eq!(get(&sigil.at("/witnesses")).ok()["k"], json!(3));

    // Removing witness 0 now needs three attestations.
    let remove = sigil.propose(
        "sigil.witness.remove",
        json!({"pub_key": witness(0).pub_key()}),
    );
    sigil.attest(&remove, &witness(1)).ok();
    assert_eq!(
        sigil.attest(&remove, &witness(2)).ok()["status"],
        json!("pending")
    );
    sigil.commit(&remove).refused(403, "SIGIL_QUORUM_NOT_MET");
    assert_eq!(
        sigil.attest(&remove, &newcomer).ok()["status"],
        json!("committed")
    );
    let registry = get(&sigil.at("/witnesses")).ok();
    assert_eq!(registry["witnesses"].as_array().unwrap().len(), 3);
    assert!(
        !registry["witnesses"]
            .as_array()
            .unwrap()
            .contains(&json!(witness(0).pub_key()))
    );
    // Witness 0 no longer counts; a removal below k is refused at proposal.
    let note = sigil.propose("policy.note", json!({}));
    sigil
        .attest(&note, &witness(0))
        .refused(403, "SIGIL_WITNESS_UNKNOWN");
    let reply = post(
        &sigil.at("/canon/system/propose"),
        &json!({"kind": "sigil.witness.remove", "payload": {"pub_key": witness(1).pub_key()}}),
        &[],
    );
    reply.refused(422, "SIGIL_PROPOSAL_INVALID");
    // Every system record verifies (the service re-verifies the chain on this read).
    let records = get(&sigil.at("/canon/system/records")).ok()["records"].clone();
    assert_eq!(records.as_array().unwrap().len(), 4);
}

/// Everything acknowledged survives SIGKILL: decisions (made concurrently, group-committed),
/// user records, committed system records, keys, the registry and the projection.
#[test]
fn e2e_sigil_restart_loses_nothing() {
    let mut sigil = Sigil::start("sigil-restart", 1, 2, None);
    let url = sigil.at("/trust/check");
    let workers: Vec<_> = (0..8)
        .map(|t| {
            let url = url.clone();
            thread::spawn(move || {
                (0..25)
                    .map(|i| {
                        let request = if i % 3 == 0 {
                            high_risk(&format!("w{t}"))
                        } else {
                            low_risk(&format!("w{t}"))
                        };
                        let reply = post(&url, &request, &[]);
                        assert!(reply.status == 200 || reply.status == 403);
                        (
                            reply.body["decision_id"].as_str().unwrap().to_owned(),
                            reply.body["allowed"].as_bool().unwrap(),
                        )
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let decisions: Vec<(String, bool)> = workers
        .into_iter()
        .flat_map(|w| w.join().unwrap())
        .collect();
    assert_eq!(decisions.len(), 200);
    let records: Vec<Value> = (0..5)
        .map(|i| sigil.write("acme", json!({"i": i})))
        .collect();
    let proposal = sigil.propose("policy.note", json!({"text": "kept"}));
    sigil.attest(&proposal, &witness(1)).ok();
    let health = sigil.health();
    let projection = get(&sigil.at("/cdc/projection")).ok();
    let system = get(&sigil.at("/canon/system/records")).ok();

    sigil.restart();
    let after = sigil.health();
    assert_eq!(after["public_key"], health["public_key"]);
    assert_eq!(after["model_id"], health["model_id"]);
    let keys = sigil.key_history();
    for (id, allowed) in &decisions {
        let audit = sigil.audit(id).ok();
        let chain = verified_chain(&audit["frozen"], &keys);
        assert_eq!(chain.allowed, *allowed);
    }
    assert_eq!(sigil.entries("acme").ok()["entries"], json!(records));
    assert_eq!(get(&sigil.at("/canon/system/records")).ok(), system);
    assert_eq!(get(&sigil.at("/cdc/projection")).ok(), projection);
    // The rate window survived too: w0 made 25 decisions in the last minute.
    let reply = sigil.check(&low_risk("w0"));
    let chain = verified_chain(
        &sigil
            .audit(reply.body["decision_id"].as_str().unwrap())
            .ok()["frozen"],
        &keys,
    );
    assert_eq!(chain.request.window_count, 25);
    // A new chain continues from the old head.
    let next = sigil.write("acme", json!({"i": 5}));
    assert_eq!(next["prev"], records[4]["hash"]);
}

/// CDC: every committed record is in the outbox in commit order; the projection's digest is
/// the digest of the envelopes the test computes from the records it saw committed, and
/// dropping the projection and replaying from offset 0 gives the same digest.
#[test]
fn e2e_sigil_cdc_replay() {
    let sigil = Sigil::start("sigil-cdc", 1, 1, None);
    // Commit order: genesis, then what this test does one request at a time.
    let mut committed: Vec<Value> = get(&sigil.at("/canon/system/records")).ok()["records"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(committed.len(), 1);
    for i in 0..6 {
        committed.push(sigil.write(if i % 2 == 0 { "alice" } else { "bob" }, json!({"i": i})));
        if i == 3 {
            let proposal = sigil.propose("policy.note", json!({"i": i}));
            committed.push(sigil.attest(&proposal, &witness(0)).ok()["record"].clone());
        }
    }
    let golden = Projection::replay(committed.iter().enumerate().map(|(i, r)| {
        let record =
            record::Record::from_json(&canon::json::parse(&canonical(r)).unwrap()).unwrap();
        Envelope::of(i as u64 + 1, &record)
    }))
    .unwrap();
    let live = get(&sigil.at("/cdc/projection")).ok();
    assert_eq!(live["offset"], json!(committed.len()));
    assert_eq!(live["digest"], json!(golden.digest().unwrap()));
    let replayed = post(&sigil.at("/cdc/replay"), &json!({}), &[]).ok();
    assert_eq!(replayed["before"], live["digest"]);
    assert_eq!(replayed["digest"], live["digest"]);
    assert_eq!(replayed["offset"], live["offset"]);
    // Replaying from an emptied projection table (a consumer that lost everything) as well.
    let db = rusqlite::Connection::open(sigil.database()).unwrap();
    db.busy_timeout(Duration::from_secs(5)).unwrap();
    db.execute("DELETE FROM projection", []).unwrap();
    let empty = get(&sigil.at("/cdc/projection")).ok();
    assert_eq!(empty["offset"], json!(0));
    let rebuilt = post(&sigil.at("/cdc/replay"), &json!({}), &[]).ok();
    assert_eq!(rebuilt["digest"], live["digest"]);
}

/// The rate-limit window is a feature: the same actor's repeated checks see a growing window
/// count and a falling score, exactly as the core computes it.
#[test]
fn e2e_sigil_rate_window_lowers_the_score() {
    let sigil = Sigil::start("sigil-rate", 1, 1, None);
    let request = json!({"tenant": "acme", "actor": "bot", "action": "write",
                         "target": "user:bot", "loa": "User", "input": "ab"});
    let mut previous = f64::INFINITY;
    let mut statuses = Vec::new();
    for window in 0..30u64 {
        let reply = sigil.check(&request);
        let (score, allowed) = expected_score(&request, window);
        assert_eq!(
            score_of(&reply).to_bits(),
            score.to_bits(),
            "window {window}"
        );
        assert_eq!(reply.status, if allowed { 200 } else { 403 });
        assert!(score < previous);
        previous = score;
        statuses.push(reply.status);
    }
    assert_eq!(statuses.first(), Some(&200));
    assert_eq!(statuses.last(), Some(&403));
    // Another actor has its own window.
    assert_eq!(
        sigil
            .check(
                &json!({"tenant": "acme", "actor": "human", "action": "write",
                         "target": "user:bot", "loa": "User", "input": "ab"})
            )
            .status,
        200
    );
}

/// Requests over 1 MiB are refused with the service's error shape, and unknown routes and
/// methods have their codes; `/openapi.json` describes the service.
#[test]
fn e2e_sigil_limits_and_errors() {
    let sigil = Sigil::start("sigil-limits", 1, 1, None);
    let big = vec![b' '; 1024 * 1024 + 10];
    post_raw(&sigil.at("/trust/check"), big, &[]).refused(413, "SVC_BODY_TOO_LARGE");
    get(&sigil.at("/nope")).refused(404, "SVC_NOT_FOUND");
    get(&sigil.at("/trust/check")).refused(405, "SVC_METHOD_NOT_ALLOWED");
    let doc = get(&sigil.at("/openapi.json")).ok();
    assert_eq!(doc["openapi"], json!("3.1.0"));
    assert!(doc["paths"]["/trust/check"]["post"].is_object());
    sigil.audit("dec_nope").refused(404, "SIGIL_NOT_FOUND");
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

/// Modules are registered in system space under the quorum, then run behind their own level;
/// a module that exhausts its gas is 422 with the sandbox's code.
#[test]
fn e2e_sigil_module_registry_and_limits() {
    let sigil = Sigil::start("sigil-modules", 1, 1, None);
    let echo = "function main(input) { return { echoed: input }; }";
    let spin = "function f(n) { return f(n + 1); }\nfunction main(input) { return f(0); }";
    for (name, source, min_loa, gas) in [
        ("echo", echo, "User", 10_000),
        ("spin", spin, "Guest", 5_000),
    ] {
        let proposal = sigil.propose(
            "sigil.module.register",
            json!({"name": name, "source": source, "min_loa": min_loa, "gas_limit": gas}),
        );
        post(
            &sigil.at(&format!("/module/{name}/run")),
            &json!({}),
            &[("x-sigil-loa", "Admin")],
        )
        .refused(404, "SIGIL_MODULE_UNKNOWN");
        assert_eq!(
            sigil.attest(&proposal, &witness(0)).ok()["status"],
            json!("committed")
        );
    }
    let listed = get(&sigil.at("/modules")).ok();
    assert_eq!(listed["modules"].as_array().unwrap().len(), 3);
    let url = sigil.at("/module/echo/run");
    post(&url, &json!([1]), &[("x-sigil-loa", "Guest")]).refused(403, "SIGIL_LOA_INSUFFICIENT");
    let reply = post(&url, &json!([1, "two"]), &[("x-sigil-loa", "User")]).ok();
    assert_eq!(reply["body"], json!({"echoed": [1, "two"]}));
    let spun = post(
        &sigil.at("/module/spin/run"),
        &json!({}),
        &[("x-sigil-loa", "Guest")],
    );
    spun.refused(422, "SIGIL_MODULE_FAILED");
    assert!(
        spun.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("MTP_")
    );
    // A module cannot take the built-in name.
    post(
        &sigil.at("/canon/system/propose"),
        &json!({"kind": "sigil.module.register",
                "payload": {"name": "hello", "source": echo, "min_loa": "Guest", "gas_limit": 10}}),
        &[],
    )
    .refused(422, "SIGIL_PROPOSAL_INVALID");
}
