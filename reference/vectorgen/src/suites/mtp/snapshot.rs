//! `mtp/snapshot` (MTP-080..MTP-082): `.msqs` files signed with a key drawn from the DRBG label
//! `mtp/snapshot/key`, verified untouched and refused when tampered, mis-signed or malformed.

use canon::cbor::Value as Cbor;
use canon::drbg::Drbg;
use serde_json::{Value, json};

use super::property_failed;
use crate::{Case, Suite};

const OP: &str = "mtp.snapshot_verify";
const KEY_LABEL: &str = "mtp/snapshot/key";
const OTHER_KEY_LABEL: &str = "mtp/snapshot/other-key";

/// A P-256 private key from a DRBG label (the first 32 bytes; below the group order with
/// overwhelming probability, and checked by the signer).
fn private_key(label: &str) -> Vec<u8> {
    let mut key = vec![0u8; 32];
    Drbg::new(label).fill(&mut key);
    key
}

fn public_key(private: &[u8]) -> String {
    canon::ecdsa::public_key(private)
        .map(|k| canon::hex::encode(&k))
        .unwrap_or_default()
}

fn text(s: &str) -> Cbor {
    Cbor::Text(s.to_owned())
}

/// The envelope's members as a list, for editing.
fn members(bytes: &[u8]) -> Vec<(Cbor, Cbor)> {
    match canon::cbor::decode(bytes) {
        Ok(Cbor::Map(members)) => members,
        _ => Vec::new(),
    }
}

fn get<'a>(members: &'a mut [(Cbor, Cbor)], name: &str) -> Option<&'a mut Cbor> {
    members
        .iter_mut()
        .find(|(k, _)| matches!(k, Cbor::Text(t) if t == name))
        .map(|(_, v)| v)
}

fn encode(members: Vec<(Cbor, Cbor)>) -> Vec<u8> {
    canon::cbor::encode(&Cbor::Map(members)).unwrap_or_default()
}

/// Signs the envelope again (MTP-080: the signature covers the map without `signature`).
fn resign(mut members: Vec<(Cbor, Cbor)>, key: &[u8]) -> Vec<u8> {
    members.retain(|(k, _)| !matches!(k, Cbor::Text(t) if t == "signature"));
    let message = encode(members.clone());
    let signature = canon::ecdsa::sign(key, &message)
        .map(|s| s.to_vec())
        .unwrap_or_default();
    members.push((text("signature"), Cbor::Bytes(signature)));
    encode(members)
}

/// Edits one manifest member.
fn with_manifest(bytes: &[u8], name: &str, value: Cbor) -> Vec<(Cbor, Cbor)> {
    let mut members = members(bytes);
    if let Some(Cbor::Map(manifest)) = get(&mut members, "manifest")
        && let Some(slot) = get(manifest, name)
    {
        *slot = value;
    }
    members
}

/// The bytecode version in a snapshot's manifest.
fn bytecode_version(bytes: &[u8]) -> u64 {
    let mut members = members(bytes);
    match get(&mut members, "manifest") {
        Some(Cbor::Map(manifest)) => match get(manifest, "bytecodeVersion") {
            Some(Cbor::Int(n)) => u64::try_from(*n).unwrap_or(0),
            _ => 0,
        },
        _ => 0,
    }
}

