//! Canonical JSON (canon.md §1): RFC 8785 examples, every rejection code, the order of checks.

// A test crate: helpers outside #[test] functions fail by panicking, as assertions do.
#![allow(clippy::unwrap_used, clippy::panic)]

use canon::json::{self, Value};

/// Canonicalizes `input`: `Ok(text)` is the expected canonical form, `Err(code)` the expected
/// error code.
fn check(input: impl AsRef<[u8]>, expect: Result<&str, &str>) {
    let input = input.as_ref();
    let shown = String::from_utf8_lossy(&input[..input.len().min(80)]).into_owned();
    match (json::canonicalize(input), expect) {
        (Ok(got), Ok(want)) => assert_eq!(got.as_str(), want, "input {shown:?}"),
        (Err(e), Err(code)) => assert_eq!(e.code(), code, "input {shown:?}: {e}"),
        (got, want) => panic!("input {shown:?}: got {got:?}, want {want:?}"),
    }
}

#[test]
fn rfc8785_examples() {
    // RFC 8785 §3.2.2 (and cyberphone testdata values.json).
    check(
        r#"{
  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
  "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
  "literals": [null, true, false]
}"#,
        Ok(
            r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#,
        ),
    );
    // RFC 8785 §3.2.3: sorting by UTF-16 code units.
    check(
        r#"{
  "\u20ac": "Euro Sign",
  "\r": "Carriage Return",
  "\ufb33": "Hebrew Letter Dalet With Dagesh",
  "1": "One",
  "\ud83d\ude00": "Emoji: Grinning Face",
  "\u0080": "Control",
  "\u00f6": "Latin Small Letter O With Diaeresis"
}"#,
        Ok(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}",
        ),
    );
}

