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
    match args.action {
        Action::Check { out } => check(root, &root.join(out)),
        Action::Index { check: true } => index_check(root),
        Action::Index { check: false } => index_write(root),
    }
}

fn check(root: &Path, out: &Path) -> Outcome {
    match harness::claims::check(root, out) {
        Ok(summary) => {
            for claim in &summary.claims {
                println!("claim {claim}");
            }
            println!("{summary}");
            Ok(ExitCode::SUCCESS)
        }
        Err(failure) => {
            if let Some(summary) = &failure.summary {
                for claim in &summary.claims {
                    println!("claim {claim}");
                }
            }
            eprintln!("{failure}");
            Ok(ExitCode::from(1))
        }
    }
}

fn print_problems(problems: &[harness::Error]) {
    for problem in problems {
        eprintln!("error[{}]: {problem}", problem.code());
    }
}

fn index_check(root: &Path) -> Outcome {
    match harness::spec::spec_check(root) {
        Ok(summary) => {
            println!("{summary}");
            Ok(ExitCode::SUCCESS)
        }
        Err(problems) => {
            print_problems(&problems);
            eprintln!("spec: {} problem(s)", problems.len());
            Ok(ExitCode::from(1))
        }
    }
}

fn index_write(root: &Path) -> Outcome {
    match harness::spec::write_index(root) {
        Ok(written) => {
            let state = if written.changed {
                "written"
            } else {
                "unchanged"
            };
            println!("{}: {state}", written.path.display());
            print_problems(&written.problems);
            if written.problems.is_empty() {
                Ok(ExitCode::SUCCESS)
            } else {
                Ok(ExitCode::from(1))
            }
        }
        Err(problems) => {
            print_problems(&problems);
            Err(Failure::new("HARNESS_IO", "spec/INDEX.md was not written"))
        }
    }
}
