//! The external loaders on the real public suites: exact counts, spot checks, missing files.

use std::path::{Path, PathBuf};

use conformance::Expect;
use conformance::external::{self, External};
use serde_json::json;

use crate::{manifest_dir, scratch};

fn external_dir() -> PathBuf {
    match std::env::var_os("QUORATE_EXTERNAL_VECTORS") {
        Some(dir) => PathBuf::from(dir),
        None => manifest_dir().join("../../shared/external-vectors"),
    }
}

fn load() -> External {
    let dir = external_dir();
    assert!(
        dir.is_dir(),
        "external vectors missing at {} (set QUORATE_EXTERNAL_VECTORS)",
        dir.display()
    );
    external::load(&dir).unwrap()
}

fn count(ext: &External, suite: &str) -> usize {
    ext.suite(suite)
        .unwrap_or_else(|| panic!("no suite {suite}"))
        .cases
        .len()
}

fn expect(ext: &External, suite: &str, id: &str) -> (Expect, Vec<String>) {
    let case = ext
        .suite(suite)
        .unwrap()
        .cases
        .iter()
        .find(|c| c.id == id)
        .unwrap();
    (case.expect.clone(), case.flags.clone())
}

#[test]
fn exact_counts() {
    let ext = load();
    assert_eq!(count(&ext, "external/wycheproof/ed25519"), 151);
    assert_eq!(count(&ext, "external/wycheproof/ecdsa-p256-p1363"), 262);
    assert_eq!(count(&ext, "external/wycheproof/ecdsa-p256-der"), 484);
    assert_eq!(count(&ext, "external/wycheproof/hmac-sha256"), 174);
    // 82 decode cases, plus one encode case per roundtrip:true entry (65).
    let appendix = ext.source("cbor-test-vectors/appendix_a.json").unwrap();
    assert_eq!((appendix.items, appendix.cases), (82, 82 + 65));
    let cbor = &ext.suite("external/cbor/appendix-a").unwrap().cases;
    assert_eq!(
        cbor.iter().filter(|c| c.op == "canon.cbor.decode").count(),
        82
    );
    assert_eq!(
        cbor.iter().filter(|c| c.op == "canon.cbor.encode").count(),
        65
    );
    assert_eq!(count(&ext, "external/jcs/testdata"), 6);
    assert_eq!(count(&ext, "external/jcs/es6-numbers"), 10_000);
    assert_eq!(count(&ext, "external/fnv/fnv1a64"), 203);
    let sign_input = ext.source("noble-curves/ed25519/vectors.txt").unwrap();
    assert_eq!((sign_input.items, sign_input.cases), (1024, 3 * 1024));
    let noble = ext.source("noble-curves/rfc6979.json").unwrap();
    assert_eq!(
        (noble.items, noble.cases),
        (10, 2 + 1),
        "10 signatures, 2 on P-256, + the public key"
    );
    let cctv = ext.source("cctv/RFC6979/README.md").unwrap();
    assert_eq!((cctv.items, cctv.cases), (1, 1 + 1));
    assert_eq!(
        ext.cases().len(),
        151 + 262 + 484 + 174 + 147 + 6 + 10_000 + 203 + 3072 + 5
    );
    // Every case has reqs, features = [op], and a suite under external/.
    for case in ext.cases() {
        assert!(case.suite.starts_with("external/"));
        assert!(!case.reqs.is_empty());
        assert_eq!(case.features, std::slice::from_ref(&case.op));
        assert!(
            case.flags
                .iter()
                .all(|f| ext.suite(&case.suite).unwrap().notes.contains_key(f))
        );
    }
}

#[test]
fn out_of_scope_cases_are_listed() {
    let ext = load();
    let ids: Vec<&str> = ext.out_of_scope.iter().map(|o| o.case.as_str()).collect();
    assert_eq!(
        ids[..2],
        [
            "external/cbor/appendix-a/decode-f818",
            "external/cbor/appendix-a/encode-f818"
        ]
    );
    // The other curves of rfc6979.json: 4 curves x 2 messages, read and listed, not loaded.
    assert_eq!(ids.len(), 2 + 8);
    assert!(
        ids.contains(&"noble-curves/rfc6979.json#P384/sample"),
        "{ids:?}"
    );
    assert!(ext.notes()[0].contains("RFC 8949 §3.3"));
    let (want, flags) = expect(&ext, "external/cbor/appendix-a", "decode-f818");
    assert_eq!(want, Expect::Error("CANON_CBOR_MALFORMED".into()));
    assert_eq!(flags, ["OutOfScope"]);
    let (want, _) = expect(&ext, "external/cbor/appendix-a", "encode-f818");
    assert_eq!(want, Expect::Error("CANON_CBOR_VALUE_INVALID".into()));
}

