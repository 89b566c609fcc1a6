//! Packages, program ids, the affine-in-S_v analysis, cleartext evaluation, and the `qvm.*`
//! operations' error codes (spec/quorumvm.md §1, §2, protocol.md §6).

// A test crate: helpers outside #[test] functions fail by panicking, as assertions do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use field::Fp;
use quorumvm::analysis::{WARN_AFFINE_IN_SECRET, affine_in_secret, output_dependence};
use quorumvm::ops;
use quorumvm::package::{Package, PolicyManifest, Program, program_id};
use serde_json::{Value, json};

const EXAMPLE: &str = "input x\nconst c = 7\nadd t = x c\nmul y = t t\noutput y\n";
const WITH_SECRET: &str = "input x\nsecret s\nconst three = 3\nconst two = 2\nmul xs = x s\nadd u = xs three\nmul v = u x\nmul y = v two\noutput y\n";
const AFFINE: &str = "input x\nsecret s\nadd y = x s\noutput y\n";

fn ir(source: &str) -> Value {
    dsl::compile(source).unwrap().to_json()
}

fn program(source: &str) -> Program {
    Program::new(dsl::compile(source).unwrap())
}

fn policy() -> Value {
    json!({ "cost_per_eval": 1, "budget_per_identity": 10, "max_evals_per_minute": 5 })
}

/// `got` against `expect`: `Ok(json)` for an expected output, `Err(code)` for an error.
fn check(what: &str, got: Result<Value, quorumvm::Error>, expect: Result<Value, &str>) {
    match (got, expect) {
        (Ok(out), Ok(want)) => assert_eq!(out, want, "{what}"),
        (Err(e), Err(code)) => assert_eq!(e.code(), code, "{what}: {e}"),
        (got, want) => panic!("{what}: got {got:?}, want {want:?}"),
    }
}

#[test]
fn program_id_is_the_hash_of_the_three_parts() {
    let input = json!({ "ir": ir(EXAMPLE), "policy_manifest": policy(), "secret_manifest": { "parameters": [] } });
    let id = ops::program_id(&input).unwrap();
    // Recomputed by hand: SHA-256 of the RFC 8785 form of the one object.
    let text = serde_json::to_string(&input).unwrap();
    let canonical = canon::json::canonicalize(text.as_bytes()).unwrap();
    assert_eq!(
        id,
        json!(canon::id::ContentId::of_json(&canonical).to_string())
    );
    // The same from a package, under any version.
    let manifest = PolicyManifest::from_json(&policy()).unwrap();
    let a = Package::build(program(EXAMPLE), manifest, "1.0.0").unwrap();
    let b = Package::build(program(EXAMPLE), manifest, "2.0.0-rc.1+build.5").unwrap();
    assert_eq!(json!(a.program_id()), id);
    assert_eq!(a.program_id(), b.program_id());
    assert_eq!(program_id(a.program(), &manifest), a.program_id());
    // A different policy, a different id.
    let other = PolicyManifest::new(2, 10, 5).unwrap();
    assert_ne!(program_id(a.program(), &other), a.program_id());
    // The secret manifest names the secret wire.
    let with = json!({ "ir": ir(WITH_SECRET), "policy_manifest": policy(), "secret_manifest": { "parameters": [{ "name": "S_v", "wire": "s" }] } });
    assert!(ops::program_id(&with).unwrap().as_str().unwrap().len() == 64);
}

