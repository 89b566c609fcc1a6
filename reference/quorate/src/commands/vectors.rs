//! `quorate vectors generate|check`.

use std::path::Path;
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
    /// Regenerate every vector file, MANIFEST.json and GOLDEN deterministically.
    Generate,
    /// Fail if any committed vector file, MANIFEST.json or GOLDEN differs from a regeneration.
    Check,
}

fn failure(error: vectorgen::Error) -> Failure {
    Failure::new(error.code(), error.to_string())
}

pub(crate) fn run(root: &Path, args: Args) -> Outcome {
    let dir = root.join("vectors");
    let files = vectorgen::generate().map_err(failure)?;
    let cases: usize = files.iter().map(|f| f.cases).sum();
    match args.action {
        Action::Generate => {
            vectorgen::write(&dir, &files).map_err(failure)?;
            super::digest::write_golden(root)?;
            println!(
                "vectors: wrote {} files, {cases} cases, MANIFEST.json and GOLDEN",
                files.len()
            );
        }
        Action::Check => {
            vectorgen::check(&dir, &files).map_err(failure)?;
            super::digest::check_golden(root)?;
            println!("vectors: {} files, {cases} cases, no drift", files.len());
        }
    }
    Ok(ExitCode::SUCCESS)
}
