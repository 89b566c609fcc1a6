//! Properties: random well-formed programs compile to the IR an independent model predicts and
//! round-trip through JSON and source; no input of any kind makes the compiler or the IR reader
//! panic, and diagnostics are always sorted with distinct positions.

// A test crate: helpers outside #[test] functions fail by panicking, as assertions do.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::collections::BTreeMap;

use field::Fp;
use proptest::prelude::*;
use serde_json::{Value, json};

/// A statement of the program body: a constant, or an operation on two earlier wires (chosen
/// modulo the number of wires defined so far).
#[derive(Debug, Clone)]
enum Body {
    Const(String),
    Op(usize, usize, usize),
}

/// A random well-formed program and how to lay it out.
#[derive(Debug, Clone)]
struct Program {
    inputs: usize,
    secret: bool,
    body: Vec<Body>,
    output: usize,
    output_early: bool,
    prefix: &'static str,
    /// Layout choices, used cyclically: separators, comments, blank lines, line ends.
    layout: Vec<u8>,
    comment: String,
}

fn program() -> impl Strategy<Value = Program> {
    let body = prop_oneof![
        1 => "-?[0-9]{1,60}".prop_map(Body::Const),
        4 => (0..3usize, any::<usize>(), any::<usize>()).prop_map(|(o, a, b)| Body::Op(o, a, b)),
    ];
    (
        1..4usize,
        any::<bool>(),
        proptest::collection::vec(body, 0..40),
        any::<usize>(),
        any::<bool>(),
        prop::sample::select(vec!["w", "_", "Wire_", "a"]),
        proptest::collection::vec(any::<u8>(), 1..64),
        "[^\n]{0,20}",
    )
        .prop_map(
            |(inputs, secret, body, output, output_early, prefix, layout, comment)| Program {
                inputs,
                secret,
                body,
                output,
                output_early,
                prefix,
                layout,
                comment,
            },
        )
}

/// The model's view of one node: id, kind, operands, constant value.
#[derive(Debug, Clone)]
struct Model {
    id: String,
    kind: &'static str,
    op: usize,
    operands: (usize, usize),
    value: Fp,
}

impl Program {
    fn model(&self) -> (Vec<Model>, usize) {
        let mut nodes = Vec::new();
        let node = |id: String, kind, op, operands, value| Model {
            id,
            kind,
            op,
            operands,
            value,
        };
        for i in 0..self.inputs {
            nodes.push(node(format!("in{i}"), "input", 0, (0, 0), Fp::ZERO));
        }
        if self.secret {
            nodes.push(node("s".into(), "secret", 0, (0, 0), Fp::ZERO));
        }
        for (i, b) in self.body.iter().enumerate() {
            let id = format!("{}{i}", self.prefix);
            let n = nodes.len();
            nodes.push(match b {
                Body::Const(text) => node(id, "const", 0, (0, 0), Fp::parse(text).unwrap()),
                Body::Op(op, a, b) => node(id, "op", *op, (a % n, b % n), Fp::ZERO),
            });
        }
        let output = self.output % nodes.len();
        (nodes, output)
    }

