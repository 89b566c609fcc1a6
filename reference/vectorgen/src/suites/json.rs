//! `canon/json`, `canon/json-strict`, `canon/json-number` (spec/canon.md §1).

use serde_json::{Value, json};

use crate::{Case, Suite};

const OP: &str = "canon.json.canonicalize";

fn text(id: &str, reqs: &[&'static str], description: &str, input: &str, answer: &str) -> Case {
    Case::known(
        id,
        reqs,
        description,
        OP,
        json!({ "text": input }),
        Value::String(answer.to_owned()),
    )
}

fn reject(
    id: &str,
    reqs: &[&'static str],
    description: &str,
    input: &str,
    code: &'static str,
) -> Case {
    Case::error(id, reqs, description, OP, json!({ "text": input }), code)
}

fn reject_bytes(
    id: &str,
    reqs: &[&'static str],
    description: &str,
    hex: &str,
    code: &'static str,
) -> Case {
    Case::error(id, reqs, description, OP, json!({ "bytes": hex }), code)
}

fn nested(open: &str, close: &str, depth: usize, inner: &str) -> String {
    format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))
}

/// Serialization: ordering, strings, numbers, literals.
pub(crate) fn canonical() -> Suite {
    let rfc_sort = r#"{"€":"Euro Sign","\r":"Carriage Return","\ufb33":"Hebrew Letter Dalet With Dagesh","1":"One","😀":"Emoji: Grinning Face","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis"}"#;
    let rfc_sort_out = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u{80}\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\",\"\u{fb33}\":\"Hebrew Letter Dalet With Dagesh\"}";
    let rfc_values = r#"{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/", "literals": [null, true, false]}"#;
    let rfc_values_out = r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#;
    let mut cases = vec![
        text(
            "empty-object",
            &["CANON-001"],
            "an empty object",
            "{}",
            "{}",
        ),
        text(
            "empty-array",
            &["CANON-001", "CANON-005"],
            "an empty array",
            "[]",
            "[]",
        ),
        text(
            "whitespace-removed",
            &["CANON-001", "CANON-012"],
            "insignificant whitespace of all four kinds around every token",
            " \t\r\n{ \"a\" :\t[ 1 ,\r\n2 ] }\n",
            r#"{"a":[1,2]}"#,
        ),
        text(
            "nested-order",
            &["CANON-002", "CANON-005"],
            "members sorted at every level, array order kept",
            r#"{"b":[3,{"d":1,"c":2},1],"a":null}"#,
            r#"{"a":null,"b":[3,{"c":2,"d":1},1]}"#,
        ),
        text(
            "rfc8785-sorting",
            &["CANON-002"],
            "the member-sorting example of RFC 8785 section 3.2.3",
            rfc_sort,
            rfc_sort_out,
        )
        .flag("UTF16Order"),
        text(
            "utf16-order-supplementary",
            &["CANON-002"],
            "a name above U+FFFF sorts before a name in U+E000..U+FFFF",
            "{\"\u{e000}\":1,\"\u{1f600}\":2}",
            "{\"\u{1f600}\":2,\"\u{e000}\":1}",
        )
        .flag("UTF16Order"),
        text(
            "utf16-order-escaped-surrogates",
            &["CANON-002", "CANON-003"],
            "a name written as an escaped surrogate pair sorts by its code units",
            r#"{"\uffff":1,"\ud800\udc00":2}"#,
            "{\"\u{10000}\":2,\"\u{ffff}\":1}",
        )
        .flag("UTF16Order"),
        text(
            "prefix-sorts-first",
            &["CANON-002"],
            "a proper prefix sorts before the longer name, the empty name first",
            r#"{"ab":1,"a":2,"":3,"b":4}"#,
            r#"{"":3,"a":2,"ab":1,"b":4}"#,
        ),
        text(
            "sort-after-unescape",
            &["CANON-002", "CANON-003"],
            "names are sorted by their unescaped values",
            r#"{"\u0062":1,"a":2}"#,
            r#"{"a":2,"b":1}"#,
        ),
        text(
            "rfc8785-values",
            &["CANON-003", "CANON-004", "CANON-005"],
            "the value example of RFC 8785 section 3.2.2",
            rfc_values,
            rfc_values_out,
        ),
        text(
            "short-escapes",
            &["CANON-003"],
            "the five control characters with two-character escapes",
            r#""\u0008\u0009\u000a\u000c\u000d""#,
            r#""\b\t\n\f\r""#,
        ),
        text(
            "control-escapes-lowercase",
            &["CANON-003"],
            "other control characters as lowercase \\u00xx",
            r#""\u0000\u0001\u000B\u001F""#,
            r#""\u0000\u0001\u000b\u001f""#,
        ),
        text(
            "del-and-non-ascii-literal",
            &["CANON-003"],
            "U+007F, U+0080 and non-ASCII as literal UTF-8",
            r#""\u007f\u0080\u00e9\u4e2d\ud83d\ude00""#,
            "\"\u{7f}\u{80}é中😀\"",
        ),
        text(
            "solidus-unescaped",
            &["CANON-003"],
            "an escaped solidus is written as a plain slash",
            r#""\/""#,
            r#""/""#,
        ),
        text(
            "quote-backslash",
            &["CANON-003"],
            "quotation mark and reverse solidus escaped",
            r#""\"\\""#,
            r#""\"\\""#,
        ),
        text(
            "u2028-literal",
            &["CANON-003"],
            "line and paragraph separators are not escaped",
            r#""\u2028\u2029""#,
            "\"\u{2028}\u{2029}\"",
        ),
        text(
            "literals",
            &["CANON-005"],
            "true, false and null",
            "[true,false,null]",
            "[true,false,null]",
        ),
        text(
            "scalar-string",
            &["CANON-001"],
            "a string as the whole text",
            r#""x""#,
            r#""x""#,
        ),
        text(
            "scalar-number",
            &["CANON-001", "CANON-004"],
            "a number as the whole text",
            "42",
            "42",
        ),
        text(
            "array-order-kept",
            &["CANON-005"],
            "array elements keep their order",
            "[3,1,2,\"b\",\"a\"]",
            "[3,1,2,\"b\",\"a\"]",
        ),
        text(
            "depth-128-accepted",
            &["CANON-013"],
            "arrays nested exactly 128 deep",
            &nested("[", "]", 128, ""),
            &nested("[", "]", 128, ""),
        ),
        text(
            "depth-128-objects",
            &["CANON-013"],
            "objects nested exactly 128 deep",
            &nested("{\"a\":", "}", 127, "{}"),
            &nested("{\"a\":", "}", 127, "{}"),
        ),
        text(
            "precision-loss-accepted",
            &["CANON-016", "CANON-004"],
            "an integer above 2^53 rounds to the nearest double",
            "9007199254740993",
            "9007199254740992",
        ),
        text(
            "underflow-to-zero",
            &["CANON-016", "CANON-004"],
            "a number below the smallest subnormal rounds to zero",
            "1e-400",
            "0",
        ),
        text(
            "negative-underflow-to-zero",
            &["CANON-016", "CANON-004"],
            "a negative number below the smallest subnormal becomes 0",
            "-1e-400",
            "0",
        ),
        text(
            "largest-double-accepted",
            &["CANON-016", "CANON-004"],
            "a literal just below the overflow threshold rounds to the largest double",
            "1.7976931348623158e308",
            "1.7976931348623157e+308",
        ),
    ];
    let numbers: &[(&str, &str, &str)] = &[
        ("int-as-float", "1.0", "1"),
        ("exp-21", "1e21", "1e+21"),
        ("exp-20", "1e20", "100000000000000000000"),
        ("small-fixed", "0.000001", "0.000001"),
        ("small-exp", "1e-7", "1e-7"),
        ("neg-zero", "-0", "0"),
        ("neg-zero-float", "-0.0", "0"),
        ("min-subnormal", "5e-324", "5e-324"),
        (
            "max-double",
            "1.7976931348623157e308",
            "1.7976931348623157e+308",
        ),
        ("upper-e", "1E3", "1000"),
        ("fraction-exp", "123e-2", "1.23"),
        (
            "point-one-plus-point-two",
            "0.30000000000000004",
            "0.30000000000000004",
        ),
        ("trailing-zeros", "4.50", "4.5"),
        ("negative", "-12.5e1", "-125"),
        ("max-safe-int", "9007199254740991", "9007199254740991"),
        ("exp-plus-sign", "2E+2", "200"),
    ];
    for (id, input, answer) in numbers {
        let description = format!("the number {input}");
        cases.push(text(
            &format!("number-{id}"),
            &["CANON-004"],
            &description,
            input,
            answer,
        ));
    }
    Suite {
        name: "canon/json",
        source: "spec/canon.md",
        notes: vec![(
            "UTF16Order",
            "member names whose order by UTF-16 code units differs from their order by code points or UTF-8 bytes",
        )],
        cases,
    }
}

/// Strict parsing: every rejection code, and which fault wins.
pub(crate) fn strict() -> Suite {
    const SYNTAX: &str = "CANON_JSON_SYNTAX";
    let syntax: &[(&str, &str, &str)] = &[
        ("empty", "", "empty input"),
        ("whitespace-only", " \n", "whitespace and no value"),
        (
            "trailing-comma-array",
            "[1,]",
            "a trailing comma in an array",
        ),
        (
            "trailing-comma-object",
            r#"{"a":1,}"#,
            "a trailing comma in an object",
        ),
        ("comment-block", "/*c*/1", "a block comment"),
        ("comment-line", "1 // c", "a line comment"),
        ("single-quotes", "'a'", "a single-quoted string"),
        ("unquoted-name", "{a:1}", "an unquoted member name"),
        ("number-name", "{1:2}", "a number as member name"),
        ("leading-zero", "01", "a number with a leading zero"),
        (
            "negative-leading-zero",
            "-01",
            "a negative number with a leading zero",
        ),
        ("leading-plus", "+1", "a number with a leading plus"),
        ("leading-dot", ".5", "a number starting with a dot"),
        ("trailing-dot", "5.", "a number ending with a dot"),
        ("dot-exponent", "1.e5", "a dot directly before the exponent"),
        ("bare-exponent", "1e", "an exponent without digits"),
        ("bare-minus", "-", "a minus sign alone"),
        ("hex-number", "0x10", "a hexadecimal number"),
        ("nan", "NaN", "NaN"),
        ("infinity", "Infinity", "Infinity"),
        ("negative-infinity", "-Infinity", "negative Infinity"),
        ("raw-tab-in-string", "\"a\tb\"", "a raw tab inside a string"),
        (
            "raw-newline-in-string",
            "\"a\nb\"",
            "a raw line feed inside a string",
        ),
        (
            "invalid-escape",
            r#""\x41""#,
            "an escape that JSON does not define",
        ),
        (
            "short-unicode-escape",
            r#""\u12""#,
            "a unicode escape with three hex digits",
        ),
        ("trailing-content", "1 2", "a second value after the first"),
        ("trailing-garbage", "{} x", "garbage after the value"),
        ("missing-comma", "[1 2]", "array elements without a comma"),
        ("missing-colon", r#"{"a" 1}"#, "a member without a colon"),
        (
            "unterminated-string",
            "\"abc",
            "a string without its closing quote",
        ),
        (
            "unterminated-array",
            "[1,2",
            "an array without its closing bracket",
        ),
        ("truncated-literal", "tru", "a truncated literal"),
        ("uppercase-literal", "True", "a literal in the wrong case"),
        (
            "vertical-tab-whitespace",
            "\u{b}1",
            "a vertical tab used as whitespace",
        ),
        (
            "nbsp-whitespace",
            "\u{a0}1",
            "a no-break space used as whitespace",
        ),
    ];
    let mut cases: Vec<Case> = syntax
        .iter()
        .map(|(id, input, description)| {
            reject(
                &format!("syntax-{id}"),
                &["CANON-012"],
                description,
                input,
                SYNTAX,
            )
        })
        .collect();
    cases.extend([
        reject_bytes(
            "bom",
            &["CANON-011", "CANON-012"],
            "a UTF-8 byte-order mark before the value",
            "efbbbf7b7d",
            SYNTAX,
        ),
        reject_bytes(
            "utf8-invalid-byte",
            &["CANON-011"],
            "a string holding the byte 0xff",
            "22ff22",
            "CANON_UTF8_INVALID",
        ),
        reject_bytes(
            "utf8-overlong",
            &["CANON-011"],
            "an overlong encoding of '/'",
            "22c0af22",
            "CANON_UTF8_INVALID",
        ),
        reject_bytes(
            "utf8-encoded-surrogate",
            &["CANON-011"],
            "a surrogate code point encoded in UTF-8 (CESU-8)",
            "22eda08022",
            "CANON_UTF8_INVALID",
        ),
        reject_bytes(
            "utf8-truncated",
            &["CANON-011"],
            "a truncated multi-byte sequence",
            "22e282",
            "CANON_UTF8_INVALID",
        ),
        reject_bytes(
            "utf8-before-syntax",
            &["CANON-018", "CANON-011"],
            "invalid UTF-8 after a syntax error still reports UTF-8",
            "5b2c22ff22",
            "CANON_UTF8_INVALID",
        )
        .flag("Precedence"),
        reject(
            "depth-129-arrays",
            &["CANON-013"],
            "arrays nested 129 deep",
            &nested("[", "]", 129, ""),
            "CANON_JSON_TOO_DEEP",
        ),
        reject(
            "depth-129-objects",
            &["CANON-013"],
            "objects nested 129 deep",
            &nested("{\"a\":", "}", 128, "{}"),
            "CANON_JSON_TOO_DEEP",
        ),
        reject(
            "depth-10000",
            &["CANON-013"],
            "arrays nested 10,000 deep",
            &nested("[", "]", 10_000, ""),
            "CANON_JSON_TOO_DEEP",
        ),
        reject(
            "depth-unterminated",
            &["CANON-018", "CANON-013"],
            "129 opening brackets and nothing else: syntax wins over depth",
            &"[".repeat(129),
            SYNTAX,
        )
        .flag("Precedence"),
        reject(
            "duplicate-key",
            &["CANON-014"],
            "the same name twice",
            r#"{"a":1,"a":2}"#,
            "CANON_JSON_DUPLICATE_KEY",
        ),
        reject(
            "duplicate-key-escaped",
            &["CANON-014"],
            "the same name once escaped",
            r#"{"a":1,"\u0061":2}"#,
            "CANON_JSON_DUPLICATE_KEY",
        ),
        reject(
            "duplicate-key-nested",
            &["CANON-014"],
            "a duplicate name inside an array element",
            r#"[{"x":{"k":1,"k":1}}]"#,
            "CANON_JSON_DUPLICATE_KEY",
        ),
        reject(
            "duplicate-key-same-value",
            &["CANON-014"],
            "the same member twice with the same value",
            r#"{"a":null,"a":null}"#,
            "CANON_JSON_DUPLICATE_KEY",
        ),
        reject(
            "lone-high-surrogate",
            &["CANON-015"],
            "a high surrogate escape alone",
            r#""\ud800""#,
            "CANON_JSON_LONE_SURROGATE",
        ),
        reject(
            "lone-low-surrogate",
            &["CANON-015"],
            "a low surrogate escape alone",
            r#""\udc00""#,
            "CANON_JSON_LONE_SURROGATE",
        ),
        reject(
            "high-then-letter",
            &["CANON-015"],
            "a high surrogate followed by an escaped letter",
            r#""\ud800\u0041""#,
            "CANON_JSON_LONE_SURROGATE",
        ),
        reject(
            "high-then-raw",
            &["CANON-015"],
            "a high surrogate followed by a raw character",
            r#""\ud800x""#,
            "CANON_JSON_LONE_SURROGATE",
        ),
        reject(
            "reversed-pair",
            &["CANON-015"],
            "a low surrogate before a high one",
            r#""\udc00\ud800""#,
            "CANON_JSON_LONE_SURROGATE",
        ),
        reject(
            "lone-surrogate-in-name",
            &["CANON-015"],
            "a lone surrogate in a member name",
            r#"{"\ud800":1}"#,
            "CANON_JSON_LONE_SURROGATE",
        ),
        reject(
            "number-overflow",
            &["CANON-016"],
            "1e400",
            "1e400",
            "CANON_JSON_NUMBER_RANGE",
        ),
        reject(
            "number-overflow-negative",
            &["CANON-016"],
            "-1e400",
            "-1e400",
            "CANON_JSON_NUMBER_RANGE",
        ),
        reject(
            "number-overflow-threshold",
            &["CANON-016"],
            "a literal just above the overflow threshold",
            "1.7976931348623159e308",
            "CANON_JSON_NUMBER_RANGE",
        ),
        reject(
            "number-overflow-in-array",
            &["CANON-016"],
            "an overflowing number inside an array",
            "[0, 1.8e308]",
            "CANON_JSON_NUMBER_RANGE",
        ),
        reject(
            "precedence-duplicate-over-later-range",
            &["CANON-018"],
            "a duplicate name before an overflowing number",
            r#"[{"a":1,"a":2},1e400]"#,
            "CANON_JSON_DUPLICATE_KEY",
        )
        .flag("Precedence"),
        reject(
            "precedence-duplicate-over-earlier-range",
            &["CANON-018"],
            "an overflowing number before a duplicate name",
            r#"[1e400,{"a":1,"a":2}]"#,
            "CANON_JSON_DUPLICATE_KEY",
        )
        .flag("Precedence"),
        reject(
            "precedence-syntax-over-duplicate",
            &["CANON-018"],
            "a duplicate name before a trailing comma",
            r#"{"a":1,"a":2,}"#,
            SYNTAX,
        )
        .flag("Precedence"),
        reject(
            "precedence-syntax-over-earlier-duplicate",
            &["CANON-018"],
            "a trailing comma after a duplicate name",
            r#"[{"a":1,"a":2},[1,]]"#,
            SYNTAX,
        )
        .flag("Precedence"),
        reject(
            "precedence-syntax-over-range",
            &["CANON-018"],
            "an overflowing number in an unterminated array",
            "[1e400",
            SYNTAX,
        )
        .flag("Precedence"),
        reject(
            "precedence-syntax-over-surrogate",
            &["CANON-018"],
            "a lone surrogate in an unterminated string",
            r#""\ud800"#,
            SYNTAX,
        )
        .flag("Precedence"),
        reject(
            "precedence-depth-over-duplicate",
            &["CANON-018"],
            "a duplicate name before arrays nested 129 deep",
            &format!(r#"[{{"a":1,"a":2}},{}]"#, nested("[", "]", 128, "")),
            "CANON_JSON_TOO_DEEP",
        )
        .flag("Precedence"),
        reject(
            "precedence-duplicate-over-surrogate",
            &["CANON-018"],
            "a lone surrogate name before a duplicate name",
            r#"[{"\ud800":1},{"a":1,"a":2}]"#,
            "CANON_JSON_DUPLICATE_KEY",
        )
        .flag("Precedence"),
        reject(
            "precedence-surrogate-over-range",
            &["CANON-018"],
            "an overflowing number before a lone surrogate",
            r#"[1e400,"\udc00"]"#,
            "CANON_JSON_LONE_SURROGATE",
        )
        .flag("Precedence"),
        Case::known(
            "size-limit-accepted",
            &["CANON-010"],
            "exactly 16 MiB: a value and whitespace",
            OP,
            json!({ "text": "0", "pad_spaces": 16 * 1024 * 1024 - 1 }),
            json!("0"),
        ),
        Case::error(
            "size-limit-exceeded",
            &["CANON-010"],
            "one byte over 16 MiB",
            OP,
            json!({ "text": "0", "pad_spaces": 16 * 1024 * 1024 }),
            "CANON_JSON_TOO_LARGE",
        ),
        Case::error(
            "size-before-utf8",
            &["CANON-010", "CANON-018"],
            "over 16 MiB and not UTF-8: size is reported",
            OP,
            json!({ "bytes": "ff", "pad_spaces": 16 * 1024 * 1024 }),
            "CANON_JSON_TOO_LARGE",
        )
        .flag("Precedence"),
    ]);
    Suite {
        name: "canon/json-strict",
        source: "spec/canon.md",
        notes: vec![(
            "Precedence",
            "inputs with more than one fault; CANON-018 fixes which code is reported",
        )],
        cases,
    }
}

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
