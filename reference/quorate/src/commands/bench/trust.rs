//! `quorate bench trust`: signed, durably stored `/trust/check` decisions per second with p50
//! and p99 latency, over HTTP on loopback to a Sigil service started in this process (SQLite WAL
//! `synchronous=FULL`, group commit), for 1, 8 and more concurrent clients; beside the peer
//! measured in the same run: the same decision in-process through the core (features, model,
//! ReasoningChain, FrozenChain signature) without HTTP or storage.

use std::hint::black_box;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use sigil::chain::freeze;
use sigil::decide::{DecisionContext, decide};
use sigil::features::CheckRequest;
use sigil::keys::Signer;
use sigil::model::TrustModel;

use crate::commands::{Failure, Outcome};

fn failed(message: impl Into<String>) -> Failure {
    Failure::new("CLI_BENCH_FAILED", message)
}

/// The request measured: one the default model allows (so every answer is a signed, stored
/// allow), from a fresh actor each time (run `run`, decision `i`), so that the rate window
/// (SIGIL-005) never turns it into a deny. Written directly as JSON text (nothing in it needs
/// escaping), so that the client's share of the CPU measured stays small.
fn request(run: usize, i: usize) -> String {
    format!(
        r#"{{"tenant":"bench","actor":"actor-{run}-{i}","action":"read","target":"public:docs","loa":"Operator","input":"GET /docs/index.html"}}"#
    )
}

/// Latencies, the wall time and the process CPU time of one run.
struct Run {
    latencies: Vec<Duration>,
    wall: Duration,
    cpu: Option<Duration>,
}

/// This process's CPU time (user + system, all threads) from `/proc/self/stat`, when readable.
fn process_cpu() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which ends with the last ')'): utime is the 12th, stime
    // the 13th, in clock ticks (USER_HZ, 100 on Linux).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

impl Run {
    /// CPU time per decision, in microseconds.
    fn cpu_per_decision(&self) -> Option<f64> {
        self.cpu
            .map(|cpu| cpu.as_secs_f64() * 1e6 / self.latencies.len().max(1) as f64)
    }

    fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.wall.as_secs_f64().max(1e-12)
    }

    fn quantile(&self, q: f64) -> Duration {
        let mut sorted = self.latencies.clone();
        sorted.sort();
        let index = ((sorted.len() as f64 * q).ceil() as usize).clamp(1, sorted.len().max(1)) - 1;
        sorted.get(index).copied().unwrap_or_default()
    }
}

pub(crate) fn run(decisions: usize, clients: &[usize]) -> Outcome {
    if decisions == 0 || clients.is_empty() || clients.contains(&0) {
        return Err(Failure::new(
            "CLI_USAGE",
            "--decisions and every --clients value are at least 1",
        ));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| failed(format!("tokio runtime: {e}")))?;
    let result = runtime.block_on(bench(decisions, clients));
    runtime.shutdown_timeout(Duration::from_secs(2));
    result.map(|()| ExitCode::SUCCESS)
}

/// A scratch directory for the service's database, removed on drop.
struct Scratch(std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn random_hex(n: usize) -> Result<String, Failure> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| failed(format!("no OS randomness: {e}")))?;
    Ok(canon::hex::encode(&bytes))
}