    fn source(&self) -> String {
        let (nodes, output) = self.model();
        let mut layout = self.layout.iter().copied().cycle();
        let mut next = move || layout.next().unwrap_or(0);
        let mut out = String::new();
        let mut line = |out: &mut String, tokens: &[&str]| {
            let seps = [" ", "\t", "  ", " \t "];
            if next() % 4 == 0 {
                out.push_str(seps[usize::from(next()) % 4]);
            }
            for (i, t) in tokens.iter().enumerate() {
                if i > 0 {
                    out.push_str(seps[usize::from(next()) % 4]);
                }
                out.push_str(t);
            }
            match next() % 4 {
                0 => {
                    out.push_str(" #");
                    out.push_str(&self.comment);
                }
                1 => out.push('#'),
                _ => {}
            }
            out.push_str(if next() % 3 == 0 { "\r\n" } else { "\n" });
            if next() % 5 == 0 {
                out.push_str("\n# a comment line\n");
            }
        };
        let ops = ["add", "sub", "mul"];
        let output_id = nodes[output].id.clone();
        for (i, n) in nodes.iter().enumerate() {
            let value;
            let tokens: Vec<&str> = match n.kind {
                "input" => vec!["input", &n.id],
                "secret" => vec!["secret", &n.id],
                "const" => {
                    let Body::Const(text) = &self.body[i - self.inputs - usize::from(self.secret)]
                    else {
                        unreachable!()
                    };
                    value = text.clone();
                    vec!["const", &n.id, "=", &value]
                }
                _ => vec![
                    ops[n.op],
                    &n.id,
                    "=",
                    &nodes[n.operands.0].id,
                    &nodes[n.operands.1].id,
                ],
            };
            line(&mut out, &tokens);
            if self.output_early && i == output {
                line(&mut out, &["output", &output_id]);
            }
        }
        if !self.output_early {
            line(&mut out, &["output", &output_id]);
        }
        out
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// DSL-007, DSL-040 to DSL-045, DSL-051 and DSL-061, checked against an independent model.
    #[test]
    fn ir_json_round_trips(p in program(), values in proptest::collection::vec(any::<u128>(), 5)) {
        let source = p.source();
        let ir = match dsl::compile(&source) {
            Ok(ir) => ir,
            Err(d) => panic!("{source}\n{d:?}"),
        };
        let (nodes, output) = p.model();

        // The model: public nodes, depths, counts.
        let mut public: Vec<bool> = Vec::new();
        let mut depth: Vec<usize> = Vec::new();
        let mut mul_count = 0;
        for n in &nodes {
            let (pb, d) = match n.kind {
                "const" => (true, 0),
                "op" => {
                    let (a, b) = n.operands;
                    let secure = n.op == 2 && !public[a] && !public[b];
                    mul_count += usize::from(secure);
                    (public[a] && public[b], depth[a].max(depth[b]) + usize::from(secure))
                }
                _ => (false, 0),
            };
            public.push(pb);
            depth.push(d);
        }
        let m = ir.metadata();
        prop_assert_eq!(m.node_count, nodes.len());
        prop_assert_eq!(m.mul_count, mul_count);
        prop_assert_eq!(m.mul_depth, depth.iter().copied().max().unwrap());
        prop_assert_eq!(ir.output(), output);
        for i in 0..nodes.len() {
            prop_assert_eq!(ir.is_public(i), public[i]);
            prop_assert_eq!(ir.depth(i), depth[i]);
        }

        // The JSON, node by node.
        let json = ir.to_json();
        prop_assert_eq!(&json["output_node_id"], &json!(nodes[output].id));
        for (i, n) in nodes.iter().enumerate() {
            let node = &json["nodes"][i];
            prop_assert_eq!(&node["id"], &json!(n.id));
            prop_assert_eq!(&node["type"], &json!(n.kind));
            if n.kind == "const" {
                prop_assert_eq!(&node["value"], &json!(n.value.to_string()));
            }
            if n.kind == "op" {
                let ids = json!([nodes[n.operands.0].id, nodes[n.operands.1].id]);
                prop_assert_eq!(&node["inputs"], &ids);
            }
        }

        // Round trips: JSON, JSON text, source.
        let back = dsl::Ir::from_json(&json).unwrap();
        prop_assert_eq!(&back, &ir);
        let text: Value = serde_json::from_str(&json.to_string()).unwrap();
        prop_assert_eq!(&dsl::Ir::from_json(&text).unwrap(), &ir);
        prop_assert_eq!(&dsl::compile(&ir.to_source()).unwrap(), &ir);

        // Evaluation against the model.
        let mut inputs = BTreeMap::new();
        let mut model_values = Vec::new();
        for (i, n) in nodes.iter().enumerate() {
            let v = match n.kind {
                "input" | "secret" => Fp::new(values[i % values.len()]),
                "const" => n.value,
                _ => {
                    let (a, b) = (model_values[n.operands.0], model_values[n.operands.1]);
                    [a + b, a - b, a * b][n.op]
                }
            };
            if n.kind == "input" {
                inputs.insert(n.id.clone(), v);
            }
            model_values.push(v);
        }
        let secret = nodes.iter().position(|n| n.kind == "secret").map(|i| model_values[i]);
        prop_assert_eq!(ir.eval(&inputs, secret).unwrap(), model_values[output]);
    }

    /// DSL-002 and the no-panic invariant, on arbitrary bytes.
    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_outcome(dsl::compile_bytes(&bytes));
    }

