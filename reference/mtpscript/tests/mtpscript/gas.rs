//! MTP-050..MTP-061: exact gas at the limit, zero-cost tail calls, the depth limit, the gas
//! limit contract and the audit line.

use mtpscript::{GasLimit, MAX_GAS_LIMIT, audit_line};

use crate::{ctx, data, input_of, on_small_stack, run, str_of, u64_of};

#[test]
fn gas_is_exact_at_the_limit() {
    let d = data("programs.json");
    let mut checked = 0;
    for case in d["programs"].as_array().into_iter().flatten() {
        let (name, source, input) = (str_of(case, "name"), str_of(case, "source"), input_of(case));
        let used = u64_of(case, "gas_used");
        if used < 2 {
            continue; // a limit of `used - 1` must itself be a valid limit
        }
        for limit in [used, used + 1] {
            let r = run(source, &input, limit);
            assert_eq!(
                (r.error_code, r.gas_used),
                (None, used),
                "{name} at {limit}"
            );
        }
        let r = run(source, &input, used - 1);
        assert_eq!(
            r.error_code,
            Some("MTP_GAS_EXHAUSTED"),
            "{name} at {}",
            used - 1
        );
        assert!(r.gas_used < used, "{name}: {}", r.body_str());
        let want = format!(
            "{{\"error\":\"GasExhausted\",\"gasLimit\":{},\"gasUsed\":{}}}",
            used - 1,
            r.gas_used
        );
        assert_eq!(r.body_str(), want, "{name}");
        checked += 1;
    }
    for case in d["exhaustion"].as_array().into_iter().flatten() {
        let name = str_of(case, "name");
        let limit = u64_of(case, "gas_limit");
        let r = run(str_of(case, "source"), &input_of(case), limit);
        let want = format!(
            "{{\"error\":\"GasExhausted\",\"gasLimit\":{limit},\"gasUsed\":{}}}",
            u64_of(case, "gas_used")
        );
        assert_eq!(r.body_str(), want, "{name}");
        checked += 1;
    }
    assert!(checked >= 25, "only {checked}");
}

/// Annex A per-iteration cost of `sum`: `===`, `?:`, `-`, `+` = 4; the last call adds 2.
const SUM: &str = "function sum(n, acc) { return n === 0 ? acc : sum(n - 1, acc + n); }\nfunction main(i) { return sum(i, 0); }";
const SUM_ARROW: &str = "function main(i) { const sum = (n, acc) => n === 0 ? acc : sum(n - 1, acc + n); return sum(i, 0); }";

#[test]
fn tail_calls_cost_no_gas_and_no_depth() {
    for n in [0u64, 1, 10, 127, 128, 1000, 100_000] {
        let r = run(SUM, n.to_string().as_bytes(), MAX_GAS_LIMIT);
        assert_eq!(r.error_code, None, "{n}: {}", r.body_str());
        assert_eq!(r.gas_used, 4 * n + 2, "sum({n})");
        assert_eq!(r.body_str(), (n * (n + 1) / 2).to_string());
        // The named-arrow form: plus the arrow's creation and its declarator.
        let r = run(SUM_ARROW, n.to_string().as_bytes(), MAX_GAS_LIMIT);
        assert_eq!(
            (r.error_code, r.gas_used),
            (None, 4 * n + 4),
            "arrow sum({n})"
        );
    }
    // The same recursion without a tail call pays the call (5) and hits the depth limit.
    let non_tail = "function sum(n) { return n === 0 ? 0 : n + sum(n - 1); }\nfunction main(i) { return sum(i); }";
    let r = run(non_tail, b"10", MAX_GAS_LIMIT);
    assert_eq!(r.gas_used, 10 * 9 + 2);
    assert_eq!(
        run(non_tail, b"200", MAX_GAS_LIMIT).error_code,
        Some("MTP_DEPTH_EXCEEDED")
    );
}

#[test]
fn depth_limit_is_deterministic() {
    on_small_stack(|| {
        let g = "function g(n) { return n === 0 ? 0 : 1 + g(n - 1); }\nfunction main(i) { return g(i); }";
        // main's tail call leaves depth 1; g(0) runs at depth 1 + n.
        let r = run(g, b"127", MAX_GAS_LIMIT);
        assert_eq!((r.error_code, r.gas_used), (None, 127 * 9 + 2));
        for _ in 0..2 {
            let r = run(g, b"128", MAX_GAS_LIMIT);
            assert_eq!(
                r.body_str(),
                "{\"depthLimit\":128,\"error\":\"DepthExceeded\",\"gasUsed\":1024}"
            );
        }
        // Callbacks of `map` are activations too: two per level here, on the deepest native
        // path the language has (map helper, method call, arrow, call, wrapper, body).
        let m = "function g(n) { return n === 0 ? 0 : [n].map((x) => g(x - 1))[0]; }\nfunction main(i) { return g(i); }";
        assert_eq!(run(m, b"63", MAX_GAS_LIMIT).error_code, None);
        assert_eq!(
            run(m, b"64", MAX_GAS_LIMIT).error_code,
            Some("MTP_DEPTH_EXCEEDED")
        );
    });
}

