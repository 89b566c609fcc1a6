//! `mtp/programs` (MTP-020..MTP-075, Annex A): programs with inputs, their canonical bodies,
//! hashes and `gasUsed`. Annex A rows carry gas counted by hand from the table; builtins, runtime
//! errors, result and input rules and effects carry their bodies.

use serde_json::{Value, json};

use super::{Known, reference, run_case, run_input};
use crate::{Case, Suite};

/// The worked example of Annex A.
pub(crate) const WORKED_EXAMPLE: &str =
    "function main(input) { const x = input.a + 1; return x * 2; }";

/// `(id, reqs, description, source, input, body, gas)`: `gas` counted by hand from Annex A.
type Row = (
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    Option<u64>,
);

#[rustfmt::skip]
const ANNEX_A: &[Row] = &[
    ("worked-example", &["MTP-050", "MTP-072"], "Annex A's worked example: read 1, + 1, declarator 1, * 1", WORKED_EXAMPLE, "{\"a\":3}", "8", Some(4)),
    ("unary", &["MTP-050", "MTP-033"], "each unary operator costs 1", "function main(i) { const a = i.a; return [-a, +a, !a, ~a, typeof a]; }", "{\"a\":5}", "[-5,5,false,-6,\"number\"]", Some(13)),
    ("binary", &["MTP-050", "MTP-033"], "each binary operator other than + costs 1", "function main(i) { const a = i.a; const b = i.b; return [a - b, a * b, a / b, a % b, a ** b, a === b, a !== b, a < b, a <= b, a > b, a >= b, a & b, a | b, a ^ b, a << b, a >> b, a >>> b]; }", "{\"a\":7,\"b\":2}", "[5,14,3.5,1,49,false,true,false,false,true,true,2,7,5,28,1,1]", Some(39)),
    ("plus-strings", &["MTP-050", "MTP-033"], "+ costs 1, plus the UTF-16 length of a string result", "function main(i) { const a = i.a; const b = i.b; return [a + b, \"ab\" + \"cd\", \"x\" + a, 1.5 + \"y\", \"\" + \"\"]; }", "{\"a\":1,\"b\":2}", "[3,\"abcd\",\"x1\",\"1.5y\",\"\"]", Some(25)),
    ("plus-utf16-length", &["MTP-050"], "a supplementary character counts two UTF-16 units", "function main(i) { return \"\u{1f600}\" + \"\u{e9}\"; }", "null", "\"\u{1f600}\u{e9}\"", Some(4)),
    ("logical", &["MTP-050"], "&&, || and ?? cost 1 after the left operand; short-circuits skip the right", "function main(i) { return [i.t && i.f, i.f || i.t, i.n ?? 3, i.f && i.x, i.t || i.x]; }", "{\"f\":false,\"n\":null,\"t\":true}", "[false,true,3,false,true]", Some(18)),
    ("conditional", &["MTP-050"], "a conditional costs 1 after its test", "function main(i) { return i.a > 1 ? \"big\" : \"small\"; }", "{\"a\":2}", "\"big\"", Some(3)),
    ("if-else", &["MTP-050"], "an if statement costs 1 after its test", "function main(i) { if (i.a) { return 1; } else { return 2; } }", "{\"a\":false}", "2", Some(2)),
    ("if-no-else", &["MTP-050"], "an if without else", "function main(i) { if (i.a) return 1; return 2; }", "{\"a\":true}", "1", Some(2)),
    ("let-and-assign", &["MTP-050"], "`let x;` costs 0, an assignment 1, a declarator with initializer 1", "function main(i) { let x; x = 5; let y = x; y = y; return y; }", "null", "5", Some(3)),
    ("compound-assign", &["MTP-050"], "a compound assignment costs its operator, then 1", "function main(i) { let x = 1; x += 2; x *= 3; let s = \"a\"; s += \"bc\"; return [x, s]; }", "null", "[9,\"abc\"]", Some(14)),
    ("update", &["MTP-050"], "++ and -- cost 2", "function main(i) { let n = 0; n++; ++n; n--; const m = ++n; return [n, m]; }", "null", "[2,2]", Some(13)),
    ("member-write", &["MTP-050", "MTP-022"], "a member write costs 1; arrays take overwrite and append", "function main(i) { const o = {}; o.a = 1; o[\"b\"] = 2; const a = [1]; a[1] = 5; a[0] = 4; return [o, a]; }", "null", "[{\"a\":1,\"b\":2},[4,5]]", Some(12)),
    ("literals", &["MTP-050"], "literals cost 1 + their element or property count", "function main(i) { return { x: [1, 2, 3], y: {}, z: [] }; }", "null", "{\"x\":[1,2,3],\"y\":{},\"z\":[]}", Some(10)),
    ("arrow-and-call", &["MTP-050", "MTP-023"], "an arrow costs 1 when evaluated, a call 5", "function main(i) { const f = (x) => x * 2; const r = f(3); return r; }", "null", "6", Some(9)),
    ("function-call", &["MTP-050", "MTP-023"], "a non-tail call of a declared function costs 5", "function sq(x) { return x * x; }\nfunction main(i) { const r = sq(i.a); return r + 1; }", "{\"a\":4}", "17", Some(9)),
    ("tail-call-free", &["MTP-053"], "a call in tail position of a named function costs 0", "function sq(x) { return x * x; }\nfunction main(i) { return sq(i.a); }", "{\"a\":4}", "16", Some(2)),
    ("anonymous-arrow-not-tail", &["MTP-053", "MTP-040"], "a call in tail position of an anonymous arrow is an ordinary call; map's size covers its callback", "function inc(x) { return x + 1; }\nfunction main(i) { return [5].map((y) => inc(y)); }", "null", "[6]", Some(19)),
    ("static-initializers", &["MTP-050"], "top-level statements are metered", "const K = 2 * 3;\nfunction main(i) { return K + i.a; }", "{\"a\":1}", "7", Some(4)),
    ("own-properties", &["MTP-021"], "reads see own properties: string and array indices and length", "function main(i) { const s = \"h\u{e9}llo\"; const a = i.a; return [s.length, s[1], a.length, a[2], a[9] === undefined, i.missing === undefined]; }", "{\"a\":[1,2,3]}", "[5,\"\u{e9}\",3,3,true,true]", Some(18)),
    ("inherited-invisible", &["MTP-021"], "inherited properties read as undefined", "function main(i) { const o = {}; return [o.toString === undefined, [].map === undefined, \"x\".length]; }", "null", "[true,true,1]", Some(12)),
    ("read-on-number", &["MTP-021"], "a read on a number or boolean is undefined", "function main(i) { return [(5).x === undefined, true.y === undefined]; }", "null", "[true,true]", Some(7)),
    ("method-of-object", &["MTP-023"], "an object's own function property is callable as a method", "function main(i) { const o = { f: (x) => x + 1 }; return o.f(1); }", "null", "2", Some(10)),
    ("math", &["MTP-040"], "Math functions cost a call each, size 0", "function main(i) { const x = i.x; return [Math.abs(x), Math.floor(x), Math.ceil(x), Math.trunc(x), Math.sign(x), Math.sqrt(16), Math.round(x), Math.min(x, 1, 2), Math.max(x, 1, 2)]; }", "{\"x\":-2.5}", "[2.5,-3,-2,-2,-1,4,-2,-2.5,2]", Some(57)),
    ("predicates", &["MTP-040"], "Number.isInteger, Number.isSafeInteger, Array.isArray", "function main(i) { return [Number.isInteger(1), Number.isInteger(1.5), Number.isSafeInteger(2 ** 53), Array.isArray([]), Array.isArray({})]; }", "null", "[true,false,false,true,false]", Some(34)),
    ("object-keys", &["MTP-040"], "Object.keys/values/entries cost a call plus their key count", "function main(i) { const o = i.o; return [Object.keys(o), Object.values(o), Object.entries(o), Object.keys([7, 8])]; }", "{\"o\":{\"a\":2,\"b\":1}}", "[[\"a\",\"b\"],[2,1],[[\"a\",2],[\"b\",1]],[\"0\",\"1\"]]", Some(38)),
];

