//! Compilation: parse (oxc, pinned), validate (MTP-001..MTP-010) and instrument (Annex A,
//! MTP-052, MTP-053). The result is engine-independent JavaScript; [`crate::engine`] turns it
//! into bytecode.

mod emit;

pub(crate) use emit::prelude;
mod ir;
mod limits;
mod lower;

use oxc_allocator::Allocator;
use oxc_parser::Parser;
use oxc_span::SourceType;

use crate::Error;
use crate::location::line_col;

/// The largest program, in bytes (MTP-001).
pub const MAX_SOURCE_LEN: usize = 1 << 20;

/// A validated, instrumented program (not yet bytecode).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    source: String,
    instrumented: String,
    content_hash: [u8; 32],
}

impl Program {
    /// The source text as given.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The instrumented JavaScript: a function expression that takes the prelude's helpers
    /// (spec Annex A, §3), runs the static initializers and returns `main`.
    pub fn instrumented(&self) -> &str {
        &self.instrumented
    }

    /// The engine-independent content hash (MTP-082).
    pub fn content_hash(&self) -> [u8; 32] {
        self.content_hash
    }
}

/// Validates and instruments `source`. Enforces MTP-001..MTP-010: the first violation by
/// (start, outermost) is reported with its code and `line:column`.
pub fn compile(source: &str) -> Result<Program, Error> {
    let reject = |code, offset, message| rejection(source, code, offset, message);
    if source.len() > MAX_SOURCE_LEN {
        return Err(reject("MTP_SYNTAX", 0, "program over 1 MiB".into()));
    }
    if let Some((offset, reason)) = limits::check(source) {
        return Err(reject("MTP_SYNTAX", offset, reason.to_owned()));
    }
    // The parser and the validator recurse; the limits above bound the depth, and a thread with
    // a generous stack keeps even the bound far from the caller's stack.
    let result = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("mtpscript-compile".into())
            .stack_size(COMPILE_STACK)
            .spawn_scoped(scope, || validate(source))
            .map_err(|e| e.to_string())
            .and_then(|h| h.join().map_err(|_| "the validator panicked".to_owned()))
    });
    match result {
        Ok(r) => r,
        Err(message) => Err(reject("MTP_SYNTAX", 0, message)),
    }
}

/// A compile error at a byte offset of the source.
fn rejection(source: &str, code: &'static str, offset: usize, message: String) -> Error {
    let (line, column) = line_col(source, offset);
    Error::Compile {
        code,
        line,
        column,
        message,
    }
}

/// The compile thread's stack.
const COMPILE_STACK: usize = 256 << 20;

fn validate(source: &str) -> Result<Program, Error> {
    let reject = |code, offset, message| rejection(source, code, offset, message);
    let allocator = Allocator::default();
    let parsed = Parser::new(&allocator, source, SourceType::script()).parse();
    if parsed.panicked || parsed.diagnostics.has_errors() {
        let first = parsed.diagnostics.errors().next();
        let offset = first
            .and_then(|d| d.labels.first().map(|l| l.offset()))
            .unwrap_or(0);
        let message = first.map(|d| d.message.to_string()).unwrap_or_default();
        return Err(reject("MTP_SYNTAX", offset as usize, message));
    }
    let mut lower = lower::Lower::new();
    let body = lower.program(&parsed.program);
    if let Some(v) = lower.violations.iter().min_by_key(|v| (v.start, v.depth)) {
        return Err(reject(v.code, v.start as usize, v.message.clone()));
    }
    Ok(Program {
        source: source.to_owned(),
        instrumented: emit::program(&body),
        content_hash: crate::seed::content_hash(source),
    })
}
