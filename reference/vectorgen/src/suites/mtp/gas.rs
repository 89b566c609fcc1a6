//! `mtp/gas` (MTP-051..MTP-053): exhaustion at exact limits, tail calls whose gas does not grow
//! with depth, and the deterministic depth limit. Each property is checked on the reference
//! before the cases are written.

use serde_json::{Value, json};

use super::{Known, RUN, output, property_failed, reference, run_case};
use crate::{Case, Suite};

/// Programs whose exact limit is probed at `used - 1`, `used` and `used + 1`.
#[rustfmt::skip]
const AT_LIMIT: &[(&str, &str, &str)] = &[
    ("worked-example", super::programs::WORKED_EXAMPLE, "{\"a\":3}"),
    ("string-concat", "function main(i) { const s = i.s + \"-\" + i.s; return s.split(\"-\"); }", "{\"s\":\"abcdef\"}"),
    ("map-reduce", "function main(i) { const a = i.xs.map((x) => x * x); return a.reduce((s, x) => s + x, 0); }", "{\"xs\":[1,2,3,4,5,6,7,8]}"),
    ("recursion", "function fib(n) { if (n < 2) { return n; } const a = fib(n - 1); const b = fib(n - 2); return a + b; }\nfunction main(i) { const r = fib(i.n); return r; }", "{\"n\":10}"),
    ("tail-loop", "function count(n, acc) { return n === 0 ? acc : count(n - 1, acc + 2); }\nfunction main(i) { return count(i.n, 0); }", "{\"n\":500}"),
    ("effects", "function main(i) { Async.await(\"log\", \"hello\"); return Async.await(\"random\", 16); }", "null"),
];

fn with_limit(source: &str, input: &str, limit: u64) -> Value {
    json!({ "source": source, "input": input, "gas_limit": limit })
}

/// The exact-limit cases of one program, after checking MTP-051 on the reference.
fn at_limit(id: &str, source: &str, input: &str, cases: &mut Vec<Case>) {
    let free = reference(&json!({ "source": source, "input": input }));
    let Some(used) = free["gas_used"].as_u64().filter(|_| free["code"].is_null()) else {
        cases.push(property_failed(
            id,
            format!("{id} does not succeed: {free}"),
        ));
        return;
    };
    // The limit is part of the seed (MTP-065): random bytes change with it, gas does not.
    let seeded = source.contains("random");
    for (suffix, limit) in [("used", used), ("used-plus-1", used + 1)] {
        let answer = reference(&with_limit(source, input, limit));
        if answer["gas_used"] != free["gas_used"]
            || !answer["code"].is_null()
            || (!seeded && answer != free)
        {
            cases.push(property_failed(
                id,
                format!("{id} at limit {limit} differs from the unlimited run"),
            ));
        }
        let body = answer["body"].as_str().unwrap_or_default().to_owned();
        cases.push(run_case(
            &format!("{id}-limit-{suffix}"),
            &["MTP-051", "MTP-050"],
            &format!("{id} with gasLimit = gasUsed{}: succeeds", &suffix[4..]),
            with_limit(source, input, limit),
            Some(Known {
                body: &body,
                gas: Some(used),
            }),
        ));
    }
    let limit = used - 1;
    let answer = reference(&with_limit(source, input, limit));
    let exhausted_at = answer["gas_used"].as_u64().unwrap_or(u64::MAX);
    if answer["code"] != json!("MTP_GAS_EXHAUSTED") || exhausted_at > limit {
        cases.push(property_failed(
            id,
            format!("{id} at limit {limit} must exhaust with gasUsed <= limit: {answer}"),
        ));
    }
    cases.push(Case::known(
        format!("{id}-limit-used-minus-1"),
        &["MTP-051"],
        format!("{id} with gasLimit = gasUsed - 1: GasExhausted"),
        RUN,
        with_limit(source, input, limit),
        exhausted(limit, exhausted_at, &answer),
    ));
}

