//! Hash equality (spec/protocol.md §5): per-case output hashes, suite digests, the run digest,
//! and the `vectors/GOLDEN` file that pins the reference's digests.
//!
//! The runner canonicalizes with the `serde_json_canonicalizer` crate and deliberately does not
//! use the reference canonicalizer: the digest must not depend on the implementation it judges.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::error::{Error, Result};
use crate::judge::Outcome;
use crate::run::CaseRecord;

/// The first line of a rendered golden file.
pub const GOLDEN_HEADER: &str =
    "# Quorate golden digest (spec/protocol.md §5). Regenerate with: quorate vectors generate";

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The hash of a case whose outcome is not an answer: `{"outcome":"<name>"}`.
pub fn outcome_hash(outcome: Outcome) -> String {
    let canonical = format!("{{\"outcome\":\"{}\"}}", outcome.name());
    sha256_hex(canonical.as_bytes())
}

/// The output hash of a case: SHA-256 of the RFC 8785 form of the result object for an answer
/// (`result` is `Some`), otherwise of `{"outcome":"<name>"}`. Enforces PROTO-060.
pub fn output_hash(outcome: Outcome, result: Option<&Value>) -> Result<String, String> {
    match result {
        Some(result) => serde_json_canonicalizer::to_vec(result)
            .map(|bytes| sha256_hex(&bytes))
            .map_err(|e| format!("result has no RFC 8785 form: {e}")),
        None => Ok(outcome_hash(outcome)),
    }
}

/// SHA-256 over the lines `<full id> <hash>\n`, sorted bytewise by full id. Enforces PROTO-061.
pub fn digest_of<'a>(entries: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut entries: Vec<(&str, &str)> = entries.into_iter().collect();
    entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut hasher = Sha256::new();
    for (id, hash) in entries {
        hasher.update(id.as_bytes());
        hasher.update(b" ");
        hasher.update(hash.as_bytes());
        hasher.update(b"\n");
    }
    hex::encode(hasher.finalize())
}

/// The hash of one case, with the suite it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseHash {
    /// The suite.
    pub suite: String,
    /// The output hash.
    pub hash: String,
}

/// A run digest with its suite digests and per-case hashes: the content of `vectors/GOLDEN`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Golden {
    /// The run digest.
    pub digest: String,
    /// Suite -> suite digest.
    pub suites: BTreeMap<String, String>,
    /// Full id -> case hash.
    pub cases: BTreeMap<String, CaseHash>,
}

impl Golden {
    /// The digests of a run.
    pub fn from_records(records: &[CaseRecord]) -> Golden {
        Golden::from_hashes(
            records
                .iter()
                .map(|r| (r.suite.clone(), r.id.clone(), r.output_hash.clone())),
        )
    }

    /// The digests of `(suite, id, output hash)` triples.
    pub fn from_hashes(hashes: impl IntoIterator<Item = (String, String, String)>) -> Golden {
        let cases: BTreeMap<String, CaseHash> = hashes
            .into_iter()
            .map(|(suite, id, hash)| (format!("{suite}/{id}"), CaseHash { suite, hash }))
            .collect();
        let mut suites = BTreeMap::new();
        for case in cases.values() {
            suites.entry(case.suite.clone()).or_insert_with(String::new);
        }
        for (suite, digest) in &mut suites {
            *digest = suite_digest(&cases, suite);
        }
        let digest = digest_of(cases.iter().map(|(id, c)| (id.as_str(), c.hash.as_str())));
        Golden {
            digest,
            suites,
            cases,
        }
    }

