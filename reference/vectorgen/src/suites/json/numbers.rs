//! `canon/json-number`: ECMAScript number serialization (spec/canon.md §1).

use serde_json::json;

use crate::{Case, Suite};

/// ECMAScript number serialization of binary64 bit patterns (CANON-004, CANON-017).
pub(crate) fn numbers() -> Suite {
    let op = "canon.json.number";
    let known: &[(&str, &str, &str, &str)] = &[
        ("zero", "0", "0", "positive zero"),
        ("negative-zero", "8000000000000000", "0", "negative zero"),
        ("one", "3ff0000000000000", "1", "one"),
        ("min-subnormal", "1", "5e-324", "the smallest subnormal"),
        (
            "max-subnormal",
            "fffffffffffff",
            "2.225073858507201e-308",
            "the largest subnormal",
        ),
        (
            "min-normal",
            "10000000000000",
            "2.2250738585072014e-308",
            "the smallest normal",
        ),
        (
            "max-double",
            "7fefffffffffffff",
            "1.7976931348623157e+308",
            "the largest double",
        ),
        (
            "max-safe-integer",
            "433fffffffffffff",
            "9007199254740991",
            "2^53 - 1",
        ),
        ("two-pow-53", "4340000000000000", "9007199254740992", "2^53"),
        (
            "1e21",
            "444b1ae4d6e2ef50",
            "1e+21",
            "1e21, the first exponent form",
        ),
        (
            "just-below-1e21",
            "444b1ae4d6e2ef4f",
            "999999999999999900000",
            "the double just below 1e21",
        ),
        ("1e-7", "3e7ad7f29abcaf48", "1e-7", "1e-7, exponent form"),
        ("1e-6", "3eb0c6f7a0b5ed8d", "0.000001", "1e-6, fixed form"),
        ("point-one", "3fb999999999999a", "0.1", "0.1"),
        ("third", "3fd5555555555555", "0.3333333333333333", "1/3"),
        ("negative", "c00c000000000000", "-3.5", "-3.5"),
        (
            "large-integer",
            "4415af1d78b58c40",
            "100000000000000000000",
            "1e20",
        ),
    ];
    let mut cases: Vec<Case> = known
        .iter()
        .map(|(id, bits, answer, description)| {
            Case::known(
                *id,
                &["CANON-004"],
                *description,
                op,
                json!({ "bits": bits }),
                json!(answer),
            )
        })
        .collect();
    for (id, bits, description) in [
        ("nan", "7ff8000000000000", "the canonical quiet NaN"),
        (
            "nan-payload",
            "7ff0000000000001",
            "a signalling NaN with a payload",
        ),
        ("infinity", "7ff0000000000000", "positive infinity"),
        ("negative-infinity", "fff0000000000000", "negative infinity"),
    ] {
        cases.push(Case::error(
            id,
            &["CANON-017"],
            description,
            op,
            json!({ "bits": bits }),
            "CANON_JSON_NUMBER_RANGE",
        ));
    }
    let mut drbg = canon::drbg::Drbg::new("canon/json-number/random");
    for i in 0..200 {
        let bits = loop {
            let candidate = drbg.u64();
            if f64::from_bits(candidate).is_finite() {
                break candidate;
            }
        };
        let description = "a finite double drawn from the DRBG labelled canon/json-number/random";
        cases.push(
            Case::computed(
                format!("random-{i:03}"),
                &["CANON-004", "CANON-052"],
                description,
                op,
                json!({ "bits": format!("{bits:x}") }),
            )
            .flag("Drbg"),
        );
    }
    Suite {
        name: "canon/json-number",
        source: "spec/canon.md",
        notes: vec![(
            "Drbg",
            "bit patterns drawn in order from the CANON-050 DRBG labelled `canon/json-number/random`, skipping non-finite ones",
        )],
        cases,
    }
}
