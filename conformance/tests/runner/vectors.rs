//! Vector file and MANIFEST validation.

use std::path::Path;

use conformance::vectors;

use crate::{fixture_dir, scratch};

/// Copies the fixture vectors to a scratch dir for tampering.
fn copy_fixture(name: &str) -> std::path::PathBuf {
    let dir = scratch(name);
    std::fs::create_dir_all(dir.join("fixture")).unwrap();
    std::fs::create_dir_all(dir.join("schema")).unwrap();
    for rel in ["MANIFEST.json", "fixture/drbg.json", "fixture/hashes.json"] {
        std::fs::copy(fixture_dir().join(rel), dir.join(rel)).unwrap();
    }
    dir
}

fn edit(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from}");
    std::fs::write(path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn fixture_loads_with_its_manifest() {
    let suites = vectors::load(&fixture_dir()).unwrap();
    let names: Vec<&str> = suites.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["fixture/drbg", "fixture/hashes"]);
    assert_eq!(suites[1].cases.len(), 7);
    let case = &suites[1].cases[1];
    assert_eq!(case.full_id(), "fixture/hashes/fnv-a");
    assert_eq!(case.trial_name(), "fixture/hashes/CANON-030/fnv-a");
    assert_eq!(
        case.request_case()["input"],
        serde_json::json!({"bytes": "61"})
    );
    assert!(
        case.request_case().get("expect").is_none(),
        "PROTO-020: never the expectation"
    );
}

#[test]
fn manifest_mismatches_are_caught() {
    // A changed byte changes the sha256.
    let dir = copy_fixture("manifest-sha");
    edit(
        &dir.join("fixture/hashes.json"),
        "FNV-1a 64 of 'a'",
        "FNV-1a 64 of 'A'",
    );
    let err = vectors::load(&dir).unwrap_err();
    assert_eq!(err.code(), "RUNNER_MANIFEST_MISMATCH");
    assert!(err.to_string().contains("sha256"), "{err}");

    // An unlisted file.
    let dir = copy_fixture("manifest-unlisted");
    std::fs::copy(
        dir.join("fixture/drbg.json"),
        dir.join("fixture/extra.json"),
    )
    .unwrap();
    edit(
        &dir.join("fixture/extra.json"),
        "\"suite\":\"fixture/drbg\"",
        "\"suite\":\"fixture/extra\"",
    );
    let err = vectors::load(&dir).unwrap_err();
    assert_eq!(err.code(), "RUNNER_MANIFEST_MISMATCH");
    assert!(
        err.to_string().contains("fixture/extra.json is not listed"),
        "{err}"
    );

    // A wrong count.
    let dir = copy_fixture("manifest-count");
    edit(&dir.join("MANIFEST.json"), "\"cases\":7", "\"cases\":8");
    let err = vectors::load(&dir).unwrap_err();
    assert!(err.to_string().contains("8"), "{err}");

    // A missing file.
    let dir = copy_fixture("manifest-missing");
    std::fs::remove_file(dir.join("fixture/drbg.json")).unwrap();
    assert_eq!(
        vectors::load(&dir).unwrap_err().code(),
        "RUNNER_MANIFEST_MISMATCH"
    );

    // No manifest at all.
    let dir = copy_fixture("manifest-absent");
    std::fs::remove_file(dir.join("MANIFEST.json")).unwrap();
    assert_eq!(vectors::load(&dir).unwrap_err().code(), "RUNNER_IO");
    // Schema files and the manifest are not vector files.
    std::fs::write(dir.join("schema/vector-file.schema.json"), "{}").unwrap();
    assert_eq!(vectors::load_dir(&dir).unwrap().len(), 2);
}

#[test]
fn invalid_vector_files_name_file_and_case() {
    let cases = [
        (
            "\"id\":\"fnv-a\"",
            "\"id\":\"fnv-empty\"",
            "duplicate case id",
        ),
        ("\"reqs\":[\"CANON-030\"]}", "\"reqs\":[]}", "reqs is empty"),
        (
            "\"features\":[\"canon.sha256\"],\"flags\":[],\"id\":\"sha-abc\"",
            "\"features\":[],\"flags\":[],\"id\":\"sha-abc\"",
            "features do not contain",
        ),
        (
            "\"flags\":[],\"id\":\"sha-empty\"",
            "\"flags\":[\"Undefined\"],\"id\":\"sha-empty\"",
            "not defined in the file's notes",
        ),
        (
            "\"kind\":\"quorate.vectors\"",
            "\"kind\":\"quorate.other\"",
            "kind",
        ),
        (
            "\"format_version\":1",
            "\"format_version\":2",
            "format_version",
        ),
        (
            "\"suite\":\"fixture/hashes\"",
            "\"suite\":\"fixture/other\"",
            "does not match its path",
        ),
        (
            "\"expect\":{\"ok\":\"cbf29ce484222325\"}",
            "\"expect\":{\"maybe\":1}",
            "fnv-empty",
        ),
    ];
    for (from, to, needle) in cases {
        let dir = copy_fixture("invalid-vector");
        edit(&dir.join("fixture/hashes.json"), from, to);
        let err = vectors::load_dir(&dir).unwrap_err();
        assert_eq!(err.code(), "RUNNER_VECTOR_INVALID", "{to}");
        let message = err.to_string();
        assert!(message.contains("hashes.json"), "{message}");
        assert!(message.contains(needle), "{needle} not in {message}");
    }
}
