//! The claims check: `claims.toml`, README markers, reports, the test log, proofs, and the file
//! wrapper.

// Helpers outside `#[test]` functions unwrap and panic too: this is test code.
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "support/temp_repo.rs"]
mod temp_repo;

use std::collections::BTreeMap;

use harness::Error;
use harness::claims::{
    self, ClaimsFile, Evidence, Proof, ReportState, TestLog, TestVerdict, claim_markers,
    parse_claims, parse_report,
};
use temp_repo::TempRepo;

// ---------------------------------------------------------------------------------------------
// claims.toml

const META: &str = "[meta]\nspec_version = \"0.1.0\"\nprofiles = [\"canon\"]\n";

const FULL: &str = r#"
[meta]
spec_version = "0.1.0"
profiles = ["canon", "proto"]

[[claim]]
id = "jcs"
summary = "RFC 8785 JSON"
proofs = [
  { suite = "canon/json", report = "reference" },
  { requirement = "CANON-002", report = "python" },
  { external = "external/rfc8785/numbers", report = "reference-external" },
  { test = "e2e_allow" },
]

[[claim]]
id = "demo.v1"
summary = "demo"

[[xfail]]
case = "canon/json/some-id"
reason = "upstream disagrees"

[[xfail]]
case = "external/wycheproof/*"
reason = "r"
implementation = "quorate-python"
"#;

#[test]
fn claims_file_parses() {
    let file = parse_claims(FULL).unwrap();
    assert_eq!(file.meta.spec_version, "0.1.0");
    assert_eq!(file.meta.profiles, ["canon", "proto"]);
    assert_eq!(file.claims.len(), 2);
    let proofs: Vec<String> = file.claims[0]
        .proofs
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        proofs,
        [
            "suite canon/json in reference.jsonl",
            "requirement CANON-002 in python.jsonl",
            "external external/rfc8785/numbers in reference-external.jsonl",
            "test e2e_allow",
        ]
    );
    assert!(file.claims[1].proofs.is_empty());
    assert_eq!(file.xfails.len(), 2);
    assert_eq!(
        file.xfails[1].implementation.as_deref(),
        Some("quorate-python")
    );
}

/// One invalid claims file: TOML text and, per error, its code and a substring.
fn check_claims_error(text: &str, want: &[(&str, &str)]) {
    let errors = parse_claims(text).unwrap_err();
    assert_eq!(errors.len(), want.len(), "{text}\n{errors:#?}");
    for (e, (code, sub)) in errors.iter().zip(want) {
        assert_eq!(e.code(), *code, "{e}");
        assert!(e.to_string().contains(sub), "{e} should contain {sub:?}");
    }
}

