//! Service scenario files (`vectors/service/qvm-*.json`, spec/protocol.md §7): ordered HTTP
//! steps that the conformance runner plays against a coordinator and N custodians.
//!
//! Everything an installer computes (the package, the dealt S_v and triple shares of every
//! custodian) is generated here deterministically, from the DRBG label stored in the file, with
//! the reference crates; the expected outputs of evaluations are the reference's cleartext
//! values for that dealt S_v. What only the services know (their Ed25519 keys, the approvals
//! they sign) is captured at run time into `${name}` placeholders.

use serde_json::{Value, json};

use crate::file::{GeneratedFile, canonical_bytes};
use crate::{Error, GENERATOR, SPEC_VERSION};

/// The `kind` of a service scenario file.
pub const SERVICE_KIND: &str = "quorate.service-vectors";

/// The threshold every scenario runs with.
const K: usize = 3;
/// The number of custodians every scenario runs with.
const N: usize = 5;

/// The demo's example program: `((x + S_v)^2 + 7) * x`, two secure multiplications, 3 rounds.
const EXAMPLE: &str = "input x\nsecret s\nconst seven = 7\nadd t = x s\nmul u = t t\n\
                       add v = u seven\nmul y = v x\noutput y\n";

/// The DRBG label of the file; each program's dealing extends it.
const LABEL: &str = "quorate/service/qvm-services/v1";

const NOT_FOUND_ID: &str = "0000000000000000000000000000000000000000000000000000000000000000";

fn failure(id: &str, detail: impl std::fmt::Display) -> Error {
    Error::Filler {
        suite: "service/qvm-services".to_owned(),
        id: id.to_owned(),
        detail: detail.to_string(),
    }
}

mod activation;
mod dealt;
mod evaluation;
mod policy;
mod step;
mod steps;

use activation::activation;
use dealt::Dealt;
use evaluation::evaluation;
use policy::policy;
use step::Step;
use steps::custodian;

fn scenario(
    id: &str,
    description: &str,
    reqs: &[&str],
    dealt: &[&Dealt],
    steps: Vec<Step>,
) -> Value {
    let steps: Vec<Value> = steps.into_iter().map(Step::build).collect();
    let mut all_reqs: Vec<String> = reqs.iter().map(|r| (*r).to_owned()).collect();
    for step in &steps {
        for req in step["reqs"].as_array().into_iter().flatten() {
            if let Some(req) = req.as_str()
                && !all_reqs.iter().any(|r| r == req)
            {
                all_reqs.push(req.to_owned());
            }
        }
    }
    let mut targets = vec!["coordinator".to_owned()];
    targets.extend((1..=N).map(custodian));
    let programs: Vec<Value> = dealt
        .iter()
        .map(|d| json!({"program_id": d.id(), "drbg_label": d.label}))
        .collect();
    json!({
        "id": id,
        "reqs": all_reqs,
        "description": description,
        "flags": ["fresh"],
        "k": K,
        "n": N,
        "targets": targets,
        "programs": programs,
        "steps": steps,
    })
}

/// Every service scenario file.
pub(crate) fn generate() -> Result<Vec<GeneratedFile>, Error> {
    let suite = "service/qvm-services";
    let cases = vec![activation()?, evaluation()?, policy()?];
    let notes = json!({
        "fresh": "the scenario needs services started with empty databases; the scenarios of \
                  this file may run one after the other on the same services (each installs \
                  its own programs and uses its own identities and request ids), but not twice",
    });
    let document = json!({
        "kind": SERVICE_KIND,
        "schema": "vectors/schema/vector-file.schema.json",
        "format_version": 1,
        "spec_version": SPEC_VERSION,
        "suite": suite,
        "generator": GENERATOR,
        "source": "spec/quorumvm.md",
        "drbg_label": LABEL,
        "notes": notes,
        "cases": cases,
    });
    let mut bytes = canonical_bytes(&document, suite)?;
    bytes.push(b'\n');
    Ok(vec![GeneratedFile {
        path: format!("{suite}.json"),
        suite: "service/qvm-services",
        bytes,
        cases: cases_len(&document),
    }])
}

fn cases_len(document: &Value) -> usize {
    document["cases"].as_array().map_or(0, Vec::len)
}
