//! RFC 8785 test data (cyberphone/json-canonicalization): the `testdata` input/output pairs
//! and the derived 10,000-line ES6 number serialization sample.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use super::{External, NewCase, hex_lower, invalid, read, read_text, suite};
use crate::case::Expect;
use crate::error::{Error, Result};

const TESTDATA: &str = "json-canonicalization/testdata";
const NUMBERS: &str = "json-canonicalization/es6testfile10k.txt";

/// Loads both.
pub(super) fn load(dir: &Path, out: &mut External) -> Result<()> {
    testdata(dir, out)?;
    numbers(dir, out)
}

/// `input/X.json` canonicalizes to exactly the bytes of `output/X.json` (also in `outhex/X.txt`).
fn testdata(dir: &Path, out: &mut External) -> Result<()> {
    const SUITE: &str = "external/jcs/testdata";
    let input_dir = dir.join(TESTDATA).join("input");
    let listing = match std::fs::read_dir(&input_dir) {
        Ok(listing) => listing,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::ExternalMissing { path: input_dir });
        }
        Err(e) => return Err(Error::io(input_dir, e)),
    };
    let mut names = Vec::new();
    for entry in listing {
        let entry = entry.map_err(|e| Error::io(&input_dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".json") {
            names.push(stem.to_owned());
        }
    }
    names.sort();
    let mut cases = Vec::new();
    for name in &names {
        let (_, input) = read(dir, &format!("{TESTDATA}/input/{name}.json"))?;
        let (out_path, expected) = read_text(dir, &format!("{TESTDATA}/output/{name}.json"))?;
        let (hex_path, outhex) = read_text(dir, &format!("{TESTDATA}/outhex/{name}.txt"))?;
        let outhex: String = outhex.split_whitespace().collect();
        if hex_lower(&hex_path, name, &outhex)? != hex::encode(expected.as_bytes()) {
            return Err(invalid(
                &out_path,
                Some(name.clone()),
                "output and outhex disagree",
            ));
        }
        cases.push(
            NewCase {
                suite: SUITE,
                id: name.clone(),
                reqs: &["CANON-001", "CANON-002", "CANON-003", "CANON-004"],
                description: format!(
                    "RFC 8785 test data {name}.json canonicalizes to output/{name}.json"
                ),
                op: "canon.json.canonicalize",
                input: json!({ "bytes": hex::encode(&input) }),
                expect: Expect::Ok(Value::String(expected)),
            }
            .build(),
        );
    }
    out.add_source(&format!("{TESTDATA}/input"), names.len(), cases.len());
    out.suites
        .push(suite(SUITE, dir.join(TESTDATA), BTreeMap::new(), cases));
    Ok(())
}

/// Lines `hexbits,expected`: the binary64 bit pattern and its ECMAScript serialization.
fn numbers(dir: &Path, out: &mut External) -> Result<()> {
    const SUITE: &str = "external/jcs/es6-numbers";
    let (path, text) = read_text(dir, NUMBERS)?;
    let mut cases = Vec::new();
    let mut lines = 0;
    for (index, line) in text.lines().enumerate() {
        let n = index + 1;
        lines += 1;
        let item = format!("line {n}");
        let (bits, expected) = line
            .split_once(',')
            .ok_or_else(|| invalid(&path, Some(item.clone()), "no comma"))?;
        let bits = bits.to_ascii_lowercase();
        if bits.is_empty() || bits.len() > 16 || !bits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(invalid(
                &path,
                Some(item),
                format!("{bits:?} is not 1..16 hex digits"),
            ));
        }
        cases.push(
            NewCase {
                suite: SUITE,
                id: format!("line-{n}"),
                reqs: &["CANON-004"],
                description: format!("binary64 0x{bits} serializes as {expected}"),
                op: "canon.json.number",
                input: json!({ "bits": bits }),
                expect: Expect::Ok(Value::String(expected.to_owned())),
            }
            .build(),
        );
    }
    out.add_source(NUMBERS, lines, cases.len());
    out.suites.push(suite(SUITE, path, BTreeMap::new(), cases));
    Ok(())
}
