//! `sigil/score`: the logistic model's scores and decisions for the default and custom models, the
//! z and threshold boundaries, and the models and inputs that are refused (SIGIL-001, SIGIL-002,
//! SIGIL-006, SIGIL-007, SIGIL-008, SIGIL-009).

use serde_json::{Value, json};

use super::drbg_requests;
use crate::suites::sigil::{call, checked, request};
use crate::{Case, Suite};

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
