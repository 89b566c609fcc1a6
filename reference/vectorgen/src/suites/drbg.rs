//! `canon/drbg` (spec/canon.md §5).

use serde_json::json;

use crate::{Case, Suite};

pub(crate) fn drbg() -> Suite {
    let op = "canon.drbg";
    let mut cases = vec![
        Case::computed(
            "empty-label-64",
            &["CANON-050"],
            "one block for the empty label",
            op,
            json!({ "label": "", "length": 64 }),
        ),
        Case::computed(
            "label-block-boundary",
            &["CANON-050"],
            "130 bytes crossing two block boundaries",
            op,
            json!({ "label": "quorate", "length": 130 }),
        ),
        Case::computed(
            "unicode-label",
            &["CANON-050"],
            "a label with non-ASCII characters is hashed as UTF-8",
            op,
            json!({ "label": "sélection-😀", "length": 32 }),
        ),
        Case::known(
            "zero-length",
            &["CANON-050"],
            "a request for no bytes",
            op,
            json!({ "label": "quorate", "length": 0 }),
            json!(""),
        ),
        Case::error(
            "limit-exceeded",
            &["CANON-051"],
            "2^20 + 1 bytes",
            op,
            json!({ "label": "limit", "length": (1 << 20) + 1 }),
            "CANON_DRBG_LIMIT",
        ),
    ];
    cases.push(Case::computed(
        "prefix-property",
        &["CANON-050"],
        "the first 16 bytes of the label \"quorate\" equal the start of the 130-byte case",
        op,
        json!({ "label": "quorate", "length": 16 }),
    ));
    Suite {
        name: "canon/drbg",
        source: "spec/canon.md",
        notes: vec![],
        cases,
    }
}