#[test]
fn program_id_rejects_what_does_not_fit() {
    let base = json!({ "ir": ir(EXAMPLE), "policy_manifest": policy(), "secret_manifest": { "parameters": [] } });
    let with = |path: &[&str], value: Value| {
        let mut v = base.clone();
        let mut at = &mut v;
        for p in &path[..path.len() - 1] {
            at = &mut at[*p];
        }
        at[path[path.len() - 1]] = value;
        v
    };
    let cases = [
        (
            "secret manifest for a program without secret",
            with(
                &["secret_manifest"],
                json!({ "parameters": [{ "name": "S_v", "wire": "s" }] }),
            ),
            "QVM_PACKAGE_INVALID",
        ),
        (
            "secret manifest with extra member",
            with(&["secret_manifest"], json!({ "parameters": [], "x": 1 })),
            "QVM_PACKAGE_INVALID",
        ),
        (
            "secret manifest not an object",
            with(&["secret_manifest"], json!([])),
            "QVM_PACKAGE_INVALID",
        ),
        (
            "output names no node",
            with(&["ir", "output_node_id"], json!("nope")),
            "QVM_PACKAGE_INVALID",
        ),
        (
            "IR not an object",
            with(&["ir"], json!("input x")),
            "QVM_PACKAGE_INVALID",
        ),
        (
            "cost zero",
            with(&["policy_manifest", "cost_per_eval"], json!(0)),
            "QVM_POLICY_INVALID",
        ),
        (
            "rate zero",
            with(&["policy_manifest", "max_evals_per_minute"], json!(0)),
            "QVM_POLICY_INVALID",
        ),
        (
            "negative",
            with(&["policy_manifest", "cost_per_eval"], json!(-1)),
            "QVM_POLICY_INVALID",
        ),
        // The IR is checked first, then the policy, then the secret manifest.
        (
            "IR before policy",
            with(&["ir"], json!(null)).tap_policy(),
            "QVM_PACKAGE_INVALID",
        ),
    ];
    for (what, input, code) in cases {
        check(what, ops::program_id(&input), Err(code));
    }
    let mut policy_before_secret = with(&["secret_manifest"], json!(null));
    policy_before_secret["policy_manifest"] = json!({});
    check(
        "policy before secret manifest",
        ops::program_id(&policy_before_secret),
        Err("QVM_POLICY_INVALID"),
    );
    let mut secret_program = base.clone();
    secret_program["ir"] = ir(WITH_SECRET);
    check(
        "secret manifest missing its parameter",
        ops::program_id(&secret_program),
        Err("QVM_PACKAGE_INVALID"),
    );
}

trait TapPolicy {
    fn tap_policy(self) -> Self;
}

impl TapPolicy for Value {
    /// Also breaks the policy, to show which check comes first.
    fn tap_policy(mut self) -> Self {
        self["policy_manifest"] = json!({});
        self
    }
}

#[test]
fn packages_round_trip_and_loading_recomputes_everything() {
    let manifest = PolicyManifest::new(3, 30, 2).unwrap();
    let package = Package::build(program(AFFINE), manifest, "0.1.0").unwrap();
    let json = package.to_json();
    assert_eq!(json["format"], "quorumvm.package/1");
    assert_eq!(json["warnings"], json!([WARN_AFFINE_IN_SECRET]));
    assert_eq!(
        json["secret_manifest"],
        json!({ "parameters": [{ "name": "S_v", "wire": "s" }] })
    );
    let loaded = Package::from_json(&json).unwrap();
    assert_eq!(loaded.program_id(), package.program_id());
    assert_eq!(loaded.to_json(), json);
    assert_eq!(loaded.program().triples_per_evaluation(), 0);

    let broken = |f: &dyn Fn(&mut Value)| {
        let mut v = json.clone();
        f(&mut v);
        Package::from_json(&v).map(|p| p.to_json())
    };
    let invalid = "QVM_PACKAGE_INVALID";
    check(
        "format",
        broken(&|v| v["format"] = json!("quorumvm.package/2")),
        Err(invalid),
    );
    check(
        "version",
        broken(&|v| v["version"] = json!("1.0")),
        Err(invalid),
    );
    check(
        "version type",
        broken(&|v| v["version"] = json!(1)),
        Err(invalid),
    );
    check(
        "program_id",
        broken(&|v| v["program_id"] = json!("00".repeat(32))),
        Err(invalid),
    );
    check(
        "warnings",
        broken(&|v| v["warnings"] = json!([])),
        Err(invalid),
    );
    check(
        "unknown member",
        broken(&|v| v["extra"] = json!(1)),
        Err(invalid),
    );
    check(
        "missing member",
        broken(&|v| drop(v.as_object_mut().unwrap().remove("warnings"))),
        Err(invalid),
    );
    check(
        "secret manifest",
        broken(&|v| v["secret_manifest"] = json!({ "parameters": [] })),
        Err(invalid),
    );
    check(
        "policy",
        broken(&|v| v["policy_manifest"]["cost_per_eval"] = json!(0)),
        Err("QVM_POLICY_INVALID"),
    );
    check(
        "IR edited",
        broken(&|v| v["ir"]["nodes"][0]["id"] = json!("z")),
        Err(invalid),
    );
    check(
        "not an object",
        Package::from_json(&json!([])).map(|p| p.to_json()),
        Err(invalid),
    );
    // The version is not part of the id: changing it alone is a valid, different package.
    let other = broken(&|v| v["version"] = json!("9.9.9")).unwrap();
    assert_eq!(other["program_id"], json["program_id"]);
    assert_eq!(
        Package::build(program(AFFINE), manifest, "v1")
            .unwrap_err()
            .code(),
        invalid
    );
}

