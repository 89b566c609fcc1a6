//! `sigil/features`, `sigil/helpers` and `sigil/score`: the 21 features, `slog2` / `sexp` and
//! the logistic model's scores, exact to the bit (number texts, spec/protocol.md §6).

use serde_json::{Value, json};

use super::{call, checked, request};
use crate::{Case, Suite};

pub(crate) fn features() -> Suite {
    let op = "sigil.features";
    let mut cases = Vec::new();
    let mut push = |id: String, description: String, input: Value| {
        let reqs: &[&'static str] = if id.starts_with("entropy-") || id.starts_with("drbg-") {
            &["SIGIL-003", "SIGIL-002", "SIGIL-004"]
        } else {
            &["SIGIL-002"]
        };
        cases.push(Case::computed(id, reqs, description, op, input));
    };
    for action in [
        "read",
        "list",
        "write",
        "update",
        "delete",
        "execute",
        "export",
        "admin",
        "other",
        "READ",
        "reads",
        "frobnicate",
    ] {
        push(
            format!(
                "action-{}",
                action.to_lowercase() + if action == "READ" { "-upper" } else { "" }
            ),
            format!("action `{action}`"),
            json!({ "request": request(action, "public:doc", "User", ""), "window_count": 0 }),
        );
    }
    for (id, target) in [
        ("public", "public:doc"),
        ("user", "user:ann"),
        ("tenant", "tenant"),
        ("system", "system:config:a"),
        ("secret", "secret:"),
        ("other", "files:x"),
        ("empty", ""),
        ("colon-first", ":public"),
        ("case", "Public:doc"),
        ("class-prefix", "publicity:x"),
    ] {
        push(
            format!("target-{id}"),
            format!("target `{target}`: class before the first colon"),
            json!({ "request": request("read", target, "Guest", ""), "window_count": 0 }),
        );
    }
    for loa in ["Guest", "User", "Operator", "Admin"] {
        push(
            format!("loa-{}", loa.to_lowercase()),
            format!("level {loa}"),
            json!({ "request": request("write", "user:a", loa, ""), "window_count": 0 }),
        );
    }
    for window in [
        0u64,
        1,
        3,
        7,
        33,
        50,
        99,
        100,
        101,
        1000,
        9_007_199_254_740_991,
    ] {
        push(
            format!("window-{window}"),
            format!("window count {window}: rate min(c, 100) / 100"),
            json!({ "request": request("read", "public", "User", ""), "window_count": window }),
        );
    }
    let printable: String = (0x20u8..0x7f).map(char::from).collect();
    let drbg_text: String = canon::drbg::Drbg::new("quorate/sigil/features/entropy/v1")
        .bytes(300)
        .unwrap_or_default()
        .iter()
        .map(|b| char::from(b'a' + b % 26))
        .collect();
    for (id, input) in [
        ("empty", String::new()),
        ("one-byte", "a".to_owned()),
        ("repeated", "aaaaaaaa".to_owned()),
        ("two-symbols", "ab".to_owned()),
        ("four-symbols", "abcd".to_owned()),
        ("skewed", "aab".to_owned()),
        (
            "sentence",
            "The quick brown fox jumps over the lazy dog".to_owned(),
        ),
        ("printable-ascii", printable),
        ("utf8-bytes", "é€😀".to_owned()),
        ("control", "\u{0}\u{1}\n\t\u{7f}".to_owned()),
        ("drbg-letters-300", drbg_text),
    ] {
        push(
            format!("entropy-{id}"),
            format!("input entropy (SIGIL-003) of {} bytes", input.len()),
            json!({ "request": request("read", "public", "User", &input), "window_count": 0 }),
        );
    }
    for (i, (request, window)) in drbg_requests("quorate/sigil/features/sweep/v1", 24)
        .into_iter()
        .enumerate()
    {
        push(
            format!("drbg-{i:02}"),
            format!("DRBG-drawn request {i} (SIGIL-002, SIGIL-003)"),
            json!({ "request": request, "window_count": window }),
        );
    }
    let valid = request("read", "public", "User", "");
    let mut invalid = |id: &str, description: &str, request: Value| {
        cases.push(Case::error(
            format!("invalid-{id}"),
            &["SIGIL-001"],
            description,
            op,
            json!({ "request": request, "window_count": 0 }),
            "SIGIL_REQUEST_INVALID",
        ));
    };
    let with = |name: &str, value: Value| {
        let mut r = valid.clone();
        r[name] = value;
        r
    };
    let without = |name: &str| {
        let mut r = valid.clone();
        if let Some(members) = r.as_object_mut() {
            members.remove(name);
        }
        r
    };
    invalid("missing-input", "no input member", without("input"));
    invalid("missing-tenant", "no tenant member", without("tenant"));
    invalid("extra-member", "an unknown member", with("extra", json!(1)));
    invalid("tenant-empty", "an empty tenant", with("tenant", json!("")));
    invalid(
        "tenant-space",
        "a tenant with a space",
        with("tenant", json!("a b")),
    );
    invalid(
        "tenant-129",
        "a 129-byte tenant",
        with("tenant", json!("t".repeat(129))),
    );
    invalid(
        "actor-number",
        "an actor that is a number",
        with("actor", json!(7)),
    );
    invalid(
        "actor-slash",
        "an actor with a slash",
        with("actor", json!("a/b")),
    );
    invalid("action-empty", "an empty action", with("action", json!("")));
    invalid(
        "action-65",
        "a 65-byte action",
        with("action", json!("a".repeat(65))),
    );
    invalid(
        "target-1025",
        "a 1025-byte target",
        with("target", json!("t".repeat(1025))),
    );
    invalid("target-null", "a null target", with("target", Value::Null));
    invalid("loa-lowercase", "loa `guest`", with("loa", json!("guest")));
    invalid("loa-unknown", "loa `Root`", with("loa", json!("Root")));
    invalid("input-null", "a null input", with("input", Value::Null));
    invalid("not-object", "a request that is an array", json!([]));
    cases.push(Case::computed(
        "tenant-128",
        &["SIGIL-001", "SIGIL-002"],
        "a 128-byte tenant and a 64-byte action are accepted",
        op,
        json!({ "request": with("tenant", json!("t".repeat(128))), "window_count": 0 }),
    ));
    Suite {
        name: "sigil/features",
        source: "spec/sigil.md",
        notes: vec![],
        cases,
    }
}

