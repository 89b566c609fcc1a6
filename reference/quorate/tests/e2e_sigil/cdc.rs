//! Change data capture: every committed record in the outbox in commit order, and a projection
//! whose digest survives a replay from offset 0 (SIGIL-070, SIGIL-071).

use std::time::Duration;

use serde_json::{Value, json};
use sigil::cdc::{Envelope, Projection};
use sigil::record;

use crate::service::Sigil;
use crate::{canonical, get, post, witness};

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