async fn bench(decisions: usize, clients: &[usize]) -> Result<(), Failure> {
    let dir = Scratch(std::env::temp_dir().join(format!("quorate-bench-trust-{}", random_hex(8)?)));
    std::fs::create_dir_all(&dir.0).map_err(|e| failed(format!("{}: {e}", dir.0.display())))?;
    let kek = dir.0.join("kek.hex");
    std::fs::write(&kek, random_hex(32)?).map_err(|e| failed(format!("{e}")))?;
    let witness = Signer::from_seed(&[7; 32]).map_err(|e| failed(e.to_string()))?;
    let config = sigil::http::Config::from_toml_str(&format!(
        "database = {:?}\nat_rest_key_file = {:?}\nk = 1\nwitnesses = [\"{}\"]\n",
        dir.0.join("sigil.sqlite"),
        kek,
        witness.pub_key()
    ))
    .map_err(|e| failed(e.to_string()))?;
    let state = sigil::http::AppState::open(config, Arc::new(sigil::sandbox::MtpRunner))
        .map_err(|e| failed(e.to_string()))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| failed(format!("listen: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| failed(format!("local address: {e}")))?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = sigil::http::serve_state(listener, state, async {
            let _ = stopped.await;
        })
        .await;
    });
    // Parsed once: a `&str` would be parsed (IDNA and all) on every request.
    let url = reqwest::Url::parse(&format!("http://{addr}/trust/check"))
        .map_err(|e| failed(format!("url: {e}")))?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .pool_max_idle_per_host(1024)
        .build()
        .map_err(|e| failed(format!("http client: {e}")))?;

    // Warm-up: connections, statement cache, the WAL.
    http_run(&http, &url, 0, 200, 8).await?;
    let mut runs = Vec::new();
    for (run, &c) in clients.iter().enumerate() {
        runs.push((c, http_run(&http, &url, run + 1, decisions, c).await?));
    }
    let _ = stop.send(());
    let _ = server.await;
    let peer = core_run(decisions.max(2000))?;

    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    println!(
        "bench trust: POST /trust/check (allowed; features, logistic model, Ed25519-signed \
         FrozenChain committed to SQLite WAL synchronous=FULL with group commit before the \
         answer), service in this process on loopback; {cores} cores"
    );
    println!(
        "{:<52} {:>9} {:>13} {:>10} {:>10} {:>12}",
        "workload", "decisions", "decisions/s", "p50", "p99", "CPU/decision"
    );
    let row = |name: &str, r: &Run| {
        let cpu = r
            .cpu_per_decision()
            .map_or_else(|| "n/a".to_owned(), |us| format!("{us:.0}us"));
        println!(
            "{name:<52} {:>9} {:>13.0} {:>8.3}ms {:>8.3}ms {cpu:>12}",
            r.latencies.len(),
            r.rate(),
            r.quantile(0.50).as_secs_f64() * 1e3,
            r.quantile(0.99).as_secs_f64() * 1e3,
        );
    };
    for (c, r) in &runs {
        row(&format!("HTTP + signed + durable, {c} client(s)"), r);
    }
    row(
        "peer: in-process core decide + sign (no HTTP/storage)",
        &peer,
    );
    for (c, r) in &runs {
        println!(
            "ratio: peer decisions/s / HTTP decisions/s ({c} client(s)) = {:.2}x",
            peer.rate() / r.rate().max(1e-12)
        );
    }
    println!(
        "CPU/decision is this process's user+system time (server and HTTP client together) per \
         decision; with the machine to itself, {cores} cores bound the rate at about \
         {cores} s / CPU per decision"
    );
    Ok(())
}

/// `decisions` checks spread over `clients` concurrent clients; every answer must be a 200
/// allow.
async fn http_run(
    http: &reqwest::Client,
    url: &reqwest::Url,
    run: usize,
    decisions: usize,
    clients: usize,
) -> Result<Run, Failure> {
    let start = Instant::now();
    let cpu_start = process_cpu();
    let mut tasks = Vec::new();
    for c in 0..clients {
        let (http, url) = (http.clone(), url.clone());
        let mine: Vec<usize> = (0..decisions).filter(|i| i % clients == c).collect();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(mine.len());
            for i in mine {
                let t = Instant::now();
                let response = http
                    .post(url.clone())
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(request(run, i))
                    .send()
                    .await
                    .map_err(|e| failed(format!("request: {e}")))?;
                let status = response.status().as_u16();
                let body = response
                    .bytes()
                    .await
                    .map_err(|e| failed(format!("answer: {e}")))?;
                if status != 200 {
                    return Err(failed(format!(
                        "a decision was not allowed ({status}): {}",
                        String::from_utf8_lossy(&body)
                    )));
                }
                latencies.push(t.elapsed());
            }
            Ok::<_, Failure>(latencies)
        }));
    }
    let mut latencies = Vec::with_capacity(decisions);
    for task in tasks {
        latencies.extend(
            task.await
                .map_err(|e| failed(format!("a client task failed: {e}")))??,
        );
    }
    let wall = start.elapsed();
    Ok(Run {
        latencies,
        wall,
        cpu: process_cpu()
            .zip(cpu_start)
            .map(|(end, begin)| end.saturating_sub(begin)),
    })
}

/// The peer: the same decision through the core in this thread, signed, not stored.
fn core_run(decisions: usize) -> Result<Run, Failure> {
    let model = TrustModel::default_model();
    let signer = Signer::from_seed(&[9; 32]).map_err(|e| failed(e.to_string()))?;
    let bodies: Vec<Vec<u8>> = (0..decisions).map(|i| request(0, i).into_bytes()).collect();
    let mut latencies = Vec::with_capacity(decisions);
    let start = Instant::now();
    let cpu_start = process_cpu();
    for (i, body) in bodies.iter().enumerate() {
        let t = Instant::now();
        let request = CheckRequest::parse(body).map_err(|e| failed(e.to_string()))?;
        let context = DecisionContext {
            decision_id: format!("dec_{i:032x}"),
            ts: 1_700_000_000_000 + i as u64,
            window_count: 0,
        };
        let chain = decide(&model, &request, context, TrustModel::score);
        let frozen = freeze(chain, &signer).map_err(|e| failed(e.to_string()))?;
        black_box(frozen.bytes().len());
        latencies.push(t.elapsed());
    }
    let wall = start.elapsed();
    Ok(Run {
        latencies,
        wall,
        cpu: process_cpu()
            .zip(cpu_start)
            .map(|(end, begin)| end.saturating_sub(begin)),
    })
}