/// Builtins, runtime errors, results, inputs: bodies known, gas from the reference.
/// `(id, reqs, description, source, input, body)`.
type BodyRow = (
    &'static str,
    &'static [&'static str],
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

#[rustfmt::skip]
const BODIES: &[BodyRow] = &[
    ("string-conversion", &["MTP-040"], "String(x) of primitives", "function main(i) { return [String(1), String(true), String(null), String(undefined), String(\"s\"), String(10 ** 21), String(-0), String(0.1)]; }", "null", "[\"1\",\"true\",\"null\",\"undefined\",\"s\",\"1e+21\",\"0\",\"0.1\"]"),
    ("string-methods", &["MTP-040"], "string builtins", "function main(i) { const s = \"hello world\"; return [s.slice(1, 4), s.slice(-5), s.indexOf(\"o\"), s.includes(\"wor\"), s.startsWith(\"he\"), s.endsWith(\"x\"), s.charCodeAt(0), \"ab\".repeat(3), s.split(\" \")]; }", "null", "[\"ell\",\"world\",4,true,true,false,104,\"ababab\",[\"hello\",\"world\"]]"),
    ("array-methods", &["MTP-040"], "array builtins", "function main(i) { const a = [1, 2, 3, 4]; return [a.slice(1, 3), a.concat([5], 6), a.join(\"-\"), a.join(), [null, undefined, 1].join(\",\"), a.map((x) => x * 2), a.filter((x) => x % 2 === 0), a.reduce((acc, x) => acc + x, 0)]; }", "null", "[[2,3],[1,2,3,4,5,6],\"1-2-3-4\",\"1,2,3,4\",\",,1\",[2,4,6,8],[2,4],10]"),
    ("callback-arguments", &["MTP-040"], "map passes (element, index, array)", "function main(i) { return [\"a\", \"b\"].map((x, k, a) => x + k + a.length); }", "null", "[\"a02\",\"b12\"]"),
    ("key-order-ecmascript", &["MTP-040", "MTP-071"], "Object.keys keeps ECMAScript order; the body is RFC 8785 ordered", "function main(i) { const o = { b: 1, 2: 0, a: 3 }; return [Object.keys(o), o]; }", "null", "[[\"2\",\"b\",\"a\"],{\"2\":0,\"a\":3,\"b\":1}]"),
    ("rt-read-null", &["MTP-021", "MTP-030"], "a read on null", "function main(i) { const n = null; return n.x; }", "null", "{\"error\":\"RuntimeError\",\"gasUsed\":2}"),
    ("rt-read-function", &["MTP-021", "MTP-030"], "a read on a function", "function main(i) { const f = () => 1; return f.x; }", "null", "{\"error\":\"RuntimeError\",\"gasUsed\":3}"),
    ("rt-key-type", &["MTP-021", "MTP-030"], "a key that is neither string nor number", "function main(i) { const o = {}; return o[true]; }", "null", "{\"error\":\"RuntimeError\",\"gasUsed\":3}"),
    ("rt-array-hole", &["MTP-022", "MTP-030"], "a write past an array's end", "function main(i) { const a = []; a[5] = 1; return a; }", "null", "{\"error\":\"RuntimeError\",\"gasUsed\":3}"),
    ("rt-proto-write", &["MTP-022", "MTP-030"], "a computed write of __proto__", "function main(i) { const o = {}; const k = \"__proto__\"; o[k] = 1; return o; }", "null", "{\"error\":\"RuntimeError\",\"gasUsed\":4}"),
    ("rt-call-non-function", &["MTP-023", "MTP-030"], "calling a number, after the call charge", "function main(i) { const x = 1; return x(); }", "null", "{\"error\":\"RuntimeError\",\"gasUsed\":6}"),
    ("rt-unknown-string-method", &["MTP-023", "MTP-030"], "a method strings do not have", "function main(i) { return \"abc\".foo(); }", "null", "{\"error\":\"RuntimeError\",\"gasUsed\":5}"),
    ("rt-array-push", &["MTP-023", "MTP-030"], "push is not a builtin", "function main(i) { return [1].push(2); }", "null", "{\"error\":\"RuntimeError\",\"gasUsed\":7}"),
    ("rt-add-array", &["MTP-033", "MTP-030"], "+ with an array operand", "function main(i) { return [] + 1; }", "null", "{\"error\":\"RuntimeError\",\"gasUsed\":2}"),
    ("rt-compare-object", &["MTP-033", "MTP-030"], "< with an object operand", "function main(i) { return {} < 1; }", "null", "{\"error\":\"RuntimeError\",\"gasUsed\":2}"),
    ("rt-equal-objects", &["MTP-034", "MTP-030"], "=== between two arrays", "function main(i) { return [] === []; }", "null", "{\"error\":\"RuntimeError\",\"gasUsed\":3}"),
    ("equal-object-primitive", &["MTP-034"], "=== with one primitive operand is strict equality", "function main(i) { return [[] === 1, null === null, \"a\" !== \"a\"]; }", "null", "[false,true,false]"),
    ("rt-temporal-dead-zone", &["MTP-030"], "a const read before its declaration ran", "function main(i) { const y = x + 1; const x = 1; return y; }", "null", "{\"error\":\"RuntimeError\",\"gasUsed\":0}"),
    ("rt-math-string", &["MTP-040", "MTP-030"], "Math.abs of a string", "function main(i) { return Math.abs(\"1\"); }", "null", "{\"error\":\"RuntimeError\",\"gasUsed\":5}"),
    ("rt-slice-string-index", &["MTP-040", "MTP-030"], "slice with a string index", "function main(i) { return \"abc\".slice(\"1\"); }", "null", "{\"error\":\"RuntimeError\",\"gasUsed\":5}"),
    ("result-negative-zero", &["MTP-071"], "-0 is written 0", "function main(i) { return -0; }", "null", "0"),
    ("result-numbers", &["MTP-071", "MTP-072"], "numbers in ECMAScript/RFC 8785 form", "function main(i) { return [10 ** 21, 0.1 + 0.2, 1 / 3, 5e-7, 2 ** 53]; }", "null", "[1e+21,0.30000000000000004,0.3333333333333333,5e-7,9007199254740992]"),
    ("result-key-order", &["MTP-071"], "members in RFC 8785 order", "function main(i) { return { b: 1, a: 2, \"\u{e9}\": 3, \"\u{1f600}\": 4, \"\u{ff61}\": 5 }; }", "null", "{\"a\":2,\"b\":1,\"\u{e9}\":3,\"\u{1f600}\":4,\"\u{ff61}\":5}"),
    ("result-undefined", &["MTP-071"], "undefined is not JSON", "function main(i) { return undefined; }", "null", "{\"error\":\"ResultInvalid\",\"gasUsed\":0}"),
    ("result-no-return", &["MTP-071"], "a main that returns nothing", "function main(i) { }", "null", "{\"error\":\"ResultInvalid\",\"gasUsed\":0}"),
    ("result-function", &["MTP-071"], "a function is not JSON", "function main(i) { return () => 1; }", "null", "{\"error\":\"ResultInvalid\",\"gasUsed\":1}"),
    ("result-nan", &["MTP-071"], "NaN is not JSON", "function main(i) { return 0 / 0; }", "null", "{\"error\":\"ResultInvalid\",\"gasUsed\":1}"),
    ("result-infinity", &["MTP-071"], "Infinity is not JSON", "function main(i) { return [1 / 0]; }", "null", "{\"error\":\"ResultInvalid\",\"gasUsed\":3}"),
    ("result-nested-undefined", &["MTP-071"], "undefined anywhere in the value", "function main(i) { return { a: [1, undefined] }; }", "null", "{\"error\":\"ResultInvalid\",\"gasUsed\":5}"),
    ("result-lone-surrogate", &["MTP-071"], "a string with a lone surrogate", "function main(i) { return \"\\ud800\"; }", "null", "{\"error\":\"ResultInvalid\",\"gasUsed\":0}"),
    ("result-cycle", &["MTP-071"], "a cycle nests deeper than 128", "function main(i) { const a = []; a[0] = a; return a; }", "null", "{\"error\":\"ResultInvalid\",\"gasUsed\":3}"),
    ("input-echo", &["MTP-070"], "the input reaches main as a value", "function main(i) { return i; }", "{\"a\":[1,\"x\",null,true],\"b\":{\"c\":1.5}}", "{\"a\":[1,\"x\",null,true],\"b\":{\"c\":1.5}}"),
    ("input-fresh-objects", &["MTP-070", "MTP-022"], "input objects are fresh and writable through a local binding", "function main(i) { const o = i; o.added = true; return o; }", "{\"a\":1}", "{\"a\":1,\"added\":true}"),
    ("input-scalar", &["MTP-070"], "a scalar input", "function main(i) { return i + 1; }", "41", "42"),
];