#[test]
fn affine_in_secret_analysis() {
    for (source, affine) in [
        (AFFINE, true),
        (
            "secret s\nconst c = 3\nmul y = s c\nadd z = y c\noutput z\n",
            true,
        ),
        (
            "input x\nsecret s\nconst c = 3\nsub y = c s\nmul z = x x\nadd o = y z\noutput o\n",
            false,
        ),
        ("input x\nsecret s\nmul y = x s\noutput y\n", false),
        (EXAMPLE, false),
        (WITH_SECRET, false),
        // The same gate cancelled: its coefficient is 0, the output is s.
        (
            "secret s\nmul u = s s\nsub w = u u\nadd o = w s\noutput o\n",
            true,
        ),
        // S_v multiplied by a public zero: no dependence on S_v.
        (
            "input x\nsecret s\nconst z = 0\nmul w = s z\nadd o = w x\noutput o\n",
            false,
        ),
        // S_v cancelled by subtraction.
        (
            "input x\nsecret s\nsub d = s s\nadd o = d x\noutput o\n",
            false,
        ),
        // Two different gates that cancel as functions are not seen through (documented).
        (
            "input x\nsecret s\nmul a = x x\nmul b = x x\nsub c = a b\nadd o = c s\noutput o\n",
            false,
        ),
        // A public chain scaling S_v: 2 * 3 = 6.
        (
            "secret s\nconst a = 2\nconst b = 3\nmul c = a b\nmul o = c s\noutput o\n",
            true,
        ),
    ] {
        let ir = dsl::compile(source).unwrap();
        assert_eq!(affine_in_secret(&ir), affine, "{source}");
    }
    let dep = output_dependence(&dsl::compile("input x\ninput y\nsecret s\nconst c = 5\nmul a = c s\nsub b = x a\nmul g = x y\nadd o = b g\nsub p = o y\noutput p\n").unwrap());
    assert_eq!(dep.secret, -Fp::new(5));
    assert_eq!(
        dep.inputs,
        vec![("x".into(), Fp::ONE), ("y".into(), -Fp::ONE)]
    );
    assert_eq!(dep.gates, vec![("g".into(), Fp::ONE)]);
    assert!(dep.through_multiplication() && !dep.affine_in_secret());
}

