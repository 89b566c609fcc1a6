//! Expected failures: the `[[xfail]]` tables of `claims.toml`.
//!
//! ```toml
//! [[xfail]]
//! case = "external/wycheproof/ed25519/tc-63"   # or a prefix pattern ending in `*`
//! reason = "why this case is expected to fail"
//! implementation = "quorate-python"           # optional: only for this implementation
//! ```
//!
//! An expected failure still runs. Failing is fine; passing is an error ("unexpected pass");
//! an entry that matches no case of the run is an error (stale). Enforces PROTO-042.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::case::Case;
use crate::error::{Error, Result};

/// One `[[xfail]]` table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XfailEntry {
    /// `<suite>/<id>`, or a prefix of it followed by `*`.
    pub case: String,
    /// Why the failure is expected.
    pub reason: String,
    /// Only for the implementation of this name (`hello` answer); every implementation if absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub implementation: Option<String>,
}

impl XfailEntry {
    /// Whether this entry applies to a run of `implementation`.
    pub fn applies_to(&self, implementation: Option<&str>) -> bool {
        match (&self.implementation, implementation) {
            (None, _) => true,
            (Some(want), Some(got)) => want == got,
            (Some(_), None) => false,
        }
    }

    /// Whether the pattern matches a full case id.
    pub fn matches(&self, full_id: &str) -> bool {
        match self.case.strip_suffix('*') {
            Some(prefix) => full_id.starts_with(prefix),
            None => self.case == full_id,
        }
    }
}

/// Every expected failure declared for a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Xfails {
    /// The entries, in file order.
    pub entries: Vec<XfailEntry>,
}

#[derive(Deserialize)]
struct ClaimsXfail {
    #[serde(default)]
    xfail: Vec<XfailEntry>,
}

/// Reads only the `[[xfail]]` tables of a claims file; everything else in it is ignored.
pub fn load_xfails(path: &Path) -> Result<Xfails> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    Xfails::parse(&text, path)
}

impl Xfails {
    /// No expected failures.
    pub fn none() -> Self {
        Xfails::default()
    }

    /// Parses the `[[xfail]]` tables of TOML text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self> {
        let invalid = |message: String| Error::XfailInvalid {
            path: path.to_path_buf(),
            message,
        };
        let table: toml::Table = toml::from_str(text).map_err(|e| invalid(e.to_string()))?;
        let Some(xfail) = table.get("xfail") else {
            return Ok(Xfails::none());
        };
        let claims: ClaimsXfail =
            toml::Value::Table([("xfail".to_owned(), xfail.clone())].into_iter().collect())
                .try_into()
                .map_err(|e: toml::de::Error| invalid(format!("[[xfail]]: {e}")))?;
        for entry in &claims.xfail {
            let star = entry.case.find('*');
            if entry.case.is_empty() || star.is_some_and(|i| i + 1 != entry.case.len()) {
                return Err(invalid(format!(
                    "xfail case {:?}: a full id, or a prefix ending in a single trailing `*`",
                    entry.case
                )));
            }
            if entry.reason.trim().is_empty() {
                return Err(invalid(format!(
                    "xfail case {:?} has no reason",
                    entry.case
                )));
            }
        }
        Ok(Xfails {
            entries: claims.xfail,
        })
    }

    /// The first entry for `full_id` that applies to `implementation`.
    pub fn lookup(&self, full_id: &str, implementation: Option<&str>) -> Option<&XfailEntry> {
        self.entries
            .iter()
            .find(|e| e.applies_to(implementation) && e.matches(full_id))
    }

    /// Entries that apply to `implementation` and match none of `cases`. Entries for other
    /// implementations are never stale here: this run cannot check them. A caller that runs a
    /// subset of the suites should drop the entries for the other suites first.
    pub fn stale(&self, cases: &[Case], implementation: Option<&str>) -> Vec<XfailEntry> {
        self.entries
            .iter()
            .filter(|e| e.applies_to(implementation))
            .filter(|e| !cases.iter().any(|c| e.matches(&c.full_id())))
            .cloned()
            .collect()
    }

    /// As [`Xfails::stale`], for records known by their full ids (service scenario steps).
    pub fn stale_ids(&self, full_ids: &[String], implementation: Option<&str>) -> Vec<XfailEntry> {
        self.entries
            .iter()
            .filter(|e| e.applies_to(implementation))
            .filter(|e| !full_ids.iter().any(|id| e.matches(id)))
            .cloned()
            .collect()
    }

    /// Keeps only entries whose pattern could match a case of one of `suites`.
    pub fn retain_suites(&mut self, suites: &[&str]) {
        self.entries.retain(|e| {
            suites.iter().any(|s| {
                let prefix = format!("{s}/");
                match e.case.strip_suffix('*') {
                    Some(p) => prefix.starts_with(p) || p.starts_with(&prefix),
                    None => e.case.starts_with(&prefix),
                }
            })
        });
    }
}
