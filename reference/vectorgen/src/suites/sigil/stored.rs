//! `sigil/chains` and `sigil/records`: FrozenChains and CanonicalRecords signed, verified, and
//! tampered with byte by byte (SIGIL-012..014, SIGIL-020..022).

use serde_json::{Value, json};
use sigil::chain::ReasoningChain;
use sigil::decide::{DecisionContext, decide};
use sigil::features::CheckRequest;
use sigil::model::TrustModel;

use super::{call, checked, flip_cases, pub_key, serde_of};
use crate::{Case, Suite};

const SERVICE: &str = "quorate/sigil/service-key/0";
const SERVICE_NEXT: &str = "quorate/sigil/service-key/1";
const WITNESSES: [&str; 4] = [
    "quorate/sigil/witness/1",
    "quorate/sigil/witness/2",
    "quorate/sigil/witness/3",
    "quorate/sigil/witness/4",
];

/// A decision's ReasoningChain JSON, made by the core's `decide`.
fn chain(action: &str, loa: &str, input: &str, window: u64, fail: bool) -> Value {
    let text = json!({ "tenant": "acme", "actor": "ann", "action": action, "target": "public:doc", "loa": loa, "input": input }).to_string();
    let Ok(request) = CheckRequest::parse(text.as_bytes()) else {
        return Value::Null;
    };
    let context = DecisionContext {
        decision_id: format!("dec_{:032x}", u128::from(window) + 0xabc),
        ts: 1_767_225_600_000 + window,
        window_count: window,
    };
    let model = TrustModel::default_model();
    let chain: ReasoningChain = if fail {
        decide(&model, &request, context, |_, _| {
            Err(sigil::Error::EvalFailed {
                reason: "injected".into(),
            })
        })
    } else {
        decide(&model, &request, context, TrustModel::score)
    };
    serde_of(&chain.to_json())
}

fn hex_of(text: &str) -> String {
    canon::hex::encode(text.as_bytes())
}

/// The canonical text of a JSON value (the generator's own canonicalizer, for tampered bytes).
fn canonical(value: &Value) -> String {
    canon::json::canonicalize(value.to_string().as_bytes())
        .map(|c| c.into_string())
        .unwrap_or_default()
}

fn text_of(hex_bytes: &Value) -> String {
    hex_bytes
        .as_str()
        .and_then(|h| canon::hex::decode(h).ok())
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}

