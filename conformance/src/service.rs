//! Service scenarios (`vectors/service/*.json`, spec/protocol.md §7): ordered HTTP steps played
//! against the base URLs of a QuorumVM coordinator and its custodians, so that any
//! implementation of the services, not only the reference, can be tested over the wire.
//!
//! [`load`] reads and validates the scenario files (and checks them against
//! `vectors/MANIFEST.json`); [`play()`](play::play) runs them against [`Targets`] and returns the
//! same [`RunReport`](crate::RunReport) as an adapter run: one record per step, suite = the
//! file's suite, id = `<scenario>/<step>`.

mod http;
mod matching;
pub mod play;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::file_format;
use crate::vectors::is_requirement_id;

pub use play::{ServiceOptions, Targets, play};

/// The `kind` of a service scenario file.
pub const SERVICE_KIND: &str = "quorate.service-vectors";
/// The folder of `vectors/` that holds the scenario files.
pub const SERVICE_DIR: &str = "service";

/// The header of a scenario file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileHeader {
    kind: String,
    #[allow(dead_code, reason = "required by the format, not used by the runner")]
    schema: String,
    format_version: u64,
    spec_version: String,
    suite: String,
    #[allow(dead_code, reason = "required by the format, not used by the runner")]
    generator: String,
    #[allow(dead_code, reason = "optional provenance, not used by the runner")]
    #[serde(default)]
    source: Option<String>,
    #[allow(
        dead_code,
        reason = "provenance of the dealt shares, not used by the runner"
    )]
    #[serde(default)]
    drbg_label: Option<String>,
    #[serde(default)]
    notes: BTreeMap<String, String>,
    cases: Vec<Value>,
}

file_format::impl_file_header!(FileHeader);

/// The format of scenario files.
const FORMAT: file_format::Format = file_format::Format {
    kind: SERVICE_KIND,
    what: "service scenario file",
    duplicate: "duplicate scenario id in file",
};

/// One scenario file.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceSuite {
    /// `service/<name>`: the path without `.json`.
    pub name: String,
    /// The file.
    pub source: PathBuf,
    /// Precondition name -> its definition.
    pub notes: BTreeMap<String, String>,
    /// The scenarios, in file order.
    pub scenarios: Vec<Scenario>,
}

/// One scenario: steps played in order against fresh services.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Permanent within the file.
    pub id: String,
    /// Requirement IDs: the PROTO- rules of the format and every step's requirements.
    pub reqs: Vec<String>,
    /// What the scenario does.
    pub description: String,
    /// Preconditions (`fresh`: services started with empty databases), each defined in the
    /// file's `notes`.
    pub flags: Vec<String>,
    /// The threshold the coordinator must be configured with.
    pub k: u64,
    /// The number of custodians.
    pub n: u64,
    /// The roles the scenario calls: `coordinator`, `custodian:<x>`.
    pub targets: Vec<String>,
    /// The programs the scenario installs (provenance: program id and DRBG label).
    #[serde(default)]
    pub programs: Vec<Value>,
    /// The steps, in order.
    pub steps: Vec<Step>,
}

impl file_format::Identified for Scenario {
    fn id(&self) -> &str {
        &self.id
    }
}

/// One HTTP exchange and what it must answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Unique within the scenario.
    pub id: String,
    /// The requirement IDs the step checks.
    pub reqs: Vec<String>,
    /// What the step checks.
    pub description: String,
    /// The role called.
    pub target: String,
    /// `GET` or `POST`.
    pub method: String,
    /// The path (and query) under the target's base URL, with placeholders.
    pub path: String,
    /// A JSON body, with placeholders.
    #[serde(default)]
    pub body: Option<Value>,
    /// A body sent byte for byte (for malformed JSON), with placeholders.
    #[serde(default)]
    pub raw_body: Option<String>,
    /// What the answer must be.
    pub expect: StepExpect,
    /// Placeholder name -> JSON pointer into the answer's body.
    #[serde(default)]
    pub capture: BTreeMap<String, String>,
}

/// The expectation of a step.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepExpect {
    /// One status, or the list of acceptable ones.
    pub status: StatusSet,
    /// The error code at `/error/code`.
    #[serde(default)]
    pub error: Option<String>,
    /// JSON pointer -> value the answer holds there (objects match as subsets).
    #[serde(default)]
    pub body: BTreeMap<String, Value>,
    /// JSON pointer -> length of the array there.
    #[serde(default)]
    pub length: BTreeMap<String, usize>,
    /// Headers that must be present (names, case-insensitive).
    #[serde(default)]
    pub headers: Vec<String>,
}

