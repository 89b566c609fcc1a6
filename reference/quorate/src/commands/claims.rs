//! `quorate claims check|index`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Subcommand;

use super::{Failure, Outcome};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    action: Action,
}

#[derive(Debug, Subcommand)]
enum Action {
    /// Every README claim has an entry in claims.toml whose proofs exist and passed.
    Check {
        /// Where the run's evidence is: conformance JSON reports (`<name>.jsonl`),
        /// `cargo-test.log` and `steps.passed`.
        #[arg(long, value_name = "DIR", default_value = "harness/out")]
        out: PathBuf,
    },
    /// Regenerate spec/INDEX.md, or with --check fail when it is stale or a requirement is
    /// uncovered or unknown.
    Index {
        /// Check instead of writing.
        #[arg(long)]
        check: bool,
    },
}

pub(crate) fn run(root: &Path, args: Args) -> Outcome {
    let _ = (root, args);
    Err(Failure::new("CLI_USAGE", "claims: not wired yet"))
}

#[allow(dead_code)]
fn unused() -> ExitCode {
    ExitCode::SUCCESS
}
