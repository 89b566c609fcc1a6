//! Quorate layer 1: the QuorumVM DSL: lexer, parser with diagnostics, checker, IR
//! (`spec/dsl.md`).
//!
//! Implements spec version 0.1.0 (`spec/dsl.md`, requirement IDs `DSL-001` to `DSL-061`).
//! A program is a straight-line circuit over F_p (crate `field`):
//!
//! ```text
//! input x          # an input wire, given at evaluation
//! const c = 7      # a public constant, reduced mod p
//! secret s         # the secret parameter S_v (at most one)
//! add t = x c      # add | sub | mul <wire> = <wire> <wire>
//! mul y = t t
//! output y         # exactly one
//! ```
//!
//! | item | what | requirements |
//! |---|---|---|
//! | [`compile`], [`compile_bytes`] | source → [`Ir`], or every [`Diagnostic`] sorted by position | DSL-001..031 |
//! | [`Ir`], [`Node`], [`NodeKind`], [`Metadata`] | the checked program, public nodes, depths | DSL-041..045 |
//! | [`Ir::to_json`], [`Ir::from_json`] | the IR JSON and its full validation | DSL-040, DSL-050, DSL-051 |
//! | [`Ir::eval`] | cleartext evaluation | DSL-060, DSL-061 |
//!
//! Compilation runs in stages: the source limits (size, UTF-8), then each line on its own
//! (characters, tokens, the statement's slots: at most one diagnostic per line, and checking
//! goes on with the next line), then the program rules over the well-formed statements
//! (definitions before uses, one secret, one output), then the IR. The first diagnostic by line
//! and column is the normative result; the operation `dsl.compile` returns its code.
//!
//! Architecture invariants: no I/O, no clock, no randomness, no global state; no `unsafe`; no
//! panic on any input (every fault is a coded [`Diagnostic`] or [`Error`]); no recursion, so
//! a deep program cannot exhaust the stack.
//!
//! ```
//! let ir = dsl::compile("input x\nconst c = 7\nadd t = x c\nmul y = t t\noutput y\n")
//!     .map_err(|d| d[0].to_string())?;
//! assert_eq!((ir.metadata().mul_count, ir.metadata().mul_depth), (1, 1));
//! let inputs = [("x".to_owned(), field::Fp::new(3))].into();
//! assert_eq!(ir.eval(&inputs, None)?.to_string(), "100");
//! assert_eq!(dsl::Ir::from_json(&ir.to_json())?, ir);
//!
//! let diagnostics = dsl::compile("input x\nadd t = x 1\noutput t\n").unwrap_err();
//! assert_eq!(diagnostics[0].to_string(),
//!     "2:11: DSL_LITERAL_OPERAND: operands are wire names, not literals: define \"1\" with `const` first");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod check;
mod diagnostic;
mod error;
mod ir;
mod lex;
mod name;
mod parse;

pub use diagnostic::Diagnostic;
pub use error::Error;
pub use ir::{BinOp, Ir, Metadata, Node, NodeKind};

/// The version of `spec/dsl.md` this crate implements.
pub const SPEC_VERSION: &str = "0.1.0";

/// The `format` member of the IR JSON (DSL-040).
pub const FORMAT: &str = "quorumvm.ir/1";

/// The largest source accepted, in bytes: 1 MiB (DSL-001).
pub const MAX_SOURCE_BYTES: usize = 1024 * 1024;

/// The most statement lines a source may have (DSL-025).
pub const MAX_STATEMENTS: usize = 10_000;

/// The most nodes an IR may have (DSL-050): a program of [`MAX_STATEMENTS`] statements, one of
/// them the output, defines at most this many wires.
pub const MAX_NODES: usize = MAX_STATEMENTS - 1;

/// The longest wire name, in characters (DSL-014).
pub const MAX_NAME_LEN: usize = 64;

/// The most digits of an integer literal, the sign excluded (DSL-017, as FIELD-003).
pub const MAX_INTEGER_DIGITS: usize = 200;

/// The keywords, reserved as wire names (DSL-015).
pub const KEYWORDS: [&str; 7] = ["input", "const", "secret", "add", "sub", "mul", "output"];

/// Compiles a source to its IR, or returns every diagnostic, sorted by line then column; the
/// first is the normative result (DSL-031).
///
/// Enforces DSL-001 (a source above 1 MiB is `DSL_SOURCE_INVALID` at 1:1, alone) and DSL-007
/// (a well-formed program compiles), with the rest of spec/dsl.md §1..4 in the modules.
pub fn compile(source: &str) -> Result<Ir, Vec<Diagnostic>> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(vec![too_large(source.len())]);
    }
    check::compile_checked(source)
}

/// [`compile`] for a source given as bytes, which may not be UTF-8.
///
/// Enforces DSL-001 and DSL-002 (in that order): a source above 1 MiB, or not well-formed
/// UTF-8, is `DSL_SOURCE_INVALID` at 1:1, the only diagnostic.
pub fn compile_bytes(source: &[u8]) -> Result<Ir, Vec<Diagnostic>> {
    if source.len() > MAX_SOURCE_BYTES {
        return Err(vec![too_large(source.len())]);
    }
    match std::str::from_utf8(source) {
        Ok(text) => check::compile_checked(text),
        Err(e) => Err(vec![Diagnostic::new(
            1,
            1,
            &Error::SourceNotUtf8 {
                offset: e.valid_up_to(),
            },
        )]),
    }
}

fn too_large(len: usize) -> Diagnostic {
    Diagnostic::new(
        1,
        1,
        &Error::SourceTooLarge {
            len,
            limit: MAX_SOURCE_BYTES,
        },
    )
}
