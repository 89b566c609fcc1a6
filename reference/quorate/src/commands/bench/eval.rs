//! `quorate bench eval`: the issue's example program (or, with `--program demo`, the demo's)
//! evaluated by a coordinator and N = 5
//! custodians (K = 3) on loopback, against cleartext `qvm.eval_clear`, in the same run.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use field::Fp;
use quorumvm::eval::{Inputs, eval_clear};
use serde_json::json;

use crate::commands::demo::client::{Http, failed};
use crate::commands::demo::cluster::LocalCluster;
use crate::commands::demo::installer::{self, Endpoints, Installed};
use crate::commands::demo::narrate::Narrator;
use crate::commands::demo::script;
use crate::commands::{Failure, Outcome};

const K: usize = 3;
const N: usize = 5;
const WARMUP: u64 = 10;
/// Policy values below 2^53 that no run reaches.
const UNLIMITED: u64 = 1 << 52;

/// The program measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Workload {
    /// The issue's example: `input x`, `const c = 7`, `add t = x c`, `mul y = t t`, `output y`.
    Issue,
    /// The demo's program with the secret parameter.
    Demo,
}

/// The issue's example program.
const ISSUE_EXAMPLE: &str = "input x\nconst c = 7\nadd t = x c\nmul y = t t\noutput y\n";

impl Workload {
    fn program(self) -> Result<quorumvm::package::Program, Failure> {
        match self {
            Workload::Demo => script::example_program(),
            Workload::Issue => dsl::compile(ISSUE_EXAMPLE)
                .map(quorumvm::package::Program::new)
                .map_err(|_| failed("the issue's example program does not compile")),
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Workload::Issue => {
                "the issue's example program (x + 7)^2 (1 secure multiplication, 2 rounds)"
            }
            Workload::Demo => {
                "the demo's example program ((x + S_v)^2 + 7) * x (2 secure multiplications, 3 rounds)"
            }
        }
    }
}

pub(crate) fn run(evals: u64, concurrency: usize, workload: Workload) -> Outcome {
    if evals == 0 || evals > 1000 || concurrency == 0 {
        return Err(Failure::new(
            "CLI_USAGE",
            "--evals is in 1..=1000 and --concurrency at least 1",
        ));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| failed(format!("tokio runtime: {e}")))?;
    let result = runtime.block_on(bench(evals, concurrency, workload));
    runtime.shutdown_timeout(Duration::from_secs(2));
    result.map(|()| ExitCode::SUCCESS)
}

/// Latencies and wall time of one workload.
struct Timing {
    latencies: Vec<Duration>,
    wall: Duration,
}

