//! `canon/json-strict`: strict parsing (spec/canon.md §1).

use serde_json::json;

use super::{OP, nested, reject, reject_bytes};
use crate::{Case, Suite};

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