/// `200` or `[200, 201]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum StatusSet {
    /// Exactly this status.
    One(u16),
    /// Any of these.
    Any(Vec<u16>),
}

impl StatusSet {
    /// Whether `status` is acceptable.
    pub fn contains(&self, status: u16) -> bool {
        match self {
            StatusSet::One(s) => *s == status,
            StatusSet::Any(list) => list.contains(&status),
        }
    }
}

impl std::fmt::Display for StatusSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StatusSet::One(s) => write!(f, "{s}"),
            StatusSet::Any(list) => {
                let list: Vec<String> = list.iter().map(u16::to_string).collect();
                write!(f, "one of {}", list.join(", "))
            }
        }
    }
}

/// Loads every scenario file under `dir/service/` and checks the whole manifest of `dir`.
pub fn load(dir: &Path) -> Result<Vec<ServiceSuite>> {
    let suites = load_dir(dir)?;
    crate::vectors::check_manifest(dir, &crate::vectors::load_dir(dir)?)?;
    Ok(suites)
}

/// Loads and validates every scenario file under `dir/service/` (sorted), without the manifest.
pub fn load_dir(dir: &Path) -> Result<Vec<ServiceSuite>> {
    service_files(dir)?
        .into_iter()
        .map(|rel| load_file(&dir.join(&rel), &rel))
        .collect()
}

/// The scenario files under `dir/service/`: paths relative to `dir`, sorted. None when the
/// folder does not exist.
pub fn service_files(dir: &Path) -> Result<Vec<String>> {
    let folder = dir.join(SERVICE_DIR);
    if !folder.is_dir() {
        return Ok(Vec::new());
    }
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&folder).map_err(|e| Error::io(&folder, e))? {
        let entry = entry.map_err(|e| Error::io(&folder, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".json") {
            found.push(format!("{SERVICE_DIR}/{name}"));
        }
    }
    found.sort();
    Ok(found)
}

/// Loads one scenario file; `rel` is its path relative to the vectors directory.
pub fn load_file(path: &Path, rel: &str) -> Result<ServiceSuite> {
    let header: FileHeader = file_format::header(path, rel, &FORMAT)?;
    let scenarios = file_format::cases(path, header.cases, &header.notes, validate, &FORMAT)?;
    Ok(ServiceSuite {
        name: header.suite,
        source: path.to_path_buf(),
        notes: header.notes,
        scenarios,
    })
}

/// `coordinator` or `custodian:<x>` with `x` in 1..=255 (no leading zero).
pub fn is_target(name: &str) -> bool {
    if name == "coordinator" {
        return true;
    }
    match name.strip_prefix("custodian:") {
        Some(x) => !x.starts_with('0') && x.parse::<u8>().is_ok_and(|x| x >= 1),
        None => false,
    }
}

