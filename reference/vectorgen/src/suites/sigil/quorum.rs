//! `sigil/quorum`, `sigil/keys` and `sigil/loa-gate`: witness counting sequences, key rotation
//! histories and the level-of-assurance gate (SIGIL-042, SIGIL-051, SIGIL-060).

use serde_json::{Value, json};

use super::{call, checked, pub_key};
use crate::{Case, Suite};

const WITNESS: &str = "quorate/sigil/quorum-witness/";
const HASH_LABEL: &str = "quorate/sigil/quorum-hash/v1";

fn label(i: usize) -> String {
    format!("{WITNESS}{i}")
}

/// The attestation of `hash` by witness `i` (signed by the core through `sigil.record_sign`'s
/// signer would need a body; the core's attest function is used directly).
fn attestation(hash: &str, i: usize, label_text: &str) -> Value {
    let sig = canon::drbg::Drbg::new(&label(i))
        .bytes(32)
        .ok()
        .and_then(|seed| sigil::keys::Signer::from_seed(&seed).ok())
        .and_then(|s| s.sign_labelled(label_text, hash).ok())
        .unwrap_or_default();
    json!({ "pub_key": pub_key(&label(i)), "sig": sig })
}

fn tampered(mut a: Value) -> Value {
    let sig = a["sig"].as_str().unwrap_or_default().to_owned();
    let first = if sig.starts_with('0') { "1" } else { "0" };
    a["sig"] = json!(format!("{first}{}", &sig[1.min(sig.len())..]));
    a
}

pub(crate) fn quorum() -> Suite {
    let op = "sigil.quorum";
    let hash = canon::hex::encode(
        &canon::drbg::Drbg::new(HASH_LABEL)
            .bytes(32)
            .unwrap_or_default(),
    );
    let other_hash = "ab".repeat(32);
    let registry: Vec<String> = (1..=4).map(|i| pub_key(&label(i))).collect();
    let a = |i: usize| attestation(&hash, i, "sigil/attest/v1");
    let input = |k: u64, attestations: Vec<Value>| json!({ "hash": hash, "k": k, "registry": registry, "attestations": attestations });
    let mut cases = Vec::new();
    let sequences: Vec<(&str, &str, u64, Vec<Value>, &str)> = vec![
        (
            "k-minus-one",
            "k = 3, two distinct witnesses: refused",
            3,
            vec![a(1), a(2)],
            "SIGIL_QUORUM_NOT_MET",
        ),
        (
            "k-reached",
            "k = 3, three distinct witnesses: committed at the third",
            3,
            vec![a(1), a(2), a(3)],
            "committed",
        ),
        (
            "all-four",
            "k = 3, four witnesses: committed at the third, the fourth still counted",
            3,
            vec![a(4), a(3), a(2), a(1)],
            "committed",
        ),
        (
            "duplicate",
            "k = 3, one witness twice and another: the duplicate counts once",
            3,
            vec![a(1), a(1), a(2)],
            "SIGIL_QUORUM_NOT_MET",
        ),
        (
            "duplicate-then-k",
            "a duplicate, then the third distinct witness commits",
            3,
            vec![a(2), a(2), a(1), a(3)],
            "committed",
        ),
        (
            "unregistered",
            "a witness outside the registry is refused and not counted",
            3,
            vec![a(1), a(5), a(2)],
            "SIGIL_QUORUM_NOT_MET",
        ),
        (
            "tampered",
            "a tampered signature is refused",
            3,
            vec![a(1), tampered(a(2)), a(3)],
            "SIGIL_QUORUM_NOT_MET",
        ),
        (
            "tampered-then-valid",
            "a tampered signature, then the same witness's valid one",
            2,
            vec![tampered(a(1)), a(1), a(2)],
            "committed",
        ),
        (
            "other-hash",
            "a signature over another proposal's hash",
            2,
            vec![a(1), attestation(&other_hash, 2, "sigil/attest/v1")],
            "SIGIL_QUORUM_NOT_MET",
        ),
        (
            "record-label",
            "a signature under the record label instead of the attest label",
            2,
            vec![a(1), attestation(&hash, 2, "sigil/record/v1")],
            "SIGIL_QUORUM_NOT_MET",
        ),
        (
            "sig-not-hex",
            "a signature that is not hex",
            1,
            vec![json!({ "pub_key": registry[0], "sig": "zz" })],
            "SIGIL_QUORUM_NOT_MET",
        ),
        (
            "key-uppercase",
            "a registered key written in uppercase is not registered",
            1,
            vec![json!({ "pub_key": registry[0].to_uppercase(), "sig": a(1)["sig"] })],
            "SIGIL_QUORUM_NOT_MET",
        ),
        (
            "k-one",
            "k = 1: the first valid attestation commits",
            1,
            vec![a(3)],
            "committed",
        ),
        (
            "k-above-registry",
            "k = 5 with four registered witnesses never commits",
            5,
            vec![a(1), a(2), a(3), a(4)],
            "SIGIL_QUORUM_NOT_MET",
        ),
        ("empty", "no attestation", 1, vec![], "SIGIL_QUORUM_NOT_MET"),
    ];
    for (id, description, k, attestations, commit) in sequences {
        let case_input = input(k, attestations);
        let property = call(op, &case_input).and_then(|out| {
            if out["commit"] == json!(commit) {
                Ok(())
            } else {
                Err(format!("commit must be {commit}: {out}"))
            }
        });
        cases.push(checked(
            Case::computed(
                format!("sequence-{id}"),
                &["SIGIL-042"],
                description,
                op,
                case_input,
            ),
            property,
        ));
    }
    for (id, description, mut case_input) in [
        ("k-zero", "k = 0", input(0, vec![a(1)])),
        (
            "hash-short",
            "a hash that is not 64 hex digits",
            input(1, vec![a(1)]),
        ),
        (
            "attestation-no-sig",
            "an attestation without sig",
            input(1, vec![json!({ "pub_key": registry[0] })]),
        ),
    ] {
        if id == "hash-short" {
            case_input["hash"] = json!("abcd");
        }
        cases.push(Case::error(
            format!("invalid-{id}"),
            &["SIGIL-042"],
            description,
            op,
            case_input,
            "PROTO_CASE_INVALID",
        ));
    }
    Suite {
        name: "sigil/quorum",
        source: "spec/sigil.md",
        notes: vec![],
        cases,
    }
}

