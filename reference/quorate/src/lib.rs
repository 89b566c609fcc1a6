//! The `quorate` command line: a clap front over the Quorate crates, one module per subcommand.
//!
//! Spec version 0.1.0. Business logic lives in the crates this one calls (`canon`, `driver`,
//! `vectorgen`, `conformance`, `harness`, `quorumvm`, `quorumvm-service`); each command module
//! only parses arguments, calls them and prints. `demo` is also the installer and client of the
//! QuorumVM services, over their HTTP API.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod commands;

/// Quorate: the conformance suite and reference implementation for verifiable, quorum-governed
/// execution.
#[derive(Debug, Parser)]
#[command(name = "quorate", version, about, long_about = None)]
struct Cli {
    /// The repository root (where `vectors/`, `spec/` and `claims.toml` live). Defaults to the
    /// nearest ancestor of the current directory that has a `vectors/README.md`.
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the vectors against the reference (default) or any adapter.
    Conformance(commands::conformance::Args),
    /// The reference implementation behind the stdio adapter protocol (spec/protocol.md).
    Driver,
    /// Print the hash-equality digest of every output and compare it with vectors/GOLDEN.
    Digest(commands::digest::Args),
    /// Generate the vector files, or check them for drift.
    Vectors(commands::vectors::Args),
    /// Check that every README claim has a passing proof; maintain spec/INDEX.md.
    Claims(commands::claims::Args),
    /// Compile or evaluate a QuorumVM DSL program.
    Dsl(commands::dsl::Args),
    /// Build, sign and run MTPScript programs and `.msqs` snapshots; make signing keys.
    Mtp(commands::mtp::Args),
    /// Benchmarks that print ratios against a peer measured in the same run.
    Bench(commands::bench::Args),
    /// Run one service (coordinator, custodian, sigil or mtp) over HTTP until SIGTERM or ctrl-c.
    Serve(commands::serve::Args),
    /// QuorumVM end to end, narrated and checked: in-process services, or running ones.
    ///
    /// Install, approve, evaluate, lose custodians, meet the rate limit and the budget, verify
    /// the audit log; exit 0 only if every step happened as narrated.
    Demo(commands::demo::Args),
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let root = commands::root(cli.root);
    let result = match cli.command {
        Command::Conformance(args) => root.and_then(|root| commands::conformance::run(&root, args)),
        Command::Driver => commands::driver::run(),
        Command::Digest(args) => root.and_then(|root| commands::digest::run(&root, args)),
        Command::Vectors(args) => root.and_then(|root| commands::vectors::run(&root, args)),
        Command::Claims(args) => root.and_then(|root| commands::claims::run(&root, args)),
        Command::Dsl(args) => commands::dsl::run(args),
        Command::Mtp(args) => commands::mtp::run(args),
        Command::Bench(args) => commands::bench::run(root, args),
        Command::Serve(args) => commands::serve::run(args),
        Command::Demo(args) => commands::demo::run(args),
    };
    match result {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("quorate: error[{}]: {}", failure.code, failure.message);
            ExitCode::from(2)
        }
    }
}