#[test]
fn wycheproof_mapping() {
    let ext = load();
    let suite = ext.suite("external/wycheproof/ed25519").unwrap();
    let valid = suite
        .cases
        .iter()
        .filter(|c| c.expect == Expect::Ok(json!(true)))
        .count();
    let invalid = suite
        .cases
        .iter()
        .filter(|c| c.expect == Expect::Error("CANON_SIG_INVALID".into()))
        .count();
    assert_eq!((valid, invalid), (88, 63));
    let hmac = ext.suite("external/wycheproof/hmac-sha256").unwrap();
    let rejected = hmac
        .cases
        .iter()
        .filter(|c| c.expect == Expect::Error("CANON_MAC_INVALID".into()))
        .count();
    assert_eq!(rejected, 108);
    let p1363 = &ext
        .suite("external/wycheproof/ecdsa-p256-p1363")
        .unwrap()
        .cases[0];
    assert_eq!(p1363.op, "canon.ecdsa_p256.verify");
    assert_eq!(p1363.reqs[0], "CANON-045");
    let key = p1363.input["public_key"].as_str().unwrap();
    assert!(
        key.starts_with("04") && key.len() == 130,
        "uncompressed SEC1 key"
    );
    let der = &ext
        .suite("external/wycheproof/ecdsa-p256-der")
        .unwrap()
        .cases[0];
    assert_eq!(der.op, "canon.ecdsa_p256.verify_der");
}

#[test]
fn cbor_expectations() {
    let ext = load();
    let ok = |id: &str| match expect(&ext, "external/cbor/appendix-a", id).0 {
        Expect::Ok(v) => v,
        Expect::Error(e) => panic!("{id}: {e}"),
    };
    assert_eq!(
        ok("decode-1bffffffffffffffff"),
        json!({"value": {"int": "18446744073709551615"}})
    );
    assert_eq!(
        ok("decode-c249010000000000000000"),
        json!({"value": {"tag": "2", "value": {"bytes": "010000000000000000"}}})
    );
    assert_eq!(
        ok("decode-c349010000000000000000"),
        json!({"value": {"tag": "3", "value": {"bytes": "010000000000000000"}}})
    );
    assert_eq!(
        ok("decode-3bffffffffffffffff"),
        json!({"value": {"int": "-18446744073709551616"}})
    );
    assert_eq!(
        ok("decode-f98000"),
        json!({"value": {"float": "8000000000000000"}})
    );
    assert_eq!(
        ok("decode-f93c00"),
        json!({"value": {"float": "3ff0000000000000"}})
    );
    assert_eq!(
        ok("decode-f97e00"),
        json!({"value": {"float": "7ff8000000000000"}})
    );
    assert_eq!(
        ok("decode-f9fc00"),
        json!({"value": {"float": "fff0000000000000"}})
    );
    assert_eq!(ok("decode-f7"), json!({"value": {"simple": 23}}));
    assert_eq!(ok("decode-f8ff"), json!({"value": {"simple": 255}}));
    assert_eq!(
        ok("decode-4401020304"),
        json!({"value": {"bytes": "01020304"}})
    );
    assert_eq!(
        ok("decode-a201020304"),
        json!({"value": {"map": [[{"int": "1"}, {"int": "2"}], [{"int": "3"}, {"int": "4"}]]}})
    );
    assert_eq!(
        ok("decode-c11a514b67b0"),
        json!({"value": {"tag": "1", "value": {"int": "1363896240"}}})
    );
    assert_eq!(
        ok("decode-64f0908591"),
        json!({"value": {"text": "\u{10151}"}})
    );
    assert_eq!(
        ok("encode-fb3ff199999999999a"),
        json!({"hex": "fb3ff199999999999a"})
    );
    for id in [
        "decode-fa7f800000",
        "decode-5f42010243030405ff",
        "decode-bf6346756ef563416d7421ff",
    ] {
        assert_eq!(
            expect(&ext, "external/cbor/appendix-a", id).0,
            Expect::Error("CANON_CBOR_NONCANONICAL".into())
        );
    }
    let encode = ext
        .suite("external/cbor/appendix-a")
        .unwrap()
        .cases
        .iter()
        .find(|c| c.id == "encode-a26161016162820203")
        .unwrap();
    assert_eq!(
        encode.input,
        json!({"value": {"map": [
            [{"text": "a"}, {"int": "1"}],
            [{"text": "b"}, {"array": [{"int": "2"}, {"int": "3"}]}],
        ]}})
    );
}

