//! Wycheproof (C2SP/wycheproof `testvectors_v1`): Ed25519, ECDSA P-256/SHA-256 in P1363 and
//! DER form, HMAC-SHA256.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Value, json};

use super::{External, NewCase, hex_lower, invalid, read, suite};
use crate::case::Expect;
use crate::error::Result;

/// The flag added to Wycheproof `acceptable` results.
const ACCEPTABLE_FLAG: &str = "WycheproofAcceptable";

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct File {
    number_of_tests: usize,
    #[serde(default)]
    notes: BTreeMap<String, Note>,
    test_groups: Vec<Group>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Note {
    #[serde(default)]
    bug_type: String,
    #[serde(default)]
    description: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Group {
    #[serde(default)]
    public_key: Option<PublicKey>,
    tests: Vec<Test>,
}

#[derive(Deserialize)]
struct PublicKey {
    #[serde(default)]
    pk: Option<String>,
    #[serde(default)]
    uncompressed: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Test {
    tc_id: u64,
    #[serde(default)]
    comment: String,
    #[serde(default)]
    flags: Vec<String>,
    msg: String,
    #[serde(default)]
    sig: Option<String>,
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    tag: Option<String>,
    result: String,
}

#[derive(Clone, Copy)]
enum Kind {
    Ed25519,
    EcdsaP1363,
    EcdsaDer,
    Hmac,
}

struct Spec {
    file: &'static str,
    suite: &'static str,
    op: &'static str,
    reqs: &'static [&'static str],
    error: &'static str,
    kind: Kind,
}

const SPECS: [Spec; 4] = [
    Spec {
        file: "wycheproof/testvectors_v1/ed25519_test.json",
        suite: "external/wycheproof/ed25519",
        op: "canon.ed25519.verify",
        reqs: &["CANON-041", "CANON-040", "CANON-042"],
        error: "CANON_SIG_INVALID",
        kind: Kind::Ed25519,
    },
    Spec {
        file: "wycheproof/testvectors_v1/ecdsa_secp256r1_sha256_p1363_test.json",
        suite: "external/wycheproof/ecdsa-p256-p1363",
        op: "canon.ecdsa_p256.verify",
        reqs: &["CANON-045", "CANON-044", "CANON-043"],
        error: "CANON_SIG_INVALID",
        kind: Kind::EcdsaP1363,
    },
    Spec {
        file: "wycheproof/testvectors_v1/ecdsa_secp256r1_sha256_test.json",
        suite: "external/wycheproof/ecdsa-p256-der",
        op: "canon.ecdsa_p256.verify_der",
        reqs: &["CANON-046", "CANON-045", "CANON-043"],
        error: "CANON_SIG_INVALID",
        kind: Kind::EcdsaDer,
    },
    Spec {
        file: "wycheproof/testvectors_v1/hmac_sha256_test.json",
        suite: "external/wycheproof/hmac-sha256",
        op: "canon.hmac_sha256.verify",
        reqs: &["CANON-034", "CANON-033"],
        error: "CANON_MAC_INVALID",
        kind: Kind::Hmac,
    },
];

/// Loads the four Wycheproof files.
pub(super) fn load(dir: &Path, out: &mut External) -> Result<()> {
    for spec in &SPECS {
        load_one(dir, spec, out)?;
    }
    Ok(())
}

fn load_one(dir: &Path, spec: &Spec, out: &mut External) -> Result<()> {
    let (path, bytes) = read(dir, spec.file)?;
    let file: File =
        serde_json::from_slice(&bytes).map_err(|e| invalid(&path, None, e.to_string()))?;
    let mut notes: BTreeMap<String, String> = file
        .notes
        .into_iter()
        .map(|(flag, note)| (flag, format!("{}: {}", note.bug_type, note.description)))
        .collect();
    notes.insert(
        ACCEPTABLE_FLAG.into(),
        "Wycheproof result `acceptable`: verifying and rejecting both pass (PROTO-051)".into(),
    );
    let mut cases = Vec::new();
    for group in &file.test_groups {
        for test in &group.tests {
            let item = format!("tcId {}", test.tc_id);
            let hex = |field: Option<&String>, name: &str| match field {
                Some(text) => hex_lower(&path, &item, text),
                None => Err(invalid(&path, Some(item.clone()), format!("no {name}"))),
            };
            let message = hex(Some(&test.msg), "msg")?;
            let input = match spec.kind {
                Kind::Ed25519 | Kind::EcdsaP1363 | Kind::EcdsaDer => {
                    let key = group.public_key.as_ref();
                    let public_key = match spec.kind {
                        Kind::Ed25519 => key.and_then(|k| k.pk.as_ref()),
                        _ => key.and_then(|k| k.uncompressed.as_ref()),
                    };
                    json!({
                        "public_key": hex(public_key, "public key")?,
                        "message": message,
                        "signature": hex(test.sig.as_ref(), "sig")?,
                    })
                }
                Kind::Hmac => json!({
                    "key": hex(test.key.as_ref(), "key")?,
                    "message": message,
                    "tag": hex(test.tag.as_ref(), "tag")?,
                }),
            };
            let valid = Expect::Ok(Value::Bool(true));
            let rejected = Expect::Error(spec.error.into());
            let (expect, acceptable) = match test.result.as_str() {
                "valid" => (valid, Vec::new()),
                "invalid" => (rejected, Vec::new()),
                "acceptable" => (valid, vec![rejected]),
                other => {
                    return Err(invalid(
                        &path,
                        Some(item),
                        format!("unknown result {other:?}"),
                    ));
                }
            };
            let mut flags = test.flags.clone();
            if let Some(flag) = flags.iter().find(|f| !notes.contains_key(*f)) {
                return Err(invalid(
                    &path,
                    Some(item),
                    format!("flag {flag} not in notes"),
                ));
            }
            if !acceptable.is_empty() {
                flags.push(ACCEPTABLE_FLAG.into());
            }
            let comment = if test.comment.is_empty() {
                String::new()
            } else {
                format!(": {}", test.comment)
            };
            let mut case = NewCase {
                suite: spec.suite,
                id: format!("tc-{}", test.tc_id),
                reqs: spec.reqs,
                description: format!("Wycheproof tcId {} ({}){comment}", test.tc_id, test.result),
                op: spec.op,
                input,
                expect,
            }
            .build();
            case.flags = flags;
            case.acceptable = acceptable;
            cases.push(case);
        }
    }
    if cases.len() != file.number_of_tests {
        return Err(invalid(
            &path,
            None,
            format!(
                "numberOfTests is {}, found {} tests",
                file.number_of_tests,
                cases.len()
            ),
        ));
    }
    out.add_source(spec.file, cases.len(), cases.len());
    out.suites.push(suite(spec.suite, path, notes, cases));
    Ok(())
}