/// The MTP-051 body at `limit` with `used` applied.
fn exhausted(limit: u64, used: u64, answer: &Value) -> Value {
    let body = format!("{{\"error\":\"GasExhausted\",\"gasLimit\":{limit},\"gasUsed\":{used}}}");
    let logs: Vec<&str> = answer["logs"]
        .as_array()
        .map(|l| l.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    output(&body, used, Some("MTP_GAS_EXHAUSTED"), &logs)
}

/// Every limit below the worked example's 4: the failing charge is never applied.
fn sweep(cases: &mut Vec<Case>) {
    let source = super::programs::WORKED_EXAMPLE;
    // Charges in order: read 1, + 1, declarator 1, * 1.
    for (limit, used) in [(1u64, 1u64), (2, 2), (3, 3)] {
        let body =
            format!("{{\"error\":\"GasExhausted\",\"gasLimit\":{limit},\"gasUsed\":{used}}}");
        cases.push(run_case(
            &format!("sweep-worked-example-{limit}"),
            &["MTP-051"],
            &format!(
                "the worked example at limit {limit}: the charges applied before the failing one"
            ),
            with_limit(source, "{\"a\":3}", limit),
            Some(Known {
                body: &body,
                gas: Some(used),
            }),
        ));
    }
    // A 5-unit charge (+ with a 4-unit string) fails whole: at limits 1..=4 nothing is applied.
    let source = "function main(i) { return \"ab\" + \"cd\"; }";
    for limit in [1u64, 4, 5] {
        let body = if limit < 5 {
            format!("{{\"error\":\"GasExhausted\",\"gasLimit\":{limit},\"gasUsed\":0}}")
        } else {
            "\"abcd\"".to_owned()
        };
        cases.push(run_case(
            &format!("sweep-string-plus-{limit}"),
            &["MTP-051"],
            &format!("a 5-unit + at limit {limit}"),
            with_limit(source, "null", limit),
            Some(Known {
                body: &body,
                gas: Some(if limit < 5 { 0 } else { 5 }),
            }),
        ));
    }
    cases.push(run_case(
        "zero-gas-at-limit-1",
        &["MTP-050", "MTP-051"],
        "a program that charges nothing runs at limit 1",
        with_limit("function main(i) { return i; }", "[1,2]", 1),
        Some(Known {
            body: "[1,2]",
            gas: Some(0),
        }),
    ));
    cases.push(run_case(
        "spin-exhausts",
        &["MTP-051", "MTP-053"],
        "an endless tail loop stops exactly at its limit",
        with_limit(
            "function spin(n) { return spin(n + 1); }\nfunction main(i) { return spin(0); }",
            "null",
            100_000,
        ),
        Some(Known {
            body: "{\"error\":\"GasExhausted\",\"gasLimit\":100000,\"gasUsed\":100000}",
            gas: Some(100_000),
        }),
    ));
}

/// Tail-call programs at several depths: `gasUsed` is `per * n + base` and no depth error,
/// far past 128 activations.
#[rustfmt::skip]
const TAIL: &[(&str, &str, u64, u64)] = &[
    // === 1, conditional 1, - 1, + 1 per step; base: main's read 1, the last step's === and
    // conditional 2.
    ("self", "function count(n, acc) { return n === 0 ? acc : count(n - 1, acc + 1); }\nfunction main(i) { return count(i.n, 0); }", 4, 3),
    // === 1, if 1, - 1 per step (then the other function); base: read 1, last === and if 2.
    ("mutual", "function even(n) { if (n === 0) { return true; } return odd(n - 1); }\nfunction odd(n) { if (n === 0) { return false; } return even(n - 1); }\nfunction main(i) { return even(i.n); }", 3, 3),
    // A const arrow is a named function: === 1, conditional 1, - 1 per step; base: the
    // static arrow 1 and declarator 1, main's read 1, the last step 2.
    ("const-arrow", "const down = (n) => n === 0 ? \"done\" : down(n - 1);\nfunction main(i) { return down(i.n); }", 3, 5),
];

fn tail(cases: &mut Vec<Case>) {
    for &(name, source, per, base) in TAIL {
        for n in [10u64, 1000, 100_000] {
            let input = format!("{{\"n\":{n}}}");
            let answer = reference(&json!({ "source": source, "input": input }));
            let gas = per * n + base;
            let body = answer["body"].as_str().unwrap_or_default().to_owned();
            if answer["code"] != Value::Null {
                cases.push(property_failed(
                    &format!("tail-{name}-{n}"),
                    format!("tail program {name} at depth {n} failed: {answer}"),
                ));
            }
            cases.push(run_case(
                &format!("tail-{name}-{n}"),
                &["MTP-053", "MTP-052"],
                &format!(
                    "{name} tail recursion {n} deep: {per} gas per step, no call charge, no depth error"
                ),
                json!({ "source": source, "input": input }),
                Some(Known {
                    body: &body,
                    gas: Some(gas),
                }),
            ));
        }
    }
}

/// Non-tail recursion: main (1) + sum(n..=0) (n + 1 activations) fits while n + 2 <= 128.
fn depth(cases: &mut Vec<Case>) {
    let source = "function sum(n) { return n === 0 ? 0 : n + sum(n - 1); }\nfunction main(i) { const r = sum(i.n); return r; }";
    for n in [126u64, 127, 1000] {
        let input = format!("{{\"n\":{n}}}");
        let answer = reference(&json!({ "source": source, "input": input }));
        let want = if n <= 126 {
            Value::Null
        } else {
            json!("MTP_DEPTH_EXCEEDED")
        };
        if answer["code"] != want {
            cases.push(property_failed(
                &format!("depth-sum-{n}"),
                format!("sum({n}) must give {want}: {answer}"),
            ));
        }
        cases.push(Case::computed(
            format!("depth-sum-{n}"),
            &["MTP-052"],
            format!(
                "non-tail recursion: main and sum({n}) .. sum(0) are {} activations",
                n + 2
            ),
            RUN,
            json!({ "source": source, "input": input }),
        ));
    }
    // Callbacks of map are activations too.
    let source = "function nest(n) { return n === 0 ? [0] : [n].map((x) => nest(x - 1))[0]; }\nfunction main(i) { const r = nest(i.n); return r; }";
    for n in [40u64, 80] {
        cases.push(Case::computed(
            format!("depth-map-{n}"),
            &["MTP-052", "MTP-040"],
            format!("recursion through map callbacks, {n} levels"),
            RUN,
            json!({ "source": source, "input": format!("{{\"n\":{n}}}") }),
        ));
    }
}

pub(crate) fn gas() -> Suite {
    let mut cases = Vec::new();
    for &(id, source, input) in AT_LIMIT {
        at_limit(id, source, input, &mut cases);
    }
    sweep(&mut cases);
    tail(&mut cases);
    depth(&mut cases);
    Suite {
        name: "mtp/gas",
        source: "spec/mtpscript.md",
        notes: Vec::new(),
        cases,
    }
}