/// Builtin domain errors whose gas depends on when the size is charged: the reference's gas.
#[rustfmt::skip]
const DOMAIN_ERRORS: &[(&str, &str, &str)] = &[
    ("rt-repeat-negative", "repeat with a negative count", "function main(i) { return \"a\".repeat(-1); }"),
    ("rt-reduce-no-init", "reduce without its initial value", "function main(i) { return [1].reduce((a, b) => a + b); }"),
    ("rt-join-object", "join of an array holding an object", "function main(i) { return [{}].join(); }"),
    ("rt-split-number", "split by a number", "function main(i) { return \"a,b\".split(1); }"),
];

/// Inputs that are not CANON-010..016 JSON: the program does not run.
#[rustfmt::skip]
const BAD_INPUTS: &[(&str, &str, &str)] = &[
    ("input-duplicate-key", "duplicate member names", "{\"a\":1,\"a\":2}"),
    ("input-lone-surrogate", "a lone surrogate escape", "\"\\ud800\""),
    ("input-not-json", "an unterminated object", "{"),
    ("input-empty", "an empty input", ""),
    ("input-number-range", "a number beyond binary64", "1e400"),
    ("input-trailing", "text after the value", "1 2"),
];

/// Effects (MTP-075): seeded random bytes, logs, and every invalid use.
#[rustfmt::skip]
const EFFECTS: &[(&str, &str, &str)] = &[
    ("effect-random-4", "four random bytes", "function main(i) { return Async.await(\"random\", 4); }"),
    ("effect-random-33", "33 bytes cross a block of the stream", "function main(i) { return Async.await(\"random\", 33); }"),
    ("effect-random-successive", "successive calls consume the stream in order", "function main(i) { const a = Async.await(\"random\", 4); const b = Async.await(\"random\", 4); return [a, b, Async.await(\"random\", 8)]; }"),
    ("effect-random-1024", "the largest random request", "function main(i) { return Async.await(\"random\", 1024).length; }"),
    ("effect-log", "log entries are returned with the response, outside the body", "function main(i) { Async.await(\"log\", \"first\"); Async.await(\"log\", \"\u{e9}\u{1f600}\"); return 1; }"),
    ("effect-log-64", "64 log entries are allowed", "function step(n) { if (n === 0) { return 0; } Async.await(\"log\", \"x\"); return step(n - 1); }\nfunction main(i) { return step(64); }"),
    ("effect-log-65", "a 65th log entry is invalid", "function step(n) { if (n === 0) { return 0; } Async.await(\"log\", \"x\"); return step(n - 1); }\nfunction main(i) { return step(65); }"),
    ("effect-logs-before-error", "entries logged before an error are kept", "function main(i) { Async.await(\"log\", \"before\"); return 0 / 0; }"),
    ("effect-random-zero", "random 0 is outside the domain", "function main(i) { return Async.await(\"random\", 0); }"),
    ("effect-random-1025", "random 1025 is outside the domain", "function main(i) { return Async.await(\"random\", 1025); }"),
    ("effect-random-fraction", "a fractional count", "function main(i) { return Async.await(\"random\", 1.5); }"),
    ("effect-log-number", "log of a number", "function main(i) { return Async.await(\"log\", 5); }"),
    ("effect-log-too-long", "log of 4097 UTF-16 units", "function main(i) { return Async.await(\"log\", \"x\".repeat(4097)); }"),
    ("effect-unknown", "an unknown effect", "function main(i) { return Async.await(\"fetch\", \"http://x\"); }"),
    ("effect-static-initializer", "an effect while static initializers run", "const r = Async.await(\"random\", 1);\nfunction main(i) { return r; }"),
];

