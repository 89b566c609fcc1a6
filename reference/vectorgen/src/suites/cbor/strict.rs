//! `canon/cbor-strict`: non-canonical and malformed encodings (spec/canon.md §2).

use serde_json::json;

use crate::{Case, Suite};

/// Non-canonical and malformed encodings, each with its code.
pub(crate) fn strict() -> Suite {
    let op = "canon.cbor.decode";
    let rejects: &[(&str, &[&'static str], &str, &str, &'static str)] = &[
        (
            "int-not-shortest-1",
            &["CANON-023"],
            "0 encoded in one extra byte",
            "1800",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "int-not-shortest-23",
            &["CANON-023"],
            "23 encoded in one extra byte",
            "1817",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "int-not-shortest-2",
            &["CANON-023"],
            "255 encoded in two extra bytes",
            "1900ff",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "int-not-shortest-4",
            &["CANON-023"],
            "65535 encoded in four extra bytes",
            "1a0000ffff",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "int-not-shortest-8",
            &["CANON-023"],
            "2^32-1 encoded in eight extra bytes",
            "1b00000000ffffffff",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "negative-not-shortest",
            &["CANON-023"],
            "-1 encoded in one extra byte",
            "3800",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "length-not-shortest",
            &["CANON-023"],
            "an empty byte string with a one-byte length",
            "5800",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "tag-not-shortest",
            &["CANON-023"],
            "tag 1 encoded in one extra byte",
            "d80100",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "indefinite-bytes",
            &["CANON-023"],
            "an indefinite-length byte string",
            "5f42010243030405ff",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "indefinite-text",
            &["CANON-023"],
            "an indefinite-length text string",
            "7f657374726561646d696e67ff",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "indefinite-array",
            &["CANON-023"],
            "an indefinite-length array",
            "9f0102ff",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "indefinite-map",
            &["CANON-023"],
            "an indefinite-length map",
            "bf6161f5ff",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "float-half-as-single",
            &["CANON-023"],
            "1.0 encoded as single",
            "fa3f800000",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "float-half-as-double",
            &["CANON-023"],
            "1.0 encoded as double",
            "fb3ff0000000000000",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "float-single-as-double",
            &["CANON-023"],
            "100000.0 encoded as double",
            "fb40f86a0000000000",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "float-infinity-as-single",
            &["CANON-023"],
            "infinity encoded as single",
            "fa7f800000",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "float-nan-as-double",
            &["CANON-023"],
            "NaN encoded as double",
            "fb7ff8000000000000",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "float-nan-payload-half",
            &["CANON-023"],
            "a half NaN other than f97e00",
            "f97e01",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "float-negative-nan",
            &["CANON-023"],
            "a negative half NaN",
            "f9fe00",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "map-unsorted",
            &["CANON-023"],
            "keys 3 then 1",
            "a203040102",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "map-bytewise-order",
            &["CANON-023"],
            "keys 100 (1864) before -1 (20): RFC 8949 bytewise order, not RFC 7049 length-first",
            "a21864012002",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "map-duplicate",
            &["CANON-025"],
            "the key 1 twice",
            "a201020103",
            "CANON_CBOR_DUPLICATE_KEY",
        ),
        (
            "map-duplicate-text",
            &["CANON-025"],
            "the key \"a\" twice",
            "a2616101616102",
            "CANON_CBOR_DUPLICATE_KEY",
        ),
        (
            "truncated-empty",
            &["CANON-024"],
            "no bytes at all",
            "",
            "CANON_CBOR_MALFORMED",
        ),
        (
            "truncated-argument",
            &["CANON-024"],
            "a one-byte argument missing",
            "18",
            "CANON_CBOR_MALFORMED",
        ),
        (
            "truncated-bytes",
            &["CANON-024"],
            "a byte string shorter than its length",
            "4401",
            "CANON_CBOR_MALFORMED",
        ),
        (
            "truncated-array",
            &["CANON-024"],
            "an array missing its second element",
            "8201",
            "CANON_CBOR_MALFORMED",
        ),
        (
            "truncated-float",
            &["CANON-024"],
            "a half float missing a byte",
            "f93c",
            "CANON_CBOR_MALFORMED",
        ),
        (
            "reserved-ai-28",
            &["CANON-024"],
            "additional information 28",
            "1c",
            "CANON_CBOR_MALFORMED",
        ),
        (
            "reserved-ai-29",
            &["CANON-024"],
            "additional information 29",
            "3d",
            "CANON_CBOR_MALFORMED",
        ),
        (
            "reserved-ai-30",
            &["CANON-024"],
            "additional information 30",
            "5e",
            "CANON_CBOR_MALFORMED",
        ),
        (
            "indefinite-int",
            &["CANON-024"],
            "additional information 31 on an integer",
            "1f",
            "CANON_CBOR_MALFORMED",
        ),
        (
            "indefinite-tag",
            &["CANON-024"],
            "additional information 31 on a tag",
            "df",
            "CANON_CBOR_MALFORMED",
        ),
        (
            "stray-break",
            &["CANON-024"],
            "a break outside any indefinite item",
            "ff",
            "CANON_CBOR_MALFORMED",
        ),
        (
            "break-in-definite-array",
            &["CANON-024"],
            "a break inside a definite-length array",
            "81ff",
            "CANON_CBOR_MALFORMED",
        ),
        (
            "simple-two-byte-low",
            &["CANON-024"],
            "simple(24) in the two-byte form",
            "f818",
            "CANON_CBOR_MALFORMED",
        ),
        (
            "simple-two-byte-zero",
            &["CANON-024"],
            "simple(0) in the two-byte form",
            "f800",
            "CANON_CBOR_MALFORMED",
        ),
        (
            "indefinite-wrong-chunk",
            &["CANON-024", "CANON-026"],
            "an indefinite byte string with a text chunk: malformed wins over non-canonical",
            "5f6161ff",
            "CANON_CBOR_MALFORMED",
        ),
        (
            "invalid-utf8",
            &["CANON-025"],
            "a text string holding 0xff",
            "61ff",
            "CANON_CBOR_INVALID_UTF8",
        ),
        (
            "invalid-utf8-surrogate",
            &["CANON-025"],
            "a text string holding an encoded surrogate",
            "63eda080",
            "CANON_CBOR_INVALID_UTF8",
        ),
        (
            "trailing-byte",
            &["CANON-025"],
            "a second item after the first",
            "0000",
            "CANON_CBOR_TRAILING",
        ),
        (
            "trailing-after-map",
            &["CANON-025"],
            "a byte after a complete map",
            "a0ff",
            "CANON_CBOR_TRAILING",
        ),
        (
            "precedence-noncanonical-before-duplicate",
            &["CANON-026"],
            "unsorted keys that are also duplicated later: order is met first",
            "a3030401020304",
            "CANON_CBOR_NONCANONICAL",
        ),
        (
            "precedence-malformed-over-noncanonical",
            &["CANON-026"],
            "a non-shortest integer before a truncated one",
            "821800 18",
            "CANON_CBOR_MALFORMED",
        ),
        (
            "precedence-duplicate-over-trailing",
            &["CANON-026"],
            "a duplicate key and a trailing byte",
            "a201010102 00",
            "CANON_CBOR_DUPLICATE_KEY",
        ),
        (
            "precedence-trailing-not-parsed",
            &["CANON-026"],
            "a complete item followed by a truncated one",
            "00 18",
            "CANON_CBOR_TRAILING",
        ),
        (
            "precedence-depth-over-noncanonical",
            &["CANON-026"],
            "a non-shortest integer, then arrays nested 129 deep",
            &format!("82 1800 {}00", "81".repeat(129)),
            "CANON_CBOR_TOO_DEEP",
        ),
    ];
    let mut cases: Vec<Case> = rejects
        .iter()
        .map(|(id, reqs, description, hex, code)| {
            Case::error(
                *id,
                reqs,
                *description,
                op,
                json!({ "hex": hex.replace(' ', "") }),
                code,
            )
        })
        .collect();
    cases.push(Case::error(
        "depth-129",
        &["CANON-025"],
        "arrays nested 129 deep",
        op,
        json!({ "hex": "81".repeat(129) + "00" }),
        "CANON_CBOR_TOO_DEEP",
    ));
    cases.push(Case::error(
        "depth-129-tags",
        &["CANON-025"],
        "tags nested 129 deep",
        op,
        json!({ "hex": "c1".repeat(129) + "00" }),
        "CANON_CBOR_TOO_DEEP",
    ));
    // Acceptance at exactly 128 is a unit test of canon: its typed-JSON output would nest 256
    // deep, beyond what common JSON parsers (and CANON-013) accept in a vector file.
    cases.push(Case::computed(
        "depth-60",
        &["CANON-025"],
        "arrays nested 60 deep decode",
        op,
        json!({ "hex": "81".repeat(60) + "00" }),
    ));
    cases.push(Case::error(
        "huge-length",
        &["CANON-024"],
        "a byte string claiming 2^64-1 bytes",
        op,
        json!({ "hex": "5bffffffffffffffff00" }),
        "CANON_CBOR_MALFORMED",
    ));
    cases.push(Case::error(
        "huge-array",
        &["CANON-024"],
        "an array claiming 2^32 elements",
        op,
        json!({ "hex": "9b000000010000000000" }),
        "CANON_CBOR_MALFORMED",
    ));
    Suite {
        name: "canon/cbor-strict",
        source: "spec/canon.md",
        notes: vec![],
        cases,
    }
}
