//! Quorate vector files (`vectors/README.md`) and `vectors/MANIFEST.json`.
//!
//! [`load`] reads every `*.json` under a vectors directory except `MANIFEST.json`, `schema/` and
//! the service scenarios of `service/` ([`crate::service`]), validates each file's header and
//! cases, and checks the manifest: the SHA-256 and case count of every file (the scenario files
//! included, counted in scenarios), and no file left unlisted.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::SPEC_VERSION;
use crate::case::{Case, Expect, Suite};
use crate::error::{Error, Result};
use crate::file_format;

/// The `kind` of a vector file.
pub const VECTOR_KIND: &str = "quorate.vectors";
/// The `kind` of `MANIFEST.json`.
pub const MANIFEST_KIND: &str = "quorate.manifest";
/// The only vector file format version this runner reads.
pub const FORMAT_VERSION: u64 = 1;

/// The header of a vector file.
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
    #[serde(default)]
    notes: BTreeMap<String, String>,
    cases: Vec<Value>,
}

file_format::impl_file_header!(FileHeader);

/// The format of vector files.
const FORMAT: file_format::Format = file_format::Format {
    kind: VECTOR_KIND,
    what: "vector file",
    duplicate: "duplicate case id in suite",
};

/// One case as written in a vector file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileCase {
    id: String,
    reqs: Vec<String>,
    description: String,
    features: Vec<String>,
    #[serde(default)]
    flags: Vec<String>,
    op: String,
    input: Value,
    expect: Expect,
    #[serde(default)]
    acceptable: Vec<Expect>,
}

impl file_format::Identified for FileCase {
    fn id(&self) -> &str {
        &self.id
    }
}

/// `vectors/MANIFEST.json`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`MANIFEST_KIND`].
    pub kind: String,
    /// The spec version of every listed file.
    pub spec_version: String,
    /// One entry per vector file.
    pub files: Vec<ManifestEntry>,
}

/// One file listed in the manifest.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestEntry {
    /// Path relative to the vectors directory, with `/` separators.
    pub path: String,
    /// SHA-256 of the file bytes, lowercase hex.
    pub sha256: String,
    /// Number of cases in the file.
    pub cases: usize,
}

/// Loads every vector file under `dir` and checks `MANIFEST.json` against them.
pub fn load(dir: &Path) -> Result<Vec<Suite>> {
    let suites = load_dir(dir)?;
    check_manifest(dir, &suites)?;
    Ok(suites)
}

/// Loads and validates every vector file under `dir` (sorted by path), without the manifest.
pub fn load_dir(dir: &Path) -> Result<Vec<Suite>> {
    vector_files(dir)?
        .into_iter()
        .map(|rel| load_file(&dir.join(&rel), &rel))
        .collect()
}

/// The vector files under `dir`: relative paths with `/` separators, sorted.
pub fn vector_files(dir: &Path) -> Result<Vec<String>> {
    let mut found = Vec::new();
    walk(dir, "", &mut found)?;
    found.sort();
    Ok(found)
}

fn walk(dir: &Path, prefix: &str, found: &mut Vec<String>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = format!("{prefix}{name}");
        let kind = entry.file_type().map_err(|e| Error::io(entry.path(), e))?;
        if kind.is_dir() {
            if rel != "schema" && rel != crate::service::SERVICE_DIR {
                walk(&entry.path(), &format!("{rel}/"), found)?;
            }
        } else if name.ends_with(".json") && rel != "MANIFEST.json" {
            found.push(rel);
        }
    }
    Ok(())
}

/// Loads one vector file; `rel` is its path relative to the vectors directory.
pub fn load_file(path: &Path, rel: &str) -> Result<Suite> {
    let header: FileHeader = file_format::header(path, rel, &FORMAT)?;
    let file_cases = file_format::cases(path, header.cases, &header.notes, validate_case, &FORMAT)?;
    let cases = file_cases
        .into_iter()
        .map(|case| Case {
            suite: header.suite.clone(),
            id: case.id,
            reqs: case.reqs,
            description: case.description,
            features: case.features,
            flags: case.flags,
            op: case.op,
            input: case.input,
            expect: case.expect,
            acceptable: case.acceptable,
        })
        .collect();
    Ok(Suite {
        name: header.suite,
        source: path.to_path_buf(),
        notes: header.notes,
        cases,
    })
}