pub(crate) fn programs() -> Suite {
    let mut cases = Vec::new();
    for &(id, reqs, description, source, input, body, gas) in ANNEX_A {
        cases.push(run_case(
            id,
            reqs,
            description,
            run_input(source, input),
            Some(Known { body, gas }),
        ));
    }
    for &(id, reqs, description, source, input, body) in BODIES {
        cases.push(run_case(
            id,
            reqs,
            description,
            run_input(source, input),
            Some(Known { body, gas: None }),
        ));
    }
    for &(id, description, source) in DOMAIN_ERRORS {
        let answer = reference(&run_input(source, "null"));
        if answer["code"] != json!("MTP_RUNTIME_ERROR") {
            cases.push(super::property_failed(
                id,
                format!("{description} must be a RuntimeError: {answer}"),
            ));
        }
        cases.push(Case::computed(
            id,
            &["MTP-040", "MTP-030"],
            format!("{description}: RuntimeError"),
            super::RUN,
            run_input(source, "null"),
        ));
    }
    for &(id, description, input) in BAD_INPUTS {
        cases.push(Case::computed(
            id,
            &["MTP-070", "MTP-073"],
            format!("{description}: InputInvalid with the canon code, gasUsed 0"),
            super::RUN,
            run_input("function main(i) { return 1; }", input),
        ));
    }
    for &(id, description, source) in EFFECTS {
        let input = json!({
            "source": source,
            "input": "null",
            "request_id": "req-7",
            "account_id": "acct-1",
            "function_version": "v1",
        });
        cases.push(Case::computed(
            id,
            &["MTP-075"],
            description,
            super::RUN,
            input,
        ));
    }
    let trivial = "function main(i) { return 1; }";
    for (id, description, input, code) in [
        (
            "run-request-id-1025",
            "a 1,025-byte request id refuses the request",
            json!({ "source": trivial, "input": "null", "request_id": "r".repeat(1025) }),
            "MTP_CONTEXT_INVALID",
        ),
        (
            "run-gas-limit-zero",
            "gas_limit 0 is not a limit",
            json!({ "source": trivial, "input": "null", "gas_limit": 0 }),
            "MTP_GAS_LIMIT_INVALID",
        ),
        (
            "run-gas-limit-over-max",
            "gas_limit 2,000,000,001 is not a limit",
            json!({ "source": trivial, "input": "null", "gas_limit": 2_000_000_001u64 }),
            "MTP_GAS_LIMIT_INVALID",
        ),
    ] {
        cases.push(Case::error(
            id,
            &["MTP-065", "MTP-060"],
            description,
            super::RUN,
            input,
            code,
        ));
    }
    cases.extend(effect_properties());
    Suite {
        name: "mtp/programs",
        source: "spec/mtpscript.md",
        notes: Vec::new(),
        cases,
    }
}