impl Timing {
    fn percentile(&self, p: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let rank = ((sorted.len() as f64) * p).ceil() as usize;
        sorted
            .get(rank.saturating_sub(1).min(sorted.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    }

    fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.wall.as_secs_f64().max(1e-12)
    }
}

fn x_is(i: u64) -> BTreeMap<String, Fp> {
    BTreeMap::from([("x".to_owned(), Fp::from(i))])
}

async fn bench(evals: u64, concurrency: usize, workload: Workload) -> Result<(), Failure> {
    let http = Http::new(Duration::from_secs(30))?;
    let cluster = LocalCluster::start(K, N, 2_000, &http).await?;
    let endpoints = cluster.endpoints();
    let result = measure(&http, &endpoints, evals, concurrency, workload).await;
    cluster.shutdown().await;
    result
}

async fn measure(
    http: &Http,
    endpoints: &Endpoints,
    evals: u64,
    concurrency: usize,
    workload: Workload,
) -> Result<(), Failure> {
    let quiet = Narrator::quiet();
    let package = script::package(workload.program()?, 1, UNLIMITED, UNLIMITED)?;
    let slots = WARMUP + 2 * evals;
    let installed = installer::install(http, endpoints, package, K, slots, &quiet).await?;
    installer::approve(http, endpoints, &installed, K, N, &quiet).await?;
    let program_id = installed.program_id().to_owned();

    for i in 0..WARMUP {
        installer::evaluate(http, endpoints, &program_id, "bench", &x_is(i))
            .await?
            .expect(200)?;
    }

    // Sequential: one client.
    let mut outputs = Vec::new();
    let mut latencies = Vec::new();
    let start = Instant::now();
    for i in 0..evals {
        let t = Instant::now();
        let body = installer::evaluate(http, endpoints, &program_id, "bench", &x_is(i))
            .await?
            .expect(200)?;
        latencies.push(t.elapsed());
        outputs.push((i, installer::output_of(&body)?));
    }
    let sequential = Timing {
        latencies,
        wall: start.elapsed(),
    };

    // Concurrent clients, the same number of evaluations in all.
    let start = Instant::now();
    let mut tasks = Vec::new();
    for c in 0..concurrency as u64 {
        let (http, endpoints, program_id) = (http.clone(), endpoints.clone(), program_id.clone());
        let mine: Vec<u64> = (0..evals).filter(|i| i % concurrency as u64 == c).collect();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut outputs = Vec::new();
            for i in mine {
                let x = evals + i;
                let t = Instant::now();
                let body = installer::evaluate(&http, &endpoints, &program_id, "bench", &x_is(x))
                    .await?
                    .expect(200)?;
                latencies.push(t.elapsed());
                outputs.push((x, installer::output_of(&body)?));
            }
            Ok::<_, Failure>((latencies, outputs))
        }));
    }
    let mut latencies = Vec::new();
    for task in tasks {
        let (mut l, mut o) = task
            .await
            .map_err(|e| failed(format!("a client task failed: {e}")))??;
        latencies.append(&mut l);
        outputs.append(&mut o);
    }
    let concurrent = Timing {
        latencies,
        wall: start.elapsed(),
    };
    check_outputs(&installed, &outputs)?;

    // The cleartext baseline: the `qvm.eval_clear` operation on the same IR and S_v.
    let secret = installed
        .secret
        .map_or(serde_json::Value::Null, |s| json!(s.to_string()));
    let ir = installed.package.program().ir_json().clone();
    let cases: Vec<serde_json::Value> = (0..evals)
        .map(|i| json!({"ir": ir, "inputs": {"x": i.to_string()}, "secret": secret}))
        .collect();
    let rounds = 20;
    for case in cases.iter().take(10) {
        black_box(quorumvm::ops::eval_clear(case).map_err(|e| failed(e.to_string()))?);
    }
    let mut latencies = Vec::new();
    let start = Instant::now();
    for _ in 0..rounds {
        for case in &cases {
            let t = Instant::now();
            black_box(
                quorumvm::ops::eval_clear(black_box(case)).map_err(|e| failed(e.to_string()))?,
            );
            latencies.push(t.elapsed());
        }
    }
    let clear = Timing {
        latencies,
        wall: start.elapsed(),
    };

    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!("bench eval: {}", workload.describe());
    println!(
        "N = {N} custodians, K = {K}, coordinator and custodians in this process on loopback \
         (HTTP/JSON, SQLite WAL synchronous=FULL, concurrent evaluations' messages batched per \
         custodian); {cores} cores"
    );
    println!(
        "{:<46} {:>8} {:>12} {:>11} {:>11}",
        "workload", "evals", "evals/s", "p50", "p99"
    );
    let row = |name: &str, t: &Timing| {
        println!(
            "{name:<46} {:>8} {:>12.1} {:>9.3}ms {:>9.3}ms",
            t.latencies.len(),
            t.per_second(),
            t.percentile(0.50).as_secs_f64() * 1e3,
            t.percentile(0.99).as_secs_f64() * 1e3,
        );
    };
    row("threshold POST /eval, 1 client", &sequential);
    row(
        &format!("threshold POST /eval, {concurrency} concurrent clients"),
        &concurrent,
    );
    row("cleartext qvm.eval_clear (same IR, S_v)", &clear);
    let ratio = |a: f64, b: f64| a / b.max(1e-12);
    println!(
        "ratio: threshold p50 / cleartext p50 = {:.0}x (1 client); cleartext evals/s / threshold \
         evals/s = {:.0}x ({concurrency} clients)",
        ratio(
            sequential.percentile(0.5).as_secs_f64(),
            clear.percentile(0.5).as_secs_f64()
        ),
        ratio(clear.per_second(), concurrent.per_second())
    );
    println!(
        "every threshold output ({}) equals its cleartext evaluation",
        outputs.len()
    );
    Ok(())
}

fn check_outputs(installed: &Installed, outputs: &[(u64, Fp)]) -> Result<(), Failure> {
    let program = installed.package.program();
    for (x, output) in outputs {
        let inputs = Inputs::new(program, &x_is(*x)).map_err(|e| failed(e.to_string()))?;
        let clear =
            eval_clear(program, &inputs, installed.secret).map_err(|e| failed(e.to_string()))?;
        if clear != *output {
            return Err(failed(format!(
                "x = {x}: threshold output {output}, cleartext {clear}"
            )));
        }
    }
    Ok(())
}
