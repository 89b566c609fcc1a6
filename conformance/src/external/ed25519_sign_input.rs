//! The Ed25519 reference `sign.input` (`noble-curves/ed25519/vectors.txt`): 1,024 lines
//! `secretkey:publickey:message:signedmessage:`, each giving a public-key, a sign and a verify
//! case.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use super::{External, NewCase, hex_lower, invalid, read_text, suite};
use crate::case::Expect;
use crate::error::Result;

const FILE: &str = "noble-curves/ed25519/vectors.txt";
const SUITE: &str = "external/ed25519/sign-input";
const REQS: &[&str] = &["CANON-040"];

/// Loads every line.
pub(super) fn load(dir: &Path, out: &mut External) -> Result<()> {
    let (path, text) = read_text(dir, FILE)?;
    let mut cases = Vec::new();
    let mut lines = 0;
    for (index, line) in text.lines().enumerate() {
        let n = index + 1;
        lines += 1;
        let item = format!("line {n}");
        let fields: Vec<&str> = line.split(':').collect();
        let [sk, pk, msg, sm, ""] = fields.as_slice() else {
            return Err(invalid(&path, Some(item), "expected sk:pk:msg:sm:"));
        };
        let sk = hex_lower(&path, &item, sk)?;
        let pk = hex_lower(&path, &item, pk)?;
        let msg = hex_lower(&path, &item, msg)?;
        let sm = hex_lower(&path, &item, sm)?;
        if sk.len() != 128 || pk.len() != 64 || sm.len() != 128 + msg.len() {
            return Err(invalid(
                &path,
                Some(item),
                "field lengths are not 64/32/sig+msg bytes",
            ));
        }
        let (seed, sk_pk) = sk.split_at(64);
        let (sig, sm_msg) = sm.split_at(128);
        if sk_pk != pk || sm_msg != msg {
            return Err(invalid(
                &path,
                Some(item),
                "secret key or signed message disagrees with the line",
            ));
        }
        let case = |id: &str, op: &str, description: String, input: Value, expect: Value| {
            NewCase {
                suite: SUITE,
                id: format!("line-{n}-{id}"),
                reqs: REQS,
                description,
                op,
                input,
                expect: Expect::Ok(expect),
            }
            .build()
        };
        let bytes = msg.len() / 2;
        cases.push(case(
            "public-key",
            "canon.ed25519.public_key",
            format!("sign.input line {n}: the public key of the seed"),
            json!({ "seed": seed }),
            Value::String(pk.clone()),
        ));
        cases.push(case(
            "sign",
            "canon.ed25519.sign",
            format!("sign.input line {n}: the deterministic signature of a {bytes}-byte message"),
            json!({ "seed": seed, "message": msg }),
            Value::String(sig.to_owned()),
        ));
        cases.push(case(
            "verify",
            "canon.ed25519.verify",
            format!("sign.input line {n}: the signature of a {bytes}-byte message verifies"),
            json!({ "public_key": pk, "message": msg, "signature": sig }),
            Value::Bool(true),
        ));
    }
    out.add_source(FILE, lines, cases.len());
    out.suites.push(suite(SUITE, path, BTreeMap::new(), cases));
    Ok(())
}
