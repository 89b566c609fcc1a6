//! `claims.toml`: the claims README.md makes, their proofs, the profiles claimed, and the
//! expected failures.
//!
//! ```toml
//! [meta]
//! spec_version = "0.1.0"          # non-empty
//! profiles = ["canon"]            # non-empty list of non-empty names
//!
//! [[claim]]
//! id = "jcs"                      # README.md says `claim:jcs`; ASCII letters, digits, . _ - /
//! summary = "…"                   # non-empty
//! proofs = [
//!   { suite = "canon/json", report = "reference" },
//!   { requirement = "CANON-002", report = "python" },
//!   { external = "external/rfc8785/numbers", report = "reference-external" },
//!   { test = "e2e_allow" },
//! ]
//!
//! [[xfail]]                       # read by the conformance runner; checked here for shape only
//! case = "canon/json/some-id"     # non-empty
//! reason = "…"                    # non-empty
//! implementation = "…"            # optional
//! ```
//!
//! Unknown tables and keys are errors. A proof has exactly one of `suite`, `requirement`,
//! `external`, `test`; every kind but `test` names a `report`: the file
//! `<out>/<report>.jsonl` (the name without `.jsonl`: ASCII letters, digits, `.`, `_`, `-`).

use std::fmt;

use serde::Deserialize;

use crate::error::Error;
use crate::spec::ReqId;

/// The file name, at the repository root.
pub const CLAIMS_FILE: &str = "claims.toml";

/// A parsed, validated `claims.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimsFile {
    /// `[meta]`.
    pub meta: Meta,
    /// `[[claim]]`, in file order.
    pub claims: Vec<Claim>,
    /// `[[xfail]]`, in file order.
    pub xfails: Vec<Xfail>,
}

/// `[meta]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    /// The spec version the claims are about.
    pub spec_version: String,
    /// The conformance profiles claimed (informative).
    pub profiles: Vec<String>,
}

/// One `[[claim]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The id README.md uses (`claim:<id>`).
    pub id: String,
    /// One line saying what is claimed.
    pub summary: String,
    /// What proves it; every proof must hold.
    pub proofs: Vec<Proof>,
}

/// One proof of a claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Proof {
    /// Every case of the suite (or of the suites under it: `canon` covers `canon/json`) passed
    /// in the report, and there is at least one.
    Suite {
        /// The suite.
        suite: String,
        /// The report name.
        report: String,
    },
    /// Every case whose `reqs` contain the ID passed in the report, and there is at least one.
    Requirement {
        /// The requirement.
        requirement: ReqId,
        /// The report name.
        report: String,
    },
    /// As [`Proof::Suite`], for an external (upstream) suite.
    External {
        /// The suite.
        external: String,
        /// The report name.
        report: String,
    },
    /// A libtest line `test <path> ... ok` for the test exists in `cargo-test.log` and no line
    /// for it says `FAILED`.
    Test {
        /// The test name or path (matched as the whole path or its last `::` segments).
        test: String,
    },
    /// A step of `.ci/run` that recorded itself in `steps.passed` after it succeeded (for
    /// checks that are whole commands, such as the release build's digest).
    Step {
        /// The step name, one line of `steps.passed`.
        step: String,
    },
}

impl Proof {
    /// The report the proof reads, if any.
    pub fn report(&self) -> Option<&str> {
        match self {
            Proof::Suite { report, .. }
            | Proof::Requirement { report, .. }
            | Proof::External { report, .. } => Some(report),
            Proof::Test { .. } | Proof::Step { .. } => None,
        }
    }
}

impl fmt::Display for Proof {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Proof::Suite { suite, report } => write!(f, "suite {suite} in {report}.jsonl"),
            Proof::Requirement {
                requirement,
                report,
            } => write!(f, "requirement {requirement} in {report}.jsonl"),
            Proof::External { external, report } => {
                write!(f, "external {external} in {report}.jsonl")
            }
            Proof::Test { test } => write!(f, "test {test}"),
            Proof::Step { step } => write!(f, "ci step {step}"),
        }
    }
}

/// One `[[xfail]]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Xfail {
    /// `<suite>/<id>`, or a prefix followed by `*`.
    pub case: String,
    /// Why the failure is expected.
    pub reason: String,
    /// Only for this implementation, if set.
    #[serde(default)]
    pub implementation: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    meta: Meta,
    #[serde(default)]
    claim: Vec<RawClaim>,
    #[serde(default)]
    xfail: Vec<Xfail>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawClaim {
    id: String,
    summary: String,
    #[serde(default)]
    proofs: Vec<RawProof>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProof {
    suite: Option<String>,
    requirement: Option<String>,
    external: Option<String>,
    test: Option<String>,
    step: Option<String>,
    report: Option<String>,
}

/// Whether `id` is a valid claim id: non-empty ASCII letters, digits, `.`, `_`, `-`, `/`.
pub fn valid_claim_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-/".contains(&b))
}

