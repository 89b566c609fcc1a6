//! `sigil/helpers`: the float helpers `slog2` and `sexp` on fixed and DRBG-drawn arguments and
//! outside their domains (SIGIL-004, SIGIL-006).

use serde_json::json;

use crate::{Case, Suite};

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
