//! `mtp/compile` (MTP-001..MTP-010): every forbidden feature with its code and location.

use super::{Known, run_case, run_input};
use crate::{Case, Suite};

/// `(id, code, source, marker)`: the rejection is at the first occurrence of `marker`.
type Rejection = (&'static str, &'static str, &'static str, &'static str);

#[rustfmt::skip]
const REJECTIONS: &[Rejection] = &[
    ("eval-call", "MTP_FORBIDDEN_EVAL", "function main(i) { return eval(\"1\"); }", "eval"),
    ("eval-read", "MTP_FORBIDDEN_EVAL", "function main(i) { const f = eval; return 1; }", "eval"),
    ("new-function", "MTP_FORBIDDEN_FUNCTION_CONSTRUCTOR", "function main(i) { return new Function(\"return 1\"); }", "new Function"),
    ("function-read", "MTP_FORBIDDEN_FUNCTION_CONSTRUCTOR", "function main(i) { const F = Function; return 1; }", "Function;"),
    ("dynamic-import", "MTP_FORBIDDEN_IMPORT", "function main(i) { return import(\"x\"); }", "import"),
    ("import-declaration", "MTP_FORBIDDEN_IMPORT", "import x from \"y\";\nfunction main(i) { return x; }", "import"),
    ("export-declaration", "MTP_FORBIDDEN_IMPORT", "const x = 1;\nexport const y = 2;\nfunction main(i) { return x; }", "export"),
    ("export-function", "MTP_FORBIDDEN_IMPORT", "export function main(i) { return 1; }", "export"),
    ("export-named", "MTP_FORBIDDEN_IMPORT", "function main(i) { return 1; }\nexport { main };", "export"),
    ("export-from", "MTP_FORBIDDEN_IMPORT", "export { a } from \"b\";\nfunction main(i) { return 1; }", "export"),
    ("export-all", "MTP_FORBIDDEN_IMPORT", "export * from \"b\";\nfunction main(i) { return 1; }", "export"),
    ("export-default", "MTP_FORBIDDEN_IMPORT", "function main(i) { return 1; }\nexport default main;", "export"),
    ("class-declaration", "MTP_FORBIDDEN_CLASS", "class A {}\nfunction main(i) { return 1; }", "class"),
    ("class-expression", "MTP_FORBIDDEN_CLASS", "function main(i) { const A = class {}; return 1; }", "class"),
    ("this", "MTP_FORBIDDEN_THIS", "function main(i) { return this; }", "this"),
    ("new-target", "MTP_FORBIDDEN_THIS", "function main(i) { return new.target; }", "new.target"),
    ("try-catch", "MTP_FORBIDDEN_TRY", "function main(i) { try { return 1; } catch (e) { return 2; } }", "try"),
    ("try-finally", "MTP_FORBIDDEN_TRY", "function main(i) { try { return 1; } finally { } }", "try"),
    ("throw", "MTP_FORBIDDEN_TRY", "function main(i) { throw 1; }", "throw"),
    ("for", "MTP_FORBIDDEN_LOOP", "function main(i) { for (;;) { } }", "for"),
    ("for-in", "MTP_FORBIDDEN_LOOP", "function main(i) { for (const k in i) { } return 1; }", "for"),
    ("for-of", "MTP_FORBIDDEN_LOOP", "function main(i) { for (const v of i) { } return 1; }", "for"),
    ("while", "MTP_FORBIDDEN_LOOP", "function main(i) {\n  while (true) { }\n}", "while"),
    ("do-while", "MTP_FORBIDDEN_LOOP", "function main(i) { do { } while (true); }", "do"),
    ("label", "MTP_FORBIDDEN_LABEL", "function main(i) { lbl: { } return 1; }", "lbl"),
    ("with", "MTP_FORBIDDEN_WITH", "function main(i) { with (i) { } return 1; }", "with"),
    ("generator", "MTP_FORBIDDEN_GENERATOR", "function* g() { }\nfunction main(i) { return 1; }", "function*"),
    ("async-function", "MTP_FORBIDDEN_ASYNC", "async function f() { }\nfunction main(i) { return 1; }", "async"),
    ("async-arrow", "MTP_FORBIDDEN_ASYNC", "function main(i) { const f = async () => 1; return 1; }", "async"),
    ("await-identifier", "MTP_FORBIDDEN_ASYNC", "function main(i) { return await; }", "await"),
    ("mutate-top-level", "MTP_FORBIDDEN_MUTATION", "let n = 0;\nfunction main(i) { n = 1; return n; }", "n = 1"),
    ("mutate-const", "MTP_FORBIDDEN_MUTATION", "function main(i) { const c = 1; c = 2; return c; }", "c = 2"),
    ("mutate-captured", "MTP_FORBIDDEN_MUTATION", "function main(i) { let x = 1; const f = () => { x = 2; return x; }; return f(); }", "x = 2"),
    ("mutate-function-name", "MTP_FORBIDDEN_MUTATION", "function f() { return 1; }\nfunction main(i) { f = 2; return 1; }", "f = 2"),
    ("mutate-parameter-member", "MTP_FORBIDDEN_MUTATION", "function main(i) { i.x = 1; return i; }", "i.x = 1"),
    ("mutate-member-compound", "MTP_FORBIDDEN_MUTATION", "function main(i) { const o = { a: 1 }; o.a += 1; return o; }", "o.a += 1"),
    ("mutate-member-update", "MTP_FORBIDDEN_MUTATION", "function main(i) { const o = { a: 1 }; o.a++; return o; }", "o.a++"),
    ("reflect", "MTP_FORBIDDEN_REFLECTION", "function main(i) { return Reflect; }", "Reflect"),
    ("proxy", "MTP_FORBIDDEN_REFLECTION", "function main(i) { return new Proxy({}, {}); }", "new Proxy"),
    ("symbol", "MTP_FORBIDDEN_REFLECTION", "function main(i) { return Symbol.iterator; }", "Symbol"),
    ("global-this", "MTP_FORBIDDEN_REFLECTION", "function main(i) { return globalThis; }", "globalThis"),
    ("arguments", "MTP_FORBIDDEN_REFLECTION", "function main(i) { return arguments; }", "arguments"),
    ("object-assign", "MTP_FORBIDDEN_REFLECTION", "function main(i) { return Object.assign({}, i); }", "Object.assign"),
    ("proto-member", "MTP_FORBIDDEN_REFLECTION", "function main(i) { return i.__proto__; }", "i.__proto__"),
    ("constructor-member", "MTP_FORBIDDEN_REFLECTION", "function main(i) { return (() => 1).constructor; }", "(() => 1).constructor"),
    ("constructor-bracket", "MTP_FORBIDDEN_REFLECTION", "function main(i) { return i[\"constructor\"]; }", "i[\"constructor\"]"),
    ("prototype-member", "MTP_FORBIDDEN_REFLECTION", "function f() { return 1; }\nfunction main(i) { return f.prototype; }", "f.prototype"),
    ("proto-key", "MTP_FORBIDDEN_REFLECTION", "function main(i) { return { __proto__: null }; }", "__proto__"),
    ("getter", "MTP_FORBIDDEN_REFLECTION", "function main(i) { return { get a() { return 1; } }; }", "get a"),
    ("method", "MTP_FORBIDDEN_REFLECTION", "function main(i) { return { m() { return 1; } }; }", "m()"),
    ("computed-key", "MTP_FORBIDDEN_REFLECTION", "function main(i) { const k = \"a\"; return { [k]: 1 }; }", "[k]"),
    ("delete", "MTP_FORBIDDEN_REFLECTION", "function main(i) { const o = { a: 1 }; delete o.a; return o; }", "delete"),
    ("in", "MTP_FORBIDDEN_REFLECTION", "function main(i) { return \"a\" in i; }", "\"a\" in"),
    ("instanceof", "MTP_FORBIDDEN_REFLECTION", "function main(i) { return i instanceof i; }", "i instanceof"),
    ("date", "MTP_FORBIDDEN_NONDETERMINISM", "function main(i) { return Date.now(); }", "Date"),
    ("new-date", "MTP_FORBIDDEN_NONDETERMINISM", "function main(i) { return new Date(); }", "new Date"),
    ("math-random", "MTP_FORBIDDEN_NONDETERMINISM", "function main(i) { return Math.random(); }", "Math.random"),
    ("set-timeout", "MTP_FORBIDDEN_NONDETERMINISM", "function main(i) { setTimeout(() => 1, 0); return 1; }", "setTimeout"),
    ("promise", "MTP_FORBIDDEN_NONDETERMINISM", "function main(i) { return Promise.resolve(1); }", "Promise"),
    ("queue-microtask", "MTP_FORBIDDEN_NONDETERMINISM", "function main(i) { queueMicrotask(() => 1); return 1; }", "queueMicrotask"),
    ("performance", "MTP_FORBIDDEN_NONDETERMINISM", "function main(i) { return performance.now(); }", "performance"),
    ("intl", "MTP_FORBIDDEN_NONDETERMINISM", "function main(i) { return Intl; }", "Intl"),
    ("crypto", "MTP_FORBIDDEN_NONDETERMINISM", "function main(i) { return crypto; }", "crypto"),
    ("number-2-53", "MTP_FORBIDDEN_NUMBER_LITERAL", "function main(i) { return 9007199254740992; }", "9007199254740992"),
    ("number-hex-2-53", "MTP_FORBIDDEN_NUMBER_LITERAL", "function main(i) { return 0x20000000000000; }", "0x20000000000000"),
    ("number-exponent", "MTP_FORBIDDEN_NUMBER_LITERAL", "function main(i) { return 1e16; }", "1e16"),
    ("bigint", "MTP_FORBIDDEN_NUMBER_LITERAL", "function main(i) { return 1n; }", "1n"),
    ("json-null", "MTP_FORBIDDEN_JSONNULL", "function main(i) { return JsonNull; }", "JsonNull"),
    ("new-array", "MTP_FORBIDDEN_NEW", "function main(i) { return new Array(3); }", "new Array"),
    ("new-user-function", "MTP_FORBIDDEN_NEW", "function F() { return 1; }\nfunction main(i) { return new F(); }", "new F"),
    ("var", "MTP_FORBIDDEN_SYNTAX", "function main(i) { var x = 1; return x; }", "var"),
    ("switch", "MTP_FORBIDDEN_SYNTAX", "function main(i) { switch (i) { } return 1; }", "switch"),
    ("loose-equality", "MTP_FORBIDDEN_SYNTAX", "function main(i) { return i == 1; }", "i == 1"),
    ("loose-inequality", "MTP_FORBIDDEN_SYNTAX", "function main(i) { return i != 1; }", "i != 1"),
    ("void", "MTP_FORBIDDEN_SYNTAX", "function main(i) { return void 0; }", "void"),
    ("comma", "MTP_FORBIDDEN_SYNTAX", "function main(i) { return (1, 2); }", "1, 2"),
    ("spread", "MTP_FORBIDDEN_SYNTAX", "function main(i) { return [...i]; }", "[...i]"),
    ("rest", "MTP_FORBIDDEN_SYNTAX", "function main(...xs) { return 1; }", "...xs"),
    ("destructuring", "MTP_FORBIDDEN_SYNTAX", "function main(i) { const { a } = i; return a; }", "{ a }"),
    ("default-parameter", "MTP_FORBIDDEN_SYNTAX", "function main(i = 1) { return i; }", "i = 1"),
    ("function-expression", "MTP_FORBIDDEN_SYNTAX", "function main(i) { const f = function () { return 1; }; return 1; }", "function ()"),
    ("template-literal", "MTP_FORBIDDEN_SYNTAX", "function main(i) { return `x`; }", "`x`"),
    ("regexp", "MTP_FORBIDDEN_SYNTAX", "function main(i) { return /a/; }", "/a/"),
    ("optional-chaining", "MTP_FORBIDDEN_SYNTAX", "function main(i) { return i?.a; }", "i?.a"),
    ("optional-call-member", "MTP_FORBIDDEN_SYNTAX", "function main(i) { const o = { f: (x) => x }; return o?.f(1); }", "o?.f"),
    ("optional-call", "MTP_FORBIDDEN_SYNTAX", "function main(i) { const f = (x) => x; return f?.(1); }", "f?.("),
    ("optional-computed-member", "MTP_FORBIDDEN_SYNTAX", "function main(i) { const o = { a: 1 }; return o?.[\"a\"]; }", "o?.["),
    ("debugger", "MTP_FORBIDDEN_SYNTAX", "function main(i) { debugger; return 1; }", "debugger"),
    ("legacy-octal", "MTP_FORBIDDEN_SYNTAX", "function main(i) { return 010; }", "010"),
    ("other-directive", "MTP_FORBIDDEN_SYNTAX", "\"use asm\";\nfunction main(i) { return 1; }", "\"use asm\""),
    ("reserved-binding", "MTP_FORBIDDEN_SYNTAX", "function main(i) { const __g = 1; return 1; }", "__g"),
    ("bind-allowed-global", "MTP_FORBIDDEN_SYNTAX", "function main(i) { const Math = 1; return 1; }", "Math"),
    ("unknown-name", "MTP_UNKNOWN_NAME", "function main(i) { return foo; }", "foo"),
    ("unknown-global", "MTP_UNKNOWN_NAME", "function main(i) { return console; }", "console"),
    ("unknown-member", "MTP_UNKNOWN_NAME", "function main(i) { return Math.foo(1); }", "Math.foo"),
    ("bare-namespace", "MTP_UNKNOWN_NAME", "function main(i) { return Math; }", "Math"),
    ("no-main", "MTP_NO_MAIN", "function f(i) { return 1; }", "function"),
    ("first-violation-wins", "MTP_FORBIDDEN_LOOP", "function main(i) {\n  while (true) { }\n  return this;\n}", "while"),
    ("location-counts-scalars", "MTP_FORBIDDEN_THIS", "function main(i) { const s = \"\u{1f600}\u{e9}\"; return this; }", "this"),
    ("location-crlf-line", "MTP_FORBIDDEN_THIS", "function main(i) {\r\n  return this;\r\n}", "this"),
];

