//! `quorate mtp build|run|keygen`: MTPScript programs and signed `.msqs` snapshots from the
//! command line (spec/mtpscript.md).

pub(crate) mod serve;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Subcommand;
use mtpscript::{GasLimit, RequestContext, Runtime, RuntimeConfig, Snapshot, VerifiedSnapshot};

use super::{Failure, Outcome};

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    action: Action,
}

const RUN_HELP: &str = "\
FILE is a signed snapshot when its name ends in `.msqs` (verified under --public-key before any
byte reaches the engine, MTP-081); any other file is MTPScript source, validated, compiled and
run in this process without a signature.

Output: the canonical response body (RFC 8785) on the first line of stdout, then
`sha256 <hex>` and `gasUsed <n>`; the audit line (MTP-061) and the log effect's entries on
stderr. Exit status 0 when the response is a result, 1 when it is a coded error body
(CompileError, GasExhausted, RuntimeError, ...), 2 when the command itself failed.

The gas limit is MTP_GAS_LIMIT, read at start-up (absent: 10000000; ASCII decimal
1..=2000000000, no sign, spaces or leading zeros; anything else stops with
MTP_GAS_LIMIT_INVALID), unless --gas-limit overrides it with a value of the same form.";

#[derive(Debug, Subcommand)]
enum Action {
    /// Validate, instrument and compile a program, and sign it as a `.msqs` snapshot.
    ///
    /// A rejected program prints `FILE:line:column: CODE: message` and exits 1.
    Build {
        /// The MTPScript source file.
        file: PathBuf,
        /// The signing key: a file holding 64 hex digits (a P-256 private key, `mtp keygen`).
        #[arg(long, value_name = "KEY")]
        key: PathBuf,
        /// Where to write the snapshot.
        #[arg(short = 'o', long = "out", value_name = "X.msqs")]
        out: PathBuf,
    },
    /// Run one request: a signed `.msqs` snapshot, or a source file.
    #[command(after_long_help = RUN_HELP)]
    Run {
        /// A `.msqs` snapshot, or an MTPScript source file.
        file: PathBuf,
        /// The request input, one JSON text (MTP-070).
        #[arg(long, value_name = "JSON", conflicts_with = "input_file")]
        input: Option<String>,
        /// Read the request input from a file instead.
        #[arg(long, value_name = "FILE")]
        input_file: Option<PathBuf>,
        /// The request id (part of the seed, MTP-065).
        #[arg(long, value_name = "ID", default_value = "cli-request")]
        request_id: String,
        /// The account id (part of the seed).
        #[arg(long, value_name = "ID", default_value = "cli")]
        account_id: String,
        /// The function version (part of the seed).
        #[arg(long, value_name = "VERSION", default_value = "1")]
        function_version: String,
        /// The verifying key of a `.msqs`: 130 (or 66) hex digits, or a file holding them.
        #[arg(long, value_name = "KEY")]
        public_key: Option<String>,
        /// Override MTP_GAS_LIMIT (same form, MTP-060).
        #[arg(long, value_name = "N")]
        gas_limit: Option<String>,
        /// The VM's heap budget, in MiB (MTP-092).
        #[arg(long, value_name = "MIB", default_value_t = 64)]
        memory_mib: usize,
        /// The wall-clock backstop, in milliseconds (MTP-092).
        #[arg(long, value_name = "MS", default_value_t = 10_000)]
        deadline_ms: u64,
    },
    /// Generate a P-256 signing key pair for snapshots.
    ///
    /// Writes the private key (64 hex digits) to OUT, mode 0600, and the public key (130 hex
    /// digits, uncompressed SEC1) to OUT.pub; prints the public key. Without --out, prints
    /// both.
    Keygen {
        /// Where to write the private key.
        #[arg(short = 'o', long = "out", value_name = "KEY")]
        out: Option<PathBuf>,
    },
}

