//! The audit chain (spec/quorumvm.md §6): chaining, verification, and every kind of tampering
//! found at the right index with the right reason.

// A test crate: helpers outside #[test] functions fail by panicking, as assertions do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use quorumvm::audit::{AuditFault, AuditLog, GENESIS, chain, verify};
use serde_json::{Value, json};

fn bodies() -> Vec<Value> {
    vec![
        json!({ "kind": "eval", "identity_id": "alice", "decision": "allow", "ts": 1_700_000_000_000_u64 }),
        json!({ "kind": "eval", "identity_id": "bob", "decision": "rate_limited", "nested": { "b": [1, 2.5, null], "a": true } }),
        json!({ "kind": "activate", "approvals": ["c1", "c3", "c4"], "note": "ünïcödé ✓" }),
        json!({}),
        json!({ "kind": "eval", "identity_id": "alice", "decision": "budget_exhausted" }),
    ]
}

/// Verifies `entries` and compares `(first_bad, reason)` with `expect` (`None` = valid).
fn check(what: &str, entries: &[Value], expect: Option<(usize, AuditFault)>) {
    let v = verify(entries);
    assert_eq!(v.count, entries.len(), "{what}");
    match expect {
        None => {
            assert!(v.valid, "{what}: {v:?}");
            assert_eq!(v.first_bad, None, "{what}");
            let head = entries
                .last()
                .map(|e| e["entry_hash"].as_str().unwrap().to_owned());
            assert_eq!(v.head, head, "{what}");
        }
        Some((index, fault)) => {
            assert!(!v.valid, "{what}");
            assert_eq!(
                (v.first_bad, v.reason),
                (Some(index), Some(fault)),
                "{what}"
            );
            assert_eq!(v.head, None, "{what}");
        }
    }
}

#[test]
fn chained_entries_carry_seq_prev_hash_and_entry_hash() {
    let entries = chain(&bodies()).unwrap();
    assert_eq!(entries.len(), 5);
    assert_eq!(entries[0]["seq"], 0);
    assert_eq!(entries[0]["prev_hash"], GENESIS);
    for i in 1..entries.len() {
        assert_eq!(entries[i]["seq"], i);
        assert_eq!(entries[i]["prev_hash"], entries[i - 1]["entry_hash"]);
    }
    // entry_hash is the SHA-256 of the canonical entry without it.
    let mut without = entries[1].as_object().unwrap().clone();
    let hash = without.remove("entry_hash").unwrap();
    let text = serde_json::to_string(&without).unwrap();
    let canonical = canon::json::canonicalize(text.as_bytes()).unwrap();
    assert_eq!(hash, canon::id::ContentId::of_json(&canonical).to_string());
    check("intact", &entries, None);
    check("empty", &[], None);
    assert_eq!(
        verify(&[]).to_json(),
        json!({ "valid": true, "count": 0, "head": null, "first_bad": null, "reason": null })
    );
}

#[test]
fn bodies_that_cannot_be_chained_are_audit_invalid() {
    for bad in [
        vec![json!(1)],
        vec![json!({ "a": 1 }), json!([1])],
        vec![json!({ "seq": 0 })],
        vec![json!({ "prev_hash": GENESIS })],
        vec![json!({ "kind": "eval", "entry_hash": "00" })],
    ] {
        let err = chain(&bad).unwrap_err();
        assert_eq!(err.code(), "QVM_AUDIT_INVALID", "{bad:?}");
    }
    match chain(&[json!({}), json!({}), json!("x")]).unwrap_err() {
        quorumvm::Error::AuditInvalid { index, .. } => assert_eq!(index, 2),
        other => panic!("{other:?}"),
    }
}

#[test]
fn tampering_is_found_at_the_right_entry() {
    let entries = chain(&bodies()).unwrap();
    use AuditFault::{Chain, Hash, Seq};

    let mut edited = entries.clone();
    edited[2]["note"] = json!("edited");
    check("edit", &edited, Some((2, Hash)));

    // Edited and re-hashed: the entry verifies, the next one's link breaks.
    let mut rehashed = edited.clone();
    let mut without = rehashed[2].as_object().unwrap().clone();
    without.remove("entry_hash");
    let text = serde_json::to_string(&without).unwrap();
    let canonical = canon::json::canonicalize(text.as_bytes()).unwrap();
    rehashed[2]["entry_hash"] = json!(canon::id::ContentId::of_json(&canonical).to_string());
    check("edit and rehash", &rehashed, Some((3, Chain)));

    let mut deleted = entries.clone();
    deleted.remove(1);
    check("delete", &deleted, Some((1, Seq)));

    let mut inserted = entries.clone();
    inserted.insert(2, entries[1].clone());
    check("insert a copy", &inserted, Some((2, Seq)));

    let mut reordered = entries.clone();
    reordered.swap(1, 3);
    check("reorder", &reordered, Some((1, Seq)));

    // Truncating the tail is only detected against a known head.
    check("truncated", &entries[..3], None);

    let mut first_prev = entries.clone();
    first_prev[0]["prev_hash"] = json!("11".repeat(32));
    check("first prev_hash", &first_prev, Some((0, Chain)));

    let mut changed_prev = entries.clone();
    changed_prev[4]["prev_hash"] = json!(GENESIS);
    check("prev_hash rewritten", &changed_prev, Some((4, Chain)));

    let mut hash_edit = entries.clone();
    hash_edit[4]["entry_hash"] = json!("00".repeat(32));
    check("entry_hash rewritten", &hash_edit, Some((4, Hash)));

    let mut upper = entries.clone();
    upper[4]["entry_hash"] = json!(entries[4]["entry_hash"].as_str().unwrap().to_uppercase());
    check("uppercase hash", &upper, Some((4, Hash)));
}

