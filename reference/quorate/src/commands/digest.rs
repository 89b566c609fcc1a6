//! `quorate digest`: the hash-equality digest of every vector output, compared with GOLDEN.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use conformance::digest::Golden;
use conformance::report::Progress;
use conformance::run::Silent;

use super::conformance::{Target, failure, in_process, options, transport, vector_cases};
use super::{Failure, Outcome};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    target: Target,

    /// The golden file to compare with. Default: vectors/GOLDEN.
    #[arg(long, value_name = "FILE")]
    golden: Option<PathBuf>,
}

fn golden_path(root: &Path) -> PathBuf {
    root.join("vectors").join("GOLDEN")
}

/// The digest of the reference, run in this process.
fn reference_digest(root: &Path) -> Result<Golden, Failure> {
    let cases = vector_cases(root)?;
    let mut transport = in_process();
    let options = options(
        &Target {
            adapter: None,
            case_timeout: 10,
            startup_timeout: 10,
            max_restarts: 0,
        },
        conformance::Xfails::none(),
    );
    let report =
        conformance::run(&cases, transport.as_mut(), &options, &mut Silent).map_err(failure)?;
    report.ensure_passed().map_err(|e| {
        Failure::new(
            "VECTORS_GENERATION_FAILED",
            format!("the reference does not pass its own vectors: {e}"),
        )
    })?;
    Ok(Golden::from_records(&report.records))
}

/// Writes vectors/GOLDEN from the in-process reference (`quorate vectors generate`).
pub(crate) fn write_golden(root: &Path) -> Result<(), Failure> {
    let path = golden_path(root);
    std::fs::write(&path, reference_digest(root)?.render())
        .map_err(|e| Failure::new("VECTORS_IO", format!("{}: {e}", path.display())))
}

/// Fails when vectors/GOLDEN is not what the in-process reference produces (`vectors check`).
pub(crate) fn check_golden(root: &Path) -> Result<(), Failure> {
    let path = golden_path(root);
    let golden = Golden::read(&path).map_err(failure)?;
    reference_digest(root)?.compare(&golden).map_err(|m| {
        Failure::new(
            "VECTORS_DRIFT",
            format!("{}: {m} (run `quorate vectors generate`)", path.display()),
        )
    })
}

pub(crate) fn run(root: &Path, args: Args) -> Outcome {
    let cases = vector_cases(root)?;
    let golden =
        Golden::read(&args.golden.clone().unwrap_or_else(|| golden_path(root))).map_err(failure)?;
    let mut transport = transport(&args.target)?;
    let options = options(&args.target, conformance::Xfails::none());
    let report = conformance::run(&cases, transport.as_mut(), &options, &mut Progress::new())
        .map_err(failure)?;
    let digest = Golden::from_records(&report.records);
    let implementation = report.implementation.as_ref().map_or_else(
        || report.adapter.clone(),
        |i| format!("{} {} ({})", i.name, i.version, i.language),
    );
    println!("implementation {implementation}");
    for (suite, hash) in &digest.suites {
        println!("suite {suite} {hash}");
    }
    println!("digest {}", digest.digest);
    match digest.compare(&golden) {
        Ok(()) => {
            println!(
                "digest: matches vectors/GOLDEN ({} cases)",
                digest.cases.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(mismatch) => {
            eprintln!("quorate: digest mismatch: error[RUNNER_GOLDEN_MISMATCH]: {mismatch}");
            Ok(ExitCode::from(1))
        }
    }
}
