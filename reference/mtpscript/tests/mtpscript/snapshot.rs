//! MTP-080..MTP-083: snapshots verify only when untouched, under the right key, for this engine
//! and cost table; a verified snapshot runs like its source.

use canon::cbor::Value;
use mtpscript::{GasLimit, Runtime, RuntimeConfig, Snapshot, VerifiedSnapshot};

use crate::ctx;

const SOURCE: &str = "function main(i) { return [i.a * 2, Async.await(\"random\", 4)]; }";

fn key(label: &str) -> [u8; 32] {
    canon::id::sha256(label.as_bytes())
}

/// Re-encodes a snapshot after `edit` changes its map; `resign` signs the result again.
fn tamper(
    bytes: &[u8],
    signing_key: Option<&[u8]>,
    edit: impl FnOnce(&mut Vec<(Value, Value)>),
) -> Vec<u8> {
    let Ok(Value::Map(mut members)) = canon::cbor::decode(bytes) else {
        panic!("not a map")
    };
    edit(&mut members);
    if let Some(k) = signing_key {
        members.retain(|(name, _)| *name != Value::Text("signature".into()));
        let message = canon::cbor::encode(&Value::Map(members.clone())).unwrap_or_default();
        let sig = canon::ecdsa::sign(k, &message).unwrap_or_else(|e| panic!("{e}"));
        members.push((Value::Text("signature".into()), Value::Bytes(sig.to_vec())));
    }
    canon::cbor::encode(&Value::Map(members)).unwrap_or_default()
}

fn member<'a>(members: &'a mut [(Value, Value)], name: &str) -> &'a mut Value {
    members
        .iter_mut()
        .find(|(k, _)| *k == Value::Text(name.into()))
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("{name}"))
}

fn set_manifest(members: &mut [(Value, Value)], field: &str, value: Value) {
    let Value::Map(m) = member(members, "manifest") else {
        panic!("manifest")
    };
    *member(m, field) = value;
}

#[test]
fn snapshots_verify_only_when_untouched() {
    let sk = key("mtpscript-test-signing-key");
    let pk = canon::ecdsa::public_key(&sk).unwrap_or_else(|e| panic!("{e}"));
    let program = mtpscript::compile(SOURCE).unwrap_or_else(|e| panic!("{e}"));
    let msqs = Snapshot::build(&program, &sk).unwrap_or_else(|e| panic!("{e}"));
    // Deterministic: bytecode, CBOR and RFC 6979 signatures.
    assert_eq!(Snapshot::build(&program, &sk).ok(), Some(msqs.clone()));
    let snap = Snapshot::verify(&msqs, &pk).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(snap.content_hash(), mtpscript::content_hash(SOURCE));
    assert_eq!(snap.source_hash(), canon::id::sha256(SOURCE.as_bytes()));
    // The verified snapshot runs exactly like the source (same seed: the content hash).
    let rt = Runtime::new(RuntimeConfig::default()).unwrap_or_else(|e| panic!("{e}"));
    let gas = GasLimit::default();
    let from_snapshot = rt.run(&snap, b"{\"a\":21}", &ctx("s"), gas);
    let from_source = mtpscript::run_source(SOURCE, b"{\"a\":21}", &ctx("s"), gas)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(from_snapshot.body, from_source.body);
    assert!(from_snapshot.body_str().starts_with("[42,\""));
    let unsigned = VerifiedSnapshot::unsigned(&program).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(unsigned.content_hash(), snap.content_hash());

    let other_pk = canon::ecdsa::public_key(&key("another key")).unwrap_or_else(|e| panic!("{e}"));
    let flip_bytecode = tamper(&msqs, None, |m| {
        if let Value::Bytes(b) = member(m, "bytecode") {
            let mid = b.len() / 2;
            b[mid] ^= 1;
        }
    });
    let flip_manifest = tamper(&msqs, None, |m| {
        set_manifest(m, "contentHash", Value::Bytes(vec![0; 32]))
    });
    let other_engine = tamper(&msqs, Some(&sk), |m| {
        set_manifest(m, "engine", Value::Text("other engine".into()))
    });
    let other_version = tamper(&msqs, Some(&sk), |m| {
        set_manifest(m, "bytecodeVersion", Value::Int(1))
    });
    let other_costs = tamper(&msqs, Some(&sk), |m| {
        set_manifest(m, "costTable", Value::Bytes(vec![7; 32]))
    });
    let bad_format = tamper(&msqs, Some(&sk), |m| {
        *member(m, "format") = Value::Text("mtpscript.msqs/2".into())
    });
    let extra = tamper(&msqs, Some(&sk), |m| {
        m.push((Value::Text("extra".into()), Value::Null))
    });
    let short_hash = tamper(&msqs, Some(&sk), |m| {
        set_manifest(m, "source", Value::Bytes(vec![1; 31]))
    });
    let cases: Vec<(&str, Vec<u8>, &[u8], &str)> = vec![
        (
            "tampered bytecode",
            flip_bytecode,
            &pk,
            "MTP_SNAPSHOT_SIGNATURE_INVALID",
        ),
        (
            "tampered manifest",
            flip_manifest,
            &pk,
            "MTP_SNAPSHOT_SIGNATURE_INVALID",
        ),
        (
            "wrong key",
            msqs.clone(),
            &other_pk,
            "MTP_SNAPSHOT_SIGNATURE_INVALID",
        ),
        (
            "garbage key",
            msqs.clone(),
            b"\x04not a key",
            "MTP_SNAPSHOT_SIGNATURE_INVALID",
        ),
        (
            "other engine",
            other_engine,
            &pk,
            "MTP_SNAPSHOT_ENGINE_MISMATCH",
        ),
        (
            "other bytecode version",
            other_version,
            &pk,
            "MTP_SNAPSHOT_ENGINE_MISMATCH",
        ),
        (
            "other cost table",
            other_costs,
            &pk,
            "MTP_SNAPSHOT_COST_TABLE_MISMATCH",
        ),
        ("other format", bad_format, &pk, "MTP_SNAPSHOT_MALFORMED"),
        ("extra member", extra, &pk, "MTP_SNAPSHOT_MALFORMED"),
        ("short hash", short_hash, &pk, "MTP_SNAPSHOT_MALFORMED"),
        (
            "truncated",
            msqs[..msqs.len() - 1].to_vec(),
            &pk,
            "MTP_SNAPSHOT_MALFORMED",
        ),
        ("empty", Vec::new(), &pk, "MTP_SNAPSHOT_MALFORMED"),
    ];
    for (name, bytes, key, code) in cases {
        let got = Snapshot::verify(&bytes, key)
            .map(|_| ())
            .map_err(|e| e.code());
        assert_eq!(got, Err(code), "{name}");
    }
}
