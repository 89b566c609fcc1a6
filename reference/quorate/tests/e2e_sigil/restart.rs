//! Nothing acknowledged is lost to SIGKILL: concurrent, group-committed decisions, records,
//! system records, keys, the projection and the rate window (SIGIL-005, SIGIL-050, SIGIL-080).

use std::thread;

use serde_json::{Value, json};

use crate::service::Sigil;
use crate::{get, high_risk, low_risk, post, verified_chain, witness};

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
