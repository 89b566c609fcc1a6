//! `quorate conformance`: vectors (and optionally the public suites) against an implementation.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use conformance::adapter::{InProcess, Subprocess, Transport};
use conformance::report::{self, Format, Progress};
use conformance::{Case, RunOptions, RunReport};

use super::{Failure, Outcome};

/// Options shared by `conformance` and `digest`: which implementation, and how to treat it.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct Target {
    /// The adapter command line (e.g. "python3 adapter.py"); split like a shell would, not run
    /// through one. Default: this binary's own `quorate driver`, as a subprocess.
    #[arg(long, value_name = "CMD")]
    pub(crate) adapter: Option<String>,

    /// Per-case timeout in seconds (per HTTP request with `--target-url`).
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub(crate) case_timeout: u64,

    /// Time allowed for the adapter's `hello` answer, in seconds.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    pub(crate) startup_timeout: u64,

    /// Adapter restarts allowed before every remaining case is reported `crash`.
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub(crate) max_restarts: usize,
}

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    target: Target,

    /// Only suites whose name starts with this prefix (repeatable): `canon`, `canon/json`,
    /// `external`, `external/wycheproof`.
    #[arg(long, value_name = "PREFIX")]
    suite: Vec<String>,

    /// Also run the public suites found in DIR (layout of ../shared/external-vectors).
    #[arg(long, value_name = "DIR")]
    external: Option<PathBuf>,

    /// Report format.
    #[arg(long, value_name = "FORMAT", default_value = "text", value_parser = parse_format)]
    format: Format,

    /// Write the report here instead of standard output (a text summary still goes to stdout).
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,

    /// Expected failures: the `[[xfail]]` tables of this file. Default: claims.toml at the root.
    #[arg(long, value_name = "FILE")]
    claims: Option<PathBuf>,

    /// Count `unsupported` cases (features the adapter does not declare) as passing.
    #[arg(long)]
    allow_unsupported: bool,

    /// Play the service scenarios of vectors/service/ (and nothing else) against running
    /// QuorumVM services: ROLE=URL, ROLE one of `coordinator`, `custodian:1`..`custodian:N`
    /// (repeatable; e.g. `--target-url coordinator=http://127.0.0.1:8080`). The services must
    /// start from empty databases. A scenario whose roles are not all given is `unsupported`.
    #[arg(long, value_name = "ROLE=URL")]
    target_url: Vec<String>,
}

fn parse_format(text: &str) -> Result<Format, String> {
    text.parse()
}

pub(crate) fn failure(error: conformance::Error) -> Failure {
    Failure::new(error.code(), error.to_string())
}

/// The transport for `--adapter`, or this binary's own driver.
pub(crate) fn transport(target: &Target) -> Result<Box<dyn Transport>, Failure> {
    match &target.adapter {
        Some(command) => Ok(Box::new(Subprocess::new(command).map_err(failure)?)),
        None => {
            let exe = std::env::current_exe()
                .map_err(|e| Failure::new("CLI_IO", format!("locating this binary: {e}")))?;
            let argv = vec![exe.to_string_lossy().into_owned(), "driver".to_owned()];
            Ok(Box::new(Subprocess::from_argv(argv)))
        }
    }
}

/// A transport that runs the reference in this process (used to write GOLDEN).
pub(crate) fn in_process() -> Box<dyn Transport> {
    let mut driver = driver::Driver::new();
    Box::new(InProcess::named(
        "quorate-reference (in-process)",
        Box::new(move |request| driver.handle(request)),
    ))
}

pub(crate) fn options(target: &Target, xfail: conformance::Xfails) -> RunOptions {
    RunOptions {
        case_timeout: Duration::from_secs(target.case_timeout.max(1)),
        startup_timeout: Duration::from_secs(target.startup_timeout.max(1)),
        max_restarts: target.max_restarts,
        xfail,
        allow_unsupported: false,
    }
}

/// The repository's vector cases (the manifest is checked first).
pub(crate) fn vector_cases(root: &Path) -> Result<Vec<Case>, Failure> {
    let dir = root.join("vectors");
    let suites = conformance::vectors::load(&dir).map_err(failure)?;
    Ok(conformance::case::flatten(&suites))
}

fn selected(case: &Case, prefixes: &[String]) -> bool {
    prefixes.is_empty()
        || prefixes.iter().any(|p| {
            case.suite == *p
                || case
                    .suite
                    .starts_with(&format!("{}/", p.trim_end_matches('/')))
        })
}