#[test]
fn claims_file_errors() {
    let claim = |proofs: &str| {
        format!("{META}[[claim]]\nid = \"c\"\nsummary = \"s\"\nproofs = [{proofs}]\n")
    };
    let cases: Vec<(String, Vec<(&str, &str)>)> = vec![
        ("".into(), vec![("HARNESS_PARSE", "missing field `meta`")]),
        (
            "[meta]\nspec_version = \"\"\nprofiles = []\n".into(),
            vec![
                ("HARNESS_PARSE", "spec_version is empty"),
                ("HARNESS_PARSE", "profiles is empty"),
            ],
        ),
        (
            format!("{META}[other]\nx = 1\n"),
            vec![("HARNESS_PARSE", "claims.toml:4: unknown field `other`")],
        ),
        (
            claim("{ suite = \"s\", report = \"r\", extra = 1 }"),
            vec![("HARNESS_PARSE", "unknown field `extra`")],
        ),
        (
            claim("{ suite = \"s\", test = \"t\", report = \"r\" }"),
            vec![(
                "HARNESS_PARSE",
                "claim `c`, proof #1: has both `suite` and `test`",
            )],
        ),
        (
            claim("{ report = \"r\" }"),
            vec![(
                "HARNESS_PARSE",
                "needs one of `suite`, `requirement`, `external`, `test`",
            )],
        ),
        (
            claim("{ test = \"t\", report = \"r\" }"),
            vec![("HARNESS_PARSE", "a `test` proof reads cargo-test.log")],
        ),
        (
            claim("{ suite = \"s\" }"),
            vec![("HARNESS_PARSE", "a `suite` proof needs a `report`")],
        ),
        (
            claim("{ external = \"s\", report = \"reference.jsonl\" }"),
            vec![("HARNESS_PARSE", "give the name without `.jsonl`")],
        ),
        (
            claim("{ suite = \"s\", report = \"../x\" }"),
            vec![("HARNESS_PARSE", "is not a file name")],
        ),
        (
            claim("{ requirement = \"CANON-02\", report = \"r\" }"),
            vec![("HARNESS_PARSE", "`CANON-02` is not a requirement ID")],
        ),
        (
            claim("{ suite = \" \", report = \"r\" }, { test = \"\" }"),
            vec![
                ("HARNESS_PARSE", "proof #1: `suite` is empty"),
                ("HARNESS_PARSE", "proof #2: `test` is empty"),
            ],
        ),
        (
            format!("{META}[[claim]]\nid = \"a b\"\nsummary = \"\"\n"),
            vec![
                ("HARNESS_PARSE", "id \"a b\" is not ASCII letters"),
                ("HARNESS_PARSE", "claim `a b`: summary is empty"),
            ],
        ),
        (
            format!(
                "{META}[[claim]]\nid = \"a\"\nsummary = \"s\"\n[[claim]]\nid = \"a\"\nsummary = \"t\"\n"
            ),
            vec![("HARNESS_CLAIM_DUPLICATE", "claim `a` is listed twice")],
        ),
        (
            format!("{META}[[xfail]]\ncase = \"\"\nreason = \" \"\n"),
            vec![
                ("HARNESS_PARSE", "[[xfail]] #1: case is empty"),
                ("HARNESS_PARSE", "[[xfail]] #1 (): reason is empty"),
            ],
        ),
        (
            format!("{META}[[xfail]]\ncase = \"x\"\nreason = \"r\"\nwhy = 1\n"),
            vec![("HARNESS_PARSE", "unknown field `why`")],
        ),
    ];
    for (text, want) in &cases {
        check_claims_error(text, want);
    }
}

// ---------------------------------------------------------------------------------------------
// README markers

