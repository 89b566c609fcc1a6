//! `quorate bench canon`: JCS throughput against `serde_json`, measured side by side.
//! `quorate bench eval`: QuorumVM threshold evaluation over HTTP against cleartext evaluation.
//! `quorate bench trust`: Sigil's signed, durably stored decisions over HTTP against the core.
//!
//! Not a unit test: it prints medians over repeated rounds and the ratio of the two
//! implementations measured in the same process, so machine noise affects both alike.

mod eval;
mod mtp;
mod trust;

use std::hint::black_box;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use clap::Subcommand;

use super::{Failure, Outcome};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    target: Target,
}

#[derive(Debug, Subcommand)]
enum Target {
    /// RFC 8785 canonicalization vs `serde_json` on the committed vector files.
    Canon {
        /// Timed rounds per implementation (the median is reported).
        #[arg(long, default_value_t = 15)]
        rounds: usize,
    },
    /// QuorumVM threshold evaluation over HTTP (N = 5, K = 3) vs cleartext `qvm.eval_clear`.
    ///
    /// The demo's example program through a coordinator and N = 5 custodians (K = 3) started
    /// in-process on loopback (HTTP, SQLite), against cleartext `qvm.eval_clear` of the same
    /// program in the same run: evaluations per second, p50 and p99 latency, and their ratios.
    Eval {
        /// Evaluations timed one after the other (latency), and again spread over the
        /// concurrent clients (throughput); at most 1000 (the triple pool is dealt at install).
        #[arg(long, default_value_t = 300)]
        evals: u64,
        /// Concurrent clients of the throughput run.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// Which program: `issue` is the issue's example (x + 7)^2 (1 secure multiplication,
        /// 2 rounds); `demo` is the demo's ((x + S_v)^2 + 7)·x (2 multiplications, 3 rounds).
        #[arg(long, value_enum, default_value_t = eval::Workload::Issue)]
        program: eval::Workload,
    },
    /// Sigil `/trust/check` over HTTP (signed, durably stored decisions) vs the in-process core.
    ///
    /// A Sigil service started in this process on loopback (SQLite WAL synchronous=FULL, group
    /// commit): decisions per second, p50 and p99 latency for each number of concurrent
    /// clients, against the same decision through the core without HTTP or storage.
    Trust {
        /// Decisions per run (each client count is one run).
        #[arg(long, default_value_t = 4000)]
        decisions: usize,
        /// Concurrent clients, one run per value.
        #[arg(long, value_delimiter = ',', default_values_t = [1, 8, 64])]
        clients: Vec<usize>,
    },
    /// MTPScript request path: a pooled fresh VM vs no pool, bare QuickJS and Node `vm`.
    ///
    /// The trivial program's per-request latency (p50, p99, max) in the sandbox with and without
    /// the pool of pre-built VMs, bare QuickJS with no hardening, and Node `vm.createContext`
    /// (skipped when `node` is absent); the sustained rate of fresh VMs per second; and the
    /// instrumentation overhead on a call-heavy program as a ratio. Ratios and the issue's goals
    /// are printed.
    Mtp(mtp::Args),
}

pub(crate) fn run(root: Result<std::path::PathBuf, Failure>, args: Args) -> Outcome {
    match args.target {
        Target::Canon { rounds } => canon_bench(&root?, rounds.max(3)),
        Target::Eval {
            evals,
            concurrency,
            program,
        } => eval::run(evals, concurrency, program),
        Target::Trust { decisions, clients } => trust::run(decisions, &clients),
        Target::Mtp(args) => mtp::run(args),
    }
}

