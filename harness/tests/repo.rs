//! The spec check against the real repository: every requirement ID is defined once, every
//! citation names a defined ID, every MUST is covered, and `spec/INDEX.md` is fresh.
//!
//! When this fails with `HARNESS_INDEX_STALE`, run `quorate claims index` and commit the result.

use std::path::Path;

#[test]
fn spec_requirements_and_index_are_consistent() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    match harness::spec::spec_check(&root) {
        Ok(summary) => println!("{summary}"),
        Err(problems) => {
            let shown: Vec<String> = problems
                .iter()
                .map(|e| format!("{}: {e}", e.code()))
                .collect();
            panic!("{} spec problem(s):\n{}", problems.len(), shown.join("\n"));
        }
    }
}