pub(crate) fn chains() -> Suite {
    let mut cases = Vec::new();
    let keys = json!([pub_key(SERVICE)]);
    let chains = [
        ("allow", chain("read", "Operator", "hello", 0, false)),
        ("deny", chain("delete", "Guest", "rm -rf /", 12, false)),
        ("error", chain("read", "User", "x", 3, true)),
    ];
    let mut frozen_allow = Value::Null;
    for (id, c) in &chains {
        let input = json!({ "chain": c, "seed_label": SERVICE });
        let frozen = call("sigil.chain_freeze", &input);
        let property = frozen.clone().and_then(|f| {
            let verify = json!({ "bytes": f["bytes"], "keys": keys });
            match call("sigil.chain_verify", &verify)? {
                Value::Bool(true) => Ok(()),
                other => Err(format!("the frozen chain does not verify: {other}")),
            }
        });
        if *id == "allow" {
            frozen_allow = frozen.clone().unwrap_or(Value::Null);
        }
        cases.push(checked(
            Case::computed(
                format!("freeze-{id}"),
                &["SIGIL-013", "SIGIL-012"],
                format!("freeze the {id} decision's chain; it verifies"),
                "sigil.chain_freeze",
                input,
            ),
            property,
        ));
        if let Ok(f) = frozen {
            cases.push(Case::known(
                format!("verify-{id}"),
                &["SIGIL-014"],
                format!("the frozen {id} chain verifies"),
                "sigil.chain_verify",
                json!({ "bytes": f["bytes"], "keys": keys }),
                json!(true),
            ));
        }
    }
    let mut bad_chain = chains[0].1.clone();
    bad_chain["chain_version"] = json!(2);
    cases.push(Case::error(
        "freeze-shape",
        &["SIGIL-012"],
        "a chain with chain_version 2 is not a ReasoningChain",
        "sigil.chain_freeze",
        json!({ "chain": bad_chain, "seed_label": SERVICE }),
        "SIGIL_CHAIN_SHAPE",
    ));
    let bytes = frozen_allow["bytes"].clone();
    let text = text_of(&bytes);
    let parsed: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let verify = |id: &str, description: &str, hex: String, keys: Value, code: &'static str| {
        Case::error(
            format!("verify-{id}"),
            &["SIGIL-014"],
            description,
            "sigil.chain_verify",
            json!({ "bytes": hex, "keys": keys }),
            code,
        )
    };
    cases.push(Case::known(
        "verify-old-key-in-history",
        &["SIGIL-014", "SIGIL-051"],
        "a chain signed by the first key verifies against a history of two keys",
        "sigil.chain_verify",
        json!({ "bytes": bytes, "keys": [pub_key(SERVICE), pub_key(SERVICE_NEXT)] }),
        json!(true),
    ));
    cases.push(verify(
        "key-unknown",
        "the signer is not in the verifier's history",
        bytes.as_str().unwrap_or_default().to_owned(),
        json!([pub_key(SERVICE_NEXT)]),
        "SIGIL_KEY_UNKNOWN",
    ));
    cases.push(verify(
        "not-json",
        "stored bytes that are not JSON",
        hex_of("{\"chain\""),
        keys.clone(),
        "CANON_JSON_SYNTAX",
    ));
    cases.push(verify(
        "noncanonical-space",
        "a leading space",
        hex_of(&format!(" {text}")),
        keys.clone(),
        "SIGIL_CHAIN_NONCANONICAL",
    ));
    cases.push(verify(
        "noncanonical-order",
        "members out of RFC 8785 order",
        hex_of(&format!(
            "{{\"signature\":{},\"chain\":{},\"chain_sha256\":{},\"public_key\":{}}}",
            parsed["signature"],
            canonical(&parsed["chain"]),
            parsed["chain_sha256"],
            parsed["public_key"]
        )),
        keys.clone(),
        "SIGIL_CHAIN_NONCANONICAL",
    ));
    let mutate = |f: &dyn Fn(&mut Value)| {
        let mut v = parsed.clone();
        f(&mut v);
        hex_of(&canonical(&v))
    };
    for (id, description, hex) in [
        (
            "shape-extra",
            "an extra member",
            mutate(&|v| v["extra"] = json!(1)),
        ),
        (
            "shape-chain-member-missing",
            "the chain lacks `reason`",
            mutate(&|v| {
                if let Some(m) = v["chain"].as_object_mut() {
                    m.remove("reason");
                }
            }),
        ),
        (
            "shape-feature-string",
            "a feature that is a string",
            mutate(&|v| v["chain"]["features"][0] = json!("1")),
        ),
        (
            "shape-uppercase-key",
            "public_key in uppercase hex",
            mutate(&|v| {
                v["public_key"] = json!(v["public_key"].as_str().unwrap_or_default().to_uppercase())
            }),
        ),
        (
            "shape-loa",
            "a request loa that is not a level",
            mutate(&|v| v["chain"]["request"]["loa"] = json!("Root")),
        ),
    ] {
        cases.push(verify(
            id,
            description,
            hex,
            keys.clone(),
            "SIGIL_CHAIN_SHAPE",
        ));
    }
    cases.push(verify(
        "hash-mismatch",
        "the chain's ts changed, chain_sha256 kept",
        mutate(&|v| v["chain"]["ts"] = json!(1)),
        keys.clone(),
        "SIGIL_CHAIN_HASH",
    ));
    cases.push(verify(
        "hash-and-signature-of-another-chain",
        "allowed turned to false with its new hash, the old signature kept",
        {
            let mut v = parsed.clone();
            v["chain"]["allowed"] = json!(false);
            let chain_text = canonical(&v["chain"]);
            let digest = canon::hex::encode(&canon::id::sha256(chain_text.as_bytes()));
            v["chain_sha256"] = json!(digest);
            hex_of(&canonical(&v))
        },
        keys.clone(),
        "SIGIL_CHAIN_SIG",
    ));
    if !text.is_empty() {
        let len = text.len();
        cases.extend(flip_cases(
            "allow",
            &["SIGIL-014"],
            "the frozen allow chain",
            "sigil.chain_verify",
            &json!({ "bytes": bytes, "keys": keys }),
            len,
        ));
        let keys_history = keys.clone();
        let property = super::every_flip_fails(text.as_bytes(), |tampered| {
            call(
                "sigil.chain_verify",
                &json!({ "bytes": canon::hex::encode(tampered), "keys": keys_history }),
            )
            .is_ok()
        });
        if let (Err(message), Some(last)) = (property, cases.last_mut()) {
            last.intent = crate::Intent::Known(json!({ "property_failed": message }));
        }
    }
    Suite {
        name: "sigil/chains",
        source: "spec/sigil.md",
        notes: vec![],
        cases,
    }
}

fn body(space: &str, kind: &str, id: &str, payload: Value) -> Value {
    json!({
        "kind": kind, "schema_version": 1, "id": id,
        "tenant": if space == "system" { "system" } else { "acme" },
        "ts": 1_767_225_600_000u64, "space": space, "payload": payload,
        "links": ["rec_0"], "prev": null,
    })
}

fn registry(k: u64, labels: &[&str]) -> Value {
    let mut keys: Vec<String> = labels.iter().map(|l| pub_key(l)).collect();
    keys.sort();
    json!({ "k": k, "witnesses": keys })
}

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
