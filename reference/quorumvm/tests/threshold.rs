//! Threshold evaluation (spec/quorumvm.md §4): the 3-of-5 example from every subset, quorum
//! and consistency failures, catch-up, the K-1 view, and random programs against the
//! cleartext evaluator.

// A test crate: helpers outside #[test] functions fail by panicking, as assertions do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use canon::drbg::Drbg;
use dsl::{BinOp, Ir, Node, NodeKind};
use field::Fp;
use proptest::prelude::*;
use quorumvm::coordinator::{Coordinator, Step};
use quorumvm::custodian::Custodian;
use quorumvm::deal::{Installation, TripleShare, deal};
use quorumvm::eval::{Inputs, eval_clear};
use quorumvm::message::{FromCustodian, ToCustodian};
use quorumvm::package::Program;
use quorumvm::simulate::{Corruption, Simulation, check_schedule, threshold_transcript};
use shamir::{Share, Threshold};

const EXAMPLE: &str = "input x\nconst c = 7\nadd t = x c\nmul y = t t\noutput y\n";

fn program(source: &str) -> Program {
    Program::new(dsl::compile(source).unwrap())
}

fn inputs(program: &Program, values: &[(&str, u128)]) -> Inputs {
    let map: BTreeMap<String, Fp> = values
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Fp::new(*v)))
        .collect();
    Inputs::new(program, &map).unwrap()
}

fn threshold(k: usize, n: usize) -> Threshold {
    Threshold::new(k, n).unwrap()
}

/// Runs the example with `rounds` and returns the output or the error code.
fn example(x: u128, rounds: &[&[u8]], corrupt: Option<Corruption>) -> Result<Fp, &'static str> {
    let p = program(EXAMPLE);
    let rounds: Vec<Vec<u8>> = rounds.iter().map(|r| r.to_vec()).collect();
    let t = threshold(3, 5);
    check_schedule(&p, t, &rounds, corrupt).map_err(|e| e.code())?;
    threshold_transcript(
        &p,
        &inputs(&p, &[("x", x)]),
        None,
        t,
        "example",
        &rounds,
        corrupt,
    )
    .map(|t| t.output)
    .map_err(|e| e.code())
}

fn subsets_of_3() -> Vec<[u8; 3]> {
    let mut out = Vec::new();
    for a in 1..=5u8 {
        for b in a + 1..=5 {
            for c in b + 1..=5 {
                out.push([a, b, c]);
            }
        }
    }
    out
}

#[test]
fn example_3_of_5_reconstructs_from_every_3_subset() {
    let subsets = subsets_of_3();
    assert_eq!(subsets.len(), 10);
    for x in [
        0u128,
        5,
        123_456_789,
        field::MODULUS - 7,
        field::MODULUS - 1,
    ] {
        let want = (Fp::new(x) + Fp::new(7)) * (Fp::new(x) + Fp::new(7));
        for s in &subsets {
            assert_eq!(example(x, &[s, s], None), Ok(want), "x = {x}, subset {s:?}");
            // A different subset for the output round: the others catch up.
            let other = subsets[(subsets.iter().position(|o| o == s).unwrap() + 3) % 10];
            assert_eq!(
                example(x, &[s, &other], None),
                Ok(want),
                "{s:?} then {other:?}"
            );
        }
    }
    assert_eq!(
        example(5, &[&[1, 2, 3], &[3, 4, 5]], None),
        Ok(Fp::new(144))
    );
}

#[test]
fn example_with_two_custodians_is_quorum_unavailable() {
    assert_eq!(
        example(5, &[&[1, 2], &[1, 2, 3]], None),
        Err("QVM_QUORUM_UNAVAILABLE")
    );
    assert_eq!(
        example(5, &[&[1, 2, 3], &[4, 5]], None),
        Err("QVM_QUORUM_UNAVAILABLE")
    );
    assert_eq!(
        example(5, &[&[], &[1, 2, 3]], None),
        Err("QVM_QUORUM_UNAVAILABLE")
    );
}