/// The 1-based line and column (Unicode scalar values) of byte offset `offset` (spec notation).
fn location(source: &str, offset: usize) -> (u64, u64) {
    let before = &source[..offset];
    let mut line = 1u64;
    let mut line_start = 0usize;
    let mut chars = before.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        let ends = match c {
            '\r' => {
                if chars.peek().map(|&(_, n)| n) == Some('\n') {
                    chars.next();
                    line_start = at + 2;
                    line += 1;
                    continue;
                }
                true
            }
            '\n' | '\u{2028}' | '\u{2029}' => true,
            _ => false,
        };
        if ends {
            line += 1;
            line_start = at + c.len_utf8();
        }
    }
    let column = source[line_start..offset].chars().count() as u64 + 1;
    (line, column)
}

fn body(code: &str, source: &str, marker: &str) -> String {
    let (line, column) = match code {
        "MTP_NO_MAIN" => (1, 1),
        _ => location(source, source.find(marker).unwrap_or(0)),
    };
    format!(
        "{{\"code\":\"{code}\",\"column\":{column},\"error\":\"CompileError\",\"line\":{line}}}"
    )
}

pub(crate) fn compile() -> Suite {
    let mut cases: Vec<Case> = REJECTIONS
        .iter()
        .map(|&(id, code, source, marker)| {
            let reqs: &[&'static str] = match code {
                "MTP_NO_MAIN" => &["MTP-003"],
                "MTP_UNKNOWN_NAME" => &["MTP-004", "MTP-073"],
                "MTP_FORBIDDEN_NUMBER_LITERAL" => &["MTP-010", "MTP-006"],
                _ => &["MTP-010", "MTP-073"],
            };
            let body = body(code, source, marker);
            run_case(
                id,
                reqs,
                &format!("{code} at the start of `{marker}`"),
                run_input(source, "null"),
                Some(Known {
                    body: &body,
                    gas: Some(0),
                }),
            )
        })
        .collect();
    for (id, source) in [
        ("syntax-unbalanced", "function main(i) { return 1; "),
        (
            "syntax-duplicate-let",
            "function main(i) { let a = 1; let a = 2; return a; }",
        ),
    ] {
        cases.push(Case::error(
            id,
            &["MTP-001"],
            "text that is not an ECMAScript Script: MTP_SYNTAX (its location is informative)",
            super::RUN,
            run_input(source, "null"),
            "MTP_SYNTAX",
        ));
    }
    cases.push(run_case(
        "max-safe-literal",
        &["MTP-006"],
        "2^53 - 1 is the largest numeric literal",
        run_input("function main(i) { return 9007199254740991; }", "null"),
        Some(Known {
            body: "9007199254740991",
            gas: Some(0),
        }),
    ));
    cases.push(run_case(
        "use-strict-allowed",
        &["MTP-002"],
        "a `\"use strict\"` directive and comments are allowed",
        run_input(
            "\"use strict\";\n// a comment\nfunction main(i) { \"use strict\"; /* body */ return 1; }",
            "null",
        ),
        Some(Known {
            body: "1",
            gas: Some(0),
        }),
    ));
    Suite {
        name: "mtp/compile",
        source: "spec/mtpscript.md",
        notes: Vec::new(),
        cases,
    }
}
