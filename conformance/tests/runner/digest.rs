//! Hash equality: output hashes, digests, the GOLDEN format, bisection to the first divergent case.

use std::path::Path;

use conformance::Outcome;
use conformance::digest::{Golden, digest_of, outcome_hash, output_hash};
use serde_json::json;

use crate::{adapter, options, run_fixture};

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}

#[test]
fn output_hash_is_sha256_of_the_jcs_result() {
    let result = json!({"ok": {"b": 1, "a": "x"}});
    assert_eq!(
        output_hash(Outcome::Pass, Some(&result)).unwrap(),
        sha256_hex(br#"{"ok":{"a":"x","b":1}}"#)
    );
    assert_eq!(
        outcome_hash(Outcome::Timeout),
        sha256_hex(br#"{"outcome":"timeout"}"#)
    );
    assert_eq!(
        output_hash(Outcome::Crash, None).unwrap(),
        sha256_hex(br#"{"outcome":"crash"}"#)
    );
}

#[test]
fn digest_is_over_sorted_lines() {
    let h1 = "1".repeat(64);
    let h2 = "2".repeat(64);
    let expected = sha256_hex(format!("a/x {h1}\nb/y {h2}\n").as_bytes());
    assert_eq!(
        digest_of([("b/y", h2.as_str()), ("a/x", h1.as_str())]),
        expected
    );
    assert_eq!(digest_of([]), sha256_hex(b""));
}

#[test]
fn golden_round_trips_and_bisects() {
    let good = Golden::from_records(&run_fixture(adapter("good.py", &[]), &options()).records);
    assert_eq!(good.suites.len(), 2);
    assert_eq!(good.cases.len(), 8);
    let text = good.render();
    assert!(text.starts_with("# Quorate golden digest (spec/protocol.md §5). Regenerate with: quorate vectors generate\ndigest "));
    assert!(text.contains("\nsuite fixture/drbg "));
    assert!(text.contains("\ncase fixture/hashes/sha-abc "));
    let parsed = Golden::parse(&text, Path::new("GOLDEN")).unwrap();
    assert_eq!(parsed, good);
    assert!(good.compare(&parsed).is_ok());

    // Two wrong answers: the first divergent case (bytewise) is named.
    let bad = Golden::from_records(
        &run_fixture(
            adapter("good.py", &["--wrong", "sha-abc", "--skip", "fnv-foobar"]),
            &options(),
        )
        .records,
    );
    let mismatch = bad.compare(&good).unwrap_err();
    assert_eq!(mismatch.first_suite.as_deref(), Some("fixture/hashes"));
    let first = mismatch.first_case.as_ref().unwrap();
    assert_eq!(first.id, "fixture/hashes/fnv-foobar");
    assert_eq!(
        first.expected.as_ref(),
        Some(&good.cases["fixture/hashes/fnv-foobar"].hash)
    );
    assert_eq!(
        first.actual.as_deref(),
        Some(outcome_hash(Outcome::Skipped).as_str())
    );
    assert_eq!(
        mismatch.diverging,
        ["fixture/hashes/fnv-foobar", "fixture/hashes/sha-abc"]
    );
    assert!(
        mismatch
            .to_string()
            .contains("first divergent case fixture/hashes/fnv-foobar")
    );
    let err: conformance::Error = mismatch.into();
    assert_eq!(err.code(), "RUNNER_GOLDEN_MISMATCH");

    // Missing and extra cases.
    let mut fewer = good.clone();
    fewer.cases.remove("fixture/drbg/label-x-16");
    let fewer = Golden::from_hashes(fewer.cases.iter().map(|(id, c)| {
        let case_id = id
            .strip_prefix(&format!("{}/", c.suite))
            .unwrap()
            .to_owned();
        (c.suite.clone(), case_id, c.hash.clone())
    }));
    let mismatch = fewer.compare(&good).unwrap_err();
    assert_eq!(mismatch.missing, ["fixture/drbg/label-x-16"]);
    assert_eq!(mismatch.first_suite.as_deref(), Some("fixture/drbg"));
    let mismatch = good.compare(&fewer).unwrap_err();
    assert_eq!(mismatch.extra, ["fixture/drbg/label-x-16"]);
}

#[test]
fn inconsistent_golden_files_are_rejected() {
    let good = Golden::from_hashes([
        ("s".to_owned(), "a".to_owned(), "a".repeat(64)),
        ("s/t".to_owned(), "b".to_owned(), "b".repeat(64)),
    ]);
    let text = good.render();
    let parsed = Golden::parse(&text, Path::new("GOLDEN")).unwrap();
    assert_eq!(
        parsed.cases["s/t/b"].suite, "s/t",
        "longest suite prefix wins"
    );
    for broken in [
        text.replace(
            &format!("case s/a {}", "a".repeat(64)),
            &format!("case s/a {}", "c".repeat(64)),
        ),
        text.replace("digest ", "digest 0"),
        text.replace("case s/a", "case q/a"),
        format!("{text}case s/a {}\n", "a".repeat(64)),
        text.replace(&"a".repeat(64), &"A".repeat(64)),
        format!("{text}bogus line\n"),
        text.lines()
            .filter(|l| !l.starts_with("digest"))
            .collect::<Vec<_>>()
            .join("\n"),
    ] {
        let err = Golden::parse(&broken, Path::new("GOLDEN")).unwrap_err();
        assert_eq!(err.code(), "RUNNER_GOLDEN_INVALID", "{broken}");
    }
}
