//! The public known-answer suites under `--external DIR` (layout and provenance:
//! `external-vectors/PROVENANCE.md`), turned into the same [`Case`] model as Quorate's own
//! vectors. Suites are named `external/...`; ops are those of spec/protocol.md §6; `reqs` are
//! the CANON requirements each case checks.
//!
//! Every upstream file is read whole and every test, line or entry in it becomes cases or is
//! listed as out of scope with a reason ([`External::out_of_scope`]); a missing file is an error
//! naming it (`RUNNER_EXTERNAL_MISSING`).

mod cbor_appendix;
mod cbor_diag;
mod cbor_typed;
mod ed25519_sign_input;
mod fnv;
mod jcs;
mod rfc6979;
mod wycheproof;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::case::{Case, Expect, Suite};
use crate::error::{Error, Result};

/// Everything loaded from an external directory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct External {
    /// The suites, in a fixed order.
    pub suites: Vec<Suite>,
    /// Upstream cases whose expectation Quorate does not share (loaded with Quorate's expectation
    /// instead) or that Quorate does not use (not loaded), each with the reason.
    pub out_of_scope: Vec<OutOfScope>,
    /// Per upstream file: how many items it holds and how many cases they became.
    pub sources: Vec<SourceCount>,
}

/// An upstream case whose upstream expectation is out of scope for Quorate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutOfScope {
    /// `<suite>/<id>` of the case as loaded, or `<upstream file>#<item>` when not loaded.
    pub case: String,
    /// Why.
    pub reason: String,
}

impl fmt::Display for OutOfScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "out of scope: {}: {}", self.case, self.reason)
    }
}

/// How one upstream file was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceCount {
    /// Path relative to the external directory.
    pub path: String,
    /// Tests, lines or entries read from it.
    pub items: usize,
    /// Cases made from them.
    pub cases: usize,
}

/// Loads every external suite under `dir`.
pub fn load(dir: &Path) -> Result<External> {
    if !dir.is_dir() {
        return Err(Error::ExternalMissing {
            path: dir.to_path_buf(),
        });
    }
    let mut out = External::default();
    wycheproof::load(dir, &mut out)?;
    cbor_appendix::load(dir, &mut out)?;
    jcs::load(dir, &mut out)?;
    fnv::load(dir, &mut out)?;
    ed25519_sign_input::load(dir, &mut out)?;
    rfc6979::load(dir, &mut out)?;
    for suite in &out.suites {
        let mut ids = std::collections::BTreeSet::new();
        if let Some(dup) = suite.cases.iter().find(|c| !ids.insert(c.id.as_str())) {
            return Err(invalid(
                &suite.source,
                Some(dup.id.clone()),
                "duplicate case id in suite",
            ));
        }
    }
    Ok(out)
}

impl External {
    /// Every case of every suite.
    pub fn cases(&self) -> Vec<Case> {
        crate::case::flatten(&self.suites)
    }

    /// One line per out-of-scope case, for report notes.
    pub fn notes(&self) -> Vec<String> {
        self.out_of_scope.iter().map(ToString::to_string).collect()
    }

    /// The suite of this name, if loaded.
    pub fn suite(&self, name: &str) -> Option<&Suite> {
        self.suites.iter().find(|s| s.name == name)
    }

    /// The count for this upstream file, if read.
    pub fn source(&self, path: &str) -> Option<&SourceCount> {
        self.sources.iter().find(|s| s.path == path)
    }

    fn add_source(&mut self, path: &str, items: usize, cases: usize) {
        self.sources.push(SourceCount {
            path: path.to_owned(),
            items,
            cases,
        });
    }
}

/// Reads `dir/rel`; a missing file is `RUNNER_EXTERNAL_MISSING` naming it.
fn read(dir: &Path, rel: &str) -> Result<(PathBuf, Vec<u8>)> {
    let path = dir.join(rel);
    match std::fs::read(&path) {
        Ok(bytes) => Ok((path, bytes)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::ExternalMissing { path }),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Reads `dir/rel` as UTF-8 text.
fn read_text(dir: &Path, rel: &str) -> Result<(PathBuf, String)> {
    let (path, bytes) = read(dir, rel)?;
    match String::from_utf8(bytes) {
        Ok(text) => Ok((path, text)),
        Err(e) => Err(invalid(&path, None, format!("not UTF-8: {e}"))),
    }
}

fn invalid(path: &Path, item: Option<String>, message: impl Into<String>) -> Error {
    Error::ExternalInvalid {
        path: path.to_path_buf(),
        item,
        message: message.into(),
    }
}

/// Lowercase hex with an even number of digits (CANON-060; upstream files may use uppercase).
fn hex_lower(path: &Path, item: &str, text: &str) -> Result<String> {
    let lower = text.trim().to_ascii_lowercase();
    if lower.len().is_multiple_of(2) && lower.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(lower)
    } else {
        Err(invalid(
            path,
            Some(item.to_owned()),
            format!("{text:?} is not hex"),
        ))
    }
}

/// A case with `features = [op]`.
struct NewCase<'a> {
    suite: &'a str,
    id: String,
    reqs: &'a [&'a str],
    description: String,
    op: &'a str,
    input: Value,
    expect: Expect,
}

impl NewCase<'_> {
    fn build(self) -> Case {
        Case {
            suite: self.suite.to_owned(),
            id: self.id,
            reqs: self.reqs.iter().map(|r| (*r).to_owned()).collect(),
            description: self.description,
            features: vec![self.op.to_owned()],
            flags: Vec::new(),
            op: self.op.to_owned(),
            input: self.input,
            expect: self.expect,
            acceptable: Vec::new(),
        }
    }
}

fn suite(name: &str, source: PathBuf, notes: BTreeMap<String, String>, cases: Vec<Case>) -> Suite {
    Suite {
        name: name.to_owned(),
        source,
        notes,
        cases,
    }
}
