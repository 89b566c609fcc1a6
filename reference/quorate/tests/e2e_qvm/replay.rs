//! Request ids and triple slots are used once: at the coordinator (QVM-027) and at a custodian,
//! across its restart (QVM-023, QVM-032, QVM-033).

use field::Fp;
use serde_json::json;

use crate::cluster::Cluster;
use crate::installer::{approve_all, eval, install, package};
use crate::{EXAMPLE, post};

#[test]
fn e2e_replayed_request_ids_are_refused() {
    let mut cluster = Cluster::start("e2e-replay");
    let slots = 8;
    let installed = install(&cluster, package(EXAMPLE, 1, 100, 100), slots);
    approve_all(&cluster, &installed);
    let x = Fp::from(3u64);
    let answer = eval(&cluster, &installed, "alice", x, Some("request-1")).ok();
    assert_eq!(answer["request_id"], "request-1");
    let replay = eval(&cluster, &installed, "alice", x, Some("request-1"));
    replay.refused(409, "QVM_REQUEST_REPLAYED");
    // Another identity cannot reuse it either.
    eval(&cluster, &installed, "bob", x, Some("request-1")).refused(409, "QVM_REQUEST_REPLAYED");

    // At a custodian: a request id is used once, a slot's triples once, across a restart.
    let begin = |url: &str, request_id: &str, slot: u64| {
        post(
            &format!("{url}/eval/begin"),
            &json!({"program_id": installed.id(), "request_id": request_id, "slot": slot,
                    "inputs": [{"wire": "x", "share": "12"}]}),
        )
    };
    let url = cluster.custodians[0].url.clone();
    let last = slots - 1;
    let first = begin(&url, "direct-1", last);
    assert_eq!(first.status, 200, "{first:?}");
    begin(&url, "direct-1", last - 1).refused(409, "QVM_REQUEST_REPLAYED");
    begin(&url, "direct-2", last).refused(409, "QVM_TRIPLE_REUSED");
    cluster.restart_custodian(1);
    let url = cluster.custodians[0].url.clone();
    begin(&url, "direct-1", last - 1).refused(409, "QVM_REQUEST_REPLAYED");
    begin(&url, "direct-3", last).refused(409, "QVM_TRIPLE_REUSED");
    // The coordinator's own request ids reached the custodians and are remembered there too.
    begin(&url, "request-1", last - 1).refused(409, "QVM_REQUEST_REPLAYED");
}