fn validate_case(
    case: &FileCase,
    notes: &BTreeMap<String, String>,
) -> std::result::Result<(), String> {
    if case.id.is_empty() || case.id.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(format!("id {:?} is empty or contains whitespace", case.id));
    }
    if case.reqs.is_empty() {
        return Err("reqs is empty".into());
    }
    if let Some(bad) = case.reqs.iter().find(|r| !is_requirement_id(r)) {
        return Err(format!("{bad:?} is not a requirement ID"));
    }
    if case.description.trim().is_empty() {
        return Err("description is empty".into());
    }
    if !case.features.contains(&case.op) {
        return Err(format!("features do not contain the op {:?}", case.op));
    }
    if !case.input.is_object() {
        return Err("input is not an object".into());
    }
    if let Some(flag) = case.flags.iter().find(|f| !notes.contains_key(*f)) {
        return Err(format!("flag {flag:?} is not defined in the file's notes"));
    }
    if !case.acceptable.is_empty() && case.flags.is_empty() {
        return Err("acceptable alternatives without a flag (PROTO-051)".into());
    }
    Ok(())
}

/// `AREA-123`: upper-case letters, a hyphen, digits.
pub(crate) fn is_requirement_id(s: &str) -> bool {
    match s.split_once('-') {
        Some((area, num)) => {
            !area.is_empty()
                && area.bytes().all(|b| b.is_ascii_uppercase())
                && !num.is_empty()
                && num.bytes().all(|b| b.is_ascii_digit())
        }
        None => false,
    }
}

/// Reads `dir/MANIFEST.json`.
pub fn read_manifest(dir: &Path) -> Result<Manifest> {
    let path = dir.join("MANIFEST.json");
    let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
    let manifest: Manifest =
        serde_json::from_slice(&bytes).map_err(|e| Error::ManifestMismatch {
            path: path.clone(),
            message: format!("not a manifest: {e}"),
        })?;
    if manifest.kind != MANIFEST_KIND || manifest.spec_version != SPEC_VERSION {
        return Err(Error::ManifestMismatch {
            path,
            message: format!(
                "kind {:?} / spec_version {:?}, expected {MANIFEST_KIND:?} / {SPEC_VERSION:?}",
                manifest.kind, manifest.spec_version
            ),
        });
    }
    Ok(manifest)
}

/// Checks `dir/MANIFEST.json` against the files on disk and the loaded `suites`: every file is
/// listed once, its SHA-256 and case count match, it is stored in RFC 8785 form with a final
/// newline, and no listed file is missing.
pub fn check_manifest(dir: &Path, suites: &[Suite]) -> Result<Manifest> {
    let manifest = read_manifest(dir)?;
    let manifest_path = dir.join("MANIFEST.json");
    let mismatch = |message: String| Error::ManifestMismatch {
        path: manifest_path.clone(),
        message,
    };
    let mut listed: BTreeMap<&str, &ManifestEntry> = BTreeMap::new();
    for entry in &manifest.files {
        if listed.insert(entry.path.as_str(), entry).is_some() {
            return Err(mismatch(format!("{} is listed twice", entry.path)));
        }
    }
    let mut on_disk = vector_files(dir)?;
    on_disk.extend(crate::service::service_files(dir)?);
    if let Some(unlisted) = on_disk.iter().find(|p| !listed.contains_key(p.as_str())) {
        return Err(mismatch(format!("{unlisted} is not listed")));
    }
    let mut counts: BTreeMap<PathBuf, usize> = suites
        .iter()
        .map(|s| (s.source.clone(), s.cases.len()))
        .collect();
    for service in crate::service::load_dir(dir)? {
        counts.insert(service.source, service.scenarios.len());
    }
    for entry in &manifest.files {
        let path = dir.join(&entry.path);
        if !on_disk.contains(&entry.path) {
            return Err(mismatch(format!("{} is listed but missing", entry.path)));
        }
        let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
        let actual = hex::encode(Sha256::digest(&bytes));
        if actual != entry.sha256 {
            return Err(mismatch(format!(
                "{}: sha256 is {actual}, manifest says {}",
                entry.path, entry.sha256
            )));
        }
        match counts.get(&path) {
            Some(&n) if n == entry.cases => {}
            Some(&n) => {
                return Err(mismatch(format!(
                    "{}: {n} cases, manifest says {}",
                    entry.path, entry.cases
                )));
            }
            None => return Err(mismatch(format!("{} was not loaded", entry.path))),
        }
        check_canonical(&path, &bytes)?;
    }
    Ok(manifest)
}

/// A vector file is its own RFC 8785 form plus one final newline.
fn check_canonical(path: &Path, bytes: &[u8]) -> Result<()> {
    let not_canonical = |message: String| Error::ManifestMismatch {
        path: path.to_path_buf(),
        message,
    };
    let body = bytes
        .strip_suffix(b"\n")
        .ok_or_else(|| not_canonical("no final newline".into()))?;
    let value: Value = serde_json::from_slice(body).map_err(|e| not_canonical(e.to_string()))?;
    let canonical =
        serde_json_canonicalizer::to_vec(&value).map_err(|e| not_canonical(e.to_string()))?;
    if canonical != body {
        return Err(not_canonical(
            "not stored in RFC 8785 canonical form".into(),
        ));
    }
    Ok(())
}