#[test]
fn text_suites() {
    let ext = load();
    let (want, _) = expect(&ext, "external/jcs/testdata", "values");
    assert_eq!(
        want,
        Expect::Ok(json!(
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#
        ))
    );
    let (want, _) = expect(&ext, "external/jcs/es6-numbers", "line-3");
    assert_eq!(want, Expect::Ok(json!("5e-324")));
    let (want, _) = expect(&ext, "external/fnv/fnv1a64", "1-test");
    assert_eq!(want, Expect::Ok(json!("af63dc4c8601ec8c")));
    let ed = ext.suite("external/ed25519/sign-input").unwrap();
    let sign = ed.cases.iter().find(|c| c.id == "line-1-sign").unwrap();
    assert_eq!(
        sign.input,
        json!({"seed": "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60", "message": ""})
    );
    let rfc = ext.suite("external/rfc6979/p256").unwrap();
    let ids: Vec<&str> = rfc.cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "a2.5-public-key",
            "a2.5-sample",
            "a2.5-test",
            "cctv-public-key",
            "cctv-wv-vnx"
        ]
    );
    assert_eq!(rfc.cases[1].input["message"], json!(hex::encode("sample")));
    assert_eq!(
        rfc.cases[1].expect,
        Expect::Ok(json!(
            "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"
        ))
    );
    assert_eq!(rfc.cases[4].input["message"], json!(hex::encode("wv[vnX")));
    assert_eq!(
        rfc.cases[4].expect,
        Expect::Ok(json!(
            "efd9073b652e76da1b5a019c0e4a2e3fa529b035a6abb91ef67f0ed7a1f212343db4706c9d9f4a4fe13bb5e08ef0fab53a57dbab2061c83a35fa411c68d2ba33"
        ))
    );
}

/// Copies the files the loaders read into a scratch dir.
fn copy_external(name: &str) -> PathBuf {
    let src = external_dir();
    let dst = scratch(name);
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for entry in std::fs::read_dir(from).unwrap() {
            let entry = entry.unwrap();
            let target = to.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                copy(&entry.path(), &target);
            } else {
                std::fs::copy(entry.path(), target).unwrap();
            }
        }
    }
    for sub in [
        "wycheproof",
        "cbor-test-vectors",
        "json-canonicalization",
        "fnv",
        "noble-curves",
        "cctv",
    ] {
        copy(&src.join(sub), &dst.join(sub));
    }
    dst
}

#[test]
fn missing_files_are_named_and_acceptable_results_map_to_alternatives() {
    let dir = copy_external("external-copy");
    let ed = dir.join("wycheproof/testvectors_v1/ed25519_test.json");
    let text = std::fs::read_to_string(&ed).unwrap();
    std::fs::write(
        &ed,
        text.replacen("\"result\": \"valid\"", "\"result\": \"acceptable\"", 1),
    )
    .unwrap();
    let ext = external::load(&dir).unwrap();
    let suite = ext.suite("external/wycheproof/ed25519").unwrap();
    let acceptable: Vec<_> = suite
        .cases
        .iter()
        .filter(|c| !c.acceptable.is_empty())
        .collect();
    assert_eq!(acceptable.len(), 1);
    assert_eq!(acceptable[0].expect, Expect::Ok(json!(true)));
    assert_eq!(
        acceptable[0].acceptable,
        [Expect::Error("CANON_SIG_INVALID".into())]
    );
    assert!(
        acceptable[0]
            .flags
            .contains(&"WycheproofAcceptable".to_owned())
    );
    assert!(suite.notes.contains_key("WycheproofAcceptable"));

    for rel in [
        "fnv/fnv1a64_test_vectors.txt",
        "cctv/RFC6979/README.md",
        "json-canonicalization/testdata/output/weird.json",
        "cbor-test-vectors/appendix_a.json",
    ] {
        let dir = copy_external("external-missing");
        std::fs::remove_file(dir.join(rel)).unwrap();
        let err = external::load(&dir).unwrap_err();
        assert_eq!(err.code(), "RUNNER_EXTERNAL_MISSING", "{rel}");
        assert!(err.to_string().contains(rel), "{err}");
    }
    let err = external::load(Path::new("/nonexistent/external")).unwrap_err();
    assert_eq!(err.code(), "RUNNER_EXTERNAL_MISSING");
}
