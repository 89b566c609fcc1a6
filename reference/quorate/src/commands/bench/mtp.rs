//! `quorate bench mtp`: the MTPScript sandbox's request path against its peers, measured side
//! by side in one run on the same trivial program:
//!
//! - a fresh, never-used VM taken from the pool with the snapshot cloned in ahead of the request
//!   (MTP-083, A-037: the request path of a snapshot served repeatedly: run, respond);
//! - a fresh, never-used VM from the pool that loads the bytecode on the request path (the
//!   first request of a snapshot: load, run, respond);
//! - the same without the pool (a VM built, hardened, run and wiped per request);
//! - bare QuickJS with no hardening and no instrumentation (`mtpscript::peer::bare_run`);
//! - Node `vm.createContext` + `runInContext` of the same program, compiled once as a
//!   `vm.Script` (the peer of a cloned snapshot; a `node` child that times itself in a loop and
//!   prints its figures);
//!
//! and the sustained rate of fresh VMs per second, and the instrumentation overhead on a
//! call-heavy program as the ratio of its median time instrumented (in the sandbox) to
//! un-instrumented (bare QuickJS). Latencies are per request, in microseconds.

use std::hint::black_box;
use std::io::Write;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use mtpscript::{GasLimit, RequestContext, Runtime, RuntimeConfig, VerifiedSnapshot, VmOrigin};

use crate::commands::{Failure, Outcome};

/// The trivial program of the latency goals.
const TRIVIAL: &str = "function main(input) { return { ok: true, n: input.n + 1 }; }";
const TRIVIAL_INPUT: &str = "{\"n\":41}";
/// The call-heavy program of the overhead ratio: ~22,000 non-tail calls.
const CALL_HEAVY: &str = "function fib(n) { if (n < 2) { return n; } const a = fib(n - 1); const b = fib(n - 2); return a + b; }\nfunction main(input) { const r = fib(input.n); return r; }";
const CALL_HEAVY_INPUT: &str = "{\"n\":20}";

/// The issue's goals.
const GOAL_P50_US: f64 = 60.0;
const GOAL_P99_US: f64 = 1000.0;
const GOAL_NODE_RATIO: f64 = 10.0;

/// Node's side: a precompiled `vm.Script` run in a fresh `vm.createContext` per request.
const NODE_SCRIPT: &str = r#"
const vm = require("vm");
const [n, source, input] = [Number(process.argv[2]), process.argv[3], process.argv[4]];
const script = new vm.Script(source + "\n;JSON.stringify(main(JSON.parse(INPUT)));");
const samples = new Float64Array(n);
let out = "";
for (let i = 0; i < Math.min(n, 200); i++) { out = script.runInContext(vm.createContext({ INPUT: input })); }
for (let i = 0; i < n; i++) {
  const t0 = process.hrtime.bigint();
  out = script.runInContext(vm.createContext({ INPUT: input }));
  samples[i] = Number(process.hrtime.bigint() - t0) / 1000;
}
samples.sort();
const q = (p) => samples[Math.min(n - 1, Math.floor(p * n))];
console.log(JSON.stringify({ p50: q(0.5), p99: q(0.99), max: samples[n - 1], out }));
"#;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Requests timed per sandbox configuration and peer (at least 10,000 for the goals).
    #[arg(long, default_value_t = 10_000)]
    requests: usize,
    /// Requests timed in Node (it is slower; 0 skips it).
    #[arg(long, default_value_t = 10_000)]
    node_requests: usize,
    /// Pre-built VMs kept ready in the pooled configuration.
    #[arg(long, default_value_t = 8)]
    pool: usize,
    /// Timed rounds of the call-heavy program per side (the median is reported).
    #[arg(long, default_value_t = 31)]
    rounds: usize,
}

/// Latencies of one configuration, sorted.
struct Latencies {
    name: &'static str,
    micros: Vec<f64>,
}

impl Latencies {
    fn new(name: &'static str, samples: Vec<Duration>) -> Self {
        let mut micros: Vec<f64> = samples.iter().map(|d| d.as_secs_f64() * 1e6).collect();
        micros.sort_by(f64::total_cmp);
        Self { name, micros }
    }