/// The random effect against MTP-075's definition computed here, and a changed request id
/// changing the stream.
fn effect_properties() -> Vec<Case> {
    let source = "function main(i) { return Async.await(\"random\", 40); }";
    let context = |request: &str| json!({ "source": source, "input": "null", "request_id": request, "account_id": "acct-1", "function_version": "v1" });
    let seed = mtpscript::derive_seed(
        &mtpscript::RequestContext {
            request_id: "req-7".into(),
            account_id: "acct-1".into(),
            function_version: "v1".into(),
        },
        &mtpscript::content_hash(source),
        mtpscript::GasLimit::default(),
    );
    let mut stream = Vec::new();
    for i in 0u64..2 {
        let mut message = seed.to_vec();
        message.extend_from_slice(b"mtpscript-random");
        message.extend_from_slice(&i.to_be_bytes());
        stream.extend_from_slice(&canon::id::sha256(&message));
    }
    let body = format!("\"{}\"", canon::hex::encode(&stream[..40]));
    let mut cases = vec![run_case(
        "effect-random-by-definition",
        &["MTP-075", "MTP-065", "MTP-066"],
        "40 bytes of the stream B(0) || B(1), recomputed from the definition",
        context("req-7"),
        Some(Known {
            body: &body,
            gas: Some(5 + 40),
        }),
    )];
    let other = reference(&context("req-8"));
    if other["body"] == Value::String(body.clone()) {
        cases.push(super::property_failed(
            "effect-random-request-id",
            "another request id gave the same random bytes".into(),
        ));
    }
    cases.push(Case::computed(
        "effect-random-other-request",
        &["MTP-075", "MTP-065"],
        "another request id: another stream",
        super::RUN,
        context("req-8"),
    ));
    cases
}