fn is_id(s: &str) -> bool {
    !s.is_empty() && !s.contains('/') && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

fn check_reqs(reqs: &[String], what: &str) -> std::result::Result<(), String> {
    if reqs.is_empty() {
        return Err(format!("{what}: reqs is empty"));
    }
    match reqs.iter().find(|r| !is_requirement_id(r)) {
        Some(bad) => Err(format!("{what}: {bad:?} is not a requirement ID")),
        None => Ok(()),
    }
}

fn is_pointer(p: &str) -> bool {
    p.is_empty() || p.starts_with('/')
}

/// Checks a scenario: ids, requirement IDs, targets, methods, pointers, and that every
/// placeholder is a target URL or captured by an earlier step. Enforces PROTO-081.
fn validate(
    scenario: &Scenario,
    notes: &BTreeMap<String, String>,
) -> std::result::Result<(), String> {
    if !is_id(&scenario.id) {
        return Err(format!(
            "id {:?} is empty or contains `/` or whitespace",
            scenario.id
        ));
    }
    check_reqs(&scenario.reqs, "scenario")?;
    if scenario.description.trim().is_empty() {
        return Err("description is empty".into());
    }
    if let Some(flag) = scenario.flags.iter().find(|f| !notes.contains_key(*f)) {
        return Err(format!("flag {flag:?} is not defined in the file's notes"));
    }
    if scenario.k == 0 || scenario.k > scenario.n {
        return Err(format!(
            "k = {} and n = {} do not fit",
            scenario.k, scenario.n
        ));
    }
    if let Some(bad) = scenario.targets.iter().find(|t| !is_target(t)) {
        return Err(format!(
            "target {bad:?} is not coordinator or custodian:<x>"
        ));
    }
    if scenario.steps.is_empty() {
        return Err("no steps".into());
    }
    let mut known: BTreeSet<String> = scenario
        .targets
        .iter()
        .map(|t| format!("url:{t}"))
        .collect();
    let mut step_ids = BTreeSet::new();
    for step in &scenario.steps {
        let what = format!("step {}", step.id);
        if !is_id(&step.id) || !step_ids.insert(step.id.as_str()) {
            return Err(format!("{what}: id is malformed or repeated"));
        }
        check_reqs(&step.reqs, &what)?;
        if !scenario.targets.contains(&step.target) {
            return Err(format!(
                "{what}: target {:?} is not in the scenario's targets",
                step.target
            ));
        }
        match step.method.as_str() {
            "GET" if step.body.is_none() && step.raw_body.is_none() => {}
            "POST" if step.body.is_some() != step.raw_body.is_some() => {}
            other => {
                return Err(format!(
                    "{what}: method {other:?} with that body (GET has none, POST exactly one \
                     of body and raw_body)"
                ));
            }
        }
        if !step.path.starts_with('/') {
            return Err(format!("{what}: path does not start with `/`"));
        }
        if let Some(bad) = step
            .expect
            .body
            .keys()
            .chain(step.expect.length.keys())
            .chain(step.capture.values())
            .find(|p| !is_pointer(p))
        {
            return Err(format!("{what}: {bad:?} is not a JSON pointer"));
        }
        let mut used = matching::placeholders(&step.path);
        if let Some(raw) = &step.raw_body {
            used.extend(matching::placeholders(raw));
        }
        if let Some(body) = &step.body {
            matching::value_placeholders(body, &mut used);
        }
        for value in step.expect.body.values() {
            matching::value_placeholders(value, &mut used);
        }
        if let Some(unknown) = used.iter().find(|name| !known.contains(*name)) {
            return Err(format!(
                "{what}: placeholder ${{{unknown}}} is neither a target URL nor captured by an \
                 earlier step"
            ));
        }
        for name in step.capture.keys() {
            if !matching::is_capture_name(name) {
                return Err(format!(
                    "{what}: capture name {name:?} is not [A-Za-z0-9_]+"
                ));
            }
            known.insert(name.clone());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repo_vectors() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../vectors")
    }

    #[test]
    fn the_repository_scenarios_load_and_match_the_manifest() {
        let suites = load(&repo_vectors()).expect("the committed scenario files are valid");
        assert!(!suites.is_empty());
        for suite in &suites {
            assert!(suite.name.starts_with("service/"));
            for scenario in &suite.scenarios {
                assert!(scenario.reqs.iter().any(|r| r == "PROTO-080"));
                assert!(!scenario.steps.is_empty());
            }
        }
    }

    #[test]
    fn scenarios_are_validated_before_they_run() {
        let notes = BTreeMap::from([("fresh".to_owned(), "empty databases".to_owned())]);
        let scenario = |steps: Value| -> std::result::Result<(), String> {
            let value = serde_json::json!({
                "id": "s", "reqs": ["PROTO-080"], "description": "d", "flags": ["fresh"],
                "k": 1, "n": 1, "targets": ["coordinator", "custodian:1"], "steps": steps,
            });
            let scenario: Scenario = serde_json::from_value(value).map_err(|e| e.to_string())?;
            validate(&scenario, &notes)
        };
        let step = |target: &str, path: &str, capture: Value| {
            serde_json::json!({"id": format!("{target}{path}").replace(['/', ':', '$', '{', '}'], "-"),
                "reqs": ["QVM-020"], "description": "d", "target": target, "method": "GET",
                "path": path, "expect": {"status": 200}, "capture": capture})
        };
        let key = serde_json::json!({"key": "/public_key"});
        let none = serde_json::json!({});
        assert_eq!(
            scenario(serde_json::json!([
                step("custodian:1", "/health", key.clone()),
                step("coordinator", "/x/${key}/${url:custodian:1}", none.clone()),
            ])),
            Ok(())
        );
        let used_before_captured = scenario(serde_json::json!([
            step("coordinator", "/x/${key}", none.clone()),
            step("custodian:1", "/health", key),
        ]));
        assert!(used_before_captured.unwrap_err().contains("${key}"));
        let unknown_target = scenario(serde_json::json!([step("custodian:2", "/health", none)]));
        assert!(unknown_target.unwrap_err().contains("custodian:2"));
        assert!(is_target("custodian:255") && !is_target("custodian:0"));
        assert!(!is_target("custodian:01") && !is_target("leader"));
    }
}
