//! The IR read back from JSON (DSL-050, DSL-051) and cleartext evaluation (DSL-060, DSL-061).

// A test crate: helpers outside #[test] functions fail by panicking, as assertions do.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;

use field::Fp;
use serde_json::{Value, json};

const P: &str = "170141183460469231731687303715884105727";
const P_MINUS_1: &str = "170141183460469231731687303715884105726";

/// The IR of a program with every node type.
fn sample() -> Value {
    let source =
        "input x\nsecret s\nconst c = -1\nmul m = x s\nsub d = c m\nmul y = d c\noutput y\n";
    dsl::compile(source).unwrap().to_json()
}

/// Reads `ir`: `Ok(())` expects it accepted and written back unchanged (up to number form),
/// `Err(code)` expects that code.
fn check(ir: &Value, expect: Result<(), &str>) {
    match (dsl::Ir::from_json(ir), expect) {
        (Ok(got), Ok(())) => {
            let back = got.to_json();
            assert_eq!(dsl::Ir::from_json(&back).unwrap(), got);
            assert_eq!(dsl::compile(&got.to_source()).unwrap(), got);
        }
        (Err(e), Err(code)) => assert_eq!(e.code(), code, "{ir}: {e}"),
        (got, want) => panic!("{ir}: got {got:?}, want {want:?}"),
    }
}

/// `sample()` changed by `f`, expected invalid.
fn invalid(f: impl FnOnce(&mut Value)) {
    let mut ir = sample();
    f(&mut ir);
    check(&ir, Err("DSL_IR_INVALID"));
}