#[test]
fn gas_limit_parsing() {
    let ok = [
        (None, 10_000_000u64),
        (Some("1"), 1),
        (Some("2000000000"), 2_000_000_000),
        (Some("10000000"), 10_000_000),
    ];
    for (text, want) in ok {
        assert_eq!(
            GasLimit::parse(text).map(GasLimit::get),
            Ok(want),
            "{text:?}"
        );
    }
    for bad in [
        "0",
        "2000000001",
        "9999999999",
        "99999999999",
        "",
        "05",
        "00",
        "+5",
        "-5",
        " 5",
        "5 ",
        "1e6",
        "5\n",
        "١٢",
        "0x10",
        "1_000",
    ] {
        let e = GasLimit::parse(Some(bad));
        assert_eq!(
            e.as_ref().map_err(mtpscript::Error::code),
            Err("MTP_GAS_LIMIT_INVALID"),
            "{bad:?}"
        );
        let message = e.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            message.contains("MTP_GAS_LIMIT") && message.contains("2000000000"),
            "{message}"
        );
    }
    // The raw environment value: absent is the default, non-UTF-8 is invalid.
    use std::os::unix::ffi::OsStrExt;
    assert_eq!(GasLimit::parse_os(None).map(GasLimit::get), Ok(10_000_000));
    let raw = std::ffi::OsStr::from_bytes(b"12\xff");
    assert_eq!(
        GasLimit::parse_os(Some(raw)).map_err(|e| e.code()),
        Err("MTP_GAS_LIMIT_INVALID")
    );
    let ok = std::ffi::OsStr::from_bytes(b"77");
    assert_eq!(GasLimit::parse_os(Some(ok)).map(GasLimit::get), Ok(77));
    assert_eq!(
        GasLimit::parse(Some("123")).map(GasLimit::ascii),
        Ok("123".to_owned())
    );
}

#[test]
fn audit_line_names_the_gas_limit() {
    let gas = GasLimit::parse(Some("4")).unwrap_or_default();
    let source = "function main(input) { const x = input.a + 1; return x * 2; }";
    let r = mtpscript::run_source(source, b"{\"a\":3}", &ctx("req-42"), gas)
        .unwrap_or_else(|e| panic!("{e}"));
    let line = audit_line(&ctx("req-42"), gas, &r);
    assert_eq!(
        line,
        format!(
            "mtpscript request=req-42 gasLimit=4 gasUsed=4 status=ok sha256={}",
            r.sha256_hex()
        )
    );
    let r = mtpscript::run_source(
        source,
        b"{\"a\":3}",
        &ctx("req-43"),
        GasLimit::new(3).unwrap_or_default(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let line = audit_line(&ctx("req-43"), GasLimit::new(3).unwrap_or_default(), &r);
    assert!(
        line.contains(" gasLimit=3 ") && line.contains("status=MTP_GAS_EXHAUSTED"),
        "{line}"
    );
}

#[test]
fn seed_derivation() {
    let d = data("seeds.json");
    assert_eq!(
        canon::hex::encode(&mtpscript::cost_table_hash()),
        str_of(&d, "cost_table_sha256")
    );
    let mut seeds = Vec::new();
    for case in d["cases"].as_array().into_iter().flatten() {
        let source = str_of(case, "source");
        let content = mtpscript::content_hash(source);
        assert_eq!(canon::hex::encode(&content), str_of(case, "content_hash"));
        let ctx = mtpscript::RequestContext {
            request_id: str_of(case, "request_id").to_owned(),
            account_id: str_of(case, "account_id").to_owned(),
            function_version: str_of(case, "function_version").to_owned(),
        };
        let gas = GasLimit::new(u64_of(case, "gas_limit")).unwrap_or_default();
        let seed = mtpscript::derive_seed(&ctx, &content, gas);
        assert_eq!(
            canon::hex::encode(&seed),
            str_of(case, "seed"),
            "{}",
            str_of(case, "name")
        );
        let mut stream = mtpscript::RandomStream::new(seed);
        let mut bytes = stream.take(7);
        bytes.extend(stream.take(33));
        assert_eq!(canon::hex::encode(&bytes), str_of(case, "random40"));
        seeds.push(seed);
    }
    // ("ab","c") and ("a","bc") differ: the framing is injective (A-021).
    seeds.dedup();
    assert_eq!(seeds.len(), 5);
    let long = "x".repeat(1025);
    let mut c = ctx("r");
    c.account_id = long;
    let r = mtpscript::run_source(
        "function main(i) { return 1; }",
        b"1",
        &c,
        GasLimit::default(),
    )
    .map(|r| r.body);
    assert_eq!(r, Ok(b"{\"error\":\"ContextInvalid\"}".to_vec()));
}
