//! MTP-011, MTP-072, MTP-090..MTP-093: hostile programs end deterministically, requests leave
//! nothing behind, discarded heaps are wiped, budgets and deadlines hold, and the realm is the
//! allow-listed, frozen one.

use std::time::{Duration, Instant};

use mtpscript::{GasLimit, Runtime, RuntimeConfig, VerifiedSnapshot};

use crate::{ctx, data, on_small_stack, str_of};

fn snapshot(source: &str) -> VerifiedSnapshot {
    let program = mtpscript::compile(source).unwrap_or_else(|e| panic!("{source}: {e}"));
    VerifiedSnapshot::unsigned(&program).unwrap_or_else(|e| panic!("{e}"))
}

fn runtime(config: RuntimeConfig) -> Runtime {
    Runtime::new(config).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn hostile_programs_end_deterministically() {
    on_small_stack(|| {
        let d = data("hostile.json");
        let rt = runtime(RuntimeConfig {
            pool_size: 2,
            ..RuntimeConfig::default()
        });
        let mut n = 0;
        for case in d["cases"].as_array().into_iter().flatten() {
            let (name, source, want) = (
                str_of(case, "name"),
                str_of(case, "source"),
                str_of(case, "code"),
            );
            let input = match case["input"].as_str() {
                Some("DEEP") => format!("{}0{}", "[".repeat(129), "]".repeat(129)).into_bytes(),
                Some("WIDE") => format!("[{}0]", "0,".repeat(199_999)).into_bytes(),
                _ => serde_json::to_vec(&case["input"]).unwrap_or_default(),
            };
            let gas =
                GasLimit::new(case["gas_limit"].as_u64().unwrap_or(10_000_000)).unwrap_or_default();
            let snap = match mtpscript::compile(source) {
                Err(e) => {
                    assert_eq!(e.code(), want, "{name}: {e}");
                    n += 1;
                    continue;
                }
                Ok(p) => VerifiedSnapshot::unsigned(&p).unwrap_or_else(|e| panic!("{e}")),
            };
            let first = rt.run(&snap, &input, &ctx(name), gas);
            let second = rt.run(&snap, &input, &ctx(name), gas);
            assert_eq!(
                first.error_code.unwrap_or("ok"),
                want,
                "{name}: {}",
                first.body_str()
            );
            assert_eq!(
                (&first.body, first.gas_used),
                (&second.body, second.gas_used),
                "{name}"
            );
            n += 1;
        }
        assert!(n >= 30, "only {n}");
    });
}

#[test]
fn requests_do_not_leak_state() {
    let rt = runtime(RuntimeConfig {
        pool_size: 2,
        discard_inline: true,
        ..RuntimeConfig::default()
    });
    // Static initializers mutate top-level state; every request must see it fresh.
    let state = snapshot(
        "const s = {n: 0};\ns.n = s.n + 1;\nfunction main(i) { return [s.n, Async.await(\"random\", 4)]; }",
    );
    let gas = GasLimit::default();
    let first = rt.run(&state, b"null", &ctx("same"), gas);
    assert!(first.body_str().starts_with("[1,"), "{}", first.body_str());
    for _ in 0..5 {
        assert_eq!(rt.run(&state, b"null", &ctx("same"), gas).body, first.body);
    }
    let other = rt.run(&state, b"null", &ctx("other"), gas);
    assert!(other.body_str().starts_with("[1,") && other.body != first.body);
    // The log budget (64 entries) starts empty in every request.
    let logs = snapshot(
        "function log(n) { return n === 0 ? 0 : [Async.await(\"log\", \"x\"), log(n - 1)][1]; }\nfunction main(i) { return log(64); }",
    );
    for _ in 0..3 {
        let r = rt.run(&logs, b"null", &ctx("l"), gas);
        assert_eq!((r.error_code, r.logs.len()), (None, 64));
    }
    // A request that fills its heap leaves nothing: the next request's VM is byte-for-byte as
    // large as one in a runtime that never ran anything.
    let hog = snapshot(
        "function grow(a, n) { return n === 0 ? a.length : grow(a.concat(a), n - 1); }\nfunction main(i) { return grow([\"secret\"], 16); }",
    );
    let probe = snapshot("function main(i) { return 1; }");
    let fresh = runtime(RuntimeConfig {
        pool_size: 0,
        discard_inline: true,
        ..RuntimeConfig::default()
    });
    let baseline = fresh
        .run(&probe, b"null", &ctx("p"), gas)
        .heap
        .map(|h| h.peak_bytes);
    let hogged = rt.run(&hog, b"null", &ctx("h"), gas);
    assert_eq!(hogged.error_code, None);
    let after = rt
        .run(&probe, b"null", &ctx("p"), gas)
        .heap
        .map(|h| h.peak_bytes);
    assert!(baseline.is_some());
    assert_eq!(after, baseline);
    assert!(hogged.heap.map(|h| h.peak_bytes) > baseline);
}

#[test]
fn discarded_heap_is_wiped() {
    let secret = b"S3CRET-4b1d-wipe-probe-7f1c".to_vec();
    let rt = runtime(RuntimeConfig {
        pool_size: 0,
        discard_inline: true,
        probe: Some(secret.clone()),
        ..RuntimeConfig::default()
    });
    let snap = snapshot("function main(i) { const s = i.secret + \"-tail\"; return s.length; }");
    let input = format!("{{\"secret\":\"{}\"}}", String::from_utf8_lossy(&secret));
    let r = rt.run(&snap, input.as_bytes(), &ctx("w"), GasLimit::default());
    assert_eq!(r.error_code, None);
    let heap = r.heap.unwrap_or_default();
    assert!(
        heap.probe_seen > 0,
        "the secret was never in the heap: {heap:?}"
    );
    assert_eq!(heap.probe_left, 0, "{heap:?}");
    assert_eq!(heap.live_after_discard, 0, "{heap:?}");
    assert!(heap.wiped_bytes >= heap.peak_bytes as u64, "{heap:?}");
}

#[test]
fn memory_budget_is_enforced() {
    let rt = runtime(RuntimeConfig {
        pool_size: 0,
        discard_inline: true,
        memory_limit_bytes: 4 << 20,
        ..RuntimeConfig::default()
    });
    let doubling = snapshot(
        "function f(s, n) { return n === 0 ? s.length : f(s + s, n - 1); }\nfunction main(i) { return f(\"x\", i); }",
    );
    let max = GasLimit::new(2_000_000_000).unwrap_or_default();
    let small = rt.run(&doubling, b"10", &ctx("m"), max);
    assert_eq!(small.body_str(), "1024");
    for _ in 0..2 {
        let big = rt.run(&doubling, b"40", &ctx("m"), max);
        assert_eq!(big.body_str(), "{\"error\":\"MemoryExhausted\"}");
        let heap = big.heap.unwrap_or_default();
        assert!(
            heap.peak_bytes <= 4 << 20 && heap.live_after_discard == 0,
            "{heap:?}"
        );
    }
}

#[test]
fn deadline_interrupts_runaway_work() {
    let rt = runtime(RuntimeConfig {
        pool_size: 0,
        deadline: Duration::from_millis(200),
        ..RuntimeConfig::default()
    });
    let spin = snapshot("function f(n) { return f(n + 1); }\nfunction main(i) { return f(0); }");
    let start = Instant::now();
    let r = rt.run(
        &spin,
        b"null",
        &ctx("d"),
        GasLimit::new(2_000_000_000).unwrap_or_default(),
    );
    assert_eq!(r.body_str(), "{\"error\":\"DeadlineExceeded\"}");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
}

#[test]
fn globals_and_prototypes_match_the_allow_list() {
    let allow = data("realm.json");
    let realm = mtpscript::realm_keys().unwrap_or_else(|e| panic!("{e}"));
    let mut seen = Vec::new();
    for (name, keys, frozen) in &realm {
        assert!(frozen, "{name} is not frozen");
        let want: Vec<&str> = allow[name.as_str()]
            .as_array()
            .unwrap_or_else(|| panic!("{name} is not in the allow-list"))
            .iter()
            .filter_map(|k| k.as_str())
            .collect();
        assert_eq!(
            keys.iter().map(String::as_str).collect::<Vec<_>>(),
            want,
            "{name}"
        );
        seen.push(name.as_str());
    }
    let listed: Vec<&str> = allow
        .as_object()
        .map(|o| o.keys().map(String::as_str).collect())
        .unwrap_or_default();
    for name in listed {
        assert!(
            name == "comment" || seen.contains(&name),
            "{name} expected in the realm"
        );
    }
    // What MTP-011 removes is gone.
    let keys_of = |n: &str| {
        realm
            .iter()
            .find(|(name, ..)| name == n)
            .map(|(_, k, _)| k.clone())
            .unwrap_or_default()
    };
    for gone in [
        "eval",
        "Function",
        "Promise",
        "Date",
        "Proxy",
        "Reflect",
        "queueMicrotask",
        "globalThis",
        "Symbol",
        "RegExp",
        "WeakRef",
    ] {
        assert!(
            !keys_of("globalThis").iter().any(|k| k == gone),
            "global {gone}"
        );
    }
    assert!(!keys_of("Math").iter().any(|k| k == "random"));
    assert!(!keys_of("Array").iter().any(|k| k == "fromAsync"));
}

#[test]
fn concurrent_requests_share_nothing() {
    let rt = std::sync::Arc::new(runtime(RuntimeConfig {
        pool_size: 4,
        ..RuntimeConfig::default()
    }));
    let snap = std::sync::Arc::new(snapshot(
        "const s = {n: 0};\ns.n = s.n + 1;\nfunction main(i) { return [s.n, i, Async.await(\"random\", 8)]; }",
    ));
    let gas = GasLimit::default();
    let want: Vec<Vec<u8>> = (0..4)
        .map(|t| {
            rt.run(&snap, t.to_string().as_bytes(), &ctx(&format!("t{t}")), gas)
                .body
        })
        .collect();
    let threads: Vec<_> = (0..4)
        .map(|t| {
            let (rt, snap, want) = (rt.clone(), snap.clone(), want[t].clone());
            std::thread::Builder::new()
                .stack_size(2 << 20)
                .spawn(move || {
                    for _ in 0..25 {
                        let r =
                            rt.run(&snap, t.to_string().as_bytes(), &ctx(&format!("t{t}")), gas);
                        assert_eq!(r.body, want);
                    }
                })
        })
        .collect();
    for t in threads {
        assert!(
            t.and_then(|h| h.join().map_err(|_| std::io::Error::other("panicked")))
                .is_ok()
        );
    }
}
