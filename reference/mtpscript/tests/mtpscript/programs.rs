//! MTP-001..MTP-075: programs give their hand-computed results and gas; compile rejections are
//! coded and located; inputs and results follow MTP-070/071; effects derive from the seed.

use mtpscript::{GasLimit, MAX_GAS_LIMIT};

use crate::{ctx, data, input_of, on_small_stack, run, str_of, u64_of};

#[test]
fn programs_give_their_results() {
    let d = data("programs.json");
    let cases = d["programs"].as_array().into_iter().flatten();
    let mut n = 0;
    for case in cases {
        let name = str_of(case, "name");
        let r = run(str_of(case, "source"), &input_of(case), MAX_GAS_LIMIT);
        assert_eq!(r.body_str(), str_of(case, "body"), "{name}");
        assert_eq!(r.gas_used, u64_of(case, "gas_used"), "{name}");
        assert_eq!(r.error_code, None, "{name}");
        assert_eq!(r.sha256, canon::id::sha256(&r.body), "{name}");
        n += 1;
    }
    for case in d["errors"].as_array().into_iter().flatten() {
        let name = str_of(case, "name");
        let r = run(str_of(case, "source"), &input_of(case), MAX_GAS_LIMIT);
        assert_eq!(r.body_str(), str_of(case, "body"), "{name}");
        assert_eq!(r.error_code, Some(str_of(case, "code")), "{name}");
        n += 1;
    }
    assert!(n >= 40, "only {n} cases");
}

#[test]
fn compile_rejections_are_coded_and_located() {
    let d = data("rejections.json");
    let mut n = 0;
    for case in d["cases"].as_array().into_iter().flatten() {
        let source = str_of(case, "source");
        let err = match mtpscript::compile(source) {
            Ok(_) => panic!("accepted: {source}"),
            Err(e) => e,
        };
        assert_eq!(err.code(), str_of(case, "code"), "{source}: {err}");
        if let (Some(line), Some(column)) = (case["line"].as_u64(), case["column"].as_u64()) {
            let mtpscript::Error::Compile {
                line: l, column: c, ..
            } = &err
            else {
                panic!("{source}: not a compile error: {err}")
            };
            assert_eq!(
                (u64::from(*l), u64::from(*c)),
                (line, column),
                "{source}: {err}"
            );
        }
        // The same rejection as a response body (MTP-073).
        let r = mtpscript::Response::from_error(&err);
        assert_eq!(r.error_code, Some(err.code()));
        assert!(r.body_str().starts_with("{\"code\":"), "{}", r.body_str());
        n += 1;
    }
    assert!(n >= 40, "only {n} cases");
}

#[test]
fn input_and_result_rules() {
    let source = "function main(i) { return i; }";
    for (input, code) in [
        (&b"{\"a\":1,\"a\":2}"[..], "CANON_JSON_DUPLICATE_KEY"),
        (b"{\"a\":", "CANON_JSON_SYNTAX"),
        (b"\"\\ud800\"", "CANON_JSON_LONE_SURROGATE"),
        (b"1e400", "CANON_JSON_NUMBER_RANGE"),
        (b"\xff", "CANON_UTF8_INVALID"),
    ] {
        let r = run(source, input, 1000);
        assert_eq!(r.error_code, Some("MTP_INPUT_INVALID"));
        assert_eq!(
            r.body_str(),
            format!("{{\"code\":\"{code}\",\"error\":\"InputInvalid\"}}")
        );
    }
    let deep_ok = format!("{}1{}", "[".repeat(128), "]".repeat(128));
    let r = run(source, deep_ok.as_bytes(), 1000);
    assert_eq!(r.body_str(), deep_ok, "depth 128 round-trips");
    let deep_bad = format!("{}1{}", "[".repeat(129), "]".repeat(129));
    assert_eq!(
        run(source, deep_bad.as_bytes(), 1000).error_code,
        Some("MTP_INPUT_INVALID")
    );
    // Non-canonical input is canonicalized; -0 becomes 0; key order is RFC 8785.
    let r = run(source, b" { \"b\" : [ 1.50, -0 ], \"a\" : 1e2 } ", 1000);
    assert_eq!(r.body_str(), "{\"a\":100,\"b\":[1.5,0]}");
    // A result nested deeper than 128 is not JSON (MTP-071).
    let nest = "function nest(n, a) { return n === 0 ? a : nest(n - 1, [a]); }\nfunction main(i) { return nest(i, 0); }";
    assert_eq!(run(nest, b"128", 100_000).error_code, None);
    assert_eq!(
        run(nest, b"129", 100_000).error_code,
        Some("MTP_RESULT_INVALID")
    );
}

