//! Every Wycheproof case of the four suites: `valid` must verify, `invalid` must not.

use canon::{ecdsa, ed25519, mac};

use super::{h, read_json, report};

type Verify = fn(&serde_json::Value, &serde_json::Value) -> Result<(), canon::Error>;

/// Runs every test of every group of `file`; `verify(group, test)`.
fn run(file: &str, expected_count: usize, verify: Verify) {
    let doc = read_json(&format!("wycheproof/testvectors_v1/{file}"));
    let mut total = 0;
    let mut failures = Vec::new();
    for group in doc["testGroups"].as_array().unwrap() {
        for test in group["tests"].as_array().unwrap() {
            total += 1;
            let valid = match test["result"].as_str().unwrap() {
                "valid" => true,
                "invalid" => false,
                other => panic!("{file}: result {other} is not valid/invalid"),
            };
            let got = verify(group, test);
            if got.is_ok() != valid {
                failures.push(format!(
                    "tcId {} ({}, flags {}): expected {}, got {got:?}",
                    test["tcId"], test["comment"], test["flags"], test["result"]
                ));
            } else if let Err(e) = &got {
                let code = e.code();
                assert!(
                    code == "CANON_SIG_INVALID" || code == "CANON_MAC_INVALID",
                    "{code}"
                );
            }
        }
    }
    assert_eq!(total, expected_count, "{file}: number of tests");
    assert_eq!(doc["numberOfTests"].as_u64(), Some(total as u64));
    report(file, total, &failures);
}

fn field<'a>(value: &'a serde_json::Value, name: &str) -> &'a str {
    value[name]
        .as_str()
        .unwrap_or_else(|| panic!("missing {name}"))
}

#[test]
fn ed25519_verify() {
    run("ed25519_test.json", 151, |group, test| {
        let pk = h(field(&group["publicKey"], "pk"));
        ed25519::verify(&pk, &h(field(test, "msg")), &h(field(test, "sig")))
    });
}

#[test]
fn ecdsa_p256_sha256_p1363() {
    run(
        "ecdsa_secp256r1_sha256_p1363_test.json",
        262,
        |group, test| {
            let pk = h(field(&group["publicKey"], "uncompressed"));
            ecdsa::verify(&pk, &h(field(test, "msg")), &h(field(test, "sig")))
        },
    );
}

#[test]
fn ecdsa_p256_sha256_der() {
    run("ecdsa_secp256r1_sha256_test.json", 484, |group, test| {
        let pk = h(field(&group["publicKey"], "uncompressed"));
        ecdsa::verify_der(&pk, &h(field(test, "msg")), &h(field(test, "sig")))
    });
}

/// Groups with `tagSize` 128 carry truncated tags, verified against the leftmost 16 bytes
/// (CANON-034). A valid case's tag must also be the prefix of the computed MAC.
#[test]
fn hmac_sha256() {
    run("hmac_sha256_test.json", 174, |group, test| {
        let (key, msg, tag) = (
            h(field(test, "key")),
            h(field(test, "msg")),
            h(field(test, "tag")),
        );
        let tag_bytes = group["tagSize"].as_u64().unwrap() / 8;
        assert_eq!(tag.len() as u64, tag_bytes, "tcId {}", test["tcId"]);
        let verdict = mac::verify_hmac_sha256(&key, &msg, &tag);
        let prefix = mac::hmac_sha256(&key, &msg)[..tag.len()] == tag[..];
        assert_eq!(verdict.is_ok(), prefix, "tcId {}", test["tcId"]);
        verdict
    });
}