pub(crate) fn helpers() -> Suite {
    let mut cases = Vec::new();
    let mut ps: Vec<(String, f64)> = vec![
        ("one".into(), 1.0),
        ("half".into(), 0.5),
        ("quarter".into(), 0.25),
        ("two-pow-minus-16".into(), 2f64.powi(-16)),
        ("third".into(), 1.0 / 3.0),
        ("two-thirds".into(), 2.0 / 3.0),
        ("tenth".into(), 0.1),
        ("three-quarters".into(), 0.75),
        ("below-one".into(), 1.0 - f64::EPSILON / 2.0),
        ("above-half".into(), 0.5 + f64::EPSILON / 2.0),
        ("below-half".into(), 0.5 - f64::EPSILON / 4.0),
        ("sqrt-half".into(), std::f64::consts::FRAC_1_SQRT_2),
        ("min-positive-normal".into(), f64::MIN_POSITIVE),
    ];
    for n in [3u32, 7, 10, 255, 256, 1000, 65536] {
        let mut counts = vec![1, n / 2, n - 1];
        counts.dedup();
        for c in counts {
            ps.push((format!("ratio-{c}-of-{n}"), f64::from(c) / f64::from(n)));
        }
    }
    for (id, p) in ps {
        cases.push(Case::computed(
            format!("slog2-{id}"),
            &["SIGIL-004"],
            format!("slog2({p:e})"),
            "sigil.slog2",
            json!({ "p": p }),
        ));
    }
    for (id, p) in [
        ("zero", 0.0),
        ("above-one", 1.5),
        ("negative", -0.5),
        ("subnormal", 1e-310),
    ] {
        cases.push(Case::error(
            format!("slog2-domain-{id}"),
            &["SIGIL-004"],
            format!("slog2({p:e}) is outside (0, 1]"),
            "sigil.slog2",
            json!({ "p": p }),
            "PROTO_CASE_INVALID",
        ));
    }
    let ts: Vec<(&str, f64)> = vec![
        ("zero", 0.0),
        ("tiny", -1e-300),
        ("minus-1e-10", -1e-10),
        ("minus-half", -0.5),
        ("minus-half-ln2", -std::f64::consts::LN_2 / 2.0),
        ("minus-ln2", -std::f64::consts::LN_2),
        ("minus-one", -1.0),
        ("minus-e", -std::f64::consts::E),
        ("minus-ten", -10.0),
        ("minus-36-7", -36.7),
        ("minus-100", -100.0),
        ("minus-699-9", -699.9),
        ("minus-700", -700.0),
        ("below-minus-700", -700.000_000_000_000_1),
        ("minus-745", -745.0),
        ("minus-1e308", -1e308),
    ];
    for (id, t) in ts {
        cases.push(Case::computed(
            format!("sexp-{id}"),
            &["SIGIL-006"],
            format!("sexp({t:e})"),
            "sigil.sexp",
            json!({ "t": t }),
        ));
    }
    let mut drbg = canon::drbg::Drbg::new("quorate/sigil/helpers/sexp/v1");
    for i in 0..24 {
        // A uniform draw in [-40, 0) with 52 random bits.
        let t = -((drbg.u64() >> 12) as f64) / (1u64 << 52) as f64 * 40.0;
        cases.push(Case::computed(
            format!("sexp-drbg-{i:02}"),
            &["SIGIL-006"],
            format!("sexp of DRBG draw {i} in [-40, 0)"),
            "sigil.sexp",
            json!({ "t": t }),
        ));
    }
    cases.push(Case::error(
        "sexp-domain-positive",
        &["SIGIL-006"],
        "sexp(0.5) is outside t <= 0",
        "sigil.sexp",
        json!({ "t": 0.5 }),
        "PROTO_CASE_INVALID",
    ));
    Suite {
        name: "sigil/helpers",
        source: "spec/sigil.md",
        notes: vec![],
        cases,
    }
}

