//! `shamir/sharing` (spec/shamir.md).

use serde_json::{Value, json};

use crate::{Case, Suite};

/// The shares the reference deals for `(secret, k, n, label)`, for building reconstruct cases.
fn dealt(secret: &str, k: usize, n: usize, label: &str) -> Vec<Value> {
    let input = json!({ "secret": secret, "k": k, "n": n, "label": label });
    driver::run_case("shamir.share", &input)
        .ok()
        .and_then(|v| v["shares"].as_array().cloned())
        .unwrap_or_default()
}

/// Every `k`-subset of `0..n`, in lexicographic order.
fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    fn go(start: usize, n: usize, k: usize, current: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if current.len() == k {
            out.push(current.clone());
            return;
        }
        for i in start..n {
            current.push(i);
            go(i + 1, n, k, current, out);
            current.pop();
        }
    }
    let mut out = Vec::new();
    go(0, n, k, &mut Vec::new(), &mut out);
    out
}

pub(crate) fn sharing() -> Suite {
    let mut cases = Vec::new();
    let deals: &[(&str, &str, usize, usize, &str)] = &[
        ("share-3-of-5", "42", 3, 5, "3-of-5 sharing of 42"),
        ("share-1-of-1", "7", 1, 1, "1-of-1: the share is the secret"),
        (
            "share-1-of-3",
            "7",
            1,
            3,
            "1-of-3: every share is the secret",
        ),
        (
            "share-5-of-5",
            "170141183460469231731687303715884105726",
            5,
            5,
            "5-of-5 sharing of p - 1",
        ),
        (
            "share-11-of-16",
            "123456789012345678901234567890",
            11,
            16,
            "11-of-16 sharing",
        ),
        ("share-2-of-255", "1", 2, 255, "the largest n"),
    ];
    for (id, secret, k, n, description) in deals {
        let label = format!("shamir/sharing/{id}");
        cases.push(
            Case::computed(
                *id,
                &["SHAMIR-002", "SHAMIR-003"],
                *description,
                "shamir.share",
                json!({ "secret": secret, "k": k, "n": n, "label": label }),
            )
            .flag("Drbg"),
        );
    }
    for (id, k, n, description) in [
        ("k-zero", 0, 3, "k = 0"),
        ("k-above-n", 4, 3, "k > n"),
        ("n-zero", 0, 0, "n = 0"),
        ("n-256", 2, 256, "n beyond 255"),
    ] {
        cases.push(Case::error(
            format!("share-invalid-{id}"),
            &["SHAMIR-001"],
            description,
            "shamir.share",
            json!({ "secret": "1", "k": k, "n": n, "label": "x" }),
            "SHAMIR_THRESHOLD_INVALID",
        ));
    }
    let shares = dealt("42", 3, 5, "shamir/sharing/share-3-of-5");
    for (i, subset) in subsets(5, 3).into_iter().enumerate() {
        let picked: Vec<Value> = subset.iter().map(|&j| shares[j].clone()).collect();
        let xs: Vec<String> = subset.iter().map(|j| (j + 1).to_string()).collect();
        cases.push(Case::known(
            format!("reconstruct-3-of-5-subset-{i}"),
            &["SHAMIR-004"],
            format!("custodians {} reconstruct 42", xs.join(",")),
            "shamir.reconstruct",
            json!({ "k": 3, "shares": picked }),
            json!("42"),
        ));
    }
    let reversed: Vec<Value> = shares.iter().rev().cloned().collect();
    cases.push(Case::known(
        "reconstruct-all-five-reversed",
        &["SHAMIR-004", "SHAMIR-005"],
        "all five shares in reverse order, the extra two checked for consistency",
        "shamir.reconstruct",
        json!({ "k": 3, "shares": reversed }),
        json!("42"),
    ));
    let big = dealt(
        "123456789012345678901234567890",
        11,
        16,
        "shamir/sharing/share-11-of-16",
    );
    cases.push(Case::known(
        "reconstruct-11-of-16",
        &["SHAMIR-004"],
        "the last 11 of 16 shares",
        "shamir.reconstruct",
        json!({ "k": 11, "shares": big[5..].to_vec() }),
        json!("123456789012345678901234567890"),
    ));
    let mut tampered = shares.clone();
    tampered[4]["y"] = json!("1");
    cases.push(Case::error(
        "reconstruct-inconsistent",
        &["SHAMIR-005"],
        "five shares, the fifth altered: detected because more than k were given",
        "shamir.reconstruct",
        json!({ "k": 3, "shares": tampered }),
        "SHAMIR_INCONSISTENT",
    ));
    cases.push(Case::computed("reconstruct-altered-undetectable", &["SHAMIR-004"], "exactly k shares, one altered: reconstruction succeeds with a wrong value (no redundancy to check)", "shamir.reconstruct", json!({ "k": 3, "shares": tampered[2..].to_vec() })));
    let s = |x: i64, y: &str| json!({ "x": x, "y": y });
    let errors: &[(&str, &'static str, Value, &str, &'static str)] = &[
        (
            "too-few",
            "SHAMIR-006",
            json!({ "k": 3, "shares": shares[..2].to_vec() }),
            "two shares for k = 3",
            "SHAMIR_TOO_FEW_SHARES",
        ),
        (
            "none",
            "SHAMIR-006",
            json!({ "k": 1, "shares": [] }),
            "no shares",
            "SHAMIR_TOO_FEW_SHARES",
        ),
        (
            "duplicate-x",
            "SHAMIR-006",
            json!({ "k": 2, "shares": [s(1, "5"), s(1, "5")] }),
            "the same x twice",
            "SHAMIR_DUPLICATE_X",
        ),
        (
            "zero-x",
            "SHAMIR-006",
            json!({ "k": 2, "shares": [s(0, "5"), s(1, "6")] }),
            "x = 0 would be the secret itself",
            "SHAMIR_X_INVALID",
        ),
        (
            "x-256",
            "SHAMIR-006",
            json!({ "k": 2, "shares": [s(256, "5"), s(1, "6")] }),
            "x beyond 255",
            "SHAMIR_X_INVALID",
        ),
        (
            "negative-x",
            "SHAMIR-006",
            json!({ "k": 2, "shares": [s(-1, "5"), s(1, "6")] }),
            "a negative x",
            "SHAMIR_X_INVALID",
        ),
        (
            "k-zero",
            "SHAMIR-001",
            json!({ "k": 0, "shares": [s(1, "5")] }),
            "k = 0",
            "SHAMIR_THRESHOLD_INVALID",
        ),
        (
            "k-256",
            "SHAMIR-001",
            json!({ "k": 256, "shares": [s(1, "5")] }),
            "k beyond 255",
            "SHAMIR_THRESHOLD_INVALID",
        ),
        (
            "y-invalid",
            "SHAMIR-006",
            json!({ "k": 1, "shares": [s(1, "abc")] }),
            "a y that is not a field element",
            "FIELD_ELEMENT_INVALID",
        ),
        (
            "y-before-k",
            "SHAMIR-006",
            json!({ "k": 0, "shares": [s(1, "abc")] }),
            "a bad y and a bad k: the input is decoded first",
            "FIELD_ELEMENT_INVALID",
        ),
        (
            "k-not-integer",
            "SHAMIR-006",
            json!({ "k": "3", "shares": [s(1, "5")] }),
            "k given as a string",
            "SHAMIR_THRESHOLD_INVALID",
        ),
        (
            "x-not-integer",
            "SHAMIR-006",
            json!({ "k": 1, "shares": [{ "x": "1", "y": "5" }] }),
            "x given as a string",
            "SHAMIR_X_INVALID",
        ),
        (
            "share-missing-y",
            "SHAMIR-006",
            json!({ "k": 1, "shares": [{ "x": 1 }] }),
            "a share without y",
            "PROTO_CASE_INVALID",
        ),
    ];
    for (id, req, input, description, code) in errors {
        cases.push(Case::error(
            format!("reconstruct-{id}"),
            &[req],
            *description,
            "shamir.reconstruct",
            input.clone(),
            code,
        ));
    }
    cases.push(Case::known(
        "reconstruct-line",
        &["SHAMIR-004"],
        "two points of the line y = 5 + 3x",
        "shamir.reconstruct",
        json!({ "k": 2, "shares": [s(1, "8"), s(2, "11")] }),
        json!("5"),
    ));
    cases.push(Case::known(
        "reconstruct-negative-y",
        &["SHAMIR-004", "FIELD-003"],
        "y values given as negative integers are reduced",
        "shamir.reconstruct",
        json!({ "k": 2, "shares": [s(1, "-1"), s(2, "-2")] }),
        json!("0"),
    ));
    Suite {
        name: "shamir/sharing",
        source: "spec/shamir.md",
        notes: vec![(
            "Drbg",
            "coefficients drawn in order by FIELD-020 from the DRBG labelled by the case's `label`",
        )],
        cases,
    }
}