pub(crate) fn run(args: Args) -> Outcome {
    match args.action {
        Action::Build { file, key, out } => build(&file, &key, &out),
        Action::Run {
            file,
            input,
            input_file,
            request_id,
            account_id,
            function_version,
            public_key,
            gas_limit,
            memory_mib,
            deadline_ms,
        } => {
            let gas = gas_limit_at_start_up(gas_limit.as_deref())?;
            let input = match (input, input_file) {
                (Some(text), None) => text.into_bytes(),
                (None, Some(path)) => read(&path)?,
                _ => {
                    return Err(Failure::new(
                        "CLI_USAGE",
                        "give the request input with --input JSON or --input-file FILE",
                    ));
                }
            };
            let ctx = RequestContext {
                request_id,
                account_id,
                function_version,
            };
            let config = RuntimeConfig {
                pool_size: 0,
                memory_limit_bytes: memory_mib.saturating_mul(1 << 20),
                deadline: Duration::from_millis(deadline_ms),
                discard_inline: true,
                ..RuntimeConfig::default()
            };
            run_request(&file, public_key.as_deref(), &input, &ctx, gas, config)
        }
        Action::Keygen { out } => keygen(out.as_deref()),
    }
}

fn read(path: &Path) -> Result<Vec<u8>, Failure> {
    std::fs::read(path).map_err(|e| Failure::new("CLI_IO", format!("{}: {e}", path.display())))
}

fn mtp_failure(error: &mtpscript::Error) -> Failure {
    Failure::new(error.code(), error.to_string())
}

/// Enforces MTP-060: the limit is read once, at start-up; `--gas-limit` has the same form.
pub(crate) fn gas_limit_at_start_up(flag: Option<&str>) -> Result<GasLimit, Failure> {
    let from_env = std::env::var_os("MTP_GAS_LIMIT");
    let (text, origin) = match (flag, &from_env) {
        (Some(flag), _) => (Some(flag.to_owned()), "--gas-limit"),
        (None, Some(value)) => (
            Some(
                value
                    .to_str()
                    .map_or_else(|| "\u{fffd}".to_owned(), str::to_owned),
            ),
            "MTP_GAS_LIMIT",
        ),
        (None, None) => (None, "MTP_GAS_LIMIT"),
    };
    GasLimit::parse(text.as_deref()).map_err(|e| Failure::new(e.code(), format!("{origin}: {e}")))
}

/// A hex key given inline or in a file (whitespace around it ignored).
pub(crate) fn key_bytes(value: &str, what: &str) -> Result<Vec<u8>, Failure> {
    let inline = value.len() >= 64 && value.bytes().all(|b| b.is_ascii_hexdigit());
    let text = if inline {
        value.to_owned()
    } else {
        String::from_utf8(read(Path::new(value))?)
            .map_err(|_| Failure::new("CLI_IO", format!("{what} file {value} is not text")))?
    };
    canon::hex::decode(text.trim()).map_err(|e| Failure::new(e.code(), format!("{what}: {e}")))
}

fn build(file: &Path, key: &Path, out: &Path) -> Outcome {
    let source = String::from_utf8(read(file)?).map_err(|_| {
        Failure::new(
            "MTP_SYNTAX",
            format!("{}: the program is not UTF-8", file.display()),
        )
    })?;
    let key = key_bytes(&key.to_string_lossy(), "--key")?;
    let program = match mtpscript::compile(&source) {
        Ok(program) => program,
        Err(mtpscript::Error::Compile {
            code,
            line,
            column,
            message,
        }) => {
            eprintln!("{}:{line}:{column}: {code}: {message}", file.display());
            return Ok(ExitCode::from(1));
        }
        Err(other) => return Err(mtp_failure(&other)),
    };
    let bytes = Snapshot::build(&program, &key).map_err(|e| mtp_failure(&e))?;
    std::fs::write(out, &bytes)
        .map_err(|e| Failure::new("CLI_IO", format!("{}: {e}", out.display())))?;
    println!(
        "mtp build: {} ({} bytes) contentHash={} source={}",
        out.display(),
        bytes.len(),
        canon::hex::encode(&program.content_hash()),
        canon::hex::encode(&canon::id::sha256(source.as_bytes())),
    );
    Ok(ExitCode::SUCCESS)
}

