//! `proto/case-shapes`: case inputs of the wrong shape (spec/protocol.md PROTO-070).

use serde_json::json;

use crate::{Case, Suite};

pub(crate) fn case_shapes() -> Suite {
    const CODE: &str = "PROTO_CASE_INVALID";
    let cases = vec![
        Case::error(
            "missing-member",
            &["PROTO-070"],
            "canon.sha256 without `bytes`",
            "canon.sha256",
            json!({}),
            CODE,
        ),
        Case::error(
            "member-wrong-type",
            &["PROTO-070"],
            "canon.sha256 with `bytes` as a number",
            "canon.sha256",
            json!({ "bytes": 12 }),
            CODE,
        ),
        Case::error(
            "member-null",
            &["PROTO-070"],
            "canon.fnv1a64 with `bytes` null",
            "canon.fnv1a64",
            json!({ "bytes": null }),
            CODE,
        ),
        Case::error(
            "length-negative",
            &["PROTO-070"],
            "canon.drbg with a negative length",
            "canon.drbg",
            json!({ "label": "x", "length": -1 }),
            CODE,
        ),
        Case::error(
            "length-string",
            &["PROTO-070"],
            "canon.drbg with the length as a string",
            "canon.drbg",
            json!({ "label": "x", "length": "16" }),
            CODE,
        ),
        Case::error(
            "label-missing",
            &["PROTO-070"],
            "canon.drbg without a label",
            "canon.drbg",
            json!({ "length": 16 }),
            CODE,
        ),
        Case::error(
            "hmac-key-missing",
            &["PROTO-070"],
            "canon.hmac_sha256 without a key",
            "canon.hmac_sha256",
            json!({ "message": "" }),
            CODE,
        ),
        Case::error(
            "text-array",
            &["PROTO-070"],
            "canon.json.canonicalize with the text as an array",
            "canon.json.canonicalize",
            json!({ "text": ["{}"] }),
            CODE,
        ),
        Case::error(
            "bits-too-long",
            &["PROTO-070", "CANON-060"],
            "canon.json.number with 17 hex digits: a hex fault",
            "canon.json.number",
            json!({ "bits": "10000000000000000" }),
            "CANON_HEX_INVALID",
        ),
        Case::error(
            "text-and-bytes",
            &["PROTO-070"],
            "canon.json.canonicalize with both `text` and `bytes`",
            "canon.json.canonicalize",
            json!({ "text": "1", "bytes": "31" }),
            CODE,
        ),
        Case::error(
            "neither-text-nor-bytes",
            &["PROTO-070"],
            "canon.json.canonicalize with only `pad_spaces`",
            "canon.json.canonicalize",
            json!({ "pad_spaces": 1 }),
            CODE,
        ),
        Case::error(
            "shape-before-hex",
            &["PROTO-070"],
            "a bad hex member and a missing member: the shape is reported",
            "canon.ed25519.verify",
            json!({ "public_key": "zz", "message": "" }),
            CODE,
        ),
        Case::error(
            "hex-checked-first",
            &["PROTO-070", "CANON-060"],
            "an invalid hex member is reported as hex, not as a shape error",
            "canon.ed25519.verify",
            json!({ "public_key": "zz", "message": "", "signature": "" }),
            "CANON_HEX_INVALID",
        ),
    ];
    Suite {
        name: "proto/case-shapes",
        source: "spec/protocol.md",
        notes: vec![],
        cases,
    }
}