#[test]
fn corrupted_custodian_is_detected_when_more_than_k_answer() {
    let lie = |custodian, round| Some(Corruption { custodian, round });
    // In the opening round, wherever the liar is in the list.
    for liar in 1..=4u8 {
        assert_eq!(
            example(5, &[&[1, 2, 3, 4], &[1, 2, 3]], lie(liar, 1)),
            Err("QVM_INCONSISTENT_SHARES"),
            "liar {liar} in round 1"
        );
    }
    // In the output round.
    assert_eq!(
        example(5, &[&[1, 2, 3], &[1, 2, 3, 5]], lie(5, 2)),
        Err("QVM_INCONSISTENT_SHARES")
    );
    assert_eq!(
        example(5, &[&[1, 2, 3], &[5, 4, 3, 2, 1]], lie(1, 2)),
        Err("QVM_INCONSISTENT_SHARES")
    );
    // Exactly K answer: nothing to check against, the output is silently wrong (semi-honest).
    let wrong = example(5, &[&[1, 2, 3], &[1, 2, 3]], lie(2, 1)).unwrap();
    assert_ne!(wrong, Fp::new(144));
    // A liar that is not asked changes nothing.
    assert_eq!(
        example(5, &[&[1, 2, 3], &[1, 2, 3]], lie(5, 1)),
        Ok(Fp::new(144))
    );
}