#[test]
fn utf16_member_order() {
    // U+1F600 (D83D DE00) sorts before U+E000 by UTF-16 code units, after it by code points.
    check(
        r#"{"\ue000":1,"\ud83d\ude00":2}"#,
        Ok("{\"😀\":2,\"\u{e000}\":1}"),
    );
    check("{\"\u{e000}\":1,\"😀\":2}", Ok("{\"😀\":2,\"\u{e000}\":1}"));
    check(
        r#"{"b":1,"a":2,"":3,"ab":4,"B":5}"#,
        Ok(r#"{"":3,"B":5,"a":2,"ab":4,"b":1}"#),
    );
    check(
        r#"{"a":{"d":1,"c":2},"A":[{"z":0,"y":1}]}"#,
        Ok(r#"{"A":[{"y":1,"z":0}],"a":{"c":2,"d":1}}"#),
    );
}

#[test]
fn numbers() {
    check(
        "[1e21, 1e-7, 5e-324, 1.7976931348623157e308, -0]",
        Ok("[1e+21,1e-7,5e-324,1.7976931348623157e+308,0]"),
    );
    check(
        "[1e20, 1e-6, -0.0, 0e5, 100, 1.0, -1.5E+2]",
        Ok("[100000000000000000000,0.000001,0,0,100,1,-150]"),
    );
    check("9007199254740993", Ok("9007199254740992"));
    check("0.1", Ok("0.1"));
    check(
        "123456789012345678901234567890",
        Ok("1.2345678901234568e+29"),
    );
    // Underflow rounds to a zero of the same sign and is accepted (CANON-016).
    check("[1e-400, -1e-400]", Ok("[0,0]"));
    check("2.4703282292062328e-324", Ok("5e-324"));
    check("2.4703282292062327e-324", Ok("0"));
    // Just below the midpoint between the largest double and 2^1024 rounds down ...
    check("1.7976931348623158e308", Ok("1.7976931348623157e+308"));
    // ... just above it rounds to infinity.
    check("1.7976931348623159e308", Err("CANON_JSON_NUMBER_RANGE"));
    check("1e400", Err("CANON_JSON_NUMBER_RANGE"));
    check("-1e400", Err("CANON_JSON_NUMBER_RANGE"));
    check("[1, {\"a\": 1e309}]", Err("CANON_JSON_NUMBER_RANGE"));
}

#[test]
fn strings() {
    check(
        r#""\u0000\u001F\u007f\/\b\f\n\r\t""#,
        Ok("\"\\u0000\\u001f\u{7f}/\\b\\f\\n\\r\\t\""),
    );
    check(r#""\uD83D\uDE00""#, Ok("\"😀\""));
    check(r#""A\u030a""#, Ok("\"A\u{30a}\"")); // no Unicode normalization
    check("\"\u{2028}\u{7f}é\"", Ok("\"\u{2028}\u{7f}é\""));
    check(r#""\"\\""#, Ok(r#""\"\\""#));
}

#[test]
fn literals_and_whitespace() {
    check(" \t\r\n[ true , false , null ] \n", Ok("[true,false,null]"));
    check("{}", Ok("{}"));
    check("[]", Ok("[]"));
    check("\"\"", Ok("\"\""));
    check("0", Ok("0"));
}

#[test]
fn too_large() {
    let limit = json::MAX_INPUT_LEN;
    let mut exactly = vec![b' '; limit];
    exactly[0] = b'0';
    check(&exactly, Ok("0"));
    let mut over = vec![b' '; limit + 1];
    over[0] = b'0';
    check(&over, Err("CANON_JSON_TOO_LARGE"));
    // Size is checked before UTF-8.
    over[1] = 0xff;
    check(&over, Err("CANON_JSON_TOO_LARGE"));
}

#[test]
fn utf8() {
    check(b"\"\xff\"", Err("CANON_UTF8_INVALID"));
    check(b"[\"\xc0\x80\"]", Err("CANON_UTF8_INVALID")); // overlong
    check(b"\"\xed\xa0\x80\"", Err("CANON_UTF8_INVALID")); // encoded surrogate
    check(b"\"\xe2\x82\"", Err("CANON_UTF8_INVALID")); // truncated sequence
    check(b"\xf4\x90\x80\x80", Err("CANON_UTF8_INVALID")); // above U+10FFFF
    // UTF-8 is checked before syntax.
    check(b"[,\xff", Err("CANON_UTF8_INVALID"));
    // A byte-order mark is well-formed UTF-8 but not JSON.
    check(b"\xef\xbb\xbf{}", Err("CANON_JSON_SYNTAX"));
}

#[test]
fn syntax() {
    for input in [
        "",
        " ",
        "[1,]",
        r#"{"a":1,}"#,
        "// c\n1",
        "/* c */ 1",
        "'a'",
        "{a:1}",
        "01",
        "-01",
        "00",
        "+1",
        ".5",
        "5.",
        "1.e3",
        "0x10",
        "NaN",
        "Infinity",
        "-Infinity",
        "-",
        "1e",
        "1e+",
        "1E-",
        "\"\t\"",
        "\"\u{1f}\"",
        "\"\\x\"",
        "\"\\u12\"",
        "\"\\u12G4\"",
        "\"\\U0041\"",
        "\"\\'\"",
        "[1] 2",
        "[1]x",
        "{\"a\" 1}",
        "{\"a\":1 \"b\":2}",
        "[1 2]",
        "[1,,2]",
        "{,}",
        "tru",
        "nul",
        "True",
        "\"abc",
        "[",
        "{",
        "]",
        "}",
        "[}",
        "{]",
        "\u{a0}1",
        "\u{c}1",
        "{\"a\"}",
        "{1:2}",
        "[\"a\":1]",
        "falsey",
        "nulll",
        "\"\\\"",
    ] {
        check(input, Err("CANON_JSON_SYNTAX"));
    }
    let e = json::parse(b"[1,\n  2,]").unwrap_err();
    assert_eq!(
        e.to_string(),
        "JSON syntax error at 2:5 (byte 8): expected a value"
    );
}

#[test]
fn depth() {
    let nest = |n: usize| format!("{}{}", "[".repeat(n), "]".repeat(n));
    check(nest(128), Ok(nest(128).as_str()));
    check(nest(129), Err("CANON_JSON_TOO_DEEP"));
    let objects = |n: usize| format!("{}1{}", r#"{"a":"#.repeat(n), "}".repeat(n));
    check(objects(128), Ok(objects(128).as_str()));
    check(objects(129), Err("CANON_JSON_TOO_DEEP"));
    // No recursion: very deep input costs no stack.
    check(nest(1_000_000), Err("CANON_JSON_TOO_DEEP"));
    check("[".repeat(1_000_000), Err("CANON_JSON_SYNTAX"));
    let e = json::parse(nest(129).as_bytes()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "JSON nesting deeper than 128 levels at 1:129 (byte 128)"
    );
}

#[test]
fn duplicate_names() {
    check(r#"{"a":1,"\u0061":2}"#, Err("CANON_JSON_DUPLICATE_KEY"));
    check(r#"{"a":1,"a":1}"#, Err("CANON_JSON_DUPLICATE_KEY"));
    check(
        r#"{"x":[{"b":1,"c":0,"b":2}]}"#,
        Err("CANON_JSON_DUPLICATE_KEY"),
    );
    check(
        r#"{"😀":1,"\ud83d\ude00":2}"#,
        Err("CANON_JSON_DUPLICATE_KEY"),
    );
    check(
        r#"{"\ud800":1,"\ud800":2}"#,
        Err("CANON_JSON_DUPLICATE_KEY"),
    );
    // Same names in different objects are fine; a lone surrogate differs from U+FFFD.
    check(r#"{"a":{"a":1}}"#, Ok(r#"{"a":{"a":1}}"#));
    check(r#"[{"a":1},{"a":2}]"#, Ok(r#"[{"a":1},{"a":2}]"#));
    check(
        r#"{"\ud800":1,"\ufffd":2}"#,
        Err("CANON_JSON_LONE_SURROGATE"),
    );
    check(
        r#"{"\ud800":1,"\udc00":2}"#,
        Err("CANON_JSON_LONE_SURROGATE"),
    );
    check(r#"{"A":1,"a":2}"#, Ok(r#"{"A":1,"a":2}"#));
}

#[test]
fn lone_surrogates() {
    for input in [
        r#""\ud800""#,
        r#""\udc00""#,
        r#""\uDBFF\u0041""#,
        r#""\ud800x""#,
        r#""\udc00\ud800""#,
        r#""\ud800\ud800\udc00""#,
        r#""\ud800\\udc00""#,
        r#"["ok", "\ude00"]"#,
    ] {
        check(input, Err("CANON_JSON_LONE_SURROGATE"));
    }
    check(
        r#""\ud800\udc00\udbff\udfff""#,
        Ok("\"\u{10000}\u{10ffff}\""),
    );
}

/// CANON-010..016 apply in the spec's order, whatever the order in the text.
#[test]
fn order_of_checks() {
    let deep = format!("{}{}", "[".repeat(129), "]".repeat(129));
    check(format!("[1e400, {deep},]"), Err("CANON_JSON_SYNTAX"));
    check(format!("{deep} x"), Err("CANON_JSON_SYNTAX"));
    check(r#"{"a":1,"a":2"#, Err("CANON_JSON_SYNTAX"));
    check(
        format!(r#"{{"a":1,"a":2,"d":{deep}}}"#),
        Err("CANON_JSON_TOO_DEEP"),
    );
    check(
        r#"[1e400, "\ud800", {"a":1,"a":2}]"#,
        Err("CANON_JSON_DUPLICATE_KEY"),
    );
    check(r#"{"a":"\ud800","a":1}"#, Err("CANON_JSON_DUPLICATE_KEY"));
    check(r#"[1e400, "\ud800"]"#, Err("CANON_JSON_LONE_SURROGATE"));
    check(r#"[1e400, 1]"#, Err("CANON_JSON_NUMBER_RANGE"));
}

#[test]
fn parse_keeps_member_order() {
    let value = json::parse(br#"{"b":1,"a":[true,null,"x"]}"#).unwrap();
    let expect = Value::Object(vec![
        ("b".to_owned(), Value::Number(1.0)),
        (
            "a".to_owned(),
            Value::Array(vec![
                Value::Bool(true),
                Value::Null,
                Value::String("x".to_owned()),
            ]),
        ),
    ]);
    assert_eq!(value, expect);
    assert_eq!(value.get("b").and_then(Value::as_u64), Some(1));
    let negative_zero = json::parse(b"-0").unwrap();
    assert_eq!(
        negative_zero.as_f64().map(f64::to_bits),
        Some((-0.0f64).to_bits())
    );
}

/// Values built in memory meet the same rules as parsed ones.
#[test]
fn to_canonical_rejects_what_parse_rejects() {
    let code = |v: &Value| {
        json::to_canonical(v)
            .map(|c| c.into_string())
            .map_err(|e| e.code())
    };
    let dup = Value::Object(vec![("a".into(), Value::Null), ("a".into(), Value::Null)]);
    assert_eq!(code(&dup), Err("CANON_JSON_DUPLICATE_KEY"));
    assert_eq!(
        code(&Value::Number(f64::NAN)),
        Err("CANON_JSON_NUMBER_RANGE")
    );
    assert_eq!(
        code(&Value::Number(f64::NEG_INFINITY)),
        Err("CANON_JSON_NUMBER_RANGE")
    );
    let mut deep = Value::Null;
    for _ in 0..128 {
        deep = Value::Array(vec![deep]);
    }
    assert!(code(&deep).is_ok());
    deep = Value::Array(vec![deep]);
    assert_eq!(code(&deep), Err("CANON_JSON_TOO_DEEP"));
    let control = Value::String("\u{0}\u{1b}".into());
    assert_eq!(code(&control), Ok(r#""\u0000\u001b""#.to_owned()));
}

/// Parsing never panics, and canonical output is a fixed point of canonicalization, for
/// DRBG-drawn texts over a JSON-heavy alphabet.
#[test]
fn canonical_form_is_a_fixed_point() {
    const ALPHABET: &[u8] = b"{}[]:,\"\\/ \n0123456789-+.eEtrufalsn\x01\x7fu\xc3\xa9";
    let mut drbg = canon::drbg::Drbg::new("canon/json/fixed-point");
    let mut accepted = 0;
    for _ in 0..100_000 {
        let len = 1 + (drbg.u64() % 12) as usize;
        let text: Vec<u8> = drbg
            .bytes(len)
            .unwrap()
            .iter()
            .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()])
            .collect();
        if let Ok(canonical) = json::canonicalize(&text) {
            accepted += 1;
            let again = json::canonicalize(canonical.as_bytes()).unwrap();
            assert_eq!(again, canonical, "{}", String::from_utf8_lossy(&text));
        }
    }
    assert!(accepted > 1000, "{accepted}");
}