    /// Reads a golden file.
    pub fn read(path: &Path) -> Result<Golden> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Golden::parse(&text, path)
    }

    /// Parses golden text and checks it is consistent (every stated digest recomputes from the
    /// case lines); `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Golden> {
        let invalid = |line: usize, message: String| Error::GoldenInvalid {
            path: path.to_path_buf(),
            line,
            message,
        };
        let mut digest = None;
        let mut suites = BTreeMap::new();
        let mut raw_cases = Vec::new();
        for (index, line) in text.lines().enumerate() {
            let n = index + 1;
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = line.split(' ').collect();
            match words.as_slice() {
                ["digest", hash] if digest.is_none() => {
                    digest = Some(check_hex(hash, n, &invalid)?)
                }
                ["suite", name, hash] => {
                    let hash = check_hex(hash, n, &invalid)?;
                    if suites.insert((*name).to_owned(), hash).is_some() {
                        return Err(invalid(n, format!("suite {name} listed twice")));
                    }
                }
                ["case", id, hash] => {
                    raw_cases.push((n, (*id).to_owned(), check_hex(hash, n, &invalid)?))
                }
                _ => return Err(invalid(n, format!("unrecognized line {line:?}"))),
            }
        }
        let digest = digest.ok_or_else(|| invalid(0, "no digest line".into()))?;
        let mut cases = BTreeMap::new();
        for (n, id, hash) in raw_cases {
            let suite = suites
                .keys()
                .filter(|s| {
                    id.strip_prefix(s.as_str())
                        .is_some_and(|rest| rest.len() > 1 && rest.starts_with('/'))
                })
                .max_by_key(|s| s.len())
                .cloned()
                .ok_or_else(|| invalid(n, format!("case {id} belongs to no listed suite")))?;
            if cases.insert(id.clone(), CaseHash { suite, hash }).is_some() {
                return Err(invalid(n, format!("case {id} listed twice")));
            }
        }
        let golden = Golden {
            digest,
            suites,
            cases,
        };
        let recomputed = digest_of(
            golden
                .cases
                .iter()
                .map(|(id, c)| (id.as_str(), c.hash.as_str())),
        );
        if recomputed != golden.digest {
            return Err(invalid(
                0,
                format!(
                    "digest line says {}, the case lines give {recomputed}",
                    golden.digest
                ),
            ));
        }
        for (suite, stated) in &golden.suites {
            let recomputed = suite_digest(&golden.cases, suite);
            if &recomputed != stated {
                return Err(invalid(
                    0,
                    format!("suite {suite} says {stated}, its case lines give {recomputed}"),
                ));
            }
        }
        Ok(golden)
    }

    /// The golden file text: header, digest, suites (sorted), cases (sorted).
    pub fn render(&self) -> String {
        let mut out = format!("{GOLDEN_HEADER}\ndigest {}\n", self.digest);
        for (suite, digest) in &self.suites {
            out.push_str(&format!("suite {suite} {digest}\n"));
        }
        for (id, case) in &self.cases {
            out.push_str(&format!("case {id} {}\n", case.hash));
        }
        out
    }

    /// The digests as JSON (`{"digest":…,"suites":{…}}`), for machine-readable output.
    pub fn summary_json(&self) -> Value {
        json!({"digest": self.digest, "suites": self.suites})
    }

    /// Compares this (actual) digest with `expected`, bisecting to the first divergent suite
    /// and case. Enforces PROTO-061.
    pub fn compare(&self, expected: &Golden) -> Result<(), Box<Mismatch>> {
        if self.digest == expected.digest {
            return Ok(());
        }
        let mut diverging = Vec::new();
        let mut missing = Vec::new();
        let mut extra = Vec::new();
        for (id, want) in &expected.cases {
            match self.cases.get(id) {
                None => missing.push(id.clone()),
                Some(got) if got.hash != want.hash => diverging.push(id.clone()),
                Some(_) => {}
            }
        }
        extra.extend(
            self.cases
                .keys()
                .filter(|id| !expected.cases.contains_key(*id))
                .cloned(),
        );
        let first_suite = expected
            .suites
            .keys()
            .chain(self.suites.keys())
            .filter(|s| self.suites.get(*s) != expected.suites.get(*s))
            .min()
            .cloned();
        let first_case = diverging
            .iter()
            .chain(&missing)
            .chain(&extra)
            .min()
            .cloned();
        let first_case = first_case.map(|id| CaseDiff {
            expected: expected.cases.get(&id).map(|c| c.hash.clone()),
            actual: self.cases.get(&id).map(|c| c.hash.clone()),
            id,
        });
        Err(Box::new(Mismatch {
            expected_digest: expected.digest.clone(),
            actual_digest: self.digest.clone(),
            first_suite,
            first_case,
            diverging,
            missing,
            extra,
        }))
    }
}

fn suite_digest(cases: &BTreeMap<String, CaseHash>, suite: &str) -> String {
    digest_of(
        cases
            .iter()
            .filter(|(_, c)| c.suite == suite)
            .map(|(id, c)| (id.as_str(), c.hash.as_str())),
    )
}

fn check_hex(hash: &str, line: usize, invalid: &impl Fn(usize, String) -> Error) -> Result<String> {
    if hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        Ok(hash.to_owned())
    } else {
        Err(invalid(
            line,
            format!("{hash:?} is not 64 lowercase hex digits"),
        ))
    }
}

/// One case whose hash differs between two digests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseDiff {
    /// Full id.
    pub id: String,
    /// Hash in the golden file (`None`: the case is extra).
    pub expected: Option<String>,
    /// Hash in the run (`None`: the case is missing).
    pub actual: Option<String>,
}

/// How a run digest differs from the golden one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// The golden run digest.
    pub expected_digest: String,
    /// The run's digest.
    pub actual_digest: String,
    /// The first suite (bytewise) whose digest differs, is missing or is extra.
    pub first_suite: Option<String>,
    /// The first case (bytewise) whose hash differs, is missing or is extra.
    pub first_case: Option<CaseDiff>,
    /// Cases present in both with different hashes.
    pub diverging: Vec<String>,
    /// Cases in the golden file and not in the run.
    pub missing: Vec<String>,
    /// Cases in the run and not in the golden file.
    pub extra: Vec<String>,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "digest {} differs from golden {}",
            self.actual_digest, self.expected_digest
        )?;
        if let Some(suite) = &self.first_suite {
            write!(f, "; first divergent suite {suite}")?;
        }
        if let Some(case) = &self.first_case {
            let show = |h: &Option<String>| h.clone().unwrap_or_else(|| "absent".into());
            write!(
                f,
                "; first divergent case {} (golden {}, got {})",
                case.id,
                show(&case.expected),
                show(&case.actual)
            )?;
        }
        write!(
            f,
            "; {} diverging, {} missing, {} extra",
            self.diverging.len(),
            self.missing.len(),
            self.extra.len()
        )
    }
}

impl std::error::Error for Mismatch {}

impl From<Box<Mismatch>> for Error {
    fn from(m: Box<Mismatch>) -> Self {
        Error::GoldenMismatch(m)
    }
}
