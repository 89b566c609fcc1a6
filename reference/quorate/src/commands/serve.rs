//! `quorate serve coordinator|custodian --config FILE [--listen ADDR]`: one QuorumVM service
//! as an HTTP server, until SIGTERM or ctrl-c (graceful shutdown: in-flight requests finish).
//!
//! The configuration is the service's TOML (`quorumvm_service::{coordinator, custodian}::Config`)
//! plus one key read here, `listen`. Relative paths in the file are relative to the file's
//! directory.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use quorumvm_service::{coordinator, custodian};
use service_kit::ServiceError;

use super::{Failure, Outcome};

mod sigil_service;

/// The coordinator's listen address when neither `--listen` nor `listen` says one.
pub(crate) const COORDINATOR_LISTEN: &str = "127.0.0.1:7700";
/// The custodian's listen address when neither `--listen` nor `listen` says one.
pub(crate) const CUSTODIAN_LISTEN: &str = "127.0.0.1:7701";
/// Sigil's listen address when neither `--listen` nor `listen` says one.
pub(crate) const SIGIL_LISTEN: &str = "127.0.0.1:7710";

#[derive(Debug, clap::Args)]
#[command(after_long_help = CONFIG_HELP)]
pub(crate) struct Args {
    /// Which service to run.
    #[arg(value_enum)]
    role: Role,
    /// The service's TOML configuration file.
    #[arg(long, value_name = "FILE")]
    config: PathBuf,
    /// The address to listen on, overriding `listen` in the file [default: 127.0.0.1:7700 for
    /// the coordinator, 127.0.0.1:7701 for a custodian]. Port 0 picks a free port; the bound
    /// address is printed on stdout as `quorate serve: <role> listening on http://ADDR`.
    #[arg(long, value_name = "ADDR")]
    listen: Option<String>,
}

const CONFIG_HELP: &str = "\
Configuration files (TOML; relative paths are relative to the file's directory):

  coordinator:
    listen = \"0.0.0.0:7700\"          # optional
    k = 3                            # approvals to activate, answers per round
    n = 5                            # custodians, x = 1..=n
    database = \"coordinator.sqlite\"  # created on first start
    call_timeout_ms = 2000           # optional: timeout of each call to a custodian

  custodian:
    listen = \"0.0.0.0:7701\"          # optional
    x = 1                            # evaluation point, 1..=255 (id custodian-<x>)
    database = \"custodian-1.sqlite\"  # created on first start
    at_rest_key_file = \"key.hex\"     # optional: 64 hex digits; else $QUORATE_AT_REST_KEY

  sigil:
    listen = \"127.0.0.1:7710\"        # optional
    database = \"sigil.sqlite\"        # created on first start
    at_rest_key_file = \"kek.hex\"     # optional: the KEK, 64 hex digits; else $QUORATE_AT_REST_KEY
    k = 2                            # genesis: witnesses needed for a system commit
    witnesses = [\"<64 hex>\", ...]    # genesis: the first witness registry (Ed25519 keys)
    model_file = \"model.json\"        # optional genesis trust model; else the default model
    rotate_after_ms = 86400000       # optional: rotate the signing key at start when older

  mtp:                               # the gas limit is $MTP_GAS_LIMIT, read at start-up
    listen = \"127.0.0.1:7720\"        # optional
    public_key = \"04...\"             # snapshot verifying key (SEC1 hex); or public_key_file
    database = \"mtp.sqlite\"          # optional: registered snapshots survive restarts
    pool_size = 4                    # optional: pre-built single-use VMs (0: one per request)
    warm_snapshots = 4               # optional: repeated snapshots cloned into pooled VMs ahead
    memory_limit_mib = 64            # optional: heap budget per VM
    deadline_ms = 10000              # optional: wall-clock backstop per request
    max_concurrent_runs = 4          # optional: requests on the blocking pool at once
    run_body_limit = 1048576         # optional: largest POST /run body, bytes
    snapshot_body_limit = 8388608    # optional: largest POST /snapshots body, bytes

The custodian encrypts its secret material (signing seed, shares, triples) with AES-256-GCM
under the at-rest key; without a key it does not start (SVC_KEY_MISSING), and with another key
than the database's it does not start either (SVC_KEY_WRONG).";

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Role {
    /// The coordinator: programs, approvals, policy, evaluations, the audit log.
    Coordinator,
    /// A custodian: its shares of S_v and of the Beaver triples.
    Custodian,
    /// Sigil: default-deny trust decisions, signed chains, canonical records, witness quorum.
    Sigil,
    /// MTPScript: signed snapshots run one request per fresh VM, metered in exact gas.
    Mtp,
}

impl Role {
    fn name(self) -> &'static str {
        match self {
            Self::Coordinator => "coordinator",
            Self::Custodian => "custodian",
            Self::Sigil => "sigil",
            Self::Mtp => "mtp",
        }
    }
}