#[test]
fn eval_clear_operation() {
    let op = |input: Value| ops::eval_clear(&input);
    let example = ir(EXAMPLE);
    check(
        "5",
        op(json!({ "ir": example, "inputs": { "x": "5" } })),
        Ok(json!("144")),
    );
    check(
        "-7",
        op(json!({ "ir": example, "inputs": { "x": -7 } })),
        Ok(json!("0")),
    );
    check(
        "p-7",
        op(json!({ "ir": example, "inputs": { "x": "170141183460469231731687303715884105720" } })),
        Ok(json!("0")),
    );
    check(
        "null secret",
        op(json!({ "ir": example, "inputs": { "x": 1 }, "secret": null })),
        Ok(json!("64")),
    );
    check(
        "with secret",
        op(json!({ "ir": ir(WITH_SECRET), "inputs": { "x": "2" }, "secret": "9" })),
        Ok(json!("84")),
    );
    check(
        "missing input",
        op(json!({ "ir": example, "inputs": {} })),
        Err("QVM_INPUTS_INVALID"),
    );
    check(
        "extra input",
        op(json!({ "ir": example, "inputs": { "x": 1, "t": 2 } })),
        Err("QVM_INPUTS_INVALID"),
    );
    check(
        "inputs not object",
        op(json!({ "ir": example, "inputs": [1] })),
        Err("QVM_INPUTS_INVALID"),
    );
    check(
        "missing secret",
        op(json!({ "ir": ir(WITH_SECRET), "inputs": { "x": 1 } })),
        Err("QVM_INPUTS_INVALID"),
    );
    check(
        "unexpected secret",
        op(json!({ "ir": example, "inputs": { "x": 1 }, "secret": "1" })),
        Err("QVM_INPUTS_INVALID"),
    );
    check(
        "not an element",
        op(json!({ "ir": example, "inputs": { "x": "five" } })),
        Err("FIELD_ELEMENT_INVALID"),
    );
    check(
        "float",
        op(json!({ "ir": example, "inputs": { "x": 1.5 } })),
        Err("FIELD_ELEMENT_INVALID"),
    );
    check(
        "2^53",
        op(json!({ "ir": example, "inputs": { "x": 9_007_199_254_740_992_u64 } })),
        Err("FIELD_ELEMENT_INVALID"),
    );
    check(
        "secret not an element",
        op(json!({ "ir": ir(WITH_SECRET), "inputs": { "x": 1 }, "secret": true })),
        Err("FIELD_ELEMENT_INVALID"),
    );
    // Names are checked before values.
    check(
        "names first",
        op(json!({ "ir": example, "inputs": { "x": "five", "t": 1 } })),
        Err("QVM_INPUTS_INVALID"),
    );
    check(
        "bad IR",
        op(json!({ "ir": {}, "inputs": {} })),
        Err("QVM_PACKAGE_INVALID"),
    );
    check(
        "no inputs member",
        op(json!({ "ir": example })),
        Err("PROTO_CASE_INVALID"),
    );
}

#[test]
fn eval_threshold_operation_checks_in_order() {
    let example = ir(EXAMPLE);
    let base = json!({ "ir": example, "inputs": { "x": "5" }, "k": 3, "n": 5, "label": "qvm/threshold/example", "rounds": [[1, 2, 3], [3, 4, 5]] });
    let with = |name: &str, value: Value| {
        let mut v = base.clone();
        v[name] = value;
        v
    };
    assert_eq!(ops::eval_threshold(&base).unwrap()["output"], "144");
    for (what, input, code) in [
        ("bad IR", with("ir", json!({})), "QVM_PACKAGE_INVALID"),
        ("k zero", with("k", json!(0)), "SHAMIR_THRESHOLD_INVALID"),
        ("k above n", with("k", json!(6)), "SHAMIR_THRESHOLD_INVALID"),
        (
            "n above 255",
            with("n", json!(256)),
            "SHAMIR_THRESHOLD_INVALID",
        ),
        (
            "k not an integer",
            with("k", json!("3")),
            "SHAMIR_THRESHOLD_INVALID",
        ),
        (
            "n fractional",
            with("n", json!(5.5)),
            "SHAMIR_THRESHOLD_INVALID",
        ),
        (
            "label not a string",
            with("label", json!(1)),
            "PROTO_CASE_INVALID",
        ),
        (
            "missing input",
            with("inputs", json!({})),
            "QVM_INPUTS_INVALID",
        ),
        (
            "not an element",
            with("inputs", json!({ "x": "x" })),
            "FIELD_ELEMENT_INVALID",
        ),
        (
            "one list",
            with("rounds", json!([[1, 2, 3]])),
            "QVM_INPUTS_INVALID",
        ),
        (
            "custodian 6 of 5",
            with("rounds", json!([[1, 2, 6], [1, 2, 3]])),
            "QVM_INPUTS_INVALID",
        ),
        (
            "custodian 256",
            with("rounds", json!([[1, 2, 256], [1, 2, 3]])),
            "QVM_INPUTS_INVALID",
        ),
        (
            "custodian twice",
            with("rounds", json!([[1, 2, 2], [1, 2, 3]])),
            "QVM_INPUTS_INVALID",
        ),
        (
            "rounds not lists",
            with("rounds", json!([1, 2])),
            "QVM_INPUTS_INVALID",
        ),
        (
            "corrupt round 3",
            with("corrupt", json!({ "custodian": 1, "round": 3 })),
            "QVM_INPUTS_INVALID",
        ),
        (
            "corrupt custodian 0",
            with("corrupt", json!({ "custodian": 0, "round": 1 })),
            "QVM_INPUTS_INVALID",
        ),
        (
            "corrupt shape",
            with("corrupt", json!([2, 1])),
            "QVM_INPUTS_INVALID",
        ),
        (
            "two custodians",
            with("rounds", json!([[1, 2], [1, 2, 3]])),
            "QVM_QUORUM_UNAVAILABLE",
        ),
        (
            "two outputs",
            with("rounds", json!([[1, 2, 3], [4, 5]])),
            "QVM_QUORUM_UNAVAILABLE",
        ),
    ] {
        check(what, ops::eval_threshold(&input), Err(code));
    }
    // A threshold check comes before the inputs, the inputs before the schedule.
    let mut both = with("k", json!(0));
    both["inputs"] = json!({});
    check(
        "threshold first",
        ops::eval_threshold(&both),
        Err("SHAMIR_THRESHOLD_INVALID"),
    );
    let mut both = with("inputs", json!({}));
    both["rounds"] = json!([]);
    check(
        "inputs before rounds",
        ops::eval_threshold(&both),
        Err("QVM_INPUTS_INVALID"),
    );
    let null_corrupt = with("corrupt", Value::Null);
    assert_eq!(
        ops::eval_threshold(&null_corrupt).unwrap(),
        ops::eval_threshold(&base).unwrap()
    );
}