#[test]
fn readme_markers() {
    let readme = "# Quorate\n\nWe claim `claim:jcs` and `claim:cbor`;\nagain `claim:jcs`, ``claim:demo.v1``.\n\n```toml\n`claim:in-fence`\n```\n\nNot markers: `claims.toml`, `claim`, claim:bare.\n";
    let (got, errors) = claim_markers(readme);
    assert!(errors.is_empty(), "{errors:?}");
    let want = [("jcs", 3), ("cbor", 3), ("jcs", 4), ("demo.v1", 4)];
    assert_eq!(
        got,
        want.map(|(id, line)| (id.to_owned(), line)).to_vec(),
        "{readme}"
    );

    let (markers, errors) = claim_markers("a `claim:<id>` b\n\nc `claim:` d `claim:ok`\n");
    assert_eq!(markers, [("ok".to_owned(), 3)]);
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "README.md:1: `claim:<id>` is not a claim marker (`claim:<id>`, id of ASCII letters, digits, `.`, `_`, `-`, `/`)",
            "README.md:3: `claim:` is not a claim marker (`claim:<id>`, id of ASCII letters, digits, `.`, `_`, `-`, `/`)",
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Reports and the test log

/// `(suite, id, reqs, outcome)`.
type Case<'a> = (&'a str, &'a str, &'a [&'a str], &'a str);

/// A report in the format `quorate conformance --format json` writes.
fn report(cases: &[Case<'_>], footer: bool) -> String {
    let mut out = String::from(
        r#"{"record":"header","kind":"quorate.conformance.report","format_version":1,"spec_version":"0.1.0","adapter":"quorate driver","implementation":null,"protocol":1,"features":[],"started_unix_ms":0,"allow_unsupported":false,"notes":[]}"#,
    );
    out.push('\n');
    for (suite, id, reqs, outcome) in cases {
        let case = serde_json::json!({
            "record": "case", "suite": suite, "id": id, "reqs": reqs, "op": "canon.sha256",
            "outcome": outcome, "detail": "", "output_hash": "00", "result": {"ok": "x"}
        });
        out.push_str(&case.to_string());
        out.push('\n');
    }
    if footer {
        out.push_str(r#"{"record":"footer","complete":true,"summary":{},"restarts":0,"handshakes":1,"elapsed_ms":3}"#);
        out.push('\n');
    }
    out
}

#[test]
fn reports_parse() {
    let text = report(
        &[
            ("canon/json", "a", &["CANON-001"], "pass"),
            ("canon/json", "b", &[], "fail"),
        ],
        true,
    );
    let r = parse_report("harness/out/reference.jsonl", &text).unwrap();
    let got: Vec<(String, Vec<String>, String)> = r
        .cases
        .iter()
        .map(|c| (c.full_id(), c.reqs.clone(), c.outcome.clone()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "canon/json/a".to_owned(),
                vec!["CANON-001".to_owned()],
                "pass".to_owned()
            ),
            ("canon/json/b".to_owned(), vec![], "fail".to_owned()),
        ]
    );
    assert!(r.cases[0].passed() && !r.cases[1].passed());

    // Without `record` members, unknown record kinds and blank lines: still read.
    let tolerant = "{\"kind\":\"x\"}\n\n{\"suite\":\"s\",\"id\":\"a\",\"reqs\":[],\"outcome\":\"pass\",\"new\":1}\n{\"record\":\"stale_xfail\"}\n{\"complete\":true}\n";
    assert_eq!(parse_report("r.jsonl", tolerant).unwrap().cases.len(), 1);
    assert_eq!(
        parse_report("r.jsonl", &report(&[], true))
            .unwrap()
            .cases
            .len(),
        0
    );
}

#[test]
fn report_errors() {
    let head = "{\"record\":\"header\"}\n";
    let case =
        "{\"record\":\"case\",\"suite\":\"s\",\"id\":\"a\",\"reqs\":[],\"outcome\":\"pass\"}\n";
    let foot = "{\"record\":\"footer\",\"complete\":true}\n";
    let cases: Vec<(String, &str, &str)> = vec![
        // Truncated: never proves anything.
        (
            String::new(),
            "HARNESS_REPORT_TRUNCATED",
            "r.jsonl: report has no complete footer",
        ),
        (head.to_owned(), "HARNESS_REPORT_TRUNCATED", ""),
        (format!("{head}{case}"), "HARNESS_REPORT_TRUNCATED", ""),
        (
            format!("{head}{case}{{\"record\":\"ca"),
            "HARNESS_REPORT_TRUNCATED",
            "",
        ),
        (
            format!("{head}{case}{{\"record\":\"footer\",\"complete\":false}}\n"),
            "HARNESS_REPORT_TRUNCATED",
            "",
        ),
        // Malformed.
        (
            format!("{head}{{bad\n{case}{foot}"),
            "HARNESS_PARSE",
            "r.jsonl:2: key must be a string",
        ),
        (
            format!("{head}[1]\n{foot}"),
            "HARNESS_PARSE",
            "r.jsonl:2: not a JSON object",
        ),
        (
            format!("{case}{foot}"),
            "HARNESS_PARSE",
            "r.jsonl:1: the first line is not a header",
        ),
        (
            format!("{head}{head}{foot}"),
            "HARNESS_PARSE",
            "r.jsonl:2: a second header",
        ),
        (
            format!("{head}{foot}{case}"),
            "HARNESS_PARSE",
            "r.jsonl:3: content after the footer",
        ),
        (
            format!(
                "{head}{{\"record\":\"case\",\"suite\":\"s\",\"id\":\"a\",\"outcome\":\"pass\"}}\n{foot}"
            ),
            "HARNESS_PARSE",
            "no `reqs` array",
        ),
        (
            format!(
                "{head}{{\"record\":\"case\",\"suite\":\"s\",\"id\":\"a\",\"reqs\":[1],\"outcome\":\"pass\"}}\n{foot}"
            ),
            "HARNESS_PARSE",
            "`reqs` holds a non-string",
        ),
        (
            format!(
                "{head}{{\"record\":\"case\",\"suite\":\"s\",\"reqs\":[],\"outcome\":\"pass\"}}\n{foot}"
            ),
            "HARNESS_PARSE",
            "no string `id`",
        ),
        (
            format!(
                "{head}{{\"record\":\"case\",\"suite\":\"s\",\"id\":\"a\",\"reqs\":[],\"outcome\":1}}\n{foot}"
            ),
            "HARNESS_PARSE",
            "no string `outcome`",
        ),
        (
            format!("{head}{{\"x\":1}}\n{foot}"),
            "HARNESS_PARSE",
            "neither a case",
        ),
        (
            format!("{head}{{\"record\":1}}\n{foot}"),
            "HARNESS_PARSE",
            "`record` is not a string",
        ),
        (
            format!("{head}{{\"record\":\"footer\",\"complete\":\"yes\"}}\n"),
            "HARNESS_PARSE",
            "footer `complete` is not a boolean",
        ),
    ];
    for (text, code, sub) in &cases {
        let e = parse_report("r.jsonl", text).unwrap_err();
        assert_eq!(e.code(), *code, "{text:?}: {e}");
        assert!(e.to_string().contains(sub), "{e} should contain {sub:?}");
    }
}

#[test]
fn test_log_verdicts() {
    let log = TestLog::parse(
        "   Compiling x\n     Running tests/e2e.rs\n\nrunning 4 tests\n\
         test e2e_allow ... ok\n\
         test tests::deny::e2e_deny ... ok\n\
         test tests::flaky ... ok\n\
         test other::flaky ... FAILED\n\
         test slow ... ignored, takes minutes\n\
         \u{1b}[32mtest colored ... ok\u{1b}[0m\n\
         test canon/json/CANON-002/utf16 ... ok\n\
         test result: FAILED. 3 passed; 1 failed\n",
    );
    let cases: &[(&str, TestVerdict)] = &[
        ("e2e_allow", TestVerdict::Passed(vec!["e2e_allow".into()])),
        (
            "e2e_deny",
            TestVerdict::Passed(vec!["tests::deny::e2e_deny".into()]),
        ),
        (
            "deny::e2e_deny",
            TestVerdict::Passed(vec!["tests::deny::e2e_deny".into()]),
        ),
        ("flaky", TestVerdict::Failed(vec!["other::flaky".into()])),
        ("slow", TestVerdict::NotRun(vec!["ignored,".into()])),
        ("colored", TestVerdict::Passed(vec!["colored".into()])),
        (
            "canon/json/CANON-002/utf16",
            TestVerdict::Passed(vec!["canon/json/CANON-002/utf16".into()]),
        ),
        ("allow", TestVerdict::Absent),
        ("deny", TestVerdict::Absent),
        ("result:", TestVerdict::Absent),
    ];
    for (name, want) in cases {
        assert_eq!(&log.verdict(name), want, "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// Proofs

fn evidence() -> Evidence {
    let complete = |cases: &[Case<'_>]| {
        ReportState::Complete(parse_report("x", &report(cases, true)).unwrap())
    };
    let reference = complete(&[
        ("canon/json", "a", &["CANON-001"], "pass"),
        ("canon/json", "b", &["CANON-001", "CANON-002"], "pass"),
        ("canon/cbor", "c", &["CANON-020"], "pass"),
        ("canon/cbor", "d", &["CANON-020"], "fail"),
        ("canon/cbor", "e", &["CANON-021"], "crash"),
        ("canon/jsonx", "f", &[], "fail"),
    ]);
    let external = complete(&[("external/rfc8785/numbers", "n1", &[], "pass")]);
    let mut reports = BTreeMap::new();
    reports.insert("reference".to_owned(), reference);
    reports.insert("reference-external".to_owned(), external);
    reports.insert("empty".to_owned(), complete(&[]));
    reports.insert(
        "cut".to_owned(),
        ReportState::Unusable("is truncated (no complete footer)".into()),
    );
    reports.insert("gone".to_owned(), ReportState::Missing);
    Evidence {
        reports,
        test_log: Some(TestLog::parse(
            "test e2e_allow ... ok\ntest e2e_deny ... FAILED\n",
        )),
        steps: Some(["digest-release".to_owned()].into()),
        defined: Some(
            [
                "CANON-001",
                "CANON-002",
                "CANON-020",
                "CANON-021",
                "CANON-030",
            ]
            .map(String::from)
            .into(),
        ),
    }
}

fn claims_with(proofs: &[&str]) -> ClaimsFile {
    let mut text = META.to_owned();
    for (n, p) in proofs.iter().enumerate() {
        text.push_str(&format!(
            "[[claim]]\nid = \"c{n}\"\nsummary = \"s\"\nproofs = [{p}]\n"
        ));
    }
    parse_claims(&text).unwrap()
}

#[test]
fn proofs_hold_or_say_why() {
    // (proof, Ok(evidence) or Err(reason))
    let cases: &[(&str, Result<&str, &str>)] = &[
        (
            "{ suite = \"canon/json\", report = \"reference\" }",
            Ok("2 case(s) of suite canon/json passed in reference.jsonl"),
        ),
        (
            "{ suite = \"canon/cbor\", report = \"reference\" }",
            Err(
                "2 of 3 cases of suite canon/cbor did not pass in reference.jsonl: canon/cbor/d (fail), canon/cbor/e (crash)",
            ),
        ),
        (
            "{ suite = \"canon\", report = \"reference\" }",
            Err("3 of 6 cases of suite canon did not pass"),
        ),
        (
            "{ suite = \"canon/js\", report = \"reference\" }",
            Err("no case of suite canon/js in reference.jsonl"),
        ),
        (
            "{ suite = \"canon/json\", report = \"empty\" }",
            Err("no case of suite canon/json in empty.jsonl"),
        ),
        (
            "{ suite = \"canon/json\", report = \"cut\" }",
            Err("cut.jsonl is truncated (no complete footer)"),
        ),
        (
            "{ suite = \"canon/json\", report = \"gone\" }",
            Err("gone.jsonl does not exist in the output directory"),
        ),
        (
            "{ suite = \"canon/json\", report = \"unlisted\" }",
            Err("unlisted.jsonl does not exist in the output directory"),
        ),
        (
            "{ external = \"external/rfc8785/numbers\", report = \"reference-external\" }",
            Ok("1 case(s) of suite external/rfc8785/numbers passed in reference-external.jsonl"),
        ),
        (
            "{ external = \"external/rfc8785\", report = \"reference\" }",
            Err("no case of suite external/rfc8785 in reference.jsonl"),
        ),
        (
            "{ requirement = \"CANON-001\", report = \"reference\" }",
            Ok("2 case(s) citing CANON-001 passed in reference.jsonl"),
        ),
        (
            "{ requirement = \"CANON-020\", report = \"reference\" }",
            Err(
                "1 of 2 cases citing CANON-020 did not pass in reference.jsonl: canon/cbor/d (fail)",
            ),
        ),
        (
            "{ requirement = \"CANON-030\", report = \"reference\" }",
            Err("no case citing CANON-030 in reference.jsonl"),
        ),
        (
            "{ requirement = \"CANON-999\", report = \"reference\" }",
            Err("CANON-999 is not defined in spec/"),
        ),
        ("{ test = \"e2e_allow\" }", Ok("e2e_allow ok")),
        (
            "{ test = \"e2e_deny\" }",
            Err("e2e_deny FAILED in cargo-test.log"),
        ),
        (
            "{ test = \"e2e_none\" }",
            Err("no `test e2e_none ... ok` line in cargo-test.log"),
        ),
        (
            "{ step = \"digest-release\" }",
            Ok("steps.passed records it"),
        ),
        (
            "{ step = \"digest-python\" }",
            Err("steps.passed does not record `digest-python`"),
        ),
    ];
    let ev = evidence();
    for (proof, want) in cases {
        let file = claims_with(&[proof]);
        let readme = "`claim:c0`";
        let (summary, errors) = claims::evaluate(&file, readme, &ev);
        let verdict = &summary.claims[0].proofs[0].verdict;
        match want {
            Ok(seen) => {
                assert_eq!(verdict.as_deref(), Ok(*seen), "{proof}");
                assert!(errors.is_empty(), "{errors:?}");
                assert_eq!(summary.to_string(), "claims: 1 proven, 0 failed");
            }
            Err(why) => {
                let got = verdict.as_ref().unwrap_err();
                assert!(
                    got.starts_with(why),
                    "{proof}: {got:?} should start with {why:?}"
                );
                assert_eq!(errors.len(), 1, "{errors:?}");
                assert_eq!(errors[0].code(), "HARNESS_CLAIM_UNPROVEN");
                assert_eq!(summary.to_string(), "claims: 0 proven, 1 failed");
            }
        }
    }

    // Without a log every test proof fails; without spec knowledge any requirement is judged
    // by the report alone.
    let bare = Evidence {
        test_log: None,
        defined: None,
        ..evidence()
    };
    let file = claims_with(&[
        "{ test = \"e2e_allow\" }",
        "{ requirement = \"CANON-999\", report = \"reference\" }",
    ]);
    let (_, errors) = claims::evaluate(&file, "`claim:c0` `claim:c1`", &bare);
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        shown,
        [
            "claim `c0`: test e2e_allow: there is no cargo-test.log in the output directory",
            "claim `c1`: requirement CANON-999 in reference.jsonl: no case citing CANON-999 in reference.jsonl",
        ]
    );
}

#[test]
fn many_failures_are_abbreviated() {
    let cases: Vec<(String, String)> = (0..13)
        .map(|n| ("s".to_owned(), format!("x{n:02}")))
        .collect();
    let refs: Vec<Case<'_>> = cases
        .iter()
        .map(|(s, id)| (s.as_str(), id.as_str(), &[][..], "fail"))
        .collect();
    let mut reports = BTreeMap::new();
    reports.insert(
        "r".to_owned(),
        ReportState::Complete(parse_report("r", &report(&refs, true)).unwrap()),
    );
    let ev = Evidence {
        reports,
        ..Evidence::default()
    };
    let (summary, _) = claims::evaluate(
        &claims_with(&["{ suite = \"s\", report = \"r\" }"]),
        "`claim:c0`",
        &ev,
    );
    let why = summary.claims[0].proofs[0].verdict.as_ref().unwrap_err();
    assert!(
        why.starts_with("13 of 13 cases of suite s did not pass in r.jsonl: s/x00 (fail), "),
        "{why}"
    );
    assert!(why.ends_with("s/x09 (fail), and 3 more"), "{why}");
}

#[test]
fn every_problem_is_collected() {
    let file = parse_claims(&format!(
        "{META}\
         [[claim]]\nid = \"good\"\nsummary = \"s\"\nproofs = [{{ test = \"e2e_allow\" }}]\n\
         [[claim]]\nid = \"bad\"\nsummary = \"s\"\nproofs = [{{ test = \"e2e_deny\" }}, {{ test = \"e2e_none\" }}, {{ test = \"e2e_allow\" }}]\n\
         [[claim]]\nid = \"empty\"\nsummary = \"s\"\n\
         [[claim]]\nid = \"unsaid\"\nsummary = \"s\"\nproofs = [{{ test = \"e2e_allow\" }}]\n"
    ))
    .unwrap();
    let readme = "`claim:good` `claim:bad` `claim:empty`\n`claim:new` `claim:good`\n`claim:newer`\n`claim:bad id`\n";
    let (summary, errors) = claims::evaluate(&file, readme, &evidence());
    let shown: Vec<String> = errors.iter().map(|e| format!("{} {e}", e.code())).collect();
    assert_eq!(
        shown,
        [
            "HARNESS_PARSE README.md:4: `claim:bad id` is not a claim marker (`claim:<id>`, id of ASCII letters, digits, `.`, `_`, `-`, `/`)",
            "HARNESS_CLAIM_MISSING README.md:2: `claim:new` has no [[claim]] in claims.toml",
            "HARNESS_CLAIM_MISSING README.md:3: `claim:newer` has no [[claim]] in claims.toml",
            "HARNESS_CLAIM_UNPROVEN claim `bad`: test e2e_deny: e2e_deny FAILED in cargo-test.log",
            "HARNESS_CLAIM_UNPROVEN claim `bad`: test e2e_none: no `test e2e_none ... ok` line in cargo-test.log",
            "HARNESS_CLAIM_UNPROVEN claim `empty`: no proofs: a claim needs at least one proof",
            "HARNESS_CLAIM_STALE claims.toml: claim `unsaid` does not appear in README.md as `claim:unsaid`",
        ]
    );
    // A stale claim is still judged.
    assert_eq!(summary.to_string(), "claims: 2 proven, 2 failed");
    let proven: Vec<(&str, bool)> = summary
        .claims
        .iter()
        .map(|c| (c.id.as_str(), c.proven()))
        .collect();
    assert_eq!(
        proven,
        [
            ("good", true),
            ("bad", false),
            ("empty", false),
            ("unsaid", true)
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// The file wrapper

const CLAIMS_TOML: &str = r#"
[meta]
spec_version = "0.1.0"
profiles = ["canon"]

[[claim]]
id = "jcs"
summary = "RFC 8785"
proofs = [
  { suite = "canon/json", report = "reference" },
  { requirement = "CANON-001", report = "python" },
  { external = "external/rfc8785", report = "reference-external" },
  { test = "e2e_allow" },
]

[[xfail]]
case = "canon/json/x"
reason = "known"
"#;

fn proven_repo() -> TempRepo {
    let good = report(&[("canon/json", "a", &["CANON-001"], "pass")], true);
    let external = report(&[("external/rfc8785/numbers", "n", &[], "pass")], true);
    TempRepo::new(&[
        ("README.md", "# Q\n\nCanonical JSON (`claim:jcs`).\n"),
        ("claims.toml", CLAIMS_TOML),
        ("spec/canon.md", "**CANON-001** It MUST hold.\n"),
        ("harness/out/reference.jsonl", &good),
        ("harness/out/python.jsonl", &good),
        ("harness/out/reference-external.jsonl", &external),
        (
            "harness/out/cargo-test.log",
            "test tests::e2e_allow ... ok\n",
        ),
    ])
}

#[test]
fn check_reads_the_repository() {
    let repo = proven_repo();
    let out = claims::default_out_dir(repo.root());
    let summary = claims::check(repo.root(), &out).unwrap();
    assert_eq!(summary.to_string(), "claims: 1 proven, 0 failed");

    // Break it in every way at once: all problems come back together, with the summary.
    repo.write("README.md", "`claim:jcs` `claim:cbor`\n");
    repo.write(
        "harness/out/python.jsonl",
        &report(&[("canon/json", "a", &["CANON-001"], "pass")], false),
    );
    repo.remove("harness/out/reference-external.jsonl");
    repo.write(
        "harness/out/cargo-test.log",
        "test tests::e2e_allow ... FAILED\n",
    );
    repo.write(
        "harness/out/reference.jsonl",
        &report(&[("canon/json", "a", &["CANON-001"], "timeout")], true),
    );
    let failure = claims::check(repo.root(), &out).unwrap_err();
    assert_eq!(
        failure.to_string(),
        "HARNESS_REPORT_TRUNCATED: harness/out/python.jsonl: report has no complete footer; a truncated run proves nothing\n\
         HARNESS_CLAIM_MISSING: README.md:1: `claim:cbor` has no [[claim]] in claims.toml\n\
         HARNESS_CLAIM_UNPROVEN: claim `jcs`: suite canon/json in reference.jsonl: 1 of 1 cases of suite canon/json did not pass in reference.jsonl: canon/json/a (timeout)\n\
         HARNESS_CLAIM_UNPROVEN: claim `jcs`: requirement CANON-001 in python.jsonl: python.jsonl is truncated (no complete footer)\n\
         HARNESS_CLAIM_UNPROVEN: claim `jcs`: external external/rfc8785 in reference-external.jsonl: reference-external.jsonl does not exist in the output directory\n\
         HARNESS_CLAIM_UNPROVEN: claim `jcs`: test e2e_allow: tests::e2e_allow FAILED in cargo-test.log\n\
         claims: 0 proven, 1 failed"
    );

    // Another output directory (`--out DIR`).
    let elsewhere = repo.root().join("elsewhere");
    let failure = claims::check(repo.root(), &elsewhere).unwrap_err();
    assert_eq!(failure.errors.len(), 5, "{failure}");
}

#[test]
fn check_without_files() {
    let repo = TempRepo::new(&[("README.md", "")]);
    let failure = claims::check(repo.root(), &claims::default_out_dir(repo.root())).unwrap_err();
    assert_eq!(failure.errors.len(), 1);
    assert_eq!(failure.errors[0].code(), "HARNESS_IO");
    assert!(failure.summary.is_none());
    assert!(failure.to_string().ends_with("claims: not checked"));

    repo.write("claims.toml", "[meta]\nprofiles = []\n");
    let failure = claims::check(repo.root(), &claims::default_out_dir(repo.root())).unwrap_err();
    let codes: Vec<&str> = failure.errors.iter().map(Error::code).collect();
    assert_eq!(codes, ["HARNESS_PARSE"], "{failure}");

    // No claims at all is a clean (if empty) check.
    repo.write("claims.toml", META);
    let summary = claims::check(repo.root(), &claims::default_out_dir(repo.root())).unwrap();
    assert_eq!(summary.to_string(), "claims: 0 proven, 0 failed");
    assert_eq!(Proof::Test { test: "t".into() }.report(), None);
}