pub(crate) fn run(root: &Path, args: Args) -> Outcome {
    if !args.target_url.is_empty() {
        return run_services(root, &args);
    }
    let mut cases = vector_cases(root)?;
    let mut notes = Vec::new();
    if let Some(dir) = &args.external {
        let external = conformance::external::load(dir).map_err(failure)?;
        notes = external.notes();
        cases.extend(external.cases());
    }
    cases.retain(|case| selected(case, &args.suite));
    if cases.is_empty() {
        return Err(Failure::new(
            "CLI_USAGE",
            "no case matches the --suite filters",
        ));
    }
    let suites: Vec<&str> = cases.iter().map(|c| c.suite.as_str()).collect();
    let xfail = xfails(root, &args, &suites)?;
    let mut options = options(&args.target, xfail);
    options.allow_unsupported = args.allow_unsupported;
    let mut transport = transport(&args.target)?;
    let mut progress = Progress::new();
    let mut report =
        conformance::run(&cases, transport.as_mut(), &options, &mut progress).map_err(failure)?;
    report.notes.extend(notes);
    emit(&report, args.format, args.output.as_deref())?;
    Ok(verdict(&report))
}

/// The expected failures of `--claims` (default `claims.toml` at the root, none if absent),
/// kept to those of `suites`.
fn xfails(root: &Path, args: &Args, suites: &[&str]) -> Result<conformance::Xfails, Failure> {
    let claims = args
        .claims
        .clone()
        .unwrap_or_else(|| root.join("claims.toml"));
    let mut xfail = if claims.is_file() {
        conformance::load_xfails(&claims).map_err(failure)?
    } else {
        conformance::Xfails::none()
    };
    xfail.retain_suites(suites);
    Ok(xfail)
}

/// `--target-url`: the service scenarios against running services, reported like cases.
fn run_services(root: &Path, args: &Args) -> Outcome {
    let targets = conformance::service::Targets::parse(&args.target_url)
        .map_err(|message| Failure::new("CLI_USAGE", message))?;
    let dir = root.join("vectors");
    let mut suites = conformance::service::load(&dir).map_err(failure)?;
    for suite in &mut suites {
        let name = suite.name.clone();
        suite.scenarios.retain(|scenario| {
            args.suite.is_empty()
                || args.suite.iter().any(|p| {
                    let p = p.trim_end_matches('/');
                    let full = format!("{name}/{}", scenario.id);
                    name == p
                        || full == p
                        || name.starts_with(&format!("{p}/"))
                        || full.starts_with(&format!("{p}/"))
                })
        });
    }
    suites.retain(|suite| !suite.scenarios.is_empty());
    if suites.is_empty() {
        return Err(Failure::new(
            "CLI_USAGE",
            "no service scenario matches the --suite filters",
        ));
    }
    let names: Vec<&str> = suites.iter().map(|s| s.name.as_str()).collect();
    let xfail = xfails(root, args, &names)?;
    let options = conformance::service::ServiceOptions {
        request_timeout: Duration::from_secs(args.target.case_timeout.max(1)),
        xfail,
    };
    let mut progress = Progress::new();
    let report = conformance::service::play(&suites, &targets, &options, &mut progress);
    emit(&report, args.format, args.output.as_deref())?;
    Ok(verdict(&report))
}

fn emit(report: &RunReport, format: Format, output: Option<&Path>) -> Result<(), Failure> {
    let io_failure = |e: io::Error| Failure::new("CLI_IO", format!("writing the report: {e}"));
    match output {
        Some(path) => {
            let file = File::create(path)
                .map_err(|e| Failure::new("CLI_IO", format!("{}: {e}", path.display())))?;
            let mut file = BufWriter::new(file);
            report::write(report, format, &mut file).map_err(io_failure)?;
            file.flush().map_err(io_failure)?;
            if format != Format::Text {
                report::write(report, Format::Text, &mut io::stdout().lock())
                    .map_err(io_failure)?;
            }
        }
        None => report::write(report, format, &mut io::stdout().lock()).map_err(io_failure)?,
    }
    Ok(())
}

fn verdict(report: &RunReport) -> ExitCode {
    match report.ensure_passed() {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!(
                "quorate: conformance failed: error[{}]: {error}",
                error.code()
            );
            ExitCode::from(1)
        }
    }
}