#[test]
fn inconsistency_names_the_round_and_the_custodians() {
    let p = program(EXAMPLE);
    let err = threshold_transcript(
        &p,
        &inputs(&p, &[("x", 5)]),
        None,
        threshold(3, 5),
        "example",
        &[vec![4, 1, 2, 3], vec![1, 2, 3]],
        Some(Corruption {
            custodian: 2,
            round: 1,
        }),
    )
    .unwrap_err();
    match err {
        quorumvm::Error::InconsistentShares {
            round, custodians, ..
        } => {
            assert_eq!(round, 1);
            assert_eq!(custodians, vec![4, 1, 2, 3]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn schedules_that_do_not_fit_are_inputs_invalid() {
    let bad: [(&[&[u8]], Option<Corruption>); 6] = [
        (&[&[1, 2, 3]], None),
        (&[&[1, 2, 3], &[1, 2, 3], &[1, 2, 3]], None),
        (&[&[1, 2, 6], &[1, 2, 3]], None),
        (&[&[0, 1, 2], &[1, 2, 3]], None),
        (&[&[1, 2, 2, 3], &[1, 2, 3]], None),
        (
            &[&[1, 2, 3], &[1, 2, 3]],
            Some(Corruption {
                custodian: 1,
                round: 3,
            }),
        ),
    ];
    for (rounds, corrupt) in bad {
        assert_eq!(
            example(5, rounds, corrupt),
            Err("QVM_INPUTS_INVALID"),
            "{rounds:?}"
        );
    }
}

#[test]
fn every_custodian_catches_up_and_all_output_shares_agree() {
    let p = program(
        "input x\nsecret s\nmul a = x s\nmul b = a a\nmul c = b x\nadd o = c s\noutput o\n",
    );
    let t = threshold(3, 6);
    let ins = inputs(&p, &[("x", 11)]);
    let s = Some(Fp::new(1_000_003));
    let want = eval_clear(&p, &ins, s).unwrap();
    let mut simulation = Simulation::start(&p, &ins, s, t, "catch-up").unwrap();
    // Custodians 4..6 never answer a multiplication round; 1 misses round 2.
    let rounds = [vec![1, 2, 3], vec![2, 3, 4], vec![1, 3, 5], vec![6, 5, 4]];
    assert_eq!(simulation.run(&rounds, None).unwrap(), want);
    let mut shares = Vec::new();
    for x in 1..=6u8 {
        match simulation.catch_up(x).unwrap() {
            FromCustodian::Output { share, .. } => shares.push(Share { x, y: share }),
            other => panic!("custodian {x}: {other:?}"),
        }
    }
    assert_eq!(shamir::reconstruct(3, &shares).unwrap(), want);
}

#[test]
fn programs_without_multiplication_have_only_the_output_round() {
    let p = program(
        "input x\nsecret s\nconst k = 3\nmul xs = x k\nsub y = k xs\nadd z = y s\noutput z\n",
    );
    let ins = inputs(&p, &[("x", 2)]);
    let t = threshold(3, 4);
    let tr = threshold_transcript(
        &p,
        &ins,
        Some(Fp::new(41)),
        t,
        "affine",
        &[vec![4, 2, 1]],
        None,
    )
    .unwrap();
    assert_eq!(tr.output, Fp::new(3) - Fp::new(6) + Fp::new(41));
    assert_eq!((tr.rounds, tr.openings.len(), tr.triples.len()), (1, 0, 0));
    // A public output (constants only).
    let p = program("input x\nconst a = 2\nconst b = 5\nmul c = a b\noutput c\n");
    let ins = inputs(&p, &[("x", 2)]);
    let tr = threshold_transcript(&p, &ins, None, t, "public", &[vec![1, 2, 3]], None).unwrap();
    assert_eq!(tr.output, Fp::new(10));
}

#[test]
fn transcript_json_has_the_contract_shape() {
    let p = program(EXAMPLE);
    let tr = threshold_transcript(
        &p,
        &inputs(&p, &[("x", 5)]),
        None,
        threshold(3, 5),
        "qvm/threshold/example",
        &[vec![1, 2, 3], vec![3, 4, 5]],
        None,
    )
    .unwrap();
    let json = tr.to_json();
    assert_eq!(json["output"], "144");
    assert_eq!(json["rounds"], 2);
    assert_eq!(json["triples"], serde_json::json!(["y"]));
    let opening = &json["openings"][0][0];
    assert_eq!(opening["gate"], "y");
    assert!(opening["d"].is_string() && opening["e"].is_string());
    assert_eq!(json.as_object().unwrap().len(), 4);
}

/// The DRBG order of QVM-040, recomputed by hand for the example: no secret; one gate `y`:
/// a, b, then the k-1 coefficients of a, b, c; then the k-1 coefficients of x.
#[test]
fn transcript_follows_the_drbg_order() {
    let p = program(EXAMPLE);
    let (k, n) = (3, 5);
    let mut drbg = Drbg::new("order");
    let a = Fp::random(&mut drbg);
    let b = Fp::random(&mut drbg);
    let t = threshold(k, n);
    let _a_shares = shamir::share(a, t, &mut drbg);
    let _b_shares = shamir::share(b, t, &mut drbg);
    let _c_shares = shamir::share(a * b, t, &mut drbg);
    let x = Fp::new(5);
    let tt = x + Fp::new(7);
    let tr = threshold_transcript(
        &p,
        &inputs(&p, &[("x", 5)]),
        None,
        t,
        "order",
        &[vec![1, 2, 3], vec![1, 2, 3]],
        None,
    )
    .unwrap();
    let (_, opening) = &tr.openings[0][0];
    assert_eq!(opening.d, tt - a);
    assert_eq!(opening.e, tt - b);
}

/// QVM-050: the view of any K-1 custodians is the same for two different (S_v, inputs):
/// for each sharing, the second world's shares are the first's plus `delta * L(x)`, where `L`
/// has degree K-1, `L(0) = 1` and `L` vanishes on the K-1 custodians; triples are shifted so
/// that every opening is unchanged. This map is a bijection on dealer randomness, so the two
/// views are identically distributed.
#[test]
fn k_minus_1_custodians_see_the_same_view_for_different_secrets_and_inputs() {
    let source = "input x\ninput y\nsecret s\nmul a = x s\nadd b = a y\nmul c = b b\nmul d = c x\nsub o = d s\noutput o\n";
    let p = program(source);
    let (k, n) = (3, 5);
    let t = threshold(k, n);
    let coalition = [2u8, 5];
    let world1 = (vec![("x", 10u128), ("y", 20)], 777u128);
    let world2 = (vec![("x", 999u128), ("y", 1)], 123_456u128);
    let ins1 = inputs(&p, &world1.0);
    let ins2 = inputs(&p, &world2.0);
    let (s1, s2) = (Fp::new(world1.1), Fp::new(world2.1));
    let ir = p.ir();
    let wires1 = wire_values(ir, &ins1, s1);
    let wires2 = wire_values(ir, &ins2, s2);

    // L(x) = prod_{t in coalition} (x - t) / (0 - t).
    let l = |x: u8| -> Fp {
        coalition.iter().fold(Fp::ONE, |acc, &c| {
            acc * (Fp::from(x) - Fp::from(c)) * (Fp::ZERO - Fp::from(c)).inv().unwrap()
        })
    };
    let shift = |share: Fp, x: u8, delta: Fp| share + delta * l(x);

    let mut drbg = Drbg::new("view");
    let dealt1 = deal(&p, t, Some(s1), 0..1, &mut drbg).unwrap();
    let mut rng1 = Drbg::new("inputs");
    let (coordinator1, begins1) =
        Coordinator::start_program("pid", &p, t, "r", 0, &ins1, &mut rng1).unwrap();

    // World 2: every sharing shifted on the complement of the coalition.
    let secure: Vec<usize> = (0..ir.nodes().len())
        .filter(|&i| ir.is_secure_mul(i))
        .collect();
    let mut dealt2 = Vec::new();
    for inst in &dealt1 {
        let x = inst.x;
        let secret = inst
            .secret
            .map(|s| shift(s, x, Fp::new(world2.1) - Fp::new(world1.1)));
        let mut triples = BTreeMap::new();
        let shares: Vec<TripleShare> = inst.triples[&0]
            .iter()
            .zip(&secure)
            .map(|(ts, &g)| {
                let NodeKind::Op { lhs, rhs, .. } = ir.nodes()[g].kind else {
                    unreachable!()
                };
                // a2 = a1 + (x2 - x1) keeps d = x - a; likewise b; c2 = a2 * b2.
                let da = wires2[lhs] - wires1[lhs];
                let db = wires2[rhs] - wires1[rhs];
                let (a1, b1) = triple_values(&dealt1, &ts.gate, k);
                let (a2, b2) = (a1 + da, b1 + db);
                TripleShare {
                    gate: ts.gate.clone(),
                    a: shift(ts.a, x, da),
                    b: shift(ts.b, x, db),
                    c: shift(ts.c, x, a2 * b2 - a1 * b1),
                }
            })
            .collect();
        triples.insert(0, shares);
        dealt2.push(Installation { x, secret, triples });
    }
    let begins2: Vec<(u8, ToCustodian)> = begins1
        .iter()
        .map(|(x, m)| {
            let ToCustodian::Begin {
                program_id,
                request_id,
                slot,
                inputs,
            } = m
            else {
                unreachable!()
            };
            let shifted = inputs
                .iter()
                .map(|(w, s)| {
                    let i = ir.index_of(w).unwrap();
                    (w.clone(), shift(*s, *x, wires2[i] - wires1[i]))
                })
                .collect();
            (
                *x,
                ToCustodian::Begin {
                    program_id: program_id.clone(),
                    request_id: request_id.clone(),
                    slot: *slot,
                    inputs: shifted,
                },
            )
        })
        .collect();
    let coordinator2 =
        Coordinator::start_program("pid", &p, t, "r", 0, &ins2, &mut Drbg::new("inputs"))
            .unwrap()
            .0;

    let run =
        |dealt: Vec<Installation>, begins: Vec<(u8, ToCustodian)>, mut coordinator: Coordinator| {
            let mut custodians: Vec<Custodian> = dealt
                .into_iter()
                .map(|i| Custodian::install_program("pid", p.clone(), t, i).unwrap())
                .collect();
            let mut views: BTreeMap<u8, Vec<String>> = BTreeMap::new();
            let mut inbox: Vec<ToCustodian> = begins.into_iter().map(|(_, m)| m).collect();
            loop {
                let mut answers = Vec::new();
                for (c, m) in custodians.iter_mut().zip(&inbox) {
                    let answer = c.handle(m).unwrap();
                    views
                        .entry(c.x())
                        .or_default()
                        .push(format!("{m:?} {}", dump(m)));
                    answers.push((c.x(), answer));
                }
                // Every custodian answers, all checked for consistency.
                for (x, a) in answers {
                    coordinator.receive(x, a).unwrap();
                }
                match coordinator.close_round().unwrap() {
                    Step::Open(m) => inbox = vec![m; n],
                    Step::Done(out) => return (out, views),
                }
            }
        };
    let (out1, views1) = run(dealt1.clone(), begins1, coordinator1);
    let (out2, views2) = run(dealt2.clone(), begins2, coordinator2);
    assert_eq!(out1, eval_clear(&p, &ins1, Some(s1)).unwrap());
    assert_eq!(out2, eval_clear(&p, &ins2, Some(s2)).unwrap());
    assert_ne!(out1, out2);
    for x in coalition {
        let i = usize::from(x - 1);
        assert_eq!(dealt1[i], dealt2[i], "custodian {x}'s installation");
        assert_eq!(views1[&x], views2[&x], "custodian {x}'s messages");
    }
    // The others' views differ (the map is not the identity).
    assert_ne!(dealt1[0], dealt2[0]);
}

/// The cleartext value of every node.
fn wire_values(ir: &Ir, ins: &Inputs, secret: Fp) -> Vec<Fp> {
    let given: BTreeMap<&str, Fp> = ins.values().iter().map(|(w, v)| (w.as_str(), *v)).collect();
    let mut out: Vec<Fp> = Vec::new();
    for node in ir.nodes() {
        let v = match node.kind {
            NodeKind::Input => given[node.id.as_str()],
            NodeKind::Secret => secret,
            NodeKind::Const(c) => c,
            NodeKind::Op { op, lhs, rhs } => op.apply(out[lhs], out[rhs]),
        };
        out.push(v);
    }
    out
}

/// The dealt (a, b) of a gate, reconstructed from the first k installations.
fn triple_values(dealt: &[Installation], gate: &str, k: usize) -> (Fp, Fp) {
    let pick = |f: fn(&TripleShare) -> Fp| {
        let shares: Vec<Share> = dealt
            .iter()
            .take(k)
            .map(|i| Share {
                x: i.x,
                y: f(i.triples[&0].iter().find(|t| t.gate == gate).unwrap()),
            })
            .collect();
        shamir::reconstruct(k, &shares).unwrap()
    };
    (pick(|t| t.a), pick(|t| t.b))
}

/// Every value a message carries (Debug hides input shares).
fn dump(m: &ToCustodian) -> String {
    match m {
        ToCustodian::Begin { inputs, .. } => format!("{inputs:?}"),
        ToCustodian::Open { openings, .. } => format!("{openings:?}"),
        _ => String::new(),
    }
}

/// A random program: inputs, constants, at most one secret, then operations on earlier nodes.
fn arb_program() -> impl Strategy<Value = (Vec<Node>, usize)> {
    (
        1usize..=3,
        0usize..=2,
        any::<bool>(),
        prop::collection::vec((0u8..3, any::<u32>(), any::<u32>()), 1..14),
        any::<u128>(),
    )
        .prop_map(|(inputs, consts, secret, ops, seed)| {
            let mut nodes = Vec::new();
            for i in 0..inputs {
                nodes.push(Node {
                    id: format!("x{i}"),
                    kind: NodeKind::Input,
                });
            }
            for i in 0..consts {
                let value = Fp::new(seed.wrapping_mul(i as u128 + 3) >> 1);
                nodes.push(Node {
                    id: format!("c{i}"),
                    kind: NodeKind::Const(value),
                });
            }
            if secret {
                nodes.push(Node {
                    id: "s".into(),
                    kind: NodeKind::Secret,
                });
            }
            for (j, (op, l, r)) in ops.into_iter().enumerate() {
                let len = nodes.len();
                // Prefer recent nodes so that depth grows.
                let lhs = len - 1 - (l as usize % len.min(4));
                let rhs = r as usize % len;
                let op = [BinOp::Add, BinOp::Sub, BinOp::Mul][usize::from(op)];
                nodes.push(Node {
                    id: format!("w{j}"),
                    kind: NodeKind::Op { op, lhs, rhs },
                });
            }
            let output = nodes.len() - 1;
            (nodes, output)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Random DAGs evaluated on shares, with a random K-subset (or more) per round, equal the
    /// cleartext evaluation.
    #[test]
    fn random_programs_on_shares_equal_cleartext(
        (nodes, output) in arb_program(),
        (k, extra) in (1usize..=4, 0usize..=3),
        values in prop::collection::vec(any::<u128>(), 4),
        picks in prop::collection::vec(any::<u64>(), 16),
        label in "[a-z]{1,8}",
    ) {
        let n = k + extra;
        let ir = Ir::new(nodes, output).unwrap();
        let p = Program::new(ir.clone());
        let map: BTreeMap<String, Fp> = ir.metadata().inputs.iter().zip(&values)
            .map(|(w, v)| (w.clone(), Fp::new(*v))).collect();
        let secret = ir.metadata().secret.as_ref().map(|_| Fp::new(values[3]));
        let ins = Inputs::new(&p, &map).unwrap();
        let t = threshold(k, n);
        let rounds: Vec<Vec<u8>> = (0..=ir.metadata().mul_depth)
            .map(|r| {
                // A random subset of size k..=n, in a random order.
                let mut all: Vec<u8> = (1..=n as u8).collect();
                let mut seed = picks[r % picks.len()].wrapping_add(r as u64);
                for i in (1..all.len()).rev() {
                    all.swap(i, (seed % (i as u64 + 1)) as usize);
                    seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                }
                all.truncate(k + (seed as usize % (n - k + 1)));
                all
            })
            .collect();
        let tr = threshold_transcript(&p, &ins, secret, t, &label, &rounds, None).unwrap();
        prop_assert_eq!(tr.output, ir.eval(&map, secret).unwrap());
        prop_assert_eq!(tr.rounds, ir.metadata().mul_depth + 1);
        prop_assert_eq!(tr.triples.len(), ir.metadata().mul_count);
    }
}