#[test]
fn ir_validation() {
    check(&sample(), Ok(()));
    assert_eq!(
        sample()["metadata"],
        json!({"node_count": 6, "mul_count": 1, "mul_depth": 1, "inputs": ["x"], "secret": "s"})
    );
    assert_eq!(sample()["nodes"][2]["value"], json!(P_MINUS_1));

    // 1: the top-level object.
    check(&json!([]), Err("DSL_IR_INVALID"));
    check(&json!(null), Err("DSL_IR_INVALID"));
    invalid(|v| drop(v.as_object_mut().unwrap().remove("format")));
    invalid(|v| v["format"] = json!("quorumvm.ir/2"));
    invalid(|v| v["format"] = json!(1));
    invalid(|v| v["extra"] = json!(null));
    invalid(|v| drop(v.as_object_mut().unwrap().remove("metadata")));

    // 2: the node array.
    invalid(|v| v["nodes"] = json!({}));
    invalid(|v| v["nodes"] = json!([]));
    // 10,000 nodes is one too many (9,999 is accepted: see below).
    let many = |n: usize| {
        let nodes: Vec<Value> = (0..n)
            .map(|i| json!({"id": format!("w{i}"), "type": "input", "op": null, "inputs": [], "value": null}))
            .collect();
        let inputs: Vec<String> = (0..n).map(|i| format!("w{i}")).collect();
        json!({"format": "quorumvm.ir/1", "nodes": nodes, "output_node_id": "w0",
               "metadata": {"node_count": n, "mul_count": 0, "mul_depth": 0, "inputs": inputs, "secret": null}})
    };
    check(&many(dsl::MAX_NODES), Ok(()));
    check(&many(dsl::MAX_NODES + 1), Err("DSL_IR_INVALID"));

    // 3: each node.
    invalid(|v| v["nodes"][0] = json!("x"));
    invalid(|v| v["nodes"][0]["extra"] = json!(1));
    invalid(|v| drop(v["nodes"][0].as_object_mut().unwrap().remove("value")));
    invalid(|v| v["nodes"][0]["id"] = json!(1));
    invalid(|v| v["nodes"][0]["id"] = json!("1x"));
    invalid(|v| v["nodes"][0]["id"] = json!("mul"));
    invalid(|v| v["nodes"][0]["id"] = json!("a".repeat(65)));
    invalid(|v| v["nodes"][0]["id"] = json!(""));
    invalid(|v| v["nodes"][0]["type"] = json!("gate"));
    invalid(|v| v["nodes"][0]["type"] = json!(null));
    invalid(|v| v["nodes"][0]["op"] = json!("add"));
    invalid(|v| v["nodes"][0]["inputs"] = json!(["x"]));
    invalid(|v| v["nodes"][0]["inputs"] = json!(null));
    invalid(|v| v["nodes"][0]["value"] = json!("1"));
    invalid(|v| v["nodes"][1]["value"] = json!("1"));
    for bad in [
        json!(7),
        json!("07"),
        json!("-1"),
        json!(P),
        json!(""),
        json!(null),
        json!("1e3"),
        json!(" 1"),
    ] {
        invalid(|v| v["nodes"][2]["value"] = bad);
    }
    invalid(|v| v["nodes"][2]["op"] = json!("add"));
    invalid(|v| v["nodes"][2]["inputs"] = json!(["x", "s"]));
    invalid(|v| v["nodes"][3]["op"] = json!(null));
    invalid(|v| v["nodes"][3]["op"] = json!("div"));
    invalid(|v| v["nodes"][3]["op"] = json!("MUL"));
    invalid(|v| v["nodes"][3]["inputs"] = json!(["x"]));
    invalid(|v| v["nodes"][3]["inputs"] = json!(["x", "s", "c"]));
    invalid(|v| v["nodes"][3]["inputs"] = json!(["x", 1]));
    invalid(|v| v["nodes"][3]["value"] = json!("0"));

    // 4: ids unique, inputs earlier, one secret.
    invalid(|v| v["nodes"][1]["id"] = json!("x"));
    invalid(|v| v["nodes"][3]["inputs"] = json!(["x", "d"])); // a later node
    invalid(|v| v["nodes"][3]["inputs"] = json!(["x", "m"])); // itself
    invalid(|v| v["nodes"][3]["inputs"] = json!(["x", "nope"]));
    invalid(|v| {
        v["nodes"][0] =
            json!({"id": "x", "type": "secret", "op": null, "inputs": [], "value": null});
    });

    // 5: the output.
    invalid(|v| v["output_node_id"] = json!("nope"));
    invalid(|v| v["output_node_id"] = json!(5));
    invalid(|v| v["output_node_id"] = json!(null));

    // 6: metadata equal to the recomputed values.
    invalid(|v| v["metadata"] = json!(null));
    invalid(|v| v["metadata"]["extra"] = json!(0));
    invalid(|v| drop(v["metadata"].as_object_mut().unwrap().remove("secret")));
    invalid(|v| v["metadata"]["node_count"] = json!(7));
    invalid(|v| v["metadata"]["node_count"] = json!("6"));
    invalid(|v| v["metadata"]["mul_count"] = json!(2));
    invalid(|v| v["metadata"]["mul_depth"] = json!(2));
    invalid(|v| v["metadata"]["mul_depth"] = json!(-1));
    invalid(|v| v["metadata"]["mul_depth"] = json!(1.5));
    invalid(|v| v["metadata"]["inputs"] = json!([]));
    invalid(|v| v["metadata"]["inputs"] = json!("x"));
    invalid(|v| v["metadata"]["secret"] = json!(null));
    invalid(|v| v["metadata"]["secret"] = json!("x"));
    // Numbers compare as numbers: 6.0 is 6 (RFC 8785 writes both as 6).
    let mut float = sample();
    float["metadata"]["node_count"] = json!(6.0);
    check(&float, Ok(()));
    // A program without a secret has `"secret": null`; saying otherwise is invalid.
    let mut no_secret = dsl::compile("input x\noutput x").unwrap().to_json();
    check(&no_secret, Ok(()));
    no_secret["metadata"]["secret"] = json!("x");
    check(&no_secret, Err("DSL_IR_INVALID"));

    // Errors carry a detail naming the check.
    let mut bad = sample();
    bad["nodes"][3]["inputs"] = json!(["x", "d"]);
    let e = dsl::Ir::from_json(&bad).unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid IR: node 3: input \"d\" is not an earlier node"
    );
}

#[test]
fn ir_built_in_memory() {
    use dsl::{BinOp, Node, NodeKind};
    let node = |id: &str, kind| Node {
        id: id.to_owned(),
        kind,
    };
    let ok = dsl::Ir::new(
        vec![
            node("a", NodeKind::Input),
            node(
                "b",
                NodeKind::Op {
                    op: BinOp::Mul,
                    lhs: 0,
                    rhs: 0,
                },
            ),
        ],
        1,
    )
    .unwrap();
    assert_eq!(ok, dsl::compile("input a\nmul b = a a\noutput b").unwrap());
    let code = |nodes, output| {
        dsl::Ir::new(nodes, output)
            .map(|_| ())
            .map_err(|e| e.code())
    };
    assert_eq!(code(vec![], 0), Err("DSL_IR_INVALID"));
    assert_eq!(
        code(vec![node("a", NodeKind::Input)], 1),
        Err("DSL_IR_INVALID")
    );
    assert_eq!(
        code(vec![node("a b", NodeKind::Input)], 0),
        Err("DSL_IR_INVALID")
    );
    assert_eq!(
        code(
            vec![node(
                "a",
                NodeKind::Op {
                    op: BinOp::Add,
                    lhs: 0,
                    rhs: 0
                }
            )],
            0
        ),
        Err("DSL_IR_INVALID")
    );
    assert_eq!(
        code(
            vec![node("a", NodeKind::Secret), node("b", NodeKind::Secret)],
            0
        ),
        Err("DSL_IR_INVALID")
    );
}

