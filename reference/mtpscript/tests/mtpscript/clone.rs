//! MTP-083, MTP-090, A-037: a VM into which the pool thread cloned a snapshot ahead of its
//! request answers exactly like a fresh VM that loads the bytecode on the request path: every
//! `mtp.run` vector of `vectors/mtp/` gives the vector's body, SHA-256, gas and logs both ways.

use std::time::{Duration, Instant};

use mtpscript::{GasLimit, RequestContext, Runtime, RuntimeConfig, VerifiedSnapshot, VmOrigin};

use crate::on_small_stack;

/// The `mtp.run` cases of one vector file: `(id, input members, expected ok)`.
fn run_cases(file: &str) -> Vec<(String, serde_json::Value, serde_json::Value)> {
    let path = format!("{}/../../vectors/mtp/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let suite: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    suite["cases"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|c| c["op"] == "mtp.run" && c["expect"]["ok"].is_object())
        .map(|c| {
            let id = c["id"].as_str().unwrap_or_default().to_owned();
            (id, c["input"].clone(), c["expect"]["ok"].clone())
        })
        .collect()
}

fn field(input: &serde_json::Value, name: &str) -> String {
    input[name].as_str().unwrap_or_default().to_owned()
}

/// Runs one request and returns what a vector records of it, and which VM served it.
fn answer(
    rt: &Runtime,
    snap: &VerifiedSnapshot,
    input: &serde_json::Value,
) -> (serde_json::Value, Option<VmOrigin>) {
    let ctx = RequestContext {
        request_id: field(input, "request_id"),
        account_id: field(input, "account_id"),
        function_version: field(input, "function_version"),
    };
    let gas = match input["gas_limit"].as_u64() {
        Some(n) => GasLimit::new(n).unwrap_or_else(|| panic!("bad limit {n}")),
        None => GasLimit::default(),
    };
    let r = rt.run(snap, field(input, "input").as_bytes(), &ctx, gas);
    let recorded = serde_json::json!({
        "body": r.body_str(),
        "sha256": r.sha256_hex(),
        "gas_used": r.gas_used,
        "code": r.error_code,
        "logs": r.logs,
    });
    (recorded, r.vm)
}

/// A sandbox of one pooled VM per pool, cloning up to `warm_snapshots` snapshots ahead.
fn warm_runtime(warm_snapshots: usize) -> Runtime {
    Runtime::new(RuntimeConfig {
        pool_size: 1,
        warm_snapshots,
        ..RuntimeConfig::default()
    })
    .unwrap_or_else(|e| panic!("{e}"))
}

fn snapshot(source: &str) -> VerifiedSnapshot {
    let program = mtpscript::compile(source).unwrap_or_else(|e| panic!("{source}: {e}"));
    VerifiedSnapshot::unsigned(&program).unwrap_or_else(|e| panic!("{e}"))
}

/// Waits (up to 10 s) until the pool thread has made `ready` true.
fn wait_until(what: &str, ready: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !ready() {
        assert!(Instant::now() < deadline, "{what}: not within 10 s");
        std::thread::sleep(Duration::from_millis(1));
    }
}

#[test]
fn cloned_vms_answer_every_run_vector_like_loaded_vms() {
    on_small_stack(|| {
        let rt = warm_runtime(2);
        let mut n = 0;
        for file in ["programs.json", "gas.json", "compile.json"] {
            for (id, input, want) in run_cases(file) {
                // Compile rejections never reach a VM.
                let Ok(program) = mtpscript::compile(&field(&input, "source")) else {
                    continue;
                };
                let snap = VerifiedSnapshot::unsigned(&program).unwrap_or_else(|e| panic!("{e}"));
                // The first two requests of a program find no clone and load the bytecode
                // themselves (later cases may repeat a program); the second gives the snapshot
                // a warm pool, so the pool thread clones it.
                let (loaded, origin) = answer(&rt, &snap, &input);
                assert_eq!(loaded, want, "{file} {id}: loaded");
                // A refused input never reaches a VM (MTP-070), so nothing is cloned for it.
                if origin.is_none() {
                    continue;
                }
                let (again, _) = answer(&rt, &snap, &input);
                assert_eq!(again, want, "{file} {id}: loaded again");
                wait_until(&format!("{file} {id}: cloned"), || rt.cloned_len(&snap) > 0);
                let (cloned, origin) = answer(&rt, &snap, &input);
                assert_eq!(cloned, want, "{file} {id}: cloned");
                assert_eq!(origin, Some(VmOrigin::Cloned), "{file} {id}");
                n += 1;
            }
        }
        assert!(n >= 100, "only {n} programs ran");
    });
}

#[test]
fn a_clone_serves_only_its_own_bytecode() {
    let rt = warm_runtime(1);
    let (one, two) = (
        snapshot("function main(i) { return 1; }"),
        snapshot("function main(i) { return 2; }"),
    );
    let ctx = crate::ctx("clone");
    let gas = GasLimit::default();
    wait_until("a fresh VM", || rt.pool_len() > 0);
    let first = rt.run(&one, b"null", &ctx, gas);
    assert_eq!((first.body_str(), first.vm), ("1", Some(VmOrigin::Pooled)));
    // A snapshot run once gets no clones; its second request gives it a warm pool.
    std::thread::sleep(Duration::from_millis(50));
    assert_eq!(rt.cloned_len(&one), 0);
    assert_eq!(rt.run(&one, b"null", &ctx, gas).body_str(), "1");
    wait_until("one cloned", || rt.cloned_len(&one) > 0);
    // Once, `two` leaves `one`'s warm pool alone; twice, it displaces it (one warm snapshot):
    // `one`'s clones are retired, never used.
    assert_eq!(rt.run(&two, b"null", &ctx, gas).body_str(), "2");
    assert!(rt.cloned_len(&one) > 0);
    assert_eq!(rt.run(&two, b"null", &ctx, gas).body_str(), "2");
    assert_eq!(rt.cloned_len(&one), 0);
    // The next request of `one` finds no clone: it loads the bytecode into a fresh VM.
    let again = rt.run(&one, b"null", &ctx, gas);
    assert_eq!(again.body_str(), "1");
    assert_ne!(again.vm, Some(VmOrigin::Cloned));
}

#[test]
fn one_off_snapshots_do_not_displace_a_repeated_one() {
    let rt = warm_runtime(1);
    let ctx = crate::ctx("one-off");
    let gas = GasLimit::default();
    let hot = snapshot("function main(i) { return 0; }");
    for _ in 0..2 {
        assert_eq!(rt.run(&hot, b"null", &ctx, gas).body_str(), "0");
    }
    wait_until("hot cloned", || rt.cloned_len(&hot) > 0);
    // Twenty programs run once each (uploads, say): none gets a warm pool or displaces `hot`.
    for n in 1..=20 {
        let once = snapshot(&format!("function main(i) {{ return {n}; }}"));
        assert_eq!(rt.run(&once, b"null", &ctx, gas).body_str(), n.to_string());
        assert_eq!(rt.cloned_len(&once), 0);
    }
    let served = rt.run(&hot, b"null", &ctx, gas);
    assert_eq!(
        (served.body_str(), served.vm),
        ("0", Some(VmOrigin::Cloned))
    );
}
