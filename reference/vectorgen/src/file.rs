//! Running fillers through the reference and rendering vector files.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::case::{Case, Intent, Suite};
use crate::{Error, GENERATOR, SPEC_VERSION, properties, suites};

/// One rendered vector file.
#[derive(Debug, Clone)]
pub struct GeneratedFile {
    /// Path relative to `vectors/`.
    pub path: String,
    /// The suite name.
    pub suite: &'static str,
    /// The exact bytes: RFC 8785 JSON and a final newline.
    pub bytes: Vec<u8>,
    /// How many cases the file holds.
    pub cases: usize,
}

/// Generates every vector file, in memory.
///
/// Every failing filler of every suite is reported, not just the first.
pub fn generate() -> Result<Vec<GeneratedFile>, Error> {
    let mut files = Vec::new();
    let mut failures = Vec::new();
    for suite in suites::all() {
        match render(&suite) {
            Ok(file) => files.push(file),
            Err(Error::Fillers(mut errors)) => failures.append(&mut errors),
            Err(error) => failures.push(error),
        }
    }
    match crate::service::generate() {
        Ok(mut service) => files.append(&mut service),
        Err(error) => failures.push(error),
    }
    if failures.is_empty() {
        Ok(files)
    } else {
        Err(Error::Fillers(failures))
    }
}

fn render(suite: &Suite) -> Result<GeneratedFile, Error> {
    let mut seen = BTreeSet::new();
    let mut cases = Vec::with_capacity(suite.cases.len());
    let mut failures = Vec::new();
    for case in &suite.cases {
        if !seen.insert(case.id.as_str()) {
            failures.push(Error::DuplicateId {
                suite: suite.name.to_owned(),
                id: case.id.clone(),
            });
        }
        match run(suite, case) {
            Ok(case) => cases.push(case),
            Err(error) => failures.push(error),
        }
    }
    if !failures.is_empty() {
        return Err(Error::Fillers(failures));
    }
    let notes: Map<String, Value> = suite
        .notes
        .iter()
        .map(|(flag, text)| ((*flag).to_owned(), Value::String((*text).to_owned())))
        .collect();
    let document = json!({
        "kind": "quorate.vectors",
        "schema": "vectors/schema/vector-file.schema.json",
        "format_version": 1,
        "spec_version": SPEC_VERSION,
        "suite": suite.name,
        "generator": GENERATOR,
        "source": suite.source,
        "notes": notes,
        "cases": cases,
    });
    let mut bytes = canonical_bytes(&document, suite.name)?;
    bytes.push(b'\n');
    Ok(GeneratedFile {
        path: format!("{}.json", suite.name),
        suite: suite.name,
        bytes,
        cases: suite.cases.len(),
    })
}

/// Runs one filler and checks the reference against its intent and the op's properties.
fn run(suite: &Suite, case: &Case) -> Result<Value, Error> {
    let fail = |detail: String| Error::Filler {
        suite: suite.name.to_owned(),
        id: case.id.clone(),
        detail,
    };
    for flag in &case.flags {
        if !suite.notes.iter().any(|(name, _)| name == flag) {
            return Err(fail(format!("flag `{flag}` has no note")));
        }
    }
    let outcome = driver::run_case(case.op, &case.input);
    let expect = match (&case.intent, outcome) {
        (Intent::Error(code), Err(error)) if error.code() == *code => json!({ "error": code }),
        (Intent::Error(code), Err(error)) => {
            return Err(fail(format!(
                "intended {code}, reference gave {}: {}",
                error.code(),
                error.detail()
            )));
        }
        (Intent::Error(code), Ok(value)) => {
            return Err(fail(format!("intended {code}, reference gave ok {value}")));
        }
        (_, Err(error)) => {
            return Err(fail(format!(
                "reference failed with {}: {}",
                error.code(),
                error.detail()
            )));
        }
        (Intent::Known(answer), Ok(value)) if &value != answer => {
            return Err(fail(format!(
                "known answer {answer}, reference gave {value}"
            )));
        }
        (_, Ok(value)) => {
            properties::check(case.op, &case.input, &value).map_err(fail)?;
            json!({ "ok": value })
        }
    };
    let features = [case.op];
    Ok(json!({
        "id": case.id,
        "reqs": case.reqs,
        "description": case.description,
        "features": features,
        "flags": case.flags,
        "op": case.op,
        "input": case.input,
        "expect": expect,
    }))
}

/// The RFC 8785 bytes of a generated document, by the reference canonicalizer.
pub(crate) fn canonical_bytes(document: &Value, what: &str) -> Result<Vec<u8>, Error> {
    let text = document.to_string();
    canon::json::canonicalize(text.as_bytes())
        .map(|c| c.as_bytes().to_vec())
        .map_err(|source| Error::Canon {
            what: what.to_owned(),
            source,
        })
}
