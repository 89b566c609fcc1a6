//! `sigil/records`: CanonicalRecord hashes, signing with witnesses, and verification refusing
//! malformed shapes, wrong hashes and signatures, unknown witnesses, unmet quorums and every
//! tampered byte (SIGIL-020, SIGIL-021, SIGIL-022, SIGIL-041, SIGIL-042, SIGIL-051).

use serde_json::{Value, json};

use super::{SERVICE, SERVICE_NEXT, WITNESSES, body, canonical, hex_of, registry, text_of};
use crate::suites::sigil::{call, checked, flip_cases, pub_key};
use crate::{Case, Suite};

pub(crate) fn records() -> Suite {
    let mut cases = Vec::new();
    let keys = json!([pub_key(SERVICE)]);
    let user = body(
        "user",
        "note",
        "rec_1",
        json!({ "text": "héllo", "n": [1, 2.5, 1e-7, 1e21, -0.0], "nested": { "b": true, "a": null } }),
    );
    let known_text = canonical(&user);
    cases.push(Case::known(
        "hash-user",
        &["SIGIL-021"],
        "the hash is SHA-256 of the RFC 8785 body (floats, nested members, UTF-8)",
        "sigil.record_hash",
        json!({ "body": user }),
        json!({ "hash": canon::hex::encode(&canon::id::sha256(known_text.as_bytes())) }),
    ));
    let system = body(
        "system",
        "policy.note",
        "sys_1",
        json!({ "rule": "two-person" }),
    );
    cases.push(Case::computed(
        "hash-system",
        &["SIGIL-021"],
        "a system body's hash",
        "sigil.record_hash",
        json!({ "body": system }),
    ));
    cases.push(Case::error(
        "hash-shape",
        &["SIGIL-020"],
        "a body with a tenth member (hash) is not a body",
        "sigil.record_hash",
        json!({ "body": { "hash": "00", "kind": "note" } }),
        "SIGIL_RECORD_SHAPE",
    ));
    let rules = registry(2, &WITNESSES[..3]);
    let mut signed = Vec::new();
    for (id, b, witnesses) in [
        ("user", user.clone(), vec![]),
        (
            "system-two-witnesses",
            system.clone(),
            vec![WITNESSES[1], WITNESSES[0]],
        ),
        (
            "system-duplicate-witness",
            system.clone(),
            vec![WITNESSES[0], WITNESSES[0], WITNESSES[2]],
        ),
        (
            "genesis",
            body(
                "system",
                "sigil.genesis",
                "sys_0",
                json!({ "k": 2, "witnesses": rules["witnesses"], "model": null }),
            ),
            vec![],
        ),
    ] {
        let input = json!({ "body": b, "seed_label": SERVICE, "witness_labels": witnesses });
        let out = call("sigil.record_sign", &input);
        let property = out.clone().and_then(|o| {
            match call(
                "sigil.record_verify",
                &json!({ "bytes": o["bytes"], "keys": keys, "registry": rules }),
            )? {
                Value::Bool(true) => Ok(()),
                other => Err(format!("the signed record does not verify: {other}")),
            }
        });
        cases.push(checked(
            Case::computed(
                format!("sign-{id}"),
                &["SIGIL-021", "SIGIL-020"],
                format!("sign the {id} record (witnesses sorted, one per key); it verifies"),
                "sigil.record_sign",
                input,
            ),
            property,
        ));
        if let Ok(o) = out {
            cases.push(Case::known(
                format!("verify-{id}"),
                &["SIGIL-022"],
                format!("the signed {id} record verifies"),
                "sigil.record_verify",
                json!({ "bytes": o["bytes"], "keys": keys, "registry": rules }),
                json!(true),
            ));
            signed.push(o["bytes"].clone());
        }
    }
    let user_bytes = signed.first().cloned().unwrap_or(Value::Null);
    let system_bytes = signed.get(1).cloned().unwrap_or(Value::Null);
    let user_record: Value = serde_json::from_str(&text_of(&user_bytes)).unwrap_or(Value::Null);
    let system_record: Value = serde_json::from_str(&text_of(&system_bytes)).unwrap_or(Value::Null);
    let verify =
        |id: &str, reqs: &[&'static str], description: &str, input: Value, code: &'static str| {
            Case::error(
                format!("verify-{id}"),
                reqs,
                description,
                "sigil.record_verify",
                input,
                code,
            )
        };
    let shaped = |record: &Value, f: &dyn Fn(&mut Value)| {
        let mut v = record.clone();
        f(&mut v);
        json!({ "bytes": hex_of(&canonical(&v)), "keys": keys, "registry": rules })
    };
    type Mutation = Box<dyn Fn(&mut Value)>;
    let shape_cases: Vec<(&str, &str, bool, Mutation)> = vec![
        (
            "kind-uppercase",
            "kind `Note`",
            false,
            Box::new(|v| v["kind"] = json!("Note")),
        ),
        (
            "kind-65",
            "a 65-character kind",
            false,
            Box::new(|v| v["kind"] = json!("k".repeat(65))),
        ),
        (
            "kind-leading-dot",
            "kind `.note`",
            false,
            Box::new(|v| v["kind"] = json!(".note")),
        ),
        (
            "schema-version-2",
            "schema_version 2",
            false,
            Box::new(|v| v["schema_version"] = json!(2)),
        ),
        (
            "id-empty",
            "an empty id",
            false,
            Box::new(|v| v["id"] = json!("")),
        ),
        (
            "id-space",
            "an id with a space",
            false,
            Box::new(|v| v["id"] = json!("rec 1")),
        ),
        (
            "id-129",
            "a 129-character id",
            false,
            Box::new(|v| v["id"] = json!("r".repeat(129))),
        ),
        (
            "tenant-system-in-user",
            "tenant `system` in user space",
            false,
            Box::new(|v| v["tenant"] = json!("system")),
        ),
        (
            "tenant-other-in-system",
            "tenant `acme` in system space",
            true,
            Box::new(|v| v["tenant"] = json!("acme")),
        ),
        (
            "tenant-at-sign-ok-but-slash",
            "tenant `a/b`",
            false,
            Box::new(|v| v["tenant"] = json!("a/b")),
        ),
        (
            "ts-fraction",
            "ts 1.5",
            false,
            Box::new(|v| v["ts"] = json!(1.5)),
        ),
        (
            "ts-negative",
            "ts -1",
            false,
            Box::new(|v| v["ts"] = json!(-1)),
        ),
        (
            "ts-2-pow-53",
            "ts 2^53",
            false,
            Box::new(|v| v["ts"] = json!(9_007_199_254_740_992u64)),
        ),
        (
            "space-global",
            "space `global`",
            false,
            Box::new(|v| v["space"] = json!("global")),
        ),
        (
            "links-duplicate",
            "a link listed twice",
            false,
            Box::new(|v| v["links"] = json!(["a", "a"])),
        ),
        (
            "links-65",
            "65 links",
            false,
            Box::new(|v| v["links"] = json!((0..65).map(|i| format!("r{i}")).collect::<Vec<_>>())),
        ),
        (
            "link-not-id",
            "a link that is not an id",
            false,
            Box::new(|v| v["links"] = json!(["a b"])),
        ),
        (
            "prev-short",
            "prev `00`",
            false,
            Box::new(|v| v["prev"] = json!("00")),
        ),
        (
            "prev-uppercase",
            "prev in uppercase hex",
            false,
            Box::new(|v| v["prev"] = json!("AB".repeat(32))),
        ),
        (
            "hash-uppercase",
            "hash in uppercase hex",
            false,
            Box::new(|v| v["hash"] = json!(v["hash"].as_str().unwrap_or_default().to_uppercase())),
        ),
        (
            "sig-short",
            "a 2-digit sig",
            false,
            Box::new(|v| v["sig"] = json!("00")),
        ),
        (
            "pub-key-null",
            "pub_key null",
            false,
            Box::new(|v| v["pub_key"] = Value::Null),
        ),
        (
            "witnesses-in-user-space",
            "a user record with a witness",
            false,
            Box::new(|v| {
                v["witnesses"] = json!([{ "pub_key": "00".repeat(32), "sig": "00".repeat(64) }])
            }),
        ),
        (
            "witnesses-unsorted",
            "witnesses in descending key order",
            true,
            Box::new(|v| {
                if let Some(w) = v["witnesses"].as_array_mut() {
                    w.reverse();
                }
            }),
        ),
        (
            "witness-extra-member",
            "a witness with an extra member",
            true,
            Box::new(|v| v["witnesses"][0]["at"] = json!(1)),
        ),
        (
            "extra-member",
            "a fourteenth member",
            false,
            Box::new(|v| v["extra"] = Value::Null),
        ),
        (
            "missing-member",
            "no witnesses member",
            false,
            Box::new(|v| {
                if let Some(m) = v.as_object_mut() {
                    m.remove("witnesses");
                }
            }),
        ),
    ];
    for (id, description, on_system, mutation) in &shape_cases {
        let record = if *on_system {
            &system_record
        } else {
            &user_record
        };
        cases.push(verify(
            &format!("shape-{id}"),
            &["SIGIL-020", "SIGIL-022"],
            description,
            shaped(record, mutation.as_ref()),
            "SIGIL_RECORD_SHAPE",
        ));
    }
    let user_text = text_of(&user_bytes);
    cases.push(verify(
        "not-utf8",
        &["SIGIL-022"],
        "stored bytes that are not UTF-8",
        json!({ "bytes": format!("ff{}", hex_of(&user_text)), "keys": keys }),
        "CANON_UTF8_INVALID",
    ));
    cases.push(verify(
        "noncanonical",
        &["SIGIL-022"],
        "a trailing space",
        json!({ "bytes": hex_of(&format!("{user_text} ")), "keys": keys }),
        "SIGIL_RECORD_NONCANONICAL",
    ));
    cases.push(verify(
        "hash-mismatch",
        &["SIGIL-022", "SIGIL-021"],
        "the payload changed, the hash kept",
        shaped(&user_record, &|v| v["payload"]["text"] = json!("hello")),
        "SIGIL_RECORD_HASH",
    ));
    cases.push(verify(
        "key-unknown",
        &["SIGIL-022", "SIGIL-051"],
        "the signer is not in the verifier's history",
        json!({ "bytes": user_bytes, "keys": [pub_key(SERVICE_NEXT)] }),
        "SIGIL_KEY_UNKNOWN",
    ));
    cases.push(verify(
        "sig-other-record",
        &["SIGIL-022", "SIGIL-021"],
        "the user record with the system record's signature",
        shaped(&user_record, &|v| v["sig"] = system_record["sig"].clone()),
        "SIGIL_RECORD_SIG",
    ));
    cases.push(verify(
        "sig-by-witness-label",
        &["SIGIL-022", "SIGIL-021"],
        "a witness's attestation used as the service signature (another label)",
        shaped(&system_record, &|v| {
            v["pub_key"] = v["witnesses"][0]["pub_key"].clone();
            v["sig"] = v["witnesses"][0]["sig"].clone();
        }),
        "SIGIL_RECORD_SIG",
    ));
    // Verify the system record with the service key and the witnesses' keys in its history, so
    // that the witness-as-service case reaches the signature check.
    if let Some(last) = cases.last_mut() {
        let witness = system_record["witnesses"][0]["pub_key"].clone();
        last.input["keys"] = json!([pub_key(SERVICE), witness]);
    }
    cases.push(verify(
        "witness-unknown",
        &["SIGIL-022", "SIGIL-041"],
        "a witness that the registry in force does not list",
        json!({ "bytes": system_bytes, "keys": keys, "registry": registry(1, &WITNESSES[1..2]) }),
        "SIGIL_WITNESS_UNKNOWN",
    ));
    cases.push(verify(
        "witness-sig",
        &["SIGIL-022", "SIGIL-042"],
        "a witness signature replaced by another witness's",
        shaped(&system_record, &|v| {
            v["witnesses"][1]["sig"] = v["witnesses"][0]["sig"].clone()
        }),
        "SIGIL_WITNESS_SIG",
    ));
    cases.push(verify(
        "quorum-not-met",
        &["SIGIL-022", "SIGIL-042"],
        "two witnesses where the registry needs three",
        json!({ "bytes": system_bytes, "keys": keys, "registry": registry(3, &WITNESSES[..3]) }),
        "SIGIL_QUORUM_NOT_MET",
    ));
    cases.push(verify(
        "quorum-no-registry",
        &["SIGIL-022"],
        "a system record that needs a quorum verified without a registry",
        json!({ "bytes": system_bytes, "keys": keys }),
        "SIGIL_QUORUM_NOT_MET",
    ));
    cases.push(verify(
        "witness-removed",
        &["SIGIL-022", "SIGIL-041"],
        "a witness key removed from the registry in force before the record",
        json!({ "bytes": system_bytes, "keys": keys, "registry": registry(1, &[WITNESSES[0], WITNESSES[2]]) }),
        "SIGIL_WITNESS_UNKNOWN",
    ));
    cases.push(Case::error(
        "sign-shape",
        &["SIGIL-020"],
        "a body in system space whose tenant is not `system`",
        "sigil.record_sign",
        json!({ "body": body("user", "note", "rec_2", Value::Null).as_object().map(|m| {
            let mut m = m.clone();
            m.insert("space".into(), json!("system"));
            Value::Object(m)
        }).unwrap_or(Value::Null), "seed_label": SERVICE, "witness_labels": [] }),
        "SIGIL_RECORD_SHAPE",
    ));
    for (id, what, bytes, record) in [
        ("user", "the signed user record", &user_bytes, &user_text),
        (
            "system",
            "the signed system record",
            &system_bytes,
            &text_of(&system_bytes),
        ),
    ] {
        let input = json!({ "bytes": bytes, "keys": keys, "registry": rules });
        cases.extend(flip_cases(
            id,
            &["SIGIL-022"],
            what,
            "sigil.record_verify",
            &input,
            record.len(),
        ));
        let property = super::every_flip_fails(record.as_bytes(), |tampered| {
            let mut tampered_input = input.clone();
            tampered_input["bytes"] = json!(canon::hex::encode(tampered));
            call("sigil.record_verify", &tampered_input).is_ok()
        });
        if let (Err(message), Some(last)) = (property, cases.last_mut()) {
            last.intent = crate::Intent::Known(json!({ "property_failed": message }));
        }
    }
    Suite {
        name: "sigil/records",
        source: "spec/sigil.md",
        notes: vec![],
        cases,
    }
}