/// The default model's JSON (SIGIL-009), from the core.
fn default_model() -> Value {
    super::serde_of(&sigil::model::TrustModel::default_model().to_json())
}

fn model(weights: &[f64], bias: f64, threshold: f64) -> Value {
    let mut m = default_model();
    m["weights"] = json!(weights);
    m["bias"] = json!(bias);
    m["threshold"] = json!(threshold);
    m
}

/// The score's binary64 as the reference computes it (number text parsed back).
fn score_of(input: &Value) -> Option<f64> {
    call("sigil.score", input)
        .ok()?
        .get("score")?
        .as_str()?
        .parse()
        .ok()
}

pub(crate) fn scores() -> Suite {
    let op = "sigil.score";
    let mut cases = Vec::new();
    let grid = [
        ("read", "public:doc", "Operator", "hello", 0u64),
        ("list", "user:ann", "User", "page=1", 0),
        ("read", "tenant:x", "Admin", "", 0),
        ("write", "user:ann", "User", "ab", 0),
        ("write", "user:ann", "User", "ab", 100),
        ("update", "tenant:t", "Operator", "set x=1", 10),
        ("delete", "secret:keys", "Guest", "x", 0),
        ("admin", "system:config", "User", "rm -rf /", 0),
        ("export", "secret:all", "Operator", "*", 0),
        ("frobnicate", "nowhere", "Guest", "", 0),
        ("execute", "system:job", "Admin", "run nightly", 5),
        ("read", "public", "Guest", "", 0),
        ("list", "public", "Guest", "The quick brown fox", 60),
    ];
    for (i, (action, target, loa, input, window)) in grid.into_iter().enumerate() {
        cases.push(Case::computed(
            format!("default-{i:02}-{action}-{loa}").to_lowercase(),
            &["SIGIL-008", "SIGIL-009", "SIGIL-002"],
            format!("default model: {action} on {target} at {loa}, window {window}"),
            op,
            json!({ "request": request(action, target, loa, input), "window_count": window }),
        ));
    }
    for (i, (request, window)) in drbg_requests("quorate/sigil/score/sweep/v1", 32)
        .into_iter()
        .enumerate()
    {
        cases.push(Case::computed(
            format!("default-drbg-{i:02}"),
            &["SIGIL-008", "SIGIL-009", "SIGIL-002"],
            format!("default model on DRBG-drawn request {i}"),
            op,
            json!({ "request": request, "window_count": window }),
        ));
    }
    let zeros = vec![0.0; 21];
    let mut custom = vec![
        0.25, -0.125, 0.7, 0.1, -1.3, 0.0, 2.2, -0.9, 0.33, 1.1, -0.2,
    ];
    custom.extend([0.05, 0.6, -0.75, 1.0, -2.5, 0.4, 0.9, 1.7, -3.3, -0.01]);
    let x_mixed = [
        1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0,
        0.0, 0.37, 0.6112064,
    ];
    let custom_input = json!({ "model": model(&custom, 0.123, 0.5), "features": x_mixed });
    cases.push(Case::computed(
        "custom-weights",
        &["SIGIL-007", "SIGIL-008"],
        "a model with fractional weights on fractional features",
        op,
        custom_input.clone(),
    ));
    cases.push(Case::known(
        "z-zero-tie",
        &["SIGIL-008"],
        "z = 0 gives exactly 0.5, allowed at threshold 0.5",
        op,
        json!({ "model": model(&zeros, 0.0, 0.5), "features": zeros }),
        json!({
            "model_id": call("sigil.score", &json!({ "model": model(&zeros, 0.0, 0.5), "features": zeros }))
                .ok().and_then(|v| v.get("model_id").cloned()).unwrap_or(Value::Null),
            "z": "0", "score": "0.5", "allowed": true
        }),
    ));
    for (id, bias, description) in [
        (
            "z-small-positive",
            1e-9,
            "z just above 0 (the 1 / (1 + sexp(-z)) branch)",
        ),
        (
            "z-small-negative",
            -1e-9,
            "z just below 0 (the e / (1 + e) branch)",
        ),
        ("z-plus-36", 36.0, "z = 36: score below 1"),
        ("z-plus-40", 40.0, "z = 40: score rounds to 1"),
        ("z-minus-40", -40.0, "z = -40: a tiny score"),
        ("z-minus-700", -700.0, "z = -700: sexp at its cut-off"),
        ("z-minus-800", -800.0, "z = -800: sexp is 0, score 0"),
    ] {
        cases.push(Case::computed(
            id,
            &["SIGIL-008", "SIGIL-006"],
            description,
            op,
            json!({ "model": model(&zeros, bias, 0.5), "features": zeros }),
        ));
    }
    cases.push(Case::computed(
        "threshold-zero",
        &["SIGIL-008"],
        "threshold 0 allows a score of 0",
        op,
        json!({ "model": model(&zeros, -800.0, 0.0), "features": zeros }),
    ));
    cases.push(Case::computed(
        "threshold-one",
        &["SIGIL-008"],
        "threshold 1 allows a score that rounded to 1",
        op,
        json!({ "model": model(&zeros, 40.0, 1.0), "features": zeros }),
    ));
    cases.push(Case::computed(
        "threshold-one-below",
        &["SIGIL-008"],
        "threshold 1 denies a score just below 1",
        op,
        json!({ "model": model(&zeros, 30.0, 1.0), "features": zeros }),
    ));
    // Thresholds at the score, one ulp above and one ulp below: allowed, denied, allowed.
    let boundary_inputs = [
        ("custom", custom_input.clone()),
        (
            "default-write",
            json!({ "model": default_model(), "request": request("write", "user:ann", "User", "ab"), "window_count": 37 }),
        ),
    ];
    for (name, base) in boundary_inputs {
        let Some(s) = score_of(&base) else {
            continue;
        };
        for (id, threshold, allowed) in [
            ("at", s, true),
            ("ulp-above", f64::from_bits(s.to_bits() + 1), false),
            ("ulp-below", f64::from_bits(s.to_bits() - 1), true),
        ] {
            let mut input = base.clone();
            input["model"]["threshold"] = json!(threshold);
            let property = call(op, &input).and_then(|out| {
                if out["allowed"] == json!(allowed) {
                    Ok(())
                } else {
                    Err(format!(
                        "threshold {id} the score: allowed must be {allowed}"
                    ))
                }
            });
            cases.push(checked(
                Case::computed(
                    format!("threshold-{name}-{id}"),
                    &["SIGIL-008"],
                    format!("{name}: threshold {id} the score ({threshold:e})"),
                    op,
                    input,
                ),
                property,
            ));
        }
    }
    let mut huge = vec![0.0; 21];
    huge[0] = 1e308;
    huge[10] = 1e308;
    let mut x_two = [0.0; 21];
    x_two[0] = 1.0;
    x_two[10] = 1.0;
    cases.push(Case::error(
        "nonfinite-z",
        &["SIGIL-008"],
        "w·x overflows to infinity",
        op,
        json!({ "model": model(&huge, 0.0, 0.5), "features": x_two }),
        "SIGIL_EVAL_NONFINITE",
    ));
    let base = default_model();
    let mut bad = |id: &str, description: &str, m: Value| {
        cases.push(Case::error(
            format!("model-invalid-{id}"),
            &["SIGIL-007"],
            description,
            op,
            json!({ "model": m, "features": zeros }),
            "SIGIL_MODEL_INVALID",
        ));
    };
    let with = |name: &str, value: Value| {
        let mut m = base.clone();
        m[name] = value;
        m
    };
    bad(
        "version",
        "model_version 2",
        with("model_version", json!(2)),
    );
    bad(
        "threshold-above-one",
        "threshold 1.5",
        with("threshold", json!(1.5)),
    );
    bad(
        "threshold-negative",
        "threshold -0.1",
        with("threshold", json!(-0.1)),
    );
    bad("bias-string", "bias \"0\"", with("bias", json!("0")));
    bad(
        "weights-short",
        "20 weights",
        with("weights", json!(vec![0.0; 20])),
    );
    bad("weight-null", "a null weight", {
        let mut m = base.clone();
        m["weights"][3] = Value::Null;
        m
    });
    bad("features-order", "two feature names swapped", {
        let mut m = base.clone();
        m["features"][0] = json!("action=list");
        m["features"][1] = json!("action=read");
        m
    });
    bad(
        "extra-member",
        "an unknown member",
        with("extra", json!(true)),
    );
    bad("missing-bias", "no bias", {
        let mut m = base.clone();
        if let Some(members) = m.as_object_mut() {
            members.remove("bias");
        }
        m
    });
    bad("not-object", "a model that is an array", json!([]));
    cases.push(Case::error(
        "features-short",
        &["SIGIL-008"],
        "20 features",
        op,
        json!({ "features": vec![0.0; 20] }),
        "PROTO_CASE_INVALID",
    ));
    cases.push(Case::error(
        "request-invalid",
        &["SIGIL-001"],
        "a request without input",
        op,
        json!({ "request": { "tenant": "a", "actor": "b", "action": "read", "target": "", "loa": "User" }, "window_count": 0 }),
        "SIGIL_REQUEST_INVALID",
    ));
    Suite {
        name: "sigil/score",
        source: "spec/sigil.md",
        notes: vec![],
        cases,
    }
}