/// The verified snapshot of `file`: a `.msqs` under `public_key`, or source compiled here.
/// A compile error is returned as its response body (MTP-073).
pub(crate) fn load(
    file: &Path,
    public_key: Option<&str>,
) -> Result<Result<VerifiedSnapshot, mtpscript::Error>, Failure> {
    let bytes = read(file)?;
    if file.extension().is_some_and(|e| e == "msqs") {
        let key = public_key.ok_or_else(|| {
            Failure::new(
                "CLI_USAGE",
                "a .msqs snapshot needs --public-key (hex or a file) to be verified",
            )
        })?;
        let key = key_bytes(key, "--public-key")?;
        let verified = Snapshot::verify(&bytes, &key).map_err(|e| mtp_failure(&e))?;
        return Ok(Ok(verified));
    }
    let source = String::from_utf8(bytes).map_err(|_| {
        Failure::new(
            "MTP_SYNTAX",
            format!("{}: the program is not UTF-8", file.display()),
        )
    })?;
    match mtpscript::compile(&source) {
        Ok(program) => VerifiedSnapshot::unsigned(&program)
            .map(Ok)
            .map_err(|e| mtp_failure(&e)),
        Err(error @ mtpscript::Error::Compile { .. }) => Ok(Err(error)),
        Err(other) => Err(mtp_failure(&other)),
    }
}

fn run_request(
    file: &Path,
    public_key: Option<&str>,
    input: &[u8],
    ctx: &RequestContext,
    gas: GasLimit,
    config: RuntimeConfig,
) -> Outcome {
    ctx.validate().map_err(|e| mtp_failure(&e))?;
    let response = match load(file, public_key)? {
        Ok(snapshot) => {
            let runtime = Runtime::new(config).map_err(|e| mtp_failure(&e))?;
            runtime.run(&snapshot, input, ctx, gas)
        }
        Err(compile_error) => mtpscript::Response::from_error(&compile_error),
    };
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", response.body_str());
    let _ = writeln!(out, "sha256 {}", response.sha256_hex());
    let _ = writeln!(out, "gasUsed {}", response.gas_used);
    let _ = out.flush();
    for entry in &response.logs {
        eprintln!("log: {}", entry.escape_default());
    }
    eprintln!("{}", mtpscript::audit_line(ctx, gas, &response));
    Ok(if response.error_code.is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn keygen(out: Option<&Path>) -> Outcome {
    let mut private = [0u8; 32];
    let public = loop {
        getrandom::fill(&mut private)
            .map_err(|e| Failure::new("CLI_IO", format!("the OS random generator: {e}")))?;
        // A draw at or above the group order (probability ~2^-32) is drawn again.
        if let Ok(public) = canon::ecdsa::public_key(&private) {
            break public;
        }
    };
    let (private_hex, public_hex) = (canon::hex::encode(&private), canon::hex::encode(&public));
    private.fill(0);
    let Some(out) = out else {
        println!("private_key {private_hex}");
        println!("public_key {public_hex}");
        return Ok(ExitCode::SUCCESS);
    };
    write_private(out, &private_hex)?;
    let public_path = PathBuf::from(format!("{}.pub", out.display()));
    std::fs::write(&public_path, format!("{public_hex}\n"))
        .map_err(|e| Failure::new("CLI_IO", format!("{}: {e}", public_path.display())))?;
    println!("{public_hex}");
    Ok(ExitCode::SUCCESS)
}

/// Writes the private key readable by its owner only.
fn write_private(path: &Path, hex: &str) -> Result<(), Failure> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(path)
        .map_err(|e| Failure::new("CLI_IO", format!("{}: {e}", path.display())))?;
    file.write_all(format!("{hex}\n").as_bytes())
        .map_err(|e| Failure::new("CLI_IO", format!("{}: {e}", path.display())))
}