#[test]
fn policy_and_audit_operations() {
    let trace = ops::policy_trace(
        &json!({ "policy": policy(), "requests": [{ "t_ms": 0, "identity": "a", "succeeds": true }] }),
    );
    check(
        "trace",
        trace,
        Ok(json!([{ "decision": "allow", "budget_remaining": 9, "retry_after_ms": null }])),
    );
    check(
        "empty",
        ops::policy_trace(&json!({ "policy": policy(), "requests": [] })),
        Ok(json!([])),
    );
    check(
        "bad policy",
        ops::policy_trace(&json!({ "policy": { "cost_per_eval": 1 }, "requests": [] })),
        Err("QVM_POLICY_INVALID"),
    );
    for bad in [
        json!([{ "t_ms": -1, "identity": "a", "succeeds": true }]),
        json!([{ "t_ms": 0, "identity": 1, "succeeds": true }]),
        json!([{ "t_ms": 0, "identity": "a" }]),
        json!({}),
    ] {
        check(
            "bad request",
            ops::policy_trace(&json!({ "policy": policy(), "requests": bad })),
            Err("PROTO_CASE_INVALID"),
        );
    }
    let chained = ops::audit_chain(&json!({ "entries": [{ "k": 1 }, { "k": 2 }] })).unwrap();
    let verified = ops::audit_verify(&json!({ "entries": chained })).unwrap();
    assert_eq!(verified["valid"], true);
    assert_eq!(verified["head"], chained[1]["entry_hash"]);
    check(
        "chain not array",
        ops::audit_chain(&json!({ "entries": {} })),
        Err("QVM_AUDIT_INVALID"),
    );
    check(
        "verify not array",
        ops::audit_verify(&json!({ "entries": 1 })),
        Err("QVM_AUDIT_INVALID"),
    );
    check(
        "chain reserved",
        ops::audit_chain(&json!({ "entries": [{ "seq": 1 }] })),
        Err("QVM_AUDIT_INVALID"),
    );
    assert!(ops::run("qvm.audit_verify", &json!({ "entries": [] })).is_some());
    assert!(ops::run("qvm.nope", &json!({})).is_none());
}