fn valid_report_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
}

/// Parses and validates `claims.toml` text. Collects every problem: `HARNESS_PARSE` for the
/// shape, `HARNESS_CLAIM_DUPLICATE` for a claim id listed twice.
pub fn parse_claims(text: &str) -> Result<ClaimsFile, Vec<Error>> {
    let bad = |message: String| Error::parse(CLAIMS_FILE, None, message);
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        vec![Error::parse(
            CLAIMS_FILE,
            line,
            e.message().trim().to_owned(),
        )]
    })?;
    let mut errors = Vec::new();

    if raw.meta.spec_version.trim().is_empty() {
        errors.push(bad("[meta] spec_version is empty".to_owned()));
    }
    if raw.meta.profiles.is_empty() {
        errors.push(bad(
            "[meta] profiles is empty: claim at least one profile".to_owned()
        ));
    }
    if raw.meta.profiles.iter().any(|p| p.trim().is_empty()) {
        errors.push(bad("[meta] profiles holds an empty name".to_owned()));
    }

    let mut claims: Vec<Claim> = Vec::new();
    for (n, raw_claim) in raw.claim.into_iter().enumerate() {
        let id = raw_claim.id;
        if !valid_claim_id(&id) {
            errors.push(bad(format!(
                "[[claim]] #{}: id {id:?} is not ASCII letters, digits, `.`, `_`, `-`, `/`",
                n + 1
            )));
        }
        if raw_claim.summary.trim().is_empty() {
            errors.push(bad(format!("claim `{id}`: summary is empty")));
        }
        let mut proofs = Vec::new();
        for (k, p) in raw_claim.proofs.into_iter().enumerate() {
            match proof(p) {
                Ok(p) => proofs.push(p),
                Err(m) => errors.push(bad(format!("claim `{id}`, proof #{}: {m}", k + 1))),
            }
        }
        if claims.iter().any(|c| c.id == id) {
            errors.push(Error::ClaimDuplicate { id: id.clone() });
        }
        claims.push(Claim {
            id,
            summary: raw_claim.summary,
            proofs,
        });
    }

    for (n, x) in raw.xfail.iter().enumerate() {
        if x.case.trim().is_empty() {
            errors.push(bad(format!("[[xfail]] #{}: case is empty", n + 1)));
        }
        if x.reason.trim().is_empty() {
            errors.push(bad(format!(
                "[[xfail]] #{} ({}): reason is empty",
                n + 1,
                x.case
            )));
        }
    }

    if errors.is_empty() {
        Ok(ClaimsFile {
            meta: raw.meta,
            claims,
            xfails: raw.xfail,
        })
    } else {
        Err(errors)
    }
}

fn proof(raw: RawProof) -> Result<Proof, String> {
    let kinds = [
        ("suite", raw.suite),
        ("requirement", raw.requirement),
        ("external", raw.external),
        ("test", raw.test),
        ("step", raw.step),
    ];
    let mut given = kinds.into_iter().filter_map(|(k, v)| v.map(|v| (k, v)));
    let Some((kind, value)) = given.next() else {
        return Err("needs one of `suite`, `requirement`, `external`, `test`, `step`".to_owned());
    };
    if let Some((other, _)) = given.next() {
        return Err(format!(
            "has both `{kind}` and `{other}`; use one proof per kind"
        ));
    }
    if value.trim().is_empty() {
        return Err(format!("`{kind}` is empty"));
    }
    let report = match (kind, raw.report) {
        ("test", None) => String::new(),
        ("test", Some(_)) => {
            return Err("a `test` proof reads cargo-test.log, not a `report`".to_owned());
        }
        ("step", None) => String::new(),
        ("step", Some(_)) => {
            return Err("a `step` proof reads steps.passed, not a `report`".to_owned());
        }
        (_, None) => return Err(format!("a `{kind}` proof needs a `report`")),
        (_, Some(r)) if r.ends_with(".jsonl") => {
            return Err(format!("report {r:?}: give the name without `.jsonl`"));
        }
        (_, Some(r)) if !valid_report_name(&r) => {
            return Err(format!(
                "report {r:?} is not a file name (ASCII letters, digits, `.`, `_`, `-`)"
            ));
        }
        (_, Some(r)) => r,
    };
    Ok(match kind {
        "suite" => Proof::Suite {
            suite: value,
            report,
        },
        "requirement" => Proof::Requirement {
            requirement: value.parse()?,
            report,
        },
        "external" => Proof::External {
            external: value,
            report,
        },
        "step" => Proof::Step { step: value },
        _ => Proof::Test { test: value },
    })
}
