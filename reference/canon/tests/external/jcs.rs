//! RFC 8785 test data (cyberphone/json-canonicalization) and the ES6 number sample.

use canon::json;

use super::{read, read_text, report};

/// Every `testdata/input/X.json` canonicalizes to exactly `testdata/output/X.json`, which is
/// also `testdata/outhex/X.txt`.
#[test]
fn testdata() {
    let names = [
        "arrays",
        "french",
        "structures",
        "unicode",
        "values",
        "weird",
    ];
    let mut failures = Vec::new();
    for name in names {
        let input = read(&format!("json-canonicalization/testdata/input/{name}.json"));
        let output = read(&format!(
            "json-canonicalization/testdata/output/{name}.json"
        ));
        let outhex = read_text(&format!("json-canonicalization/testdata/outhex/{name}.txt"));
        let from_hex: Vec<u8> = outhex
            .split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect();
        assert_eq!(from_hex, output, "{name}: outhex and output differ");
        match json::canonicalize(&input) {
            Ok(got) if got.as_bytes() == output => {}
            got => failures.push(format!("{name}: got {got:?}")),
        }
        // The canonical form is a fixed point.
        if json::canonicalize(&output).map(|c| c.as_bytes() == output) != Ok(true) {
            failures.push(format!("{name}: output is not a fixed point"));
        }
    }
    report("json-canonicalization testdata", names.len(), &failures);
}

/// `es6testfile10k.txt`: `bits,text` lines. The bits format as the text (CANON-004), and the
/// text parses back to the same bits and is its own canonical form (CANON-016).
#[test]
fn es6_numbers() {
    let text = read_text("json-canonicalization/es6testfile10k.txt");
    let mut total = 0;
    let mut failures = Vec::new();
    for line in text.lines() {
        total += 1;
        let (bits, expect) = line.split_once(',').unwrap();
        let x = f64::from_bits(u64::from_str_radix(bits, 16).unwrap());
        match json::format_number(x) {
            Ok(got) if got == expect => {}
            got => failures.push(format!("{bits}: formatted {got:?}, want {expect}")),
        }
        match json::parse(expect.as_bytes()) {
            Ok(json::Value::Number(y)) if y.to_bits() == x.to_bits() || (y == 0.0 && x == 0.0) => {}
            got => failures.push(format!("{bits}: {expect} parsed as {got:?}")),
        }
        match json::canonicalize(expect.as_bytes()) {
            Ok(c) if c.as_str() == expect => {}
            got => failures.push(format!("{bits}: {expect} canonicalized as {got:?}")),
        }
    }
    assert_eq!(total, 10_000);
    report("es6testfile10k", total, &failures);
}