fn inputs(pairs: &[(&str, u128)]) -> BTreeMap<String, Fp> {
    pairs
        .iter()
        .map(|&(k, v)| (k.to_owned(), Fp::new(v)))
        .collect()
}

#[test]
fn eval_checks_inputs() {
    let ir =
        dsl::compile("input x\ninput y\nsecret s\nadd t = x y\nmul z = t s\noutput z").unwrap();
    let code = |map: &BTreeMap<String, Fp>, secret: Option<u128>| {
        ir.eval(map, secret.map(Fp::new)).map_err(|e| e.code())
    };
    assert_eq!(
        code(&inputs(&[("x", 2), ("y", 3)]), Some(4)),
        Ok(Fp::new(20))
    );
    let invalid = Err("DSL_EVAL_INPUTS_INVALID");
    assert_eq!(code(&inputs(&[("x", 2)]), Some(4)), invalid);
    assert_eq!(
        code(&inputs(&[("x", 2), ("y", 3), ("w", 1)]), Some(4)),
        invalid
    );
    assert_eq!(
        code(&inputs(&[("x", 2), ("y", 3), ("t", 1)]), Some(4)),
        invalid
    ); // not an input
    assert_eq!(
        code(&inputs(&[("x", 2), ("y", 3), ("s", 1)]), Some(4)),
        invalid
    ); // the secret
    assert_eq!(code(&inputs(&[("x", 2), ("y", 3)]), None), invalid);
    let no_secret = dsl::compile("input x\noutput x").unwrap();
    let e = no_secret
        .eval(&inputs(&[("x", 1)]), Some(Fp::ONE))
        .unwrap_err();
    assert_eq!(e.code(), "DSL_EVAL_INPUTS_INVALID");
    assert_eq!(
        e.to_string(),
        "evaluation inputs do not match the program: a secret was given but the program has none"
    );
}

#[test]
fn eval_example_and_wraparound() {
    let example =
        dsl::compile("input x\nconst c = 7\nadd t = x c\nmul y = t t\noutput y\n").unwrap();
    assert_eq!(
        example.eval(&inputs(&[("x", 3)]), None).unwrap(),
        Fp::new(100)
    );
    // x = -7 mod p: t = 0.
    let minus_seven = Fp::ZERO - Fp::new(7);
    let map = [("x".to_owned(), minus_seven)].into();
    assert_eq!(example.eval(&map, None).unwrap(), Fp::ZERO);

    // sub takes its operands in order, and wraps.
    let ir = dsl::compile("input a\ninput b\nsub d = a b\noutput d").unwrap();
    let d = ir.eval(&inputs(&[("a", 1), ("b", 2)]), None).unwrap();
    assert_eq!(d.to_string(), P_MINUS_1);
    let ir = dsl::compile("secret s\nconst m = -1\nmul y = s m\nmul z = y y\noutput z").unwrap();
    assert_eq!(
        ir.eval(&inputs(&[]), Some(Fp::new(5))).unwrap(),
        Fp::new(25)
    );
    // A large product reduces: (2^126)^2 = 2^252 = 2^(127*1 + 125) = 2^125 * 2^127 = 2^125 mod p.
    let ir = dsl::compile("input a\nmul y = a a\noutput y").unwrap();
    let got = ir.eval(&inputs(&[("a", 1 << 126)]), None).unwrap();
    assert_eq!(got, Fp::new(1 << 125));
    // The output is evaluated even when it is not the last node.
    let ir = dsl::compile("input a\noutput a\nmul d = a a").unwrap();
    assert_eq!(ir.eval(&inputs(&[("a", 9)]), None).unwrap(), Fp::new(9));
}
