//! `field/arith` (spec/field.md).

use serde_json::{Value, json};

use crate::{Case, Suite};

/// p = 2^127 - 1.
const P: &str = "170141183460469231731687303715884105727";
const P_MINUS_1: &str = "170141183460469231731687303715884105726";
const P_MINUS_2: &str = "170141183460469231731687303715884105725";
const HALF_P_PLUS_1: &str = "85070591730234615865843651857942052864";

fn elem(s: &str) -> Value {
    json!(s)
}

pub(crate) fn arith() -> Suite {
    let mut cases = Vec::new();
    let reduce: &[(&str, Value, &str, &str)] = &[
        ("zero", json!("0"), "0", "zero"),
        (
            "p-minus-1",
            elem(P_MINUS_1),
            P_MINUS_1,
            "p - 1 is already reduced",
        ),
        ("p", elem(P), "0", "p reduces to 0"),
        (
            "p-plus-1",
            json!("170141183460469231731687303715884105728"),
            "1",
            "p + 1 = 2^127 reduces to 1",
        ),
        (
            "two-pow-128",
            json!("340282366920938463463374607431768211456"),
            "2",
            "2^128 reduces to 2",
        ),
        ("minus-one", json!("-1"), P_MINUS_1, "-1 reduces to p - 1"),
        (
            "minus-p",
            json!("-170141183460469231731687303715884105727"),
            "0",
            "-p reduces to 0",
        ),
        (
            "minus-p-minus-1",
            json!("-170141183460469231731687303715884105728"),
            P_MINUS_1,
            "-(p + 1) reduces to p - 1",
        ),
        (
            "leading-zeros",
            json!("007"),
            "7",
            "leading zeros are accepted on input",
        ),
        ("json-integer", json!(42), "42", "a JSON integer"),
        (
            "json-negative",
            json!(-5),
            "170141183460469231731687303715884105722",
            "a negative JSON integer",
        ),
        (
            "json-max-safe",
            json!(9_007_199_254_740_991_i64),
            "9007199254740991",
            "the largest accepted JSON integer, 2^53 - 1",
        ),
        ("minus-zero", json!("-0"), "0", "-0 is zero"),
    ];
    for (id, value, answer, description) in reduce {
        cases.push(Case::known(
            format!("reduce-{id}"),
            &["FIELD-002", "FIELD-003"],
            *description,
            "field.reduce",
            json!({ "value": value }),
            json!(answer),
        ));
    }
    let many_digits = format!("1{}", "0".repeat(199));
    cases.push(Case::computed(
        "reduce-200-digits",
        &["FIELD-003"],
        "a 200-digit decimal string",
        "field.reduce",
        json!({ "value": many_digits }),
    ));
    let invalid: &[(&str, Value, &str)] = &[
        (
            "201-digits",
            json!(format!("1{}", "0".repeat(200))),
            "a 201-digit decimal string",
        ),
        ("empty", json!(""), "the empty string"),
        ("plus-sign", json!("+1"), "a leading plus sign"),
        ("fraction", json!("1.0"), "a decimal fraction"),
        ("space", json!(" 1"), "a leading space"),
        ("hex", json!("0x10"), "hexadecimal"),
        ("minus-only", json!("-"), "a minus sign alone"),
        (
            "json-two-pow-53",
            json!(9_007_199_254_740_992_i64),
            "the JSON integer 2^53",
        ),
        ("json-float", json!(1.5), "a JSON number with a fraction"),
        ("json-bool", json!(true), "a boolean"),
        ("json-null", Value::Null, "null"),
    ];
    for (id, value, description) in invalid {
        cases.push(Case::error(
            format!("reduce-invalid-{id}"),
            &["FIELD-003"],
            *description,
            "field.reduce",
            json!({ "value": value }),
            "FIELD_ELEMENT_INVALID",
        ));
    }
    let binary: &[(&str, &str, &str, &str, &str, &str)] = &[
        (
            "add-wraps",
            "field.add",
            P_MINUS_1,
            "1",
            "0",
            "p - 1 + 1 wraps to 0",
        ),
        (
            "add-max",
            "field.add",
            P_MINUS_1,
            P_MINUS_1,
            P_MINUS_2,
            "(p - 1) + (p - 1)",
        ),
        (
            "sub-wraps",
            "field.sub",
            "0",
            "1",
            P_MINUS_1,
            "0 - 1 wraps to p - 1",
        ),
        ("sub-self", "field.sub", P_MINUS_1, P_MINUS_1, "0", "x - x"),
        (
            "mul-minus-one-squared",
            "field.mul",
            P_MINUS_1,
            P_MINUS_1,
            "1",
            "(-1)^2 = 1",
        ),
        (
            "mul-two-pow-64-squared",
            "field.mul",
            "18446744073709551616",
            "18446744073709551616",
            "2",
            "2^64 * 2^64 = 2^128 = 2",
        ),
        (
            "mul-two-pow-126-by-2",
            "field.mul",
            "85070591730234615865843651857942052864",
            "2",
            "1",
            "2^126 * 2 = 2^127 = 1",
        ),
        (
            "mul-zero",
            "field.mul",
            P_MINUS_1,
            "0",
            "0",
            "anything times zero",
        ),
        (
            "mul-negative-inputs",
            "field.mul",
            "-3",
            "-4",
            "12",
            "negative inputs are reduced first",
        ),
    ];
    for (id, op, a, b, answer, description) in binary {
        cases.push(Case::known(
            *id,
            &["FIELD-010"],
            *description,
            op,
            json!({ "a": a, "b": b }),
            json!(answer),
        ));
    }
    cases.push(Case::error(
        "add-invalid",
        &["FIELD-003"],
        "an invalid operand",
        "field.add",
        json!({ "a": "1", "b": "x" }),
        "FIELD_ELEMENT_INVALID",
    ));
    let mut drbg = canon::drbg::Drbg::new("field/arith/operands");
    for i in 0..12 {
        let a = field::Fp::random(&mut drbg).to_string();
        let b = field::Fp::random(&mut drbg).to_string();
        let op = ["field.add", "field.sub", "field.mul"][i % 3];
        let description = format!("{op} of two DRBG elements");
        cases.push(
            Case::computed(
                format!("random-{i:02}"),
                &["FIELD-010", "FIELD-020"],
                description,
                op,
                json!({ "a": a, "b": b }),
            )
            .flag("Drbg"),
        );
    }
    cases.extend([
        Case::known(
            "neg-zero",
            &["FIELD-010"],
            "-0 = 0",
            "field.neg",
            json!({ "a": "0" }),
            json!("0"),
        ),
        Case::known(
            "neg-one",
            &["FIELD-010"],
            "-1 = p - 1",
            "field.neg",
            json!({ "a": "1" }),
            json!(P_MINUS_1),
        ),
        Case::known(
            "inv-one",
            &["FIELD-011"],
            "1 is its own inverse",
            "field.inv",
            json!({ "a": "1" }),
            json!("1"),
        ),
        Case::known(
            "inv-two",
            &["FIELD-011"],
            "the inverse of 2 is (p + 1) / 2",
            "field.inv",
            json!({ "a": "2" }),
            json!(HALF_P_PLUS_1),
        ),
        Case::known(
            "inv-minus-one",
            &["FIELD-011"],
            "-1 is its own inverse",
            "field.inv",
            json!({ "a": P_MINUS_1 }),
            json!(P_MINUS_1),
        ),
        Case::computed(
            "inv-large",
            &["FIELD-011"],
            "the inverse of 2^100",
            "field.inv",
            json!({ "a": "1267650600228229401496703205376" }),
        ),
        Case::error(
            "inv-zero",
            &["FIELD-011"],
            "zero has no inverse",
            "field.inv",
            json!({ "a": "0" }),
            "FIELD_DIVISION_BY_ZERO",
        ),
        Case::error(
            "inv-p",
            &["FIELD-011"],
            "p reduces to zero, which has no inverse",
            "field.inv",
            json!({ "a": P }),
            "FIELD_DIVISION_BY_ZERO",
        ),
        Case::computed(
            "random-8",
            &["FIELD-020"],
            "eight uniform elements from the DRBG labelled field/random",
            "field.random",
            json!({ "label": "field/random", "count": 8 }),
        ),
        Case::known(
            "random-none",
            &["FIELD-020"],
            "no elements",
            "field.random",
            json!({ "label": "field/random", "count": 0 }),
            json!([]),
        ),
        Case::error(
            "random-too-many",
            &["FIELD-020"],
            "more than 1024 elements",
            "field.random",
            json!({ "label": "field/random", "count": 1025 }),
            "PROTO_CASE_INVALID",
        ),
    ]);
    Suite {
        name: "field/arith",
        source: "spec/field.md",
        notes: vec![(
            "Drbg",
            "operands drawn in order by FIELD-020 from the DRBG labelled `field/arith/operands` (a, then b, per case)",
        )],
        cases,
    }
}
