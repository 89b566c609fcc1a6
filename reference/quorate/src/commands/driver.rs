//! `quorate driver`: the reference behind the stdio adapter protocol.

use std::io::{self, BufWriter};
use std::process::ExitCode;

use super::{Failure, Outcome};

pub(crate) fn run() -> Outcome {
    let stdin = io::stdin().lock();
    let stdout = BufWriter::new(io::stdout().lock());
    driver::serve(stdin, stdout)
        .map(|()| ExitCode::SUCCESS)
        .map_err(|e| Failure::new("CLI_IO", format!("driver I/O: {e}")))
}