/// `count` requests drawn from the DRBG of `label`: an action and a target class from the
/// tables (or outside them), a level, an input of 0 to 200 bytes over a small alphabet (so that
/// byte counts repeat), and a window count in 0..=120. The draws are stored literally in the
/// vectors; the label records where they came from.
fn drbg_requests(label: &str, count: usize) -> Vec<(Value, u64)> {
    const ACTIONS: [&str; 10] = [
        "read", "list", "write", "update", "delete", "execute", "export", "admin", "sync", "Read",
    ];
    const TARGETS: [&str; 7] = ["public", "user", "tenant", "system", "secret", "blob", ""];
    const LEVELS: [&str; 4] = ["Guest", "User", "Operator", "Admin"];
    const ALPHABET: &[u8] = b"abcdefghij0123 ={}\"\xe9";
    let mut drbg = canon::drbg::Drbg::new(label);
    let mut pick = |n: usize| (drbg.u64() % n as u64) as usize;
    (0..count)
        .map(|_| {
            let action = ACTIONS[pick(ACTIONS.len())];
            let target = format!("{}:{}", TARGETS[pick(TARGETS.len())], pick(1000));
            let loa = LEVELS[pick(LEVELS.len())];
            let len = pick(201);
            let input: String = (0..len)
                .map(|_| char::from(ALPHABET[pick(ALPHABET.len())]))
                .collect();
            let window = pick(121) as u64;
            (request(action, &target, loa, &input), window)
        })
        .collect()
}