const KEY: &str = "quorate/sigil/rotation-key/";

fn key_label(i: usize) -> String {
    format!("{KEY}{i}")
}

fn user_body(id: &str, ts: u64) -> Value {
    json!({
        "kind": "note", "schema_version": 1, "id": id, "tenant": "acme", "ts": ts,
        "space": "user", "payload": { "n": ts }, "links": [], "prev": null,
    })
}

fn rotated_body(id: &str, previous: usize, next: usize, ts: u64) -> Value {
    json!({
        "kind": "sigil.key.rotated", "schema_version": 1, "id": id, "tenant": "system", "ts": ts,
        "space": "system", "payload": { "previous": pub_key(&key_label(previous)), "next": pub_key(&key_label(next)) },
        "links": [], "prev": null,
    })
}

pub(crate) fn keys() -> Suite {
    let op = "sigil.key_history";
    let labels: Vec<String> = (0..3).map(key_label).collect();
    // A history: records by key 0, the rotation 0 -> 1 signed by key 0, records by key 1, the
    // rotation 1 -> 2 signed by key 1, a record by key 2.
    let history = json!([
        { "body": user_body("rec_1", 1000), "key": 0 },
        { "body": rotated_body("sys_r1", 0, 1, 2000), "key": 0 },
        { "body": user_body("rec_2", 3000), "key": 1 },
        { "body": rotated_body("sys_r2", 1, 2, 4000), "key": 1 },
        { "body": user_body("rec_3", 5000), "key": 2 },
    ]);
    let mut cases = Vec::new();
    for (known, expect) in [
        (3u64, ["verified"; 5]),
        (
            2,
            [
                "verified",
                "verified",
                "verified",
                "verified",
                "SIGIL_KEY_UNKNOWN",
            ],
        ),
        (
            1,
            [
                "verified",
                "verified",
                "SIGIL_KEY_UNKNOWN",
                "SIGIL_KEY_UNKNOWN",
                "SIGIL_KEY_UNKNOWN",
            ],
        ),
    ] {
        let input = json!({ "seed_labels": labels, "records": history, "known": known });
        let property = call(op, &input).and_then(|out| {
            let results: Vec<Value> = out["records"]
                .as_array()
                .map(|r| r.iter().map(|r| r["result"].clone()).collect())
                .unwrap_or_default();
            if results == expect.iter().map(|e| json!(e)).collect::<Vec<_>>() {
                Ok(())
            } else {
                Err(format!("results must be {expect:?}: {out}"))
            }
        });
        cases.push(checked(
            Case::computed(
                format!("rotation-history-known-{known}"),
                &["SIGIL-051", "SIGIL-052", "SIGIL-022"],
                format!("two rotations; a verifier knowing the first {known} keys: old records verify against the key that signed them, records by keys it does not know are SIGIL_KEY_UNKNOWN"),
                op,
                input,
            ),
            property,
        ));
    }
    cases.push(Case::computed(
        "single-key",
        &["SIGIL-051"],
        "one key, current from the start",
        op,
        json!({ "seed_labels": [labels[0]], "records": [{ "body": user_body("rec_9", 9), "key": 0 }], "known": 1 }),
    ));
    cases.push(Case::error(
        "record-shape",
        &["SIGIL-020"],
        "a record body that is not a body",
        op,
        json!({ "seed_labels": labels, "records": [{ "body": { "kind": "note" }, "key": 0 }], "known": 3 }),
        "SIGIL_RECORD_SHAPE",
    ));
    for (id, description, input) in [
        (
            "known-zero",
            "a verifier with no key",
            json!({ "seed_labels": labels, "records": [], "known": 0 }),
        ),
        (
            "known-above",
            "a verifier with more keys than exist",
            json!({ "seed_labels": labels, "records": [], "known": 4 }),
        ),
        (
            "key-index",
            "a record signed by a key that does not exist",
            json!({ "seed_labels": labels, "records": [{ "body": user_body("rec_1", 1), "key": 3 }], "known": 3 }),
        ),
    ] {
        cases.push(Case::error(
            format!("invalid-{id}"),
            &["SIGIL-051"],
            description,
            op,
            input,
            "PROTO_CASE_INVALID",
        ));
    }
    Suite {
        name: "sigil/keys",
        source: "spec/sigil.md",
        notes: vec![],
        cases,
    }
}

