//! RFC 6979 deterministic ECDSA on P-256 with SHA-256: the A.2.5 entries of
//! `noble-curves/rfc6979.json` (other curves are not Quorate's) and the C2SP/CCTV
//! rejection-sampling vector in `cctv/RFC6979/README.md`.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Value, json};

use super::{External, NewCase, OutOfScope, hex_lower, invalid, read, read_text, suite};
use crate::case::Expect;
use crate::error::Result;

const NOBLE: &str = "noble-curves/rfc6979.json";
const CCTV: &str = "cctv/RFC6979/README.md";
const SUITE: &str = "external/rfc6979/p256";
const REQS: &[&str] = &["CANON-043"];

#[derive(Deserialize)]
struct Entry {
    curve: String,
    private: String,
    #[serde(rename = "Ux")]
    ux: String,
    #[serde(rename = "Uy")]
    uy: String,
    cases: Vec<Signature>,
}

#[derive(Deserialize)]
struct Signature {
    message: String,
    r: String,
    s: String,
}

struct KeyCases<'a> {
    prefix: &'a str,
    source: &'a str,
    private: String,
    ux: String,
    uy: String,
}

impl KeyCases<'_> {
    fn public_key(&self) -> crate::case::Case {
        NewCase {
            suite: SUITE,
            id: format!("{}-public-key", self.prefix),
            reqs: REQS,
            description: format!("{}: the public key of the private key", self.source),
            op: "canon.ecdsa_p256.public_key",
            input: json!({ "private_key": self.private }),
            expect: Expect::Ok(Value::String(format!("04{}{}", self.ux, self.uy))),
        }
        .build()
    }

    fn sign(&self, message: &str, r: &str, s: &str) -> crate::case::Case {
        let id: String = message
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        NewCase {
            suite: SUITE,
            id: format!("{}-{id}", self.prefix),
            reqs: REQS,
            description: format!("{}: the deterministic signature of {message:?} with SHA-256", self.source),
            op: "canon.ecdsa_p256.sign",
            input: json!({ "private_key": self.private, "message": hex::encode(message.as_bytes()) }),
            expect: Expect::Ok(Value::String(format!("{r}{s}"))),
        }
        .build()
    }
}

/// Loads both sources into one suite.
pub(super) fn load(dir: &Path, out: &mut External) -> Result<()> {
    let (path, bytes) = read(dir, NOBLE)?;
    let entries: Vec<Entry> =
        serde_json::from_slice(&bytes).map_err(|e| invalid(&path, None, e.to_string()))?;
    let mut cases = Vec::new();
    let mut p256 = 0;
    for entry in entries.iter().filter(|e| e.curve != "P256") {
        for sig in &entry.cases {
            out.out_of_scope.push(OutOfScope {
                case: format!("{NOBLE}#{}/{}", entry.curve, sig.message),
                reason: format!(
                    "curve {} is not used by Quorate (CANON-043: P-256 only); not loaded",
                    entry.curve
                ),
            });
        }
    }
    for entry in entries.iter().filter(|e| e.curve == "P256") {
        p256 += 1;
        let hex = |s: &str| hex_lower(&path, &entry.curve, s);
        let key = KeyCases {
            prefix: "a2.5",
            source: "RFC 6979 A.2.5",
            private: hex(&entry.private)?,
            ux: hex(&entry.ux)?,
            uy: hex(&entry.uy)?,
        };
        cases.push(key.public_key());
        for sig in &entry.cases {
            let (r, s) = (hex(&sig.r)?, hex(&sig.s)?);
            if r.len() != 64 || s.len() != 64 {
                return Err(invalid(
                    &path,
                    Some(sig.message.clone()),
                    "r or s is not 32 bytes",
                ));
            }
            cases.push(key.sign(&sig.message, &r, &s));
        }
    }
    if p256 != 1 {
        return Err(invalid(
            &path,
            None,
            format!("expected one P256 entry, found {p256}"),
        ));
    }
    out.add_source(
        NOBLE,
        entries.iter().map(|e| e.cases.len()).sum(),
        cases.len(),
    );

    let (cctv_path, text) = read_text(dir, CCTV)?;
    let field = |name: &str| -> Result<String> {
        let prefix = format!("{name} = ");
        let value = text
            .lines()
            .find_map(|l| l.trim().strip_prefix(prefix.as_str()))
            .ok_or_else(|| invalid(&cctv_path, Some(name.to_owned()), "not found"))?;
        hex_lower(&cctv_path, name, value)
    };
    let message = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("With SHA-256, message = \""))
        .and_then(|rest| rest.strip_suffix("\":"))
        .ok_or_else(|| invalid(&cctv_path, Some("message".into()), "not found"))?;
    let key = KeyCases {
        prefix: "cctv",
        source: "C2SP/CCTV RFC6979 rejection sampling",
        private: field("x")?,
        ux: field("Ux")?,
        uy: field("Uy")?,
    };
    let before = cases.len();
    cases.push(key.public_key());
    cases.push(key.sign(message, &field("r")?, &field("s")?));
    out.add_source(CCTV, 1, cases.len() - before);
    out.suites.push(suite(SUITE, path, BTreeMap::new(), cases));
    Ok(())
}
