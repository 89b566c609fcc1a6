//! `canon/json`, `canon/json-strict`, `canon/json-number` (spec/canon.md §1).

use serde_json::{Value, json};

use crate::{Case, Suite};

mod numbers;
mod strict;

pub(crate) use numbers::numbers;
pub(crate) use strict::strict;

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