fn service_failure(error: ServiceError) -> Failure {
    Failure::new(error.code, error.message)
}

/// The file's text without `listen`, and `listen`.
fn split_listen(path: &Path) -> Result<(String, Option<String>), Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::new("CLI_IO", format!("{}: {e}", path.display())))?;
    let invalid = |message: String| {
        Failure::new(
            "SVC_CONFIG_INVALID",
            format!("{}: {message}", path.display()),
        )
    };
    let mut table: toml::Table = text.parse().map_err(|e| invalid(format!("{e}")))?;
    let listen = match table.remove("listen") {
        None => None,
        Some(toml::Value::String(listen)) => Some(listen),
        Some(other) => return Err(invalid(format!("`listen` is not a string: {other}"))),
    };
    let rest = toml::to_string(&table).map_err(|e| invalid(format!("{e}")))?;
    Ok((rest, listen))
}

/// `path` relative to `base` unless it is absolute.
fn relative_to(base: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() {
        path.to_path_buf()
    } else {
        base.join(path)
    }
}

enum Service {
    Coordinator(coordinator::Config),
    Custodian(custodian::Config),
    Sigil(sigil::http::Config),
    Mtp(mtpscript_service::Config),
}

pub(crate) fn run(args: Args) -> Outcome {
    let (text, listen_in_file) = split_listen(&args.config)?;
    let base = args
        .config
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let service = match args.role {
        Role::Coordinator => {
            let mut config = coordinator::Config::from_toml_str(&text).map_err(service_failure)?;
            config.database = relative_to(&base, &config.database);
            Service::Coordinator(config)
        }
        Role::Custodian => {
            let mut config = custodian::Config::from_toml_str(&text).map_err(service_failure)?;
            config.database = relative_to(&base, &config.database);
            config.at_rest_key_file = config
                .at_rest_key_file
                .map(|file| relative_to(&base, &file));
            Service::Custodian(config)
        }
        Role::Sigil => Service::Sigil(sigil_service::config(&text, &base)?),
        Role::Mtp => Service::Mtp(super::mtp::serve::config(&text, &base)?),
    };
    let default = match args.role {
        Role::Coordinator => COORDINATOR_LISTEN,
        Role::Custodian => CUSTODIAN_LISTEN,
        Role::Sigil => SIGIL_LISTEN,
        Role::Mtp => super::mtp::serve::LISTEN,
    };
    let listen = args
        .listen
        .or(listen_in_file)
        .unwrap_or_else(|| default.to_owned());

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::new("CLI_IO", format!("tokio runtime: {e}")))?;
    let role = args.role.name();
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(listen.as_str())
            .await
            .map_err(|e| Failure::new("CLI_IO", format!("cannot listen on {listen}: {e}")))?;
        let bound = listener
            .local_addr()
            .map_err(|e| Failure::new("CLI_IO", format!("local address: {e}")))?;
        {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "quorate serve: {role} listening on http://{bound}");
            let _ = out.flush();
        }
        let served = match service {
            Service::Coordinator(config) => {
                coordinator::serve(listener, config, shutdown_signal()).await
            }
            Service::Custodian(config) => {
                custodian::serve(listener, config, shutdown_signal()).await
            }
            Service::Sigil(config) => {
                sigil_service::serve(listener, config, shutdown_signal()).await
            }
            Service::Mtp(config) => {
                super::mtp::serve::serve(listener, config, shutdown_signal()).await
            }
        };
        served.map_err(service_failure)?;
        println!("quorate serve: {role} stopped");
        Ok(ExitCode::SUCCESS)
    })
}

/// Resolves at the first SIGTERM or ctrl-c (SIGINT).
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
