//! Processes killed with SIGKILL under load: a custodian killed mid-evaluation is skipped and
//! the others finish (QVM-027, QVM-041); a coordinator killed keeps every acknowledged decision
//! in an audit log that verifies, and its budgets are neither reset nor refunded (QVM-028,
//! QVM-029, QVM-063, QVM-072).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use field::Fp;
use serde_json::json;

use crate::cluster::Cluster;
use crate::installer::{Installed, all_audit_entries, approve_all, eval, install, package};
use crate::reply::Reply;
use crate::{DEEP, EXAMPLE, client, get, reply};

/// Evaluations from several client threads, timed; returns (start, end, reply) per evaluation.
type Timed = (Instant, Instant, Result<Reply, String>);

/// The client threads of [`load`]: per evaluation, `x`, the request id and its [`Timed`] reply.
type LoadThreads = Vec<thread::JoinHandle<Vec<(u64, String, Timed)>>>;

fn load(
    cluster_url: String,
    program_id: String,
    identity: &'static str,
    threads: usize,
    stop: Arc<AtomicBool>,
    counter: Arc<AtomicU64>,
) -> LoadThreads {
    (0..threads)
        .map(|t| {
            let (url, program_id, stop, counter) = (
                cluster_url.clone(),
                program_id.clone(),
                Arc::clone(&stop),
                Arc::clone(&counter),
            );
            thread::spawn(move || {
                let client = client();
                let mut done = Vec::new();
                while !stop.load(Ordering::SeqCst) {
                    let i = counter.fetch_add(1, Ordering::SeqCst);
                    let request_id = format!("load-{t}-{i}");
                    let body = json!({"identity_id": identity, "program_id": program_id,
                                      "inputs": {"x": i.to_string()}, "request_id": request_id});
                    let start = Instant::now();
                    let result = client
                        .post(format!("{url}/eval"))
                        .json(&body)
                        .send()
                        .map(reply)
                        .map_err(|e| e.to_string());
                    let failed = result.is_err();
                    done.push((i, request_id, (start, Instant::now(), result)));
                    if failed {
                        break;
                    }
                }
                done
            })
        })
        .collect()
}

/// Three client threads of [`load`] evaluating `installed` through the coordinator as `load`;
/// returns the flag that stops them, the count of evaluations they started, and the threads.
fn start_load(
    cluster: &Cluster,
    installed: &Installed,
) -> (Arc<AtomicBool>, Arc<AtomicU64>, LoadThreads) {
    let stop = Arc::new(AtomicBool::new(false));
    let counter = Arc::new(AtomicU64::new(0));
    let threads = load(
        cluster.coordinator.url.clone(),
        installed.id().to_owned(),
        "load",
        3,
        Arc::clone(&stop),
        Arc::clone(&counter),
    );
    (stop, counter, threads)
}

#[test]
fn e2e_custodian_killed_mid_evaluation_finishes_from_the_others() {
    let mut cluster = Cluster::start("e2e-kill-custodian");
    let installed = install(&cluster, package(DEEP, 1, 1 << 40, 1 << 40), 100);
    approve_all(&cluster, &installed);
    let (stop, counter, threads) = start_load(&cluster, &installed);
    while counter.load(Ordering::SeqCst) < 10 {
        thread::sleep(Duration::from_millis(5));
    }
    let killed_at = Instant::now();
    cluster.kill_custodian(5);
    let killed_done = Instant::now();
    let target = counter.load(Ordering::SeqCst) + 20;
    while counter.load(Ordering::SeqCst) < target {
        thread::sleep(Duration::from_millis(5));
    }
    stop.store(true, Ordering::SeqCst);
    let mut in_flight = 0;
    let mut total = 0;
    for handle in threads {
        for (i, _, (start, end, result)) in handle.join().unwrap() {
            let reply = result.unwrap_or_else(|e| panic!("evaluation {i}: {e}"));
            let answer = reply.ok();
            assert_eq!(
                answer["output"],
                installed.clear(Fp::from(i)).to_string(),
                "x = {i}"
            );
            total += 1;
            if start < killed_at && end > killed_done {
                in_flight += 1;
            }
        }
    }
    assert!(total >= 30, "{total} evaluations");
    assert!(
        in_flight >= 1,
        "no evaluation was in flight when custodian 5 was killed"
    );
}

#[test]
fn e2e_coordinator_killed_under_load_keeps_audit_and_budgets() {
    let mut cluster = Cluster::start("e2e-kill-coordinator");
    let budget = 60;
    let installed = install(&cluster, package(EXAMPLE, 1, budget, 1 << 40), 200);
    approve_all(&cluster, &installed);
    let (stop, counter, threads) = start_load(&cluster, &installed);
    while counter.load(Ordering::SeqCst) < 15 {
        thread::sleep(Duration::from_millis(2));
    }
    cluster.coordinator.kill();
    stop.store(true, Ordering::SeqCst);
    let mut acknowledged = Vec::new();
    for handle in threads {
        for (_, request_id, (_, _, result)) in handle.join().unwrap() {
            if let Ok(reply) = result {
                acknowledged.push((request_id, reply));
            }
        }
    }
    let charged_before = acknowledged.iter().filter(|(_, r)| r.status == 200).count() as u64;
    assert!(
        charged_before >= 5,
        "{charged_before} acknowledged evaluations"
    );

    cluster.restart_coordinator();
    let verify = get(&cluster.coordinator("/audit/verify")).ok();
    assert_eq!(verify["valid"], true, "{verify}");
    let entries = all_audit_entries(&cluster);
    assert_eq!(verify["count"], entries.len());
    for (request_id, reply) in &acknowledged {
        let recorded = entries
            .iter()
            .filter(|e| e["request_id"] == request_id.as_str())
            .collect::<Vec<_>>();
        assert!(
            !recorded.is_empty(),
            "acknowledged {request_id} ({}) is not in the audit log",
            reply.status
        );
        if reply.status == 200 {
            assert!(
                recorded.iter().any(|e| e["outcome"] == "success"),
                "{request_id}: {recorded:?}"
            );
        }
    }
    // Budgets are not reset: what is left after the restart pays for at most the rest.
    let mut charged_after = 0u64;
    loop {
        let reply = eval(&cluster, &installed, "load", Fp::from(7u64), None);
        match reply.status {
            200 => charged_after += 1,
            _ => {
                reply.refused(402, "QVM_BUDGET_EXHAUSTED");
                break;
            }
        }
        assert!(charged_after <= budget, "the budget never ran out");
    }
    assert!(
        charged_before + charged_after <= budget,
        "{charged_before} before the kill + {charged_after} after > the budget of {budget}"
    );
    assert!(
        charged_after < budget - 4,
        "the budget looks reset: {charged_after} after"
    );
}