pub(crate) fn loa_gate() -> Suite {
    let op = "sigil.loa_gate";
    let levels = ["Guest", "User", "Operator", "Admin"];
    let mut cases = Vec::new();
    for (i, caller) in levels.iter().enumerate() {
        for (j, min) in levels.iter().enumerate() {
            cases.push(Case::known(
                format!("{}-vs-{}", caller.to_lowercase(), min.to_lowercase()),
                &["SIGIL-060"],
                format!("caller {caller}, module minimum {min}"),
                op,
                json!({ "loa": caller, "min_loa": min }),
                json!({ "allowed": i >= j }),
            ));
        }
    }
    for min in levels {
        for (id, caller) in [
            ("none", Value::Null),
            ("lowercase", json!("admin")),
            ("unknown", json!("Root")),
            ("empty", json!("")),
        ] {
            cases.push(Case::known(
                format!("{id}-vs-{}", min.to_lowercase()),
                &["SIGIL-060"],
                format!("caller level {caller} counts as none: below {min}"),
                op,
                json!({ "loa": caller, "min_loa": min }),
                json!({ "allowed": false }),
            ));
        }
    }
    cases.push(Case::error(
        "min-loa-invalid",
        &["SIGIL-060"],
        "a module minimum that is not a level",
        op,
        json!({ "loa": "Admin", "min_loa": "root" }),
        "PROTO_CASE_INVALID",
    ));
    Suite {
        name: "sigil/loa-gate",
        source: "spec/sigil.md",
        notes: vec![],
        cases,
    }
}