    /// Sources built from the language's own tokens reach every check; whatever the result, it
    /// is consistent.
    #[test]
    fn token_soup_never_panics(parts in proptest::collection::vec(prop::sample::select(vec![
        "input", "const", "secret", "add", "sub", "mul", "output", "=", "x", "y", "t", "Input",
        "7", "-1", "1.5", "#c", "\n", "\n", "\n", "\r\n", "\r", " ", " ", " ", "\t", "é", "\u{1}",
        "1x", "a-b", "output y", "input x\n", "add t = x x\n",
    ]), 0..60)) {
        let source = parts.concat();
        check_outcome(dsl::compile(&source));
    }

    /// A valid IR with one member replaced is rejected with DSL_IR_INVALID, or, when still
    /// valid, reads back to itself.
    #[test]
    fn mutated_ir_is_rejected_or_round_trips(
        p in program(),
        at in any::<usize>(),
        member in prop::sample::select(vec!["id", "type", "op", "inputs", "value", "@format",
            "@output_node_id", "@metadata", "@nodes", "#node_count", "#mul_count", "#mul_depth",
            "#inputs", "#secret", "!extra"]),
        replacement in prop::sample::select(vec![
            json!(null), json!(0), json!(1), json!(-1), json!(2.5), json!("x"), json!("in0"),
            json!("s"), json!("w0"), json!("add"), json!("mul"), json!("const"), json!("op"),
            json!("input"), json!("secret"), json!("7"), json!("07"), json!([]), json!(["in0"]),
            json!(["in0", "in0"]), json!({}), json!(true),
        ]),
    ) {
        let mut json = dsl::compile(&p.source()).unwrap().to_json();
        let n = json["nodes"].as_array().unwrap().len();
        match member.split_at(1) {
            ("@", top) => json[top] = replacement,
            ("#", name) => json["metadata"][name] = replacement,
            ("!", name) => json["nodes"][at % n][name] = replacement,
            _ => json["nodes"][at % n][member] = replacement,
        }
        match dsl::Ir::from_json(&json) {
            Ok(ir) => prop_assert_eq!(ir.to_json(), json),
            Err(e) => prop_assert_eq!(e.code(), "DSL_IR_INVALID"),
        }
    }
}

/// A compile result is either an IR that round-trips, or a non-empty list of coded diagnostics
/// at distinct, increasing, 1-based positions.
fn check_outcome(result: Result<dsl::Ir, Vec<dsl::Diagnostic>>) {
    match result {
        Ok(ir) => {
            assert_eq!(dsl::Ir::from_json(&ir.to_json()).unwrap(), ir);
            assert_eq!(dsl::compile(&ir.to_source()).unwrap(), ir);
        }
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty());
            for pair in diagnostics.windows(2) {
                assert!(
                    (pair[0].line, pair[0].col) < (pair[1].line, pair[1].col),
                    "{diagnostics:?}"
                );
            }
            for d in &diagnostics {
                assert!(
                    d.code.starts_with("DSL_") && d.line >= 1 && d.col >= 1,
                    "{d}"
                );
            }
        }
    }
}
