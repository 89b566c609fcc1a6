//! The case model shared by Quorate vector files ([`crate::vectors`]) and the public suites
//! ([`crate::external`]): what the runner sends, and what it expects back.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The expectation of a case (PROTO-050): an output value or an error code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum Expect {
    /// `{"ok": value}`: the operation succeeds with this output.
    Ok(Value),
    /// `{"error": "CODE"}`: the operation fails with this spec error code.
    Error(String),
}

impl Expect {
    /// The expectation as its JSON object (`{"ok": …}` or `{"error": …}`).
    pub fn to_json(&self) -> Value {
        let mut object = serde_json::Map::new();
        match self {
            Expect::Ok(value) => object.insert("ok".into(), value.clone()),
            Expect::Error(code) => object.insert("error".into(), Value::String(code.clone())),
        };
        Value::Object(object)
    }
}

impl fmt::Display for Expect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::judge::abbreviate(&self.to_json().to_string()))
    }
}

/// One case: an operation, its input and what a conforming implementation answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// The suite (`canon/json`, `external/wycheproof/ed25519`).
    pub suite: String,
    /// The id, permanent within its suite.
    pub id: String,
    /// The requirement IDs the case checks; never empty.
    pub reqs: Vec<String>,
    /// What the case is.
    pub description: String,
    /// The adapter features the case needs; always contains `op`.
    pub features: Vec<String>,
    /// Flags, each defined in the suite's notes.
    pub flags: Vec<String>,
    /// The operation (spec/protocol.md §6).
    pub op: String,
    /// The operation's input object.
    pub input: Value,
    /// The expected result.
    pub expect: Expect,
    /// Alternatives that also pass (PROTO-051).
    pub acceptable: Vec<Expect>,
}

impl Case {
    /// `<suite>/<id>`: the full id used in reports, digests and `[[xfail]]` entries.
    pub fn full_id(&self) -> String {
        format!("{}/{}", self.suite, self.id)
    }

    /// `<suite>/<first req>/<id>`: the libtest trial name, so a filter runs one requirement.
    pub fn trial_name(&self) -> String {
        let req = self.reqs.first().map(String::as_str).unwrap_or("NOREQ");
        format!("{}/{}/{}", self.suite, req, self.id)
    }

    /// The `case` member of a `run` request (PROTO-020): never the expectation.
    pub fn request_case(&self) -> Value {
        serde_json::json!({
            "suite": self.suite,
            "id": self.id,
            "op": self.op,
            "input": self.input,
        })
    }
}

/// A named collection of cases loaded from one file (or one upstream source).
#[derive(Debug, Clone, PartialEq)]
pub struct Suite {
    /// The suite name; every case carries it too.
    pub name: String,
    /// The file the suite came from.
    pub source: PathBuf,
    /// Flag name -> its definition.
    pub notes: BTreeMap<String, String>,
    /// The cases, in file order.
    pub cases: Vec<Case>,
}

/// All cases of several suites, in order.
pub fn flatten(suites: &[Suite]) -> Vec<Case> {
    suites
        .iter()
        .flat_map(|s| s.cases.iter().cloned())
        .collect()
}
