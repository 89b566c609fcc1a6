//! FNV-1a 64 (`fnv/fnv1a64_test_vectors.txt`, transcribed from lcn2/fnv `test_fnv.c`).

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use super::{External, NewCase, hex_lower, invalid, read_text, suite};
use crate::case::Expect;
use crate::error::Result;

const FILE: &str = "fnv/fnv1a64_test_vectors.txt";
const SUITE: &str = "external/fnv/fnv1a64";
const HEADER: &str = "index\tmacro\tlen\tinput_hex\tfnv1a64\tsource";

/// Loads the table: `#` comments, the header line, then one tab-separated row per case.
pub(super) fn load(dir: &Path, out: &mut External) -> Result<()> {
    let (path, text) = read_text(dir, FILE)?;
    let mut cases = Vec::new();
    let mut header_seen = false;
    for (index, line) in text.lines().enumerate() {
        let item = Some(format!("line {}", index + 1));
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        if !header_seen {
            if line != HEADER {
                return Err(invalid(
                    &path,
                    item,
                    format!("expected the header {HEADER:?}"),
                ));
            }
            header_seen = true;
            continue;
        }
        let columns: Vec<&str> = line.splitn(6, '\t').collect();
        let [row, kind, len, input, expected, source] = columns.as_slice() else {
            return Err(invalid(&path, item, "expected 6 tab-separated columns"));
        };
        let input = hex_lower(&path, line, input)?;
        let expected = hex_lower(&path, line, expected)?;
        let len: usize = len
            .parse()
            .map_err(|_| invalid(&path, item.clone(), "bad len"))?;
        if input.len() != 2 * len || expected.len() != 16 {
            return Err(invalid(
                &path,
                item,
                "len or hash width disagrees with the row",
            ));
        }
        cases.push(
            NewCase {
                suite: SUITE,
                id: format!("{row}-{}", kind.to_ascii_lowercase()),
                reqs: &["CANON-030"],
                description: format!("FNV-1a 64 of {source} ({kind}, {len} bytes)"),
                op: "canon.fnv1a64",
                input: json!({ "bytes": input }),
                expect: Expect::Ok(Value::String(expected)),
            }
            .build(),
        );
    }
    if !header_seen {
        return Err(invalid(&path, None, "no header line"));
    }
    out.add_source(FILE, cases.len(), cases.len());
    out.suites.push(suite(SUITE, path, BTreeMap::new(), cases));
    Ok(())
}
