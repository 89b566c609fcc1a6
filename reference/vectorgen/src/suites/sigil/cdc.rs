//! `sigil/cdc`: projections rebuilt from an outbox, their digest and gaps (SIGIL-070, SIGIL-071).

use serde_json::{Value, json};

use super::{call, checked};
use crate::{Case, Suite};

/// The envelope of the record with this body at `offset` (the hash by the reference's
/// `sigil.record_hash`, so the outbox is one a service could have written).
fn envelope(offset: u64, tenant: &str, kind: &str, prev: Option<&str>) -> Value {
    let space = if tenant == "system" { "system" } else { "user" };
    let body = json!({
        "kind": kind, "schema_version": 1, "id": format!("rec_{offset}"), "tenant": tenant,
        "ts": 1_767_225_600_000u64 + offset, "space": space, "payload": { "n": offset },
        "links": if offset > 1 { json!([format!("rec_{}", offset - 1)]) } else { json!([]) },
        "prev": prev,
    });
    let hash = call("sigil.record_hash", &json!({ "body": body }))
        .map(|out| out["hash"].clone())
        .unwrap_or(Value::Null);
    json!({
        "offset": offset, "id": body["id"], "tenant": tenant, "space": space, "kind": kind,
        "ts": body["ts"], "hash": hash, "prev": prev, "links": body["links"],
    })
}

pub(crate) fn cdc() -> Suite {
    let op = "sigil.cdc_replay";
    let e1 = envelope(1, "system", "sigil.genesis", None);
    let e2 = envelope(2, "acme", "note", None);
    let e3 = envelope(3, "acme", "note", e2["hash"].as_str());
    let e4 = envelope(4, "system", "sigil.witness.add", e1["hash"].as_str());
    let outbox = [e1.clone(), e2.clone(), e3.clone(), e4.clone()];
    let mut cases = vec![Case::known(
        "empty",
        &["SIGIL-071"],
        "an empty outbox: offset 0, the digest of []",
        op,
        json!({ "envelopes": [] }),
        json!({ "offset": 0, "digest": canon::hex::encode(&canon::id::sha256(b"[]")) }),
    )];
    for n in 1..=outbox.len() {
        let input = json!({ "envelopes": outbox[..n] });
        // The replay property: replaying the prefix gives the digest of exactly those rows.
        let rows = canon::json::canonicalize(json!(outbox[..n]).to_string().as_bytes())
            .map(|c| canon::hex::encode(&canon::id::sha256(c.as_bytes())))
            .unwrap_or_default();
        let property = call(op, &input).and_then(|out| {
            if out == json!({ "offset": n, "digest": rows }) {
                Ok(())
            } else {
                Err(format!(
                    "replay of {n} envelopes is not the digest of its rows: {out}"
                ))
            }
        });
        cases.push(checked(
            Case::computed(
                format!("replay-{n}"),
                &["SIGIL-071", "SIGIL-070"],
                format!("the first {n} envelopes of an outbox of user and system records"),
                op,
                input,
            ),
            property,
        ));
    }
    for (id, description, envelopes) in [
        (
            "gap",
            "offsets 1, 2, 4",
            vec![e1.clone(), e2.clone(), e4.clone()],
        ),
        (
            "starts-at-2",
            "an outbox read from offset 1 instead of 0",
            vec![e2.clone(), e3.clone()],
        ),
        (
            "repeated",
            "offset 2 twice",
            vec![e1.clone(), e2.clone(), e2.clone()],
        ),
        (
            "reordered",
            "offsets 2 then 1",
            vec![e2.clone(), e1.clone()],
        ),
    ] {
        cases.push(Case::error(
            format!("cdc-{id}"),
            &["SIGIL-071"],
            description,
            op,
            json!({ "envelopes": envelopes }),
            "SIGIL_CDC_GAP",
        ));
    }
    let mut with_payload = e1.clone();
    with_payload["payload"] = json!({ "n": 1 });
    let mut fraction = e1.clone();
    fraction["offset"] = json!(1.5);
    for (id, description, bad) in [
        (
            "payload",
            "an envelope that carries a payload",
            with_payload,
        ),
        ("offset-fraction", "offset 1.5", fraction),
    ] {
        cases.push(Case::error(
            format!("envelope-{id}"),
            &["SIGIL-070"],
            description,
            op,
            json!({ "envelopes": [bad] }),
            "SIGIL_RECORD_SHAPE",
        ));
    }
    cases.push(Case::error(
        "envelopes-not-array",
        &["SIGIL-071"],
        "envelopes that are an object",
        op,
        json!({ "envelopes": {} }),
        "PROTO_CASE_INVALID",
    ));
    Suite {
        name: "sigil/cdc",
        source: "spec/sigil.md",
        notes: vec![],
        cases,
    }
}