    fn quantile(&self, q: f64) -> f64 {
        let n = self.micros.len();
        if n == 0 {
            return f64::NAN;
        }
        let index = ((q * n as f64) as usize).min(n - 1);
        self.micros[index]
    }

    fn max(&self) -> f64 {
        self.micros.last().copied().unwrap_or(f64::NAN)
    }

    fn print(&self, count: usize) {
        println!(
            "{:<48} {:>9.1} {:>9.1} {:>9.1} {:>8}",
            self.name,
            self.quantile(0.5),
            self.quantile(0.99),
            self.max(),
            count
        );
    }
}

fn failure(what: &str, error: impl std::fmt::Display) -> Failure {
    Failure::new("CLI_BENCH_FAILED", format!("{what}: {error}"))
}

fn compile(source: &str) -> Result<VerifiedSnapshot, Failure> {
    let program = mtpscript::compile(source).map_err(|e| failure("compile", e))?;
    VerifiedSnapshot::unsigned(&program).map_err(|e| failure("bytecode", e))
}

fn context(i: usize) -> RequestContext {
    RequestContext {
        request_id: format!("bench-{i}"),
        account_id: "bench".into(),
        function_version: "1".into(),
    }
}

/// Times `requests` runs. With a pool, waits (untimed) before each until a VM of the `origin`
/// kind is ready, so that every timed request takes a never-used VM of that kind, and checks
/// that it did.
fn sandbox(
    runtime: &Runtime,
    snapshot: &VerifiedSnapshot,
    requests: usize,
    origin: VmOrigin,
) -> Result<Vec<Duration>, Failure> {
    let gas = GasLimit::default();
    let mut samples = Vec::with_capacity(requests);
    for i in 0..requests {
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let ready = match origin {
                VmOrigin::Cloned => runtime.cloned_len(snapshot),
                VmOrigin::Pooled => runtime.pool_len(),
                VmOrigin::Built => 1,
            };
            if ready > 0 {
                break;
            }
            if Instant::now() > deadline {
                return Err(failure("pool", "no VM was ready within 5 s"));
            }
            std::thread::sleep(Duration::from_micros(50));
        }
        let ctx = context(i);
        let start = Instant::now();
        let response = runtime.run(snapshot, TRIVIAL_INPUT.as_bytes(), &ctx, gas);
        samples.push(start.elapsed());
        if let Some(code) = response.error_code {
            return Err(failure("trivial program", code));
        }
        if response.vm != Some(origin) {
            return Err(failure(
                "trivial program",
                format!("served by {:?}, not {}", response.vm, origin.as_str()),
            ));
        }
        black_box(response);
    }
    Ok(samples)
}

/// A sandbox of `pool` VMs, cloning snapshots ahead of time or not.
fn pool_runtime(pool: usize, warm_snapshots: usize) -> Result<Runtime, Failure> {
    Runtime::new(RuntimeConfig {
        pool_size: pool,
        warm_snapshots,
        ..RuntimeConfig::default()
    })
    .map_err(|e| failure("runtime", e))
}

fn bare(requests: usize) -> Result<Vec<Duration>, Failure> {
    let mut samples = Vec::with_capacity(requests);
    for _ in 0..requests {
        let start = Instant::now();
        let out =
            mtpscript::peer::bare_run(TRIVIAL, TRIVIAL_INPUT).map_err(|e| failure("bare", e))?;
        samples.push(start.elapsed());
        black_box(out);
    }
    Ok(samples)
}