#[test]
fn malformed_entries_are_named() {
    use AuditFault::{Hash, Malformed, Seq};
    let entries = chain(&bodies()).unwrap();
    let with = |i: usize, f: &dyn Fn(&mut Value)| {
        let mut e = entries.clone();
        f(&mut e[i]);
        e
    };
    check(
        "seq string",
        &with(0, &|e| e["seq"] = json!("0")),
        Some((0, Malformed)),
    );
    check(
        "seq negative",
        &with(1, &|e| e["seq"] = json!(-1)),
        Some((1, Malformed)),
    );
    check(
        "seq fraction",
        &with(1, &|e| e["seq"] = json!(1.5)),
        Some((1, Malformed)),
    );
    check(
        "seq null",
        &with(1, &|e| e["seq"] = Value::Null),
        Some((1, Malformed)),
    );
    check(
        "no seq",
        &with(3, &|e| drop(e.as_object_mut().unwrap().remove("seq"))),
        Some((3, Malformed)),
    );
    check(
        "prev not string",
        &with(2, &|e| e["prev_hash"] = json!(0)),
        Some((2, Malformed)),
    );
    check(
        "no entry_hash",
        &with(2, &|e| {
            drop(e.as_object_mut().unwrap().remove("entry_hash"))
        }),
        Some((2, Malformed)),
    );
    check(
        "not an object",
        &with(1, &|e| *e = json!([1])),
        Some((1, Malformed)),
    );
    // Shape is checked before seq: a wrong seq with a missing entry_hash is malformed.
    check(
        "shape first",
        &with(1, &|e| {
            e["seq"] = json!(7);
            drop(e.as_object_mut().unwrap().remove("entry_hash"));
        }),
        Some((1, Malformed)),
    );
    // seq is checked before prev_hash and entry_hash.
    check(
        "seq first",
        &with(1, &|e| {
            e["seq"] = json!(7);
            e["prev_hash"] = json!("x");
        }),
        Some((1, Seq)),
    );
    // 1.0 is the number 1: same canonical form, accepted.
    check("seq 1.0", &with(1, &|e| e["seq"] = json!(1.0)), None);
    // An extra member is part of the hashed entry.
    check(
        "extra member",
        &with(1, &|e| e["extra"] = json!(1)),
        Some((1, Hash)),
    );
}

#[test]
fn a_log_resumes_after_verified_entries() {
    let entries = chain(&bodies()).unwrap();
    let mut log = AuditLog::resume(&entries[..3]).unwrap();
    assert_eq!(log.next_seq(), 3);
    let rest: Vec<Value> = bodies()[3..]
        .iter()
        .map(|b| log.append(b).unwrap())
        .collect();
    assert_eq!(rest, entries[3..].to_vec());
    assert_eq!(log.head(), entries[4]["entry_hash"].as_str().unwrap());
    let mut bad = entries.clone();
    bad[1]["seq"] = json!(5);
    let err = AuditLog::resume(&bad).unwrap_err();
    assert_eq!(err.code(), "QVM_AUDIT_SEQ");
    assert_eq!(AuditLog::new().head(), GENESIS);
}

/// A tampering of an intact chain and where verification must stop.
#[derive(Debug, Clone)]
enum Tamper {
    Edit(usize),
    Delete(usize),
    Insert(usize, usize),
    Swap(usize, usize),
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn any_tampering_is_found_at_the_first_changed_entry(
        values in prop::collection::vec(any::<u32>(), 2..10),
        op in 0u8..4, i in any::<usize>(), j in any::<usize>(),
    ) {
        let bodies: Vec<Value> = values.iter().map(|v| json!({ "v": v })).collect();
        let entries = chain(&bodies).unwrap();
        let n = entries.len();
        let (i, j) = (i % n, j % n);
        let tamper = match op {
            0 => Tamper::Edit(i),
            1 => Tamper::Delete(i),
            2 => Tamper::Insert(i, j),
            _ => Tamper::Swap(i.min(j), i.max(j)),
        };
        let mut log = entries.clone();
        let expect = match tamper {
            Tamper::Edit(i) => {
                log[i]["v"] = json!("changed");
                Some((i, AuditFault::Hash))
            }
            // Deleting the last entry is a truncation, not detectable without the head.
            Tamper::Delete(i) => {
                log.remove(i);
                (i < n - 1).then_some((i, AuditFault::Seq))
            }
            Tamper::Insert(i, j) => {
                log.insert(i, entries[j].clone());
                // A copy of entry i inserted before itself has the right seq and link: the
                // next entry (the original i, now at i + 1) has the wrong seq.
                Some(if j == i { (i + 1, AuditFault::Seq) } else { (i, AuditFault::Seq) })
            }
            Tamper::Swap(i, j) => {
                log.swap(i, j);
                (i != j).then_some((i, AuditFault::Seq))
            }
        };
        let v = verify(&log);
        prop_assert_eq!(v.valid, expect.is_none());
        prop_assert_eq!((v.first_bad, v.reason), (expect.map(|e| e.0), expect.map(|e| e.1)));
    }
}
