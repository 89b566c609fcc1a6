//! `cargo bench -p mtpscript --bench overhead [-- ROUNDS]`: the instrumentation overhead,
//! measured side by side in one run. For each call-heavy program, each round times one run in
//! the sandbox (a fresh hardened VM: build, load, run, wipe) and one run of the same source on
//! bare QuickJS (`mtpscript::peer::bare_run`, no instrumentation, no hardening), alternating so
//! both see the same machine load; the report is the median of each and the ratio of the
//! medians. The trivial program's request path (a pooled, never-used VM) is reported too.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::{Duration, Instant};

use mtpscript::{GasLimit, RequestContext, Runtime, RuntimeConfig, VerifiedSnapshot};

/// (name, source, input)
const PROGRAMS: [(&str, &str, &str); 3] = [
    (
        "fib(22)",
        "function fib(n) { if (n < 2) { return n; } return fib(n - 1) + fib(n - 2); }\nfunction main(input) { return fib(input.n); }",
        "{\"n\":22}",
    ),
    (
        "tak(18,12,6)",
        "function tak(x, y, z) { if (y < x) { return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y)); } return z; }\nfunction main(input) { return tak(input.x, input.y, input.z); }",
        "{\"x\":18,\"y\":12,\"z\":6}",
    ),
    (
        "tree(14) objects+closures",
        "const make = (d) => d === 0 ? { l: null, r: null } : { l: make(d - 1), r: make(d - 1) };\nfunction count(t) { if (t.l === null) { return 1; } return 1 + count(t.l) + count(t.r); }\nfunction main(input) { const t = make(input.d); const f = (x) => x * 2; return f(count(t)); }",
        "{\"d\":14}",
    ),
];

const TRIVIAL: &str = "function main(input) { return { ok: true, n: input.n + 1 }; }";

fn ctx() -> RequestContext {
    RequestContext {
        request_id: "bench".into(),
        account_id: "bench".into(),
        function_version: "1".into(),
    }
}

fn median(mut v: Vec<Duration>) -> f64 {
    v.sort();
    v[v.len() / 2].as_secs_f64() * 1e3
}

fn main() {
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(15);
    let gas = GasLimit::new(2_000_000_000).unwrap();
    let runtime = Runtime::new(RuntimeConfig {
        pool_size: 0,
        discard_inline: true,
        ..RuntimeConfig::default()
    })
    .unwrap();
    println!(
        "{:<28} {:>10} {:>10} {:>7} {:>10}",
        "program", "sandbox ms", "bare ms", "ratio", "gasUsed"
    );
    for (name, source, input) in PROGRAMS {
        let program = mtpscript::compile(source).unwrap();
        let snap = VerifiedSnapshot::unsigned(&program).unwrap();
        let bare_out = mtpscript::peer::bare_run(source, input).unwrap();
        let r = runtime.run(&snap, input.as_bytes(), &ctx(), gas);
        assert_eq!(r.body, bare_out.as_bytes(), "{name}: results differ");
        let (mut inst, mut bare) = (Vec::new(), Vec::new());
        for _ in 0..rounds {
            let t = Instant::now();
            let r = runtime.run(&snap, input.as_bytes(), &ctx(), gas);
            inst.push(t.elapsed());
            assert!(r.error_code.is_none());
            let t = Instant::now();
            let _ = mtpscript::peer::bare_run(source, input).unwrap();
            bare.push(t.elapsed());
        }
        let (i, b) = (median(inst), median(bare));
        println!(
            "{name:<28} {i:>10.2} {b:>10.2} {:>6.2}x {:>10}",
            i / b,
            r.gas_used
        );
    }
    // The request path of the trivial program: a pooled, never-used VM.
    let pooled = Runtime::new(RuntimeConfig {
        pool_size: 4,
        ..RuntimeConfig::default()
    })
    .unwrap();
    let snap = VerifiedSnapshot::unsigned(&mtpscript::compile(TRIVIAL).unwrap()).unwrap();
    let (mut req, mut bare) = (Vec::new(), Vec::new());
    for _ in 0..rounds * 100 {
        while pooled.pool_len() == 0 {
            std::thread::sleep(Duration::from_micros(50));
        }
        let t = Instant::now();
        let r = pooled.run(&snap, b"{\"n\":41}", &ctx(), GasLimit::default());
        req.push(t.elapsed());
        assert!(r.error_code.is_none());
        let t = Instant::now();
        let _ = mtpscript::peer::bare_run(TRIVIAL, "{\"n\":41}").unwrap();
        bare.push(t.elapsed());
    }
    let (i, b) = (median(req) * 1e3, median(bare) * 1e3);
    println!(
        "{:<28} {i:>8.1}us {b:>8.1}us {:>6.2}x",
        "trivial request path",
        i / b
    );
}
