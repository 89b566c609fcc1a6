//! The requirement index: definitions, citations, checks, rendering, and the file wrappers.
//!
//! Fixture strings are inline; the citation keyword appears only inside string literals here,
//! so that the real repository scan (which reads this file's comments) sees no citation.

// Helpers outside `#[test]` functions unwrap and panic too: this is test code.
#![allow(clippy::unwrap_used, clippy::panic)]

#[path = "support/temp_repo.rs"]
mod temp_repo;

use harness::spec::{
    self, Analysis, Level, SourceFile, Sources, cite, freshness, parse::parse_spec, render_index,
};
use harness::{Citation, Error};
use temp_repo::TempRepo;

// ---------------------------------------------------------------------------------------------
// Definitions

/// `(id, level, line, no_vector, tested_by)`.
type Def<'a> = (&'a str, Level, usize, Option<&'a str>, &'a [&'a str]);

/// A parsed definition, comparable.
type Got = (String, Level, usize, Option<String>, Vec<String>);

/// One parse case: markdown, the definitions it yields, and substrings of the errors.
fn check_parse(md: &str, want: &[Def<'_>], want_errors: &[&str]) {
    let (reqs, errors) = parse_spec("spec/x.md", md);
    let got: Vec<Got> = reqs
        .iter()
        .map(|r| {
            assert_eq!(r.at.path, "spec/x.md");
            (
                r.id.to_string(),
                r.level,
                r.at.line,
                r.no_vector.clone(),
                r.tested_by.clone(),
            )
        })
        .collect();
    let want: Vec<Got> = want
        .iter()
        .map(|(id, level, line, nv, tb)| {
            (
                id.to_string(),
                *level,
                *line,
                nv.map(str::to_owned),
                tb.iter().map(|s| s.to_string()).collect(),
            )
        })
        .collect();
    assert_eq!(got, want, "definitions of:\n{md}");
    assert_eq!(
        errors.len(),
        want_errors.len(),
        "errors of:\n{md}\n{errors:#?}"
    );
    for (e, w) in errors.iter().zip(want_errors) {
        assert_eq!(e.code(), "HARNESS_PARSE");
        assert!(e.to_string().contains(w), "{e} should contain {w:?}");
    }
}

#[test]
fn levels() {
    use Level::*;
    let cases: &[(&str, Level)] = &[
        ("**CANON-001** A value MUST be canonical.", Must),
        ("**CANON-001** A value MUST NOT be padded.", Must),
        ("**CANON-001** It SHALL be so.", Must),
        ("**CANON-001** A key is REQUIRED.", Must),
        ("**CANON-001** It SHOULD be so.", Should),
        ("**CANON-001** It is RECOMMENDED.", Should),
        ("**CANON-001** It MAY be so.", May),
        ("**CANON-001** It is OPTIONAL.", May),
        ("**CANON-001** It is so.", Informative),
        (
            "**CANON-001** It must be so (lowercase is prose).",
            Informative,
        ),
        (
            "**CANON-001** The code `MUST` in a code span is not a keyword.",
            Informative,
        ),
        (
            "**CANON-001** An error `CANON_MUST_FAIL` is not a keyword.",
            Informative,
        ),
        (
            "**CANON-001** Readers MAY accept it and writers MUST NOT emit it.",
            Must,
        ),
        (
            "**CANON-001** It SHOULD be so; it MAY be otherwise.",
            Should,
        ),
        ("**CANON-001** First line,\nsecond line MUST hold.", Must),
    ];
    for (md, level) in cases {
        check_parse(md, &[("CANON-001", *level, 1, None, &[])], &[]);
    }
}

#[test]
fn paragraphs_and_lines() {
    use Level::*;
    check_parse(
        "# Title\n\nIntro MUST text.\n\n**CANON-001** One MUST.\n\n## 2\n**PROTO-010** Two.\ncontinued MUST\n",
        &[
            ("CANON-001", Must, 5, None, &[]),
            ("PROTO-010", Must, 8, None, &[]),
        ],
        &[],
    );
    // Two definitions without a blank line between them are two paragraphs.
    check_parse(
        "**CANON-001** One.\n**CANON-002** Two MUST.",
        &[
            ("CANON-001", Informative, 1, None, &[]),
            ("CANON-002", Must, 2, None, &[]),
        ],
        &[],
    );
    // Fenced code, indentation, bold IDs mid-paragraph and other bold text define nothing.
    check_parse(
        "```\n**CANON-001** In a fence MUST.\n```\n\n  **CANON-002** Indented.\n\nSee **CANON-003** here.\n\n**Note** MUST.\n\n~~~md\n**CANON-004** x\n~~~\n**CANON-005** After the fence.",
        &[("CANON-005", Informative, 14, None, &[])],
        &[],
    );
    // Every area, sorted by the caller, not by the parser.
    check_parse(
        "**PROTO-001** a\n\n**FIELD-001** b\n\n**SHAMIR-001** c\n\n**DSL-001** d\n\n**QVM-001** e\n\n**SIGIL-001** f\n\n**MTP-001** g\n\n**CANON-999** h",
        &[
            ("PROTO-001", Informative, 1, None, &[]),
            ("FIELD-001", Informative, 3, None, &[]),
            ("SHAMIR-001", Informative, 5, None, &[]),
            ("DSL-001", Informative, 7, None, &[]),
            ("QVM-001", Informative, 9, None, &[]),
            ("SIGIL-001", Informative, 11, None, &[]),
            ("MTP-001", Informative, 13, None, &[]),
            ("CANON-999", Informative, 15, None, &[]),
        ],
        &[],
    );
}

#[test]
fn malformed_ids() {
    check_parse(
        "**CANON-01** short.\n\n**CANON-0001** long.\n\n**FOO-001** unknown area.\n\n**CANON-002** fine.",
        &[("CANON-002", Level::Informative, 7, None, &[])],
        &[
            "spec/x.md:1: `CANON-01` is not a requirement ID",
            "spec/x.md:3: `CANON-0001` is not a requirement ID",
            "spec/x.md:5: `FOO-001` is not a requirement ID",
        ],
    );
}

#[test]
fn annotations() {
    use Level::*;
    check_parse(
        "**CANON-001** It MUST hold. *No vector:* only observable\nunder a debugger.",
        &[(
            "CANON-001",
            Must,
            1,
            Some("only observable under a debugger."),
            &[],
        )],
        &[],
    );
    // Annotation text does not decide the level.
    check_parse(
        "**CANON-001** It holds. *No vector:* a vector MUST NOT be written for it.",
        &[(
            "CANON-001",
            Informative,
            1,
            Some("a vector MUST NOT be written for it."),
            &[],
        )],
        &[],
    );
    let lists: &[(&str, &[&str])] = &[
        ("`e2e_allow`", &["e2e_allow"]),
        ("`e2e_allow`.", &["e2e_allow"]),
        ("`a`, `b`", &["a", "b"]),
        ("`a` and `b`", &["a", "b"]),
        ("`a`, `b`, and `c`.", &["a", "b", "c"]),
        ("`tests::x::y`,\n`z`", &["tests::x::y", "z"]),
    ];
    for (list, names) in lists {
        check_parse(
            &format!("**SIGIL-001** It MUST hold. *Tested by:* {list}"),
            &[("SIGIL-001", Must, 1, None, names)],
            &[],
        );
    }
    // Both annotations, in either order.
    check_parse(
        "**SIGIL-001** It MUST hold. *Tested by:* `a` *No vector:* needs a cluster.\n\n**SIGIL-002** It MUST hold. *No vector:* needs a cluster. *Tested by:* `b`, `c`",
        &[
            ("SIGIL-001", Must, 1, Some("needs a cluster."), &["a"]),
            ("SIGIL-002", Must, 3, Some("needs a cluster."), &["b", "c"]),
        ],
        &[],
    );
    check_parse(
        "**SIGIL-001** x *No vector:*\n\n**SIGIL-002** x *Tested by:* none\n\n**SIGIL-003** x *Tested by:* `a` and more\n\n**SIGIL-004** x *No vector:* a *No vector:* b\n\n**SIGIL-005** x *Tested by:* `a\n\n**SIGIL-006** x *Tested by:* ``",
        &[],
        &[
            ":1: SIGIL-001: `*No vector:*` needs a reason",
            ":3: SIGIL-002: `*Tested by:*` needs at least one",
            ":5: SIGIL-003: `*Tested by:*` has text after",
            ":7: `*No vector:*` appears twice",
            ":9: SIGIL-005: `*Tested by:*` has an unclosed backtick",
            ":11: SIGIL-006: `*Tested by:*` names an empty test",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Citations

/// One code-citation case: path, source, expected `(id, line)`.
fn check_code(path: &str, src: &str, want: &[(&str, usize)]) {
    let got: Vec<(String, usize)> = cite::code_citations(path, src)
        .into_iter()
        .map(|c| match c.at {
            Citation::Code(site) => {
                assert_eq!(site.path, path);
                (c.id, site.line)
            }
            other => panic!("not a code citation: {other}"),
        })
        .collect();
    let want: Vec<(String, usize)> = want.iter().map(|(i, l)| (i.to_string(), *l)).collect();
    assert_eq!(got, want, "citations of {path}:\n{src}");
}

#[test]
fn rust_citation_forms() {
    let cases: &[(&str, &[(&str, usize)])] = &[
        ("/// Enforces CANON-001.\nfn f() {}", &[("CANON-001", 1)]),
        (
            "//! Enforces CANON-001 and CANON-002.",
            &[("CANON-001", 1), ("CANON-002", 1)],
        ),
        (
            "// Enforces CANON-001, CANON-002",
            &[("CANON-001", 1), ("CANON-002", 1)],
        ),
        (
            "/// Enforces CANON-001, CANON-002, and CANON-003: the rest.",
            &[("CANON-001", 1), ("CANON-002", 1), ("CANON-003", 1)],
        ),
        (
            "fn a() {}\n/// Does it.\n///\n/// Enforces PROTO-003 (unknown members ignored), PROTO-020 (`seq` echoed as sent) and\n/// PROTO-022 (malformed (nested) requests answered).\nfn f() {}",
            &[("PROTO-003", 4), ("PROTO-020", 4), ("PROTO-022", 5)],
        ),
        (
            "/// Enforces PROTO-010, PROTO-011, PROTO-020, PROTO-040 and PROTO-041.",
            &[
                ("PROTO-010", 1),
                ("PROTO-011", 1),
                ("PROTO-020", 1),
                ("PROTO-040", 1),
                ("PROTO-041", 1),
            ],
        ),
        (
            "/// Enforces PROTO-070: the input is an object. CANON-001 is prose.",
            &[("PROTO-070", 1)],
        ),
        ("/// Checks it. Enforces PROTO-011.", &[("PROTO-011", 1)]),
        ("let x = 1; // enforces CANON-001", &[("CANON-001", 1)]),
        (
            "/// Enforces CANON-001 and\n\n/// CANON-002",
            &[("CANON-001", 1)],
        ),
        (
            "/// Enforces CANON-001 and\nfn f() {}\n/// CANON-002",
            &[("CANON-001", 1)],
        ),
        ("/// Enforces the rule.", &[]),
        ("/// Reinforces CANON-001. Enforcesx CANON-002.", &[]),
        ("/// Enforces canon-001 or RFC8785.", &[]),
        (
            "/// Enforces CANON-1 and FOO-001.",
            &[("CANON-1", 1), ("FOO-001", 1)],
        ),
        ("/* Enforces CANON-001 */", &[("CANON-001", 1)]),
        (
            "/**\n * Enforces CANON-001 and\n * CANON-002.\n */",
            &[("CANON-001", 2), ("CANON-002", 3)],
        ),
        (
            "/* outer /* Enforces CANON-001 */ still */ fn f() {}",
            &[("CANON-001", 1)],
        ),
        // Literals never cite.
        ("let s = \"/// Enforces CANON-001\";", &[]),
        (
            "let s = \"line\n/// Enforces CANON-001\nline\";\n// Enforces CANON-002",
            &[("CANON-002", 4)],
        ),
        (
            "let s = r#\"a \" // Enforces CANON-001\"#; // Enforces CANON-002",
            &[("CANON-002", 1)],
        ),
        (
            "let s = br\"// Enforces CANON-001\"; // Enforces CANON-002",
            &[("CANON-002", 1)],
        ),
        (
            "let s = \"\\\" // Enforces CANON-001\"; // Enforces CANON-002",
            &[("CANON-002", 1)],
        ),
        ("let q = '\"'; // Enforces CANON-002", &[("CANON-002", 1)]),
        ("let q = '\\''; // Enforces CANON-002", &[("CANON-002", 1)]),
        (
            "fn f<'a>(x: &'a str) {} // Enforces CANON-002",
            &[("CANON-002", 1)],
        ),
        (
            "let bar = 1; let r = bar\"x\"; // Enforces CANON-002",
            &[("CANON-002", 1)],
        ),
    ];
    for (src, want) in cases {
        check_code("reference/x/src/lib.rs", src, want);
    }
}

#[test]
fn python_citation_forms() {
    let cases: &[(&str, &[(&str, usize)])] = &[
        ("# Enforces CANON-001.\ndef f(): pass", &[("CANON-001", 1)]),
        (
            "x = 1  # Enforces CANON-001 and CANON-002",
            &[("CANON-001", 1), ("CANON-002", 1)],
        ),
        (
            "# Enforces CANON-001,\n# CANON-002",
            &[("CANON-001", 1), ("CANON-002", 2)],
        ),
        (
            "def f():\n    \"\"\"Canonicalizes.\n\n    Enforces CANON-012 and CANON-013.\n    \"\"\"\n",
            &[("CANON-012", 4), ("CANON-013", 4)],
        ),
        (
            "def f():\n    r'''Enforces CANON-012.'''  # note\n",
            &[("CANON-012", 2)],
        ),
        ("x = \"Enforces CANON-001\"", &[]),
        ("x = \"\"\"Enforces CANON-001\"\"\"", &[]),
        ("f(\"\"\"Enforces CANON-001\"\"\")", &[]),
        (
            "x = '# Enforces CANON-001'  # Enforces CANON-002",
            &[("CANON-002", 1)],
        ),
        ("x = \"a\\\"# Enforces CANON-001\"", &[]),
    ];
    for (src, want) in cases {
        check_code("conformance/adapters/python/adapter.py", src, want);
    }
    check_code(
        "conformance/adapters/notes.txt",
        "# Enforces CANON-001",
        &[],
    );
}

#[test]
fn vector_citations() {
    let text = r#"{"suite":"canon/json","cases":[
        {"id":"a","reqs":["CANON-001","CANON-002"],"input":{}},
        {"id":"b","reqs":[]}]}"#;
    let got = cite::vector_citations("vectors/canon/json.json", text).unwrap();
    let full: Vec<(String, String)> = got
        .into_iter()
        .map(|c| match c.at {
            Citation::Vector { file, case } => {
                assert_eq!(file, "vectors/canon/json.json");
                (c.id, case)
            }
            other => panic!("{other}"),
        })
        .collect();
    assert_eq!(
        full,
        [
            ("CANON-001".to_owned(), "canon/json/a".to_owned()),
            ("CANON-002".to_owned(), "canon/json/a".to_owned()),
        ]
    );

    // Without `suite`, the suite is the path under vectors/.
    let got = cite::vector_citations(
        "vectors/canon/cbor.json",
        r#"{"cases":[{"id":"x","reqs":["CANON-020"]}]}"#,
    )
    .unwrap();
    assert_eq!(
        got[0].at,
        Citation::Vector {
            file: "vectors/canon/cbor.json".into(),
            case: "canon/cbor/x".into()
        }
    );

    let bad: &[(&str, &str)] = &[
        ("{", "vectors/x.json: EOF"),
        ("{}", "no `cases` array"),
        (r#"{"cases":[{"reqs":[]}]}"#, "case #0 has no string `id`"),
        (r#"{"cases":[{"id":"a"}]}"#, "case a has no `reqs` array"),
        (
            r#"{"cases":[{"id":"a","reqs":[1]}]}"#,
            "case a: `reqs` holds a non-string",
        ),
        (r#"{"suite":1,"cases":[]}"#, "`suite` is not a string"),
    ];
    for (text, want) in bad {
        let e = cite::vector_citations("vectors/x.json", text).unwrap_err();
        assert_eq!(e.code(), "HARNESS_PARSE");
        assert!(e.to_string().contains(want), "{e} should contain {want:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// Checks over the whole index

fn file(path: &str, text: &str) -> SourceFile {
    SourceFile {
        path: path.to_owned(),
        text: text.to_owned(),
    }
}

const SPEC_A: &str = "# A\n\n\
**CANON-001** Vectors cover it; it MUST hold.\n\n\
**CANON-002** It MUST hold. *No vector:* needs a clock.\n\n\
**CANON-003** It MUST hold. *Tested by:* `e2e_allow`\n\n\
**CANON-004** It MUST hold and nothing covers it.\n\n\
**CANON-005** It SHOULD hold and nothing covers it.\n";

const SPEC_B: &str = "**PROTO-001** It MUST hold.\n\n**CANON-001** Defined again.\n";

const VECTORS: &str = r#"{"suite":"canon/json","cases":[
    {"id":"b","reqs":["CANON-001"]},
    {"id":"a","reqs":["CANON-001","PROTO-001","CANON-777"]}]}"#;

const CODE_RS: &str = "/// Enforces CANON-002 and CANON-888.\nfn f() {}\nfn e2e_allow() {}\n";
const CODE_PY: &str = "# Enforces CANON-001\n";

fn sources() -> Sources {
    Sources {
        spec: vec![file("spec/a.md", SPEC_A), file("spec/b.md", SPEC_B)],
        vectors: vec![file("vectors/canon/json.json", VECTORS)],
        code: vec![
            file("reference/x/src/lib.rs", CODE_RS),
            file("conformance/adapters/python/adapter.py", CODE_PY),
        ],
    }
}

fn messages(problems: &[Error]) -> Vec<String> {
    problems
        .iter()
        .map(|e| format!("{} {e}", e.code()))
        .collect()
}

#[test]
fn analysis_problems() {
    let Analysis { index, problems } = spec::analyze(&sources());
    assert_eq!(
        messages(&problems),
        [
            "HARNESS_REQ_DUPLICATE CANON-001 is defined twice: spec/a.md:3 and spec/b.md:3",
            "HARNESS_REQ_UNKNOWN CANON-777 is cited at vectors/canon/json.json (case canon/json/a) but not defined in spec/",
            "HARNESS_REQ_UNKNOWN CANON-888 is cited at reference/x/src/lib.rs:1 but not defined in spec/",
            "HARNESS_REQ_UNCOVERED CANON-004 (spec/a.md:9) is a MUST with no vector case citing it, no `*No vector:*` reason and no `*Tested by:*` test",
        ]
    );
    let ids: Vec<String> = index
        .entries
        .iter()
        .map(|e| e.requirement.id.to_string())
        .collect();
    assert_eq!(
        ids,
        [
            "CANON-001",
            "CANON-002",
            "CANON-003",
            "CANON-004",
            "CANON-005",
            "PROTO-001"
        ]
    );
    let canon1 = &index.entries[0];
    assert_eq!(canon1.cases, ["canon/json/a", "canon/json/b"]);
    assert_eq!(
        canon1
            .code_sites
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["conformance/adapters/python/adapter.py:1"]
    );
}

#[test]
fn coverage_by_each_annotation() {
    // (paragraph, whether it is uncovered)
    let cases: &[(&str, bool)] = &[
        ("**CANON-001** It MUST hold.", true),
        (
            "**CANON-001** It MUST hold. *No vector:* needs a clock.",
            false,
        ),
        ("**CANON-001** It MUST hold. *Tested by:* `t`", false),
        ("**CANON-001** It SHALL hold.", true),
        ("**CANON-001** It SHOULD hold.", false),
        ("**CANON-001** It MAY hold.", false),
        ("**CANON-001** It holds.", false),
    ];
    for (md, uncovered) in cases {
        let mut s = Sources {
            spec: vec![file("spec/a.md", md)],
            code: vec![file("harness/tests/t.rs", "fn t() {}")],
            ..Sources::default()
        };
        let codes = |s: &Sources| -> Vec<&'static str> {
            spec::analyze(s).problems.iter().map(Error::code).collect()
        };
        let want: &[&str] = if *uncovered {
            &["HARNESS_REQ_UNCOVERED"]
        } else {
            &[]
        };
        assert_eq!(codes(&s), want, "{md}");
        // A vector case always covers it; a code site never does.
        s.code
            .push(file("harness/src/x.rs", "// Enforces CANON-001"));
        assert_eq!(codes(&s), want, "{md} with a code site");
        s.vectors = vec![file(
            "vectors/c.json",
            r#"{"cases":[{"id":"a","reqs":["CANON-001"]}]}"#,
        )];
        assert_eq!(codes(&s), Vec::<&str>::new(), "{md} with a vector");
    }
}

const EXPECTED_INDEX: &str = "# Requirement index

> Generated by `quorate claims index` from `spec/*.md`, `vectors/**/*.json` and `Enforces` source comments. Do not edit: regenerate it (`quorate claims index --check` fails when it is stale).

6 requirements: 5 MUST, 1 SHOULD, 0 MAY, 0 informative.

| ID | level | file | vector cases | code sites | tested by |
|---|---|---|---|---|---|
| CANON-001 | MUST | spec/a.md:3 | `canon/json/a`, `canon/json/b` | `conformance/adapters/python/adapter.py:1` |  |
| CANON-002 | MUST | spec/a.md:5 | none: needs a clock. | `reference/x/src/lib.rs:1` |  |
| CANON-003 | MUST | spec/a.md:7 |  |  | `e2e_allow` |
| CANON-004 | MUST | spec/a.md:9 |  |  |  |
| CANON-005 | SHOULD | spec/a.md:11 |  |  |  |
| PROTO-001 | MUST | spec/b.md:1 | `canon/json/a` |  |  |
";

#[test]
fn render_is_deterministic() {
    let rendered = render_index(&spec::analyze(&sources()).index);
    assert_eq!(rendered, EXPECTED_INDEX);

    // The order in which files and cases arrive does not matter.
    let mut shuffled = sources();
    shuffled.spec.reverse();
    shuffled.code.reverse();
    shuffled.vectors = vec![file(
        "vectors/canon/json.json",
        r#"{"suite":"canon/json","cases":[
            {"id":"a","reqs":["CANON-777","PROTO-001","CANON-001"]},
            {"id":"b","reqs":["CANON-001","CANON-001"]}]}"#,
    )];
    assert_eq!(
        render_index(&spec::analyze(&shuffled).index),
        EXPECTED_INDEX
    );

    // A `|` in a cell is escaped.
    let piped = Sources {
        spec: vec![file("spec/a.md", "**CANON-001** MUST. *No vector:* a | b")],
        ..Sources::default()
    };
    assert!(render_index(&spec::analyze(&piped).index).contains("| none: a \\| b |"));
}

#[test]
fn freshness_check() {
    assert!(freshness("a\nb\n", Some("a\nb\n")).is_ok());
    let cases: &[(Option<&str>, &str)] = &[
        (
            None,
            "spec/INDEX.md is stale (it does not exist); regenerate it with `quorate claims index`",
        ),
        (
            Some("a\nc\n"),
            "spec/INDEX.md is stale (first difference at line 2); regenerate it with `quorate claims index`",
        ),
        (Some("a\n"), "(first difference at line 2)"),
        (Some("a\nb\n\n"), "(first difference at line 3)"),
    ];
    for (on_disk, want) in cases {
        let e = freshness("a\nb\n", *on_disk).unwrap_err();
        assert_eq!(e.code(), "HARNESS_INDEX_STALE");
        assert!(e.to_string().contains(want), "{e} should contain {want:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// The file wrappers

fn clean_repo() -> TempRepo {
    TempRepo::new(&[
        (
            "spec/canon.md",
            "**CANON-001** It MUST hold.\n\n**CANON-002** It MAY hold.\n",
        ),
        (
            "spec/protocol.md",
            "**PROTO-001** It MUST hold. *Tested by:* `e2e`\n",
        ),
        // Not normative: their definitions are ignored.
        (
            "spec/README.md",
            "**CANON-900** Conventions MUST be followed.\n",
        ),
        ("spec/errors.md", "**CANON-901** x\n"),
        ("spec/ambiguities.md", "**CANON-902** x\n"),
        ("spec/schema/x.md", "**CANON-903** x\n"),
        (
            "vectors/canon/json.json",
            r#"{"suite":"canon/json","cases":[{"id":"a","reqs":["CANON-001"]}]}"#,
        ),
        ("vectors/MANIFEST.json", "not json"),
        (
            "vectors/schema/vector-file.schema.json",
            r#"{"cases":"not a vector file"}"#,
        ),
        (
            "reference/canon/src/lib.rs",
            "/// Enforces CANON-001.\npub fn f() {}\n",
        ),
        ("conformance/src/lib.rs", "// Enforces CANON-002\n"),
        (
            "conformance/adapters/python/adapter.py",
            "# Enforces PROTO-001\n",
        ),
        (
            "harness/src/lib.rs",
            "//! Nothing cited.\n#[test]\nfn e2e() {}\n",
        ),
        // Skipped: build output, fixtures, hidden directories, other extensions and places.
        ("harness/tests/fixtures/r/lib.rs", "// Enforces CANON-990\n"),
        ("reference/target/debug/x.rs", "// Enforces CANON-991\n"),
        ("reference/.hidden/x.rs", "// Enforces CANON-992\n"),
        ("reference/x/notes.py", "# Enforces CANON-993\n"),
        ("other/x.rs", "// Enforces CANON-994\n"),
    ])
}

#[test]
fn write_then_check() {
    let repo = clean_repo();
    let e = spec::spec_check(repo.root()).unwrap_err();
    assert_eq!(
        messages(&e),
        [
            "HARNESS_INDEX_STALE spec/INDEX.md is stale (it does not exist); regenerate it with `quorate claims index`"
        ]
    );

    let written = spec::write_index(repo.root()).unwrap();
    assert!(written.changed);
    assert!(written.problems.is_empty(), "{:?}", written.problems);
    let index = repo.read("spec/INDEX.md");
    assert!(index.contains("| CANON-001 | MUST | spec/canon.md:1 | `canon/json/a` | `reference/canon/src/lib.rs:1` |  |\n"));
    assert!(
        index
            .contains("| CANON-002 | MAY | spec/canon.md:3 |  | `conformance/src/lib.rs:1` |  |\n")
    );
    assert!(index.contains("| PROTO-001 | MUST | spec/protocol.md:1 |  | `conformance/adapters/python/adapter.py:1` | `e2e` |\n"));
    assert!(index.contains("3 requirements"));

    let summary = spec::spec_check(repo.root()).unwrap();
    assert_eq!(
        summary.to_string(),
        "spec: 3 requirements (2 MUST), 1 vector citations, 3 code citations; spec/INDEX.md is fresh"
    );
    assert!(!spec::write_index(repo.root()).unwrap().changed);

    // Any source change makes the index stale, and every problem is reported together.
    repo.write(
        "spec/protocol.md",
        "**PROTO-001** It MUST hold.\n\n**PROTO-001** Again.\n",
    );
    repo.write(
        "conformance/src/lib.rs",
        "// Enforces CANON-002 and PROTO-999\n",
    );
    let e = spec::spec_check(repo.root()).unwrap_err();
    let codes: Vec<&str> = e.iter().map(Error::code).collect();
    assert_eq!(
        codes,
        [
            "HARNESS_REQ_DUPLICATE",
            "HARNESS_REQ_UNKNOWN",
            "HARNESS_REQ_UNCOVERED",
            "HARNESS_INDEX_STALE"
        ],
        "{e:#?}"
    );

    // The index is still written despite those; the problems come back to the caller.
    let written = spec::write_index(repo.root()).unwrap();
    assert!(written.changed);
    assert_eq!(written.problems.len(), 3);
}

#[test]
fn parse_errors_block_writing() {
    let repo = clean_repo();
    repo.write("spec/canon.md", "**CANON-01** Broken.\n");
    repo.write("vectors/canon/json.json", "{");
    let e = spec::write_index(repo.root()).unwrap_err();
    let codes: Vec<&str> = e.iter().map(Error::code).collect();
    assert_eq!(
        codes,
        [
            "HARNESS_PARSE",
            "HARNESS_PARSE",
            "HARNESS_REQ_UNKNOWN",
            "HARNESS_REQ_UNKNOWN"
        ],
        "{e:#?}"
    );
    assert!(!repo.root().join("spec/INDEX.md").exists());
}

#[test]
fn tested_by_names_must_exist() {
    let spec_text = "**CANON-001** It MUST hold. *Tested by:* `real_test`, `gone_test`.\n";
    let s = Sources {
        spec: vec![file("spec/a.md", spec_text)],
        code: vec![
            file("reference/x/tests/t.rs", "#[test]\nfn real_test() {}\n"),
            file(
                "conformance/adapters/python/a.py",
                "def gone_test():\n    pass\n",
            ),
        ],
        ..Sources::default()
    };
    assert_eq!(
        messages(&spec::analyze(&s).problems),
        [
            "HARNESS_TEST_UNKNOWN CANON-001 (spec/a.md:1) names `gone_test` under *Tested by:*, but no `fn gone_test(` exists in the code"
        ]
    );
}