#[test]
fn effects_are_seeded_and_logged() {
    let d = data("seeds.json");
    for case in d["cases"].as_array().into_iter().flatten() {
        let source = str_of(case, "source");
        if !source.contains("random") {
            continue;
        }
        let ctx = mtpscript::RequestContext {
            request_id: str_of(case, "request_id").to_owned(),
            account_id: str_of(case, "account_id").to_owned(),
            function_version: str_of(case, "function_version").to_owned(),
        };
        let gas = GasLimit::new(u64_of(case, "gas_limit")).unwrap_or_default();
        let r = mtpscript::run_source(source, b"null", &ctx, gas).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            r.body_str(),
            format!("\"{}\"", str_of(case, "random40")),
            "{}",
            str_of(case, "name")
        );
    }
    // Successive calls consume the stream; the log keeps order; 64 entries at most.
    let split = "function main(i) { return i === 1 ? Async.await(\"random\", 5) : [Async.await(\"random\", 3), Async.await(\"random\", 2)]; }";
    let two = run(split, b"2", 1000);
    let one = run(split, b"1", 1000);
    let joined: String = serde_json::from_str::<Vec<String>>(two.body_str())
        .unwrap_or_default()
        .concat();
    assert_eq!(format!("\"{joined}\""), one.body_str());
    let logs = "function log(n) { return n === 0 ? 0 : [Async.await(\"log\", String(n)), log(n - 1)][1]; }\nfunction main(i) { return log(i); }";
    let r = run(logs, b"64", 100_000);
    assert_eq!(r.error_code, None);
    assert_eq!(r.logs.len(), 64);
    assert_eq!(r.logs.first().map(String::as_str), Some("64"));
    assert_eq!(
        run(logs, b"65", 100_000).error_code,
        Some("MTP_EFFECT_INVALID")
    );
    // Another request id, another seed, other bytes.
    let src = "function main(i) { return Async.await(\"random\", 16); }";
    let gas = GasLimit::default();
    let a = mtpscript::run_source(src, b"null", &ctx("a"), gas).map(|r| r.body);
    let b = mtpscript::run_source(src, b"null", &ctx("b"), gas).map(|r| r.body);
    assert_ne!(a, b);
}

#[test]
fn instrumented_runs_agree_with_plain_quickjs() {
    let d = data("programs.json");
    let mut n = 0;
    for case in d["programs"].as_array().into_iter().flatten() {
        if case["plain_js"] == serde_json::Value::Bool(false) {
            continue;
        }
        let (name, source) = (str_of(case, "name"), str_of(case, "source"));
        let input = String::from_utf8(input_of(case)).unwrap_or_default();
        let bare =
            mtpscript::peer::bare_run(source, &input).unwrap_or_else(|e| panic!("{name}: {e}"));
        let bare =
            canon::json::canonicalize(bare.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(bare.as_str(), str_of(case, "body"), "{name}");
        n += 1;
    }
    assert!(n >= 20, "only {n}");
    assert!(mtpscript::peer::bare_vm().is_ok());
}

#[test]
fn nesting_bombs_are_rejected_not_crashed() {
    // On the smallest stack a host should give a request: deep nesting must end in a code.
    on_small_stack(|| {
        for n in [10usize, 200, 1000, 100_000] {
            for (kind, source) in [
                (
                    "paren",
                    format!(
                        "function main(i) {{ return {}1{}; }}",
                        "(".repeat(n),
                        ")".repeat(n)
                    ),
                ),
                (
                    "not",
                    format!("function main(i) {{ return {}1; }}", "!".repeat(n)),
                ),
                (
                    "plus",
                    format!("function main(i) {{ return 1{}; }}", "+1".repeat(n)),
                ),
                (
                    "member",
                    format!("function main(i) {{ return i{}; }}", ".a".repeat(n)),
                ),
                (
                    "call",
                    format!("function main(i) {{ return i{}; }}", "()".repeat(n)),
                ),
                (
                    "assign",
                    format!(
                        "function main(i) {{ let x; return {}1; }}",
                        "x = ".repeat(n)
                    ),
                ),
                (
                    "if",
                    format!("function main(i) {{ {} return 1; }}", "if (i) ".repeat(n)),
                ),
                (
                    "array",
                    format!(
                        "function main(i) {{ return {}1{}; }}",
                        "[".repeat(n),
                        "]".repeat(n)
                    ),
                ),
            ] {
                let outcome = mtpscript::compile(&source)
                    .and_then(|p| mtpscript::VerifiedSnapshot::unsigned(&p))
                    .map(|_| ())
                    .map_err(|e| e.code());
                match outcome {
                    Ok(()) => assert!(n <= 1000, "{kind} {n} accepted"),
                    Err(code) => assert_eq!(code, "MTP_SYNTAX", "{kind} {n}"),
                }
                if n == 10 {
                    assert_eq!(outcome, Ok(()), "{kind} {n}");
                }
            }
        }
    });
}