/// The corpus: every committed vector file (real documents with deep nesting, escapes and
/// numbers), read once before timing.
fn corpus(root: &Path) -> Result<Vec<Vec<u8>>, Failure> {
    let manifest = std::fs::read(root.join("vectors/MANIFEST.json"))
        .map_err(|e| Failure::new("CLI_IO", format!("vectors/MANIFEST.json: {e}")))?;
    let manifest: serde_json::Value = serde_json::from_slice(&manifest)
        .map_err(|e| Failure::new("CLI_IO", format!("vectors/MANIFEST.json: {e}")))?;
    let paths = manifest["files"]
        .as_array()
        .map(|files| {
            files
                .iter()
                .filter_map(|f| f["path"].as_str())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    paths
        .into_iter()
        .map(|path| {
            std::fs::read(root.join("vectors").join(path))
                .map_err(|e| Failure::new("CLI_IO", format!("vectors/{path}: {e}")))
        })
        .collect()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Times `f` over the corpus for `rounds` rounds, interleaved with the peer by the caller.
fn time_round(f: &mut dyn FnMut() -> usize) -> Duration {
    let start = Instant::now();
    black_box(f());
    start.elapsed()
}

fn canon_bench(root: &Path, rounds: usize) -> Outcome {
    let documents = corpus(root)?;
    let bytes: usize = documents.iter().map(Vec::len).sum();
    let parsed_canon: Vec<canon::json::Value> = documents
        .iter()
        .map(|d| canon::json::parse(d))
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::new(e.code(), format!("corpus: {e}")))?;
    let parsed_serde: Vec<serde_json::Value> = documents
        .iter()
        .map(|d| serde_json::from_slice(d))
        .collect::<Result<_, _>>()
        .map_err(|e| Failure::new("CLI_IO", format!("corpus: {e}")))?;

    let mut canon_serialize = || {
        parsed_canon
            .iter()
            .filter_map(|v| canon::json::to_canonical(v).ok())
            .map(|c| c.as_bytes().len())
            .sum()
    };
    let mut serde_serialize = || {
        parsed_serde
            .iter()
            .filter_map(|v| serde_json::to_vec(v).ok())
            .map(|v| v.len())
            .sum()
    };
    let mut canon_full = || {
        documents
            .iter()
            .filter_map(|d| canon::json::canonicalize(d).ok())
            .map(|c| c.as_bytes().len())
            .sum()
    };
    let mut serde_full = || {
        documents
            .iter()
            .filter_map(|d| serde_json::from_slice::<serde_json::Value>(d).ok())
            .filter_map(|v| serde_json::to_vec(&v).ok())
            .map(|v| v.len())
            .sum()
    };

    println!(
        "bench canon: {} documents, {:.2} MiB, {rounds} rounds each, interleaved; medians",
        documents.len(),
        bytes as f64 / (1024.0 * 1024.0)
    );
    println!(
        "{:<44} {:>12} {:>12} {:>8}",
        "workload", "median", "MiB/s", "ratio"
    );
    compare(
        (
            "canon::json::to_canonical (serialize)",
            &mut canon_serialize,
        ),
        ("serde_json::to_vec (serialize)", &mut serde_serialize),
        rounds,
        bytes,
    );
    compare(
        (
            "canon::json::canonicalize (parse+serialize)",
            &mut canon_full,
        ),
        ("serde_json from_slice+to_vec", &mut serde_full),
        rounds,
        bytes,
    );
    Ok(ExitCode::SUCCESS)
}

/// A named workload: returns a size so the optimizer cannot drop the work.
type Workload<'a> = (&'a str, &'a mut dyn FnMut() -> usize);

/// Times two workloads interleaved, round by round, and prints medians and their ratio.
fn compare(ours: Workload<'_>, peer: Workload<'_>, rounds: usize, bytes: usize) {
    let ((name, ours), (peer_name, peer)) = (ours, peer);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    time_round(ours);
    time_round(peer);
    for _ in 0..rounds {
        a.push(time_round(ours));
        b.push(time_round(peer));
    }
    let (a, b) = (median(a), median(b));
    let rate = |d: Duration| bytes as f64 / (1024.0 * 1024.0) / d.as_secs_f64().max(1e-9);
    println!(
        "{name:<44} {:>10.2}ms {:>12.1}",
        a.as_secs_f64() * 1e3,
        rate(a)
    );
    println!(
        "{peer_name:<44} {:>10.2}ms {:>12.1}",
        b.as_secs_f64() * 1e3,
        rate(b)
    );
    println!(
        "{:<44} {:>36.2}x",
        "  ratio: canon time / serde_json time",
        a.as_secs_f64() / b.as_secs_f64().max(1e-12)
    );
}
