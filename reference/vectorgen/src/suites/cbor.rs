//! `canon/cbor` and `canon/cbor-strict` (spec/canon.md §2).

use serde_json::{Value, json};

use crate::{Case, Suite};

mod strict;

pub(crate) use strict::strict;

fn int(n: &str) -> Value {
    json!({ "int": n })
}
fn text(s: &str) -> Value {
    json!({ "text": s })
}
fn bytes(hex: &str) -> Value {
    json!({ "bytes": hex })
}
fn float(bits: u64) -> Value {
    json!({ "float": format!("{bits:016x}") })
}
fn array(items: Vec<Value>) -> Value {
    json!({ "array": items })
}
fn map(entries: Vec<(Value, Value)>) -> Value {
    json!({ "map": entries.into_iter().map(|(k, v)| json!([k, v])).collect::<Vec<_>>() })
}

/// An encode case with its known bytes, and the matching decode case.
fn both(
    cases: &mut Vec<Case>,
    id: &str,
    reqs: &[&'static str],
    description: &str,
    value: Value,
    hex: &str,
) {
    cases.push(Case::known(
        format!("encode-{id}"),
        reqs,
        format!("encoding {description}"),
        "canon.cbor.encode",
        json!({ "value": value }),
        json!({ "hex": hex }),
    ));
    cases.push(Case::computed(
        format!("decode-{id}"),
        reqs,
        format!("decoding {description}"),
        "canon.cbor.decode",
        json!({ "hex": hex }),
    ));
}

/// Canonical encodings that round-trip.
pub(crate) fn canonical() -> Suite {
    let mut cases = Vec::new();
    let ints: &[(&str, &str, &str)] = &[
        ("0", "0", "00"),
        ("23", "23", "17"),
        ("24", "24", "1818"),
        ("255", "255", "18ff"),
        ("256", "256", "190100"),
        ("65535", "65535", "19ffff"),
        ("65536", "65536", "1a00010000"),
        ("u32-max", "4294967295", "1affffffff"),
        ("u32-max-plus-1", "4294967296", "1b0000000100000000"),
        ("u64-max", "18446744073709551615", "1bffffffffffffffff"),
        ("minus-1", "-1", "20"),
        ("minus-24", "-24", "37"),
        ("minus-25", "-25", "3818"),
        ("minus-256", "-256", "38ff"),
        ("minus-257", "-257", "390100"),
        (
            "minus-2-pow-64",
            "-18446744073709551616",
            "3bffffffffffffffff",
        ),
    ];
    for (id, n, hex) in ints {
        both(
            &mut cases,
            &format!("int-{id}"),
            &["CANON-020"],
            &format!("the integer {n}"),
            int(n),
            hex,
        );
    }
    let floats: &[(&str, u64, &str, &str)] = &[
        ("zero", 0, "f90000", "+0.0 as half"),
        (
            "negative-zero",
            0x8000_0000_0000_0000,
            "f98000",
            "-0.0 as half",
        ),
        ("one", 0x3ff0_0000_0000_0000, "f93c00", "1.0 as half"),
        (
            "one-point-five",
            0x3ff8_0000_0000_0000,
            "f93e00",
            "1.5 as half",
        ),
        (
            "half-max",
            0x40ef_fc00_0000_0000,
            "f97bff",
            "65504.0, the largest half",
        ),
        (
            "half-min-subnormal",
            0x3e70_0000_0000_0000,
            "f90001",
            "2^-24, the smallest half subnormal",
        ),
        (
            "half-min-normal",
            0x3f10_0000_0000_0000,
            "f90400",
            "2^-14, the smallest half normal",
        ),
        (
            "single-100000",
            0x40f8_6a00_0000_0000,
            "fa47c35000",
            "100000.0 as single",
        ),
        (
            "single-max",
            0x47ef_ffff_e000_0000,
            "fa7f7fffff",
            "the largest single",
        ),
        (
            "single-min-subnormal",
            0x36a0_0000_0000_0000,
            "fa00000001",
            "2^-149, the smallest single subnormal",
        ),
        (
            "double-1-1",
            0x3ff1_9999_9999_999a,
            "fb3ff199999999999a",
            "1.1 as double",
        ),
        (
            "double-1e300",
            0x7e37_e43c_8800_759c,
            "fb7e37e43c8800759c",
            "1.0e300 as double",
        ),
        (
            "infinity",
            0x7ff0_0000_0000_0000,
            "f97c00",
            "+infinity as half",
        ),
        (
            "negative-infinity",
            0xfff0_0000_0000_0000,
            "f9fc00",
            "-infinity as half",
        ),
        ("nan", 0x7ff8_0000_0000_0000, "f97e00", "NaN as f97e00"),
        (
            "half-above-max-is-single",
            0x40ef_fe00_0000_0000,
            "fa477ff000",
            "65520.0, beyond half range, as single",
        ),
        (
            "half-precision-loss-is-single",
            0x3ff0_0200_0000_0000,
            "fa3f801000",
            "1 + 2^-11, which half cannot hold, as single",
        ),
    ];
    for (id, bits, hex, description) in floats {
        both(
            &mut cases,
            &format!("float-{id}"),
            &["CANON-021"],
            description,
            float(*bits),
            hex,
        );
    }
    cases.push(Case::known(
        "encode-float-nan-payload",
        &["CANON-021"],
        "encoding a NaN with a payload gives f97e00",
        "canon.cbor.encode",
        json!({ "value": float(0x7ff0_0000_0000_0001) }),
        json!({ "hex": "f97e00" }),
    ));
    both(
        &mut cases,
        "bytes-empty",
        &["CANON-020"],
        "an empty byte string",
        bytes(""),
        "40",
    );
    both(
        &mut cases,
        "bytes-4",
        &["CANON-020"],
        "a 4-byte string",
        bytes("01020304"),
        "4401020304",
    );
    both(
        &mut cases,
        "bytes-24",
        &["CANON-020"],
        "a 24-byte string (length in one extra byte)",
        bytes(&"ab".repeat(24)),
        &format!("5818{}", "ab".repeat(24)),
    );
    both(
        &mut cases,
        "text-empty",
        &["CANON-020"],
        "an empty text string",
        text(""),
        "60",
    );
    both(
        &mut cases,
        "text-ietf",
        &["CANON-020"],
        "the text \"IETF\"",
        text("IETF"),
        "6449455446",
    );
    both(
        &mut cases,
        "text-unicode",
        &["CANON-020"],
        "text with U+00FC, U+6C34 and U+10151",
        text("\u{fc}\u{6c34}\u{10151}"),
        "69c3bce6b0b4f0908591",
    );
    both(
        &mut cases,
        "text-256",
        &["CANON-020"],
        "a 256-byte text (length in two extra bytes)",
        text(&"a".repeat(256)),
        &format!("790100{}", "61".repeat(256)),
    );
    both(
        &mut cases,
        "array-empty",
        &["CANON-020"],
        "an empty array",
        array(vec![]),
        "80",
    );
    both(
        &mut cases,
        "array-nested",
        &["CANON-020"],
        "[1, [2, 3], [4, 5]]",
        array(vec![
            int("1"),
            array(vec![int("2"), int("3")]),
            array(vec![int("4"), int("5")]),
        ]),
        "8301820203820405",
    );
    let twenty_five: Vec<Value> = (1..=25).map(|n| int(&n.to_string())).collect();
    both(
        &mut cases,
        "array-25",
        &["CANON-020"],
        "an array of 25 integers",
        array(twenty_five),
        "98190102030405060708090a0b0c0d0e0f101112131415161718181819",
    );
    both(
        &mut cases,
        "map-empty",
        &["CANON-020"],
        "an empty map",
        map(vec![]),
        "a0",
    );
    both(
        &mut cases,
        "map-int-keys",
        &["CANON-020"],
        "{1: 2, 3: 4}",
        map(vec![(int("1"), int("2")), (int("3"), int("4"))]),
        "a201020304",
    );
    cases.push(Case::known(
        "encode-map-length-first",
        &["CANON-020"],
        "keys sorted by encoded length, then bytewise: 10 (0a), -1 (20), 100 (1864), \"z\" (617a)",
        "canon.cbor.encode",
        json!({ "value": map(vec![(int("100"), int("0")), (text("z"), int("0")), (int("-1"), int("0")), (int("10"), int("0"))]) }),
        json!({ "hex": "a40a002000186400617a00" }),
    ).flag("LengthFirst"));
    cases.push(Case::known(
        "encode-map-length-first-text",
        &["CANON-020"],
        "text keys \"aa\" and \"b\": the shorter encoding \"b\" sorts first",
        "canon.cbor.encode",
        json!({ "value": map(vec![(text("aa"), int("1")), (text("b"), int("2"))]) }),
        json!({ "hex": "a261620262616101" }),
    ));
    both(
        &mut cases,
        "map-mixed",
        &["CANON-020"],
        "{\"a\": 1, \"b\": [2, 3]}",
        map(vec![
            (text("a"), int("1")),
            (text("b"), array(vec![int("2"), int("3")])),
        ]),
        "a26161016162820203",
    );
    both(
        &mut cases,
        "tag-epoch",
        &["CANON-027"],
        "tag 1 over an integer",
        json!({ "tag": "1", "value": int("1363896240") }),
        "c11a514b67b0",
    );
    both(
        &mut cases,
        "tag-bignum",
        &["CANON-027"],
        "tag 2 over bytes, carried uninterpreted",
        json!({ "tag": "2", "value": bytes("010000000000000000") }),
        "c249010000000000000000",
    );
    both(
        &mut cases,
        "tag-u64-max",
        &["CANON-027"],
        "the largest tag number",
        json!({ "tag": "18446744073709551615", "value": null }),
        "dbfffffffffffffffff6",
    );
    both(
        &mut cases,
        "simple-false",
        &["CANON-020"],
        "false",
        json!(false),
        "f4",
    );
    both(
        &mut cases,
        "simple-true",
        &["CANON-020"],
        "true",
        json!(true),
        "f5",
    );
    both(
        &mut cases,
        "simple-null",
        &["CANON-020"],
        "null",
        Value::Null,
        "f6",
    );
    both(
        &mut cases,
        "simple-undefined",
        &["CANON-020"],
        "undefined, simple(23)",
        json!({ "simple": 23 }),
        "f7",
    );
    both(
        &mut cases,
        "simple-16",
        &["CANON-020"],
        "simple(16)",
        json!({ "simple": 16 }),
        "f0",
    );
    both(
        &mut cases,
        "simple-32",
        &["CANON-020"],
        "simple(32), the smallest two-byte simple value",
        json!({ "simple": 32 }),
        "f820",
    );
    both(
        &mut cases,
        "simple-255",
        &["CANON-020"],
        "simple(255)",
        json!({ "simple": 255 }),
        "f8ff",
    );
    for (id, value, description) in [
        (
            "int-out-of-range",
            int("18446744073709551616"),
            "the integer 2^64",
        ),
        (
            "int-below-range",
            int("-18446744073709551617"),
            "the integer -2^64-1",
        ),
        (
            "int-leading-zero",
            int("01"),
            "an integer written with a leading zero",
        ),
        ("int-minus-zero", int("-0"), "the integer written -0"),
        (
            "simple-reserved",
            json!({ "simple": 24 }),
            "simple(24), reserved",
        ),
        (
            "simple-bool",
            json!({ "simple": 20 }),
            "simple(20), which is false",
        ),
        (
            "bytes-odd-hex",
            bytes("abc"),
            "bytes with an odd number of hex digits",
        ),
        (
            "unknown-member",
            json!({ "bigint": "1" }),
            "an unknown typed member",
        ),
    ] {
        cases.push(Case::error(
            format!("encode-invalid-{id}"),
            &["CANON-028"],
            description,
            "canon.cbor.encode",
            json!({ "value": value }),
            "CANON_CBOR_VALUE_INVALID",
        ));
    }
    cases.push(Case::error(
        "encode-duplicate-key",
        &["CANON-022"],
        "a map with the key 1 twice",
        "canon.cbor.encode",
        json!({ "value": map(vec![(int("1"), int("2")), (int("1"), int("3"))]) }),
        "CANON_CBOR_DUPLICATE_KEY",
    ));
    cases.push(Case::error(
        "encode-duplicate-float-key",
        &["CANON-022"],
        "a map whose keys are two NaNs with different payloads (equal after encoding)",
        "canon.cbor.encode",
        json!({ "value": map(vec![(float(0x7ff8_0000_0000_0000), int("1")), (float(0x7ff0_0000_0000_0001), int("2"))]) }),
        "CANON_CBOR_DUPLICATE_KEY",
    ));
    Suite {
        name: "canon/cbor",
        source: "spec/canon.md",
        notes: vec![(
            "LengthFirst",
            "map keys whose RFC 7049 length-first order differs from RFC 8949 bytewise order",
        )],
        cases,
    }
}
