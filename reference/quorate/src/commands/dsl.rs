//! `quorate dsl compile|eval`: the QuorumVM DSL from the command line.

use std::collections::BTreeMap;
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
    /// Compile a program to IR JSON, or print its diagnostics (`line:col: CODE: message`) and
    /// exit 1.
    Compile {
        /// The DSL source file.
        file: PathBuf,
    },
    /// Evaluate a program in cleartext (the reference for threshold evaluation).
    Eval {
        /// The DSL source file.
        file: PathBuf,
        /// An input value, `name=value` (repeatable); values are decimal, possibly negative.
        #[arg(long = "input", value_name = "NAME=VALUE")]
        inputs: Vec<String>,
        /// The secret parameter S_v, when the program declares one.
        #[arg(long, value_name = "VALUE")]
        secret: Option<String>,
    },
}

pub(crate) fn run(args: Args) -> Outcome {
    match args.action {
        Action::Compile { file } => compile(&file).map(|ir| {
            println!("{}", ir.to_json());
            ExitCode::SUCCESS
        }),
        Action::Eval {
            file,
            inputs,
            secret,
        } => eval(&file, &inputs, secret.as_deref()),
    }
    .or_else(|outcome| outcome)
}

/// The compiled IR, or `Err(Ok(exit 1))` after printing diagnostics, or a failure.
fn compile(file: &Path) -> Result<dsl::Ir, Outcome> {
    let bytes = std::fs::read(file)
        .map_err(|e| Err(Failure::new("CLI_IO", format!("{}: {e}", file.display()))))?;
    dsl::compile_bytes(&bytes).map_err(|diagnostics| {
        for diagnostic in &diagnostics {
            eprintln!("{}:{diagnostic}", file.display());
        }
        eprintln!("dsl: {} diagnostic(s)", diagnostics.len());
        Ok(ExitCode::from(1))
    })
}

fn element(text: &str, what: &str) -> Result<field::Fp, Outcome> {
    text.parse::<field::Fp>()
        .map_err(|e| Err(Failure::new(e.code(), format!("{what}: {e}"))))
}

fn eval(file: &Path, inputs: &[String], secret: Option<&str>) -> Result<ExitCode, Outcome> {
    let ir = compile(file)?;
    let mut values = BTreeMap::new();
    for input in inputs {
        let (name, value) = input.split_once('=').ok_or_else(|| {
            Err(Failure::new(
                "CLI_USAGE",
                format!("--input {input:?} is not NAME=VALUE"),
            ))
        })?;
        values.insert(name.to_owned(), element(value, name)?);
    }
    let secret = secret.map(|s| element(s, "--secret")).transpose()?;
    let output = ir
        .eval(&values, secret)
        .map_err(|e| Err(Failure::new(e.code(), e.to_string())))?;
    println!("{output}");
    Ok(ExitCode::SUCCESS)
}