pub(crate) fn snapshot() -> Suite {
    let key = private_key(KEY_LABEL);
    let public = public_key(&key);
    let other_public = public_key(&private_key(OTHER_KEY_LABEL));
    let mut cases = Vec::new();
    let source = super::programs::WORKED_EXAMPLE;
    let built =
        mtpscript::compile(source).and_then(|program| mtpscript::Snapshot::build(&program, &key));
    let Ok(bytes) = built else {
        cases.push(property_failed(
            "snapshot-build",
            "the worked example does not build".into(),
        ));
        return suite(cases);
    };
    let version = bytecode_version(&bytes);
    let input = |snapshot: &[u8], public_key: &str| {
        json!({
            "snapshot": canon::hex::encode(snapshot),
            "public_key": public_key,
            "engine": mtpscript::ENGINE_IDENTITY,
            "bytecode_version": version,
            "key_label": KEY_LABEL,
        })
    };
    // MTP-082 and the manifest: the verified fields are the ones the spec defines.
    let expected = json!({
        "engine": mtpscript::ENGINE_IDENTITY,
        "bytecode_version": version,
        "cost_table": canon::hex::encode(&mtpscript::cost_table_hash()),
        "source": canon::hex::encode(&canon::id::sha256(source.as_bytes())),
        "content_hash": canon::hex::encode(&mtpscript::content_hash(source)),
    });
    let answer = driver::run_case(OP, &input(&bytes, &public)).unwrap_or(Value::Null);
    let mut known = expected.clone();
    known["bytecode_sha256"] = answer["bytecode_sha256"].clone();
    cases.push(Case::known(
        "valid",
        &["MTP-080", "MTP-081", "MTP-082"],
        "the worked example, built and signed: verifies; manifest as MTP-080 defines it",
        OP,
        input(&bytes, &public),
        known,
    ));
    let again = mtpscript::compile(source).and_then(|p| mtpscript::Snapshot::build(&p, &key));
    if again.as_ref().ok() != Some(&bytes) {
        cases.push(property_failed(
            "snapshot-deterministic",
            "two builds of one program differ".into(),
        ));
    }

    let mut tampered_bytecode = members(&bytes);
    if let Some(Cbor::Bytes(code)) = get(&mut tampered_bytecode, "bytecode")
        && let Some(last) = code.last_mut()
    {
        *last ^= 0x01;
    }
    #[rustfmt::skip]
    let refusals: Vec<(&str, &str, Vec<u8>, String, &'static str)> = vec![
        ("tampered-bytecode", "one bit of the bytecode flipped", encode(tampered_bytecode), public.clone(), "MTP_SNAPSHOT_SIGNATURE_INVALID"),
        ("tampered-manifest", "the manifest's source hash changed", encode(with_manifest(&bytes, "source", Cbor::Bytes(vec![0u8; 32]))), public.clone(), "MTP_SNAPSHOT_SIGNATURE_INVALID"),
        ("tampered-signature", "one bit of the signature flipped", flip_signature(&bytes), public.clone(), "MTP_SNAPSHOT_SIGNATURE_INVALID"),
        ("wrong-key", "verified under another key", bytes.clone(), other_public, "MTP_SNAPSHOT_SIGNATURE_INVALID"),
        ("key-not-a-point", "a public key that is not a P-256 point", bytes.clone(), format!("04{}", "00".repeat(64)), "MTP_SNAPSHOT_SIGNATURE_INVALID"),
        ("engine-mismatch", "validly signed for another engine", resign(with_manifest(&bytes, "engine", text("mtpscript 0.0.0; other engine")), &key), public.clone(), "MTP_SNAPSHOT_ENGINE_MISMATCH"),
        ("bytecode-version-mismatch", "validly signed for another bytecode version", resign(with_manifest(&bytes, "bytecodeVersion", Cbor::Int(i128::from(version) + 1)), &key), public.clone(), "MTP_SNAPSHOT_ENGINE_MISMATCH"),
        ("cost-table-mismatch", "validly signed against another cost table", resign(with_manifest(&bytes, "costTable", Cbor::Bytes(vec![0u8; 32])), &key), public.clone(), "MTP_SNAPSHOT_COST_TABLE_MISMATCH"),
        ("engine-unsigned", "another engine, not re-signed: the signature fails first", encode(with_manifest(&bytes, "engine", text("other"))), public.clone(), "MTP_SNAPSHOT_SIGNATURE_INVALID"),
        ("format-other", "format mtpscript.msqs/2, validly signed: malformed before the signature", resign(with_format(&bytes, "mtpscript.msqs/2"), &key), public.clone(), "MTP_SNAPSHOT_MALFORMED"),
        ("empty", "no bytes", Vec::new(), public.clone(), "MTP_SNAPSHOT_MALFORMED"),
        ("not-cbor", "bytes that are not CBOR", b"MSQS".to_vec(), public.clone(), "MTP_SNAPSHOT_MALFORMED"),
        ("truncated", "the file cut in half", bytes[..bytes.len() / 2].to_vec(), public.clone(), "MTP_SNAPSHOT_MALFORMED"),
        ("not-a-map", "a CBOR array", canon::cbor::encode(&Cbor::Array(vec![])).unwrap_or_default(), public.clone(), "MTP_SNAPSHOT_MALFORMED"),
        ("extra-member", "a fifth member", with_extra(&bytes), public.clone(), "MTP_SNAPSHOT_MALFORMED"),
        ("missing-signature", "no signature member", without(&bytes, "signature"), public.clone(), "MTP_SNAPSHOT_MALFORMED"),
        ("bytecode-not-bytes", "bytecode as a text string", encode(replaced(&bytes, "bytecode", text("code"))), public.clone(), "MTP_SNAPSHOT_MALFORMED"),
        ("hash-not-32-bytes", "a 31-byte content hash, validly signed", resign(with_manifest(&bytes, "contentHash", Cbor::Bytes(vec![0u8; 31])), &key), public.clone(), "MTP_SNAPSHOT_MALFORMED"),
        ("trailing-byte", "a byte after the map", [bytes.as_slice(), &[0]].concat(), public.clone(), "MTP_SNAPSHOT_MALFORMED"),
    ];
    for (id, description, snapshot, key_hex, code) in refusals {
        cases.push(Case::error(
            id,
            &["MTP-081"],
            format!("{description}: refused with {code}"),
            OP,
            input(&snapshot, &key_hex),
            code,
        ));
    }
    suite(cases)
}

fn flip_signature(bytes: &[u8]) -> Vec<u8> {
    let mut members = members(bytes);
    if let Some(Cbor::Bytes(signature)) = get(&mut members, "signature")
        && let Some(first) = signature.first_mut()
    {
        *first ^= 0x01;
    }
    encode(members)
}

fn with_format(bytes: &[u8], format: &str) -> Vec<(Cbor, Cbor)> {
    replaced(bytes, "format", text(format))
}

fn replaced(bytes: &[u8], name: &str, value: Cbor) -> Vec<(Cbor, Cbor)> {
    let mut members = members(bytes);
    if let Some(slot) = get(&mut members, name) {
        *slot = value;
    }
    members
}

fn with_extra(bytes: &[u8]) -> Vec<u8> {
    let mut members = members(bytes);
    members.push((text("comment"), text("hello")));
    encode(members)
}

fn without(bytes: &[u8], name: &str) -> Vec<u8> {
    let mut members = members(bytes);
    members.retain(|(k, _)| !matches!(k, Cbor::Text(t) if t == name));
    encode(members)
}

fn suite(cases: Vec<Case>) -> Suite {
    Suite {
        name: "mtp/snapshot",
        source: "spec/mtpscript.md",
        notes: Vec::new(),
        cases,
    }
}
