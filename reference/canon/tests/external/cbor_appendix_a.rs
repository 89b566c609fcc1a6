//! RFC 7049 / RFC 8949 Appendix A (cbor/test-vectors `appendix_a.json`).
//!
//! Every `roundtrip: true` example decodes to the listed value and re-encodes to the same
//! bytes, except `f818` (simple(24) in two bytes), which is malformed (CANON-024). Every
//! `roundtrip: false` example (indefinite lengths, floats a shorter width represents) is a
//! well-formed but non-deterministic encoding: `CANON_CBOR_NONCANONICAL` (CANON-023).

use canon::cbor::{self, Value};

use super::{h, read_json, report};

#[test]
fn appendix_a() {
    let doc = read_json("cbor-test-vectors/appendix_a.json");
    let mut total = 0;
    let mut failures = Vec::new();
    for case in doc.as_array().unwrap() {
        total += 1;
        let hex = case["hex"].as_str().unwrap();
        let bytes = h(hex);
        let decoded = cbor::decode(&bytes);
        let expect_code = match (hex, case["roundtrip"].as_bool().unwrap()) {
            ("f818", _) => Some("CANON_CBOR_MALFORMED"),
            (_, true) => None,
            (_, false) => Some("CANON_CBOR_NONCANONICAL"),
        };
        match (expect_code, decoded) {
            (Some(code), Err(e)) if e.code() == code => {}
            (None, Ok(value)) => {
                if cbor::encode(&value).as_deref() != Ok(&bytes[..]) {
                    failures.push(format!("{hex}: re-encodes as {:?}", cbor::encode(&value)));
                }
                let matches = match case["diagnostic"].as_str() {
                    Some(diag) => diagnostic(&value) == diag,
                    None => same_as_json(&value, &case["decoded"]),
                };
                if !matches {
                    failures.push(format!("{hex}: decoded as {value:?}, listed {case}"));
                }
            }
            (want, got) => failures.push(format!("{hex}: got {got:?}, want {want:?}")),
        }
    }
    assert_eq!(total, 82);
    report("RFC 8949 Appendix A", total, &failures);
}

/// The value against Appendix A's JSON `decoded`. Bignums (tags 2 and 3) compare as numbers.
fn same_as_json(value: &Value, json: &serde_json::Value) -> bool {
    use serde_json::Value as J;
    match (value, json) {
        // Beyond i64/u64 the JSON number is a double: compare as doubles.
        (Value::Int(n), J::Number(x)) => match (x.as_i64(), x.as_u64()) {
            (Some(i), _) => i128::from(i) == *n,
            (_, Some(u)) => i128::from(u) == *n,
            _ => x.as_f64() == Some(*n as f64),
        },
        (Value::Tag(tag @ (2 | 3), content), J::Number(x)) => match &**content {
            Value::Bytes(b) => {
                let magnitude = b.iter().fold(0f64, |acc, &d| acc * 256.0 + f64::from(d));
                let n = if *tag == 2 {
                    magnitude
                } else {
                    -1.0 - magnitude
                };
                x.as_f64() == Some(n)
            }
            _ => false,
        },
        (Value::Float(a), J::Number(x)) => x.as_f64().map(f64::to_bits) == Some(a.to_bits()),
        (Value::Text(a), J::String(b)) => a == b,
        (Value::Bool(a), J::Bool(b)) => a == b,
        (Value::Null, J::Null) => true,
        (Value::Array(a), J::Array(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_as_json(x, y))
        }
        (Value::Map(a), J::Object(b)) => {
            a.len() == b.len()
                && a.iter().all(|(k, v)| match k {
                    Value::Text(k) => b.get(k).is_some_and(|w| same_as_json(v, w)),
                    _ => false,
                })
        }
        _ => false,
    }
}

/// RFC 8949 §8 diagnostic notation, as far as Appendix A needs it.
fn diagnostic(value: &Value) -> String {
    let list = |items: Vec<String>| items.join(", ");
    match value {
        Value::Int(n) => n.to_string(),
        Value::Bytes(b) => format!("h'{}'", canon::hex::encode(b)),
        Value::Text(t) => format!("{t:?}"),
        Value::Array(items) => format!("[{}]", list(items.iter().map(diagnostic).collect())),
        Value::Map(entries) => format!(
            "{{{}}}",
            list(
                entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", diagnostic(k), diagnostic(v)))
                    .collect()
            )
        ),
        Value::Tag(tag, content) => format!("{tag}({})", diagnostic(content)),
        Value::Bool(b) => b.to_string(),
        Value::Null => "null".to_owned(),
        Value::Simple(23) => "undefined".to_owned(),
        Value::Simple(n) => format!("simple({n})"),
        Value::Float(x) if x.is_nan() => "NaN".to_owned(),
        Value::Float(x) if x.is_infinite() => {
            (if *x > 0.0 { "Infinity" } else { "-Infinity" }).to_owned()
        }
        Value::Float(x) => format!("{x:?}"),
    }
}
