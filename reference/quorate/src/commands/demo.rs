//! `quorate demo`: QuorumVM end to end. By default it starts a coordinator and N custodians
//! in-process on free loopback ports (SQLite files in a temporary directory, removed at the
//! end); with `--remote` it is the installer and client of services running elsewhere (the
//! compose demo). It narrates each step and asserts what it narrates: exit 0 only when every
//! expected outcome happened.

pub(crate) mod client;
pub(crate) mod cluster;
pub(crate) mod installer;
pub(crate) mod narrate;
pub(crate) mod script;

use std::process::ExitCode;
use std::time::Duration;

use super::{Failure, Outcome};
use client::{Http, failed};
use cluster::LocalCluster;
use installer::Endpoints;
use narrate::Narrator;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Use running services instead of starting them in-process: the demo installs the
    /// example program through them and evaluates (the quorum-loss step is skipped).
    #[arg(long, requires_all = ["coordinator", "custodians"])]
    remote: bool,
    /// The coordinator's base URL (with --remote).
    #[arg(long, value_name = "URL", requires = "remote")]
    coordinator: Option<String>,
    /// A custodian's base URL (with --remote; once per custodian).
    #[arg(long = "custodian", value_name = "URL", requires = "remote")]
    custodians: Vec<String>,
    /// The threshold K: answers needed in every round and approvals needed to activate
    /// [default: 3; with --remote, the coordinator's, which a given K must equal].
    #[arg(short, long)]
    k: Option<usize>,
    /// Custodians to start in-process (without --remote).
    #[arg(short, long, default_value_t = 5, conflicts_with = "remote")]
    n: usize,
    /// With --remote: how long to wait for every service's /health, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    wait: u64,
}

pub(crate) fn run(args: Args) -> Outcome {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| failed(format!("tokio runtime: {e}")))?;
    let result = runtime.block_on(demo(args));
    // In-flight connections of stopped services must not keep the process waiting.
    runtime.shutdown_timeout(Duration::from_secs(2));
    result.map(|()| {
        println!("\ndemo: every step happened as narrated");
        ExitCode::SUCCESS
    })
}

async fn demo(args: Args) -> Result<(), Failure> {
    let http = Http::new(Duration::from_secs(30))?;
    let narrator = Narrator::new();
    if args.remote {
        let coordinator = args.coordinator.unwrap_or_default();
        let endpoints = Endpoints::new(&coordinator, &args.custodians);
        let patience = Duration::from_secs(args.wait);
        let health = http
            .wait_healthy(&format!("{}/health", endpoints.coordinator), patience)
            .await?;
        let configured = health["k"].as_u64().and_then(|k| usize::try_from(k).ok());
        let k = match (args.k, configured) {
            (Some(k), Some(configured)) if k != configured => {
                return Err(Failure::new(
                    "CLI_USAGE",
                    format!("--k {k}, but the coordinator is configured with K = {configured}"),
                ));
            }
            (Some(k), _) | (None, Some(k)) => k,
            (None, None) => 3,
        };
        if args.custodians.len() < k {
            return Err(Failure::new(
                "CLI_USAGE",
                format!(
                    "K = {k} needs at least {k} --custodian URLs, got {}",
                    args.custodians.len()
                ),
            ));
        }
        narrator.plain(&format!(
            "quorate demo (remote): QuorumVM with N = {} custodians, K = {k}",
            endpoints.custodians.len()
        ));
        narrator.plain(&format!("coordinator {}", endpoints.coordinator));
        for url in &endpoints.custodians {
            http.wait_healthy(&format!("{url}/health"), patience)
                .await?;
        }
        narrator.plain("every service answers /health");
        return script::run(&http, endpoints, None, k, &narrator).await;
    }

    let k = args.k.unwrap_or(3);
    if args.n < k + 1 || k < 2 {
        return Err(Failure::new(
            "CLI_USAGE",
            format!("the demo needs 2 <= K < N (got K = {k}, N = {})", args.n),
        ));
    }
    let mut cluster = LocalCluster::start(k, args.n, 2_000, &http).await?;
    let endpoints = cluster.endpoints();
    narrator.plain(&format!(
        "quorate demo: QuorumVM with N = {} custodians, K = {k}, in-process on loopback",
        args.n
    ));
    narrator.plain(&format!(
        "coordinator {}, custodians {}",
        endpoints.coordinator,
        endpoints.custodians.join(" ")
    ));
    narrator.plain(&format!(
        "SQLite files and the at-rest key file in {} (removed at the end)",
        cluster.dir().display()
    ));
    let result = script::run(&http, endpoints, Some(&mut cluster), k, &narrator).await;
    cluster.shutdown().await;
    result
}