/// Node's figures `(p50, p99, max)` in microseconds, or why there are none.
fn node(requests: usize) -> Result<(f64, f64, f64), String> {
    if requests == 0 {
        return Err("skipped (--node-requests 0)".into());
    }
    let script = std::env::temp_dir().join(format!("quorate-bench-mtp-{}.js", std::process::id()));
    std::fs::write(&script, NODE_SCRIPT).map_err(|e| format!("cannot write the script: {e}"))?;
    let output = Command::new("node")
        .arg(&script)
        .arg(requests.to_string())
        .arg(TRIVIAL)
        .arg(TRIVIAL_INPUT)
        .stdin(Stdio::null())
        .output();
    let _ = std::fs::remove_file(&script);
    let output = output.map_err(|e| format!("`node` is not available ({e}); Node peer skipped"))?;
    if !output.status.success() {
        return Err(format!(
            "node failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        ));
    }
    let figures: serde_json::Value = serde_json::from_slice(&output.stdout)
        .map_err(|e| format!("node printed no figures: {e}"))?;
    let get = |name: &str| figures[name].as_f64().unwrap_or(f64::NAN);
    Ok((get("p50"), get("p99"), get("max")))
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

/// The call-heavy program instrumented (sandbox, pooled VM) vs un-instrumented (bare QuickJS),
/// rounds interleaved; returns both medians and the gas used.
fn overhead(runtime: &Runtime, rounds: usize) -> Result<(Duration, Duration, u64), Failure> {
    let snapshot = compile(CALL_HEAVY)?;
    let gas = GasLimit::default();
    let (mut ours, mut peer) = (Vec::new(), Vec::new());
    let mut used = 0;
    for i in 0..rounds + 1 {
        let ctx = context(i);
        let start = Instant::now();
        let response = runtime.run(&snapshot, CALL_HEAVY_INPUT.as_bytes(), &ctx, gas);
        let instrumented = start.elapsed();
        if let Some(code) = response.error_code {
            return Err(failure("call-heavy program", code));
        }
        used = response.gas_used;
        let start = Instant::now();
        let out = mtpscript::peer::bare_run(CALL_HEAVY, CALL_HEAVY_INPUT)
            .map_err(|e| failure("bare call-heavy", e))?;
        let plain = start.elapsed();
        if out != response.body_str() {
            return Err(failure(
                "call-heavy program",
                format!(
                    "bare QuickJS gave {out}, the sandbox {}",
                    response.body_str()
                ),
            ));
        }
        if i > 0 {
            ours.push(instrumented);
            peer.push(plain);
        }
    }
    Ok((median(ours), median(peer), used))
}

/// Fresh VMs built per second by the pool's background thread: the time to fill an empty
/// pool of `size`.
fn fill_rate(size: usize) -> Result<f64, Failure> {
    let start = Instant::now();
    let runtime = Runtime::new(RuntimeConfig {
        pool_size: size,
        ..RuntimeConfig::default()
    })
    .map_err(|e| failure("runtime", e))?;
    let deadline = start + Duration::from_secs(60);
    while runtime.pool_len() < size {
        if Instant::now() > deadline {
            return Err(failure("pool fill", "not full within 60 s"));
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    Ok(size as f64 / start.elapsed().as_secs_f64())
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

pub(crate) fn run(args: Args) -> Outcome {
    let requests = args.requests.max(1);
    let snapshot = compile(TRIVIAL)?;
    println!(
        "bench mtp: {requests} requests per configuration, trivial program {TRIVIAL:?} on {TRIVIAL_INPUT}; \
         latencies in microseconds, measured in this process one after the other"
    );
    let _ = std::io::stdout().flush();

    // The first two requests of the snapshot load it, the second gives it a warm pool (A-037);
    // warm-ups untimed.
    let cloning_runtime = pool_runtime(args.pool.max(1), 1)?;
    for i in 0..2 {
        let _ = cloning_runtime.run(
            &snapshot,
            TRIVIAL_INPUT.as_bytes(),
            &context(i),
            GasLimit::default(),
        );
    }
    sandbox(
        &cloning_runtime,
        &snapshot,
        200.min(requests),
        VmOrigin::Cloned,
    )?;
    let cloned = Latencies::new(
        "sandbox: fresh VM, snapshot cloned ahead",
        sandbox(&cloning_runtime, &snapshot, requests, VmOrigin::Cloned)?,
    );
    drop(cloning_runtime);

    let pooled_runtime = pool_runtime(args.pool.max(1), 0)?;
    sandbox(
        &pooled_runtime,
        &snapshot,
        200.min(requests),
        VmOrigin::Pooled,
    )?;
    let pooled = Latencies::new(
        "sandbox: fresh VM from the pool, loads bytecode",
        sandbox(&pooled_runtime, &snapshot, requests, VmOrigin::Pooled)?,
    );

    let unpooled_runtime = pool_runtime(0, 0)?;
    sandbox(
        &unpooled_runtime,
        &snapshot,
        200.min(requests),
        VmOrigin::Built,
    )?;
    let start = Instant::now();
    let unpooled_samples = sandbox(&unpooled_runtime, &snapshot, requests, VmOrigin::Built)?;
    let sustained = requests as f64 / start.elapsed().as_secs_f64();
    let unpooled = Latencies::new("sandbox: fresh VM per request (no pool)", unpooled_samples);

    bare(200.min(requests))?;
    let bare = Latencies::new(
        "bare QuickJS, no hardening (fresh context)",
        bare(requests)?,
    );
    let node = node(args.node_requests);

    println!(
        "{:<48} {:>9} {:>9} {:>9} {:>8}",
        "configuration", "p50", "p99", "max", "requests"
    );
    cloned.print(requests);
    pooled.print(requests);
    unpooled.print(requests);
    bare.print(requests);
    match &node {
        Ok((p50, p99, max)) => println!(
            "{:<48} {p50:>9.1} {p99:>9.1} {max:>9.1} {:>8}",
            "Node vm.createContext + runInContext", args.node_requests
        ),
        Err(why) => println!("{:<48} {why}", "Node vm.createContext + runInContext"),
    }
    let p50 = cloned.quantile(0.5);
    println!(
        "  ratio p50: loads bytecode / cloned {:.2}x; no pool / cloned {:.1}x; bare QuickJS / cloned {:.2}x",
        pooled.quantile(0.5) / p50,
        unpooled.quantile(0.5) / p50,
        bare.quantile(0.5) / p50
    );
    if let Ok((node_p50, node_p99, _)) = node {
        println!(
            "  ratio Node / cloned: p50 {:.1}x, p99 {:.1}x; Node / loads bytecode: p50 {:.1}x; Node / no pool: p50 {:.1}x",
            node_p50 / p50,
            node_p99 / cloned.quantile(0.99),
            node_p50 / pooled.quantile(0.5),
            node_p50 / unpooled.quantile(0.5)
        );
    }

    let fill = fill_rate(64)?;
    println!(
        "fresh VMs per second: {sustained:.0} sustained without the pool (built, run, wiped, one \
         thread); {fill:.0} built by the pool's background thread"
    );

    let (instrumented, plain, gas) = overhead(&pooled_runtime, args.rounds.max(3))?;
    println!(
        "instrumentation overhead, call-heavy fib(20) ({gas} gas): sandbox {:.2} ms, bare QuickJS \
         un-instrumented {:.2} ms (medians of {}); ratio {:.2}x",
        instrumented.as_secs_f64() * 1e3,
        plain.as_secs_f64() * 1e3,
        args.rounds.max(3),
        instrumented.as_secs_f64() / plain.as_secs_f64().max(1e-12)
    );

    println!(
        "goals (issue 5), trivial program, request path of a snapshot served repeatedly (cloned ahead):"
    );
    println!(
        "  p50 <= {GOAL_P50_US} us: {p50:.1} us, {}",
        verdict(p50 <= GOAL_P50_US)
    );
    let p99 = cloned.quantile(0.99);
    println!(
        "  p99 <= {GOAL_P99_US} us: {p99:.1} us, {}",
        verdict(p99 <= GOAL_P99_US)
    );
    match node {
        Ok((node_p50, _, _)) => println!(
            "  >= {GOAL_NODE_RATIO}x faster than Node per request (p50): {:.1}x, {}",
            node_p50 / p50,
            verdict(node_p50 / p50 >= GOAL_NODE_RATIO)
        ),
        Err(_) => println!("  >= {GOAL_NODE_RATIO}x faster than Node: not measured (no node)"),
    }
    Ok(ExitCode::SUCCESS)
}
