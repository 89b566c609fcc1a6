//! The custodian and coordinator state machines (spec/quorumvm.md §4): triple ids never
//! reused, pool exhaustion, replayed requests, messages out of order, quorum and abort.

// A test crate: helpers outside #[test] functions fail by panicking, as assertions do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;

use canon::drbg::Drbg;
use field::Fp;
use quorumvm::coordinator::{Coordinator, Step};
use quorumvm::custodian::Custodian;
use quorumvm::deal::{Installation, deal, deal_triples};
use quorumvm::eval::Inputs;
use quorumvm::message::{FromCustodian, Opening, ToCustodian};
use quorumvm::package::{Package, PolicyManifest, Program};
use shamir::Threshold;

const SOURCE: &str = "input x\nsecret s\nmul a = x s\nmul b = a x\nadd y = b s\noutput y\n";

fn setup(slots: u64) -> (Package, Threshold, Vec<Installation>, Inputs) {
    let program = Program::new(dsl::compile(SOURCE).unwrap());
    let package =
        Package::build(program, PolicyManifest::new(1, 100, 10).unwrap(), "1.0.0").unwrap();
    let t = Threshold::new(2, 3).unwrap();
    let installations = deal(
        package.program(),
        t,
        Some(Fp::new(9)),
        0..slots,
        &mut Drbg::new("dealer"),
    )
    .unwrap();
    let inputs = Inputs::new(package.program(), &[("x".to_owned(), Fp::new(4))].into()).unwrap();
    (package, t, installations, inputs)
}

fn begin(
    package: &Package,
    t: Threshold,
    request: &str,
    slot: u64,
    inputs: &Inputs,
) -> Vec<(u8, ToCustodian)> {
    Coordinator::start(package, t, request, slot, inputs, &mut Drbg::new(request))
        .unwrap()
        .1
}

fn code<T: std::fmt::Debug>(r: Result<T, quorumvm::Error>) -> &'static str {
    r.unwrap_err().code()
}

#[test]
fn a_consumed_triple_is_never_used_again() {
    let (package, t, installations, inputs) = setup(2);
    let mut c = Custodian::install(&package, t, installations[0].clone()).unwrap();
    assert_eq!(c.slots_left(), 2);
    let first = begin(&package, t, "r1", 0, &inputs);
    assert!(matches!(
        c.handle(&first[0].1).unwrap(),
        FromCustodian::Masked { round: 1, .. }
    ));
    assert_eq!(c.slots_left(), 1);
    // Another request naming the same slot.
    let again = begin(&package, t, "r2", 0, &inputs);
    assert_eq!(code(c.handle(&again[0].1)), "QVM_TRIPLE_REUSED");
    // Refilling a consumed slot is refused too.
    let refill = deal_triples(package.program(), t, 0..1, &mut Drbg::new("refill"));
    assert_eq!(code(c.add_triples(refill[0].clone())), "QVM_TRIPLE_REUSED");
    // And a slot still in the pool.
    let refill = deal_triples(package.program(), t, 1..2, &mut Drbg::new("refill"));
    assert_eq!(code(c.add_triples(refill[0].clone())), "QVM_TRIPLE_REUSED");
    assert_eq!(c.slots_left(), 1);
}

#[test]
fn an_empty_pool_is_triples_exhausted() {
    let (package, t, installations, inputs) = setup(1);
    let mut c = Custodian::install(&package, t, installations[1].clone()).unwrap();
    c.handle(&begin(&package, t, "r1", 0, &inputs)[1].1)
        .unwrap();
    assert_eq!(c.slots_left(), 0);
    assert_eq!(
        code(c.handle(&begin(&package, t, "r2", 1, &inputs)[1].1)),
        "QVM_TRIPLES_EXHAUSTED"
    );
    // A refill makes slot 1 usable.
    let refill = deal_triples(package.program(), t, 1..2, &mut Drbg::new("refill"));
    c.add_triples(refill[1].clone()).unwrap();
    c.handle(&begin(&package, t, "r2", 1, &inputs)[1].1)
        .unwrap();
}

#[test]
fn a_replayed_request_is_refused_before_anything_is_consumed() {
    let (package, t, installations, inputs) = setup(3);
    let mut c = Custodian::install(&package, t, installations[2].clone()).unwrap();
    let m = begin(&package, t, "r1", 0, &inputs);
    c.handle(&m[2].1).unwrap();
    assert_eq!(code(c.handle(&m[2].1)), "QVM_REQUEST_REPLAYED");
    // Same request id, fresh slot: still a replay, and the slot is not consumed.
    assert_eq!(
        code(c.handle(&begin(&package, t, "r1", 1, &inputs)[2].1)),
        "QVM_REQUEST_REPLAYED"
    );
    assert_eq!(c.slots_left(), 2);
}

#[test]
fn wrong_input_wires_consume_nothing() {
    let (package, t, installations, _) = setup(1);
    let mut c = Custodian::install(&package, t, installations[0].clone()).unwrap();
    let bad = ToCustodian::Begin {
        program_id: package.program_id().to_owned(),
        request_id: "r".into(),
        slot: 0,
        inputs: vec![("z".into(), Fp::ONE)],
    };
    assert_eq!(code(c.handle(&bad)), "QVM_INPUTS_INVALID");
    assert_eq!(c.slots_left(), 1);
    let other_program = ToCustodian::Begin {
        program_id: "0".repeat(64),
        request_id: "r".into(),
        slot: 0,
        inputs: vec![("x".into(), Fp::ONE)],
    };
    assert_eq!(code(c.handle(&other_program)), "QVM_MESSAGE_INVALID");
}

#[test]
fn installations_that_do_not_fit_are_refused() {
    let (package, t, installations, _) = setup(1);
    let mut bad = installations[0].clone();
    bad.x = 0;
    assert_eq!(
        code(Custodian::install(&package, t, bad)),
        "QVM_INSTALL_INVALID"
    );
    let mut bad = installations[0].clone();
    bad.x = 4;
    assert_eq!(
        code(Custodian::install(&package, t, bad)),
        "QVM_INSTALL_INVALID"
    );
    let mut bad = installations[0].clone();
    bad.secret = None;
    assert_eq!(
        code(Custodian::install(&package, t, bad)),
        "QVM_INSTALL_INVALID"
    );
    let mut bad = installations[0].clone();
    if let Some(shares) = bad.triples.get_mut(&0) {
        shares.reverse();
    }
    assert_eq!(
        code(Custodian::install(&package, t, bad)),
        "QVM_INSTALL_INVALID"
    );
    let mut bad = installations[0].clone();
    bad.triples.insert(7, Vec::new());
    assert_eq!(
        code(Custodian::install(&package, t, bad)),
        "QVM_INSTALL_INVALID"
    );
}

#[test]
fn openings_must_come_in_round_order_with_the_round_gates() {
    let (package, t, installations, inputs) = setup(1);
    let mut c = Custodian::install(&package, t, installations[0].clone()).unwrap();
    let pid = package.program_id().to_owned();
    let open = |round: usize, gate: &str, request: &str| ToCustodian::Open {
        program_id: pid.clone(),
        request_id: request.into(),
        round,
        openings: vec![(
            gate.into(),
            Opening {
                d: Fp::ONE,
                e: Fp::ONE,
            },
        )],
    };
    assert_eq!(code(c.handle(&open(1, "a", "r1"))), "QVM_MESSAGE_INVALID"); // unknown request
    c.handle(&begin(&package, t, "r1", 0, &inputs)[0].1)
        .unwrap();
    assert_eq!(code(c.handle(&open(2, "b", "r1"))), "QVM_MESSAGE_INVALID"); // skips round 1
    assert_eq!(code(c.handle(&open(1, "b", "r1"))), "QVM_MESSAGE_INVALID"); // wrong gate
    assert!(matches!(
        c.handle(&open(1, "a", "r1")).unwrap(),
        FromCustodian::Masked { round: 2, .. }
    ));
    assert_eq!(code(c.handle(&open(1, "a", "r1"))), "QVM_MESSAGE_INVALID"); // again
    assert!(matches!(
        c.handle(&open(2, "b", "r1")).unwrap(),
        FromCustodian::Output { round: 3, .. }
    ));
    assert_eq!(code(c.handle(&open(3, "b", "r1"))), "QVM_MESSAGE_INVALID"); // finished
}

/// Runs one evaluation by hand: every custodian answers each round, `use_only` picks whose
/// answers the coordinator receives (in that order).
fn evaluate(use_only: &[u8]) -> (Coordinator, Vec<Custodian>, Vec<FromCustodian>) {
    let (package, t, installations, inputs) = setup(1);
    let mut custodians: Vec<Custodian> = installations
        .into_iter()
        .map(|i| Custodian::install(&package, t, i).unwrap())
        .collect();
    let (coordinator, begins) =
        Coordinator::start(&package, t, "req", 0, &inputs, &mut Drbg::new("c")).unwrap();
    let answers = custodians
        .iter_mut()
        .zip(&begins)
        .map(|(c, (_, m))| c.handle(m).unwrap())
        .collect::<Vec<_>>();
    let mut coordinator = coordinator;
    for &x in use_only {
        coordinator
            .receive(x, answers[usize::from(x) - 1].clone())
            .unwrap();
    }
    (coordinator, custodians, answers)
}

#[test]
fn coordinator_refuses_duplicate_stale_and_foreign_answers() {
    let (mut coordinator, mut custodians, answers) = evaluate(&[1]);
    assert_eq!(
        code(coordinator.receive(1, answers[0].clone())),
        "QVM_MESSAGE_INVALID"
    );
    assert_eq!(
        code(coordinator.receive(4, answers[0].clone())),
        "QVM_MESSAGE_INVALID"
    );
    assert_eq!(
        code(coordinator.receive(0, answers[0].clone())),
        "QVM_MESSAGE_INVALID"
    );
    let foreign = FromCustodian::Output {
        request_id: "other".into(),
        round: 1,
        share: Fp::ONE,
    };
    assert_eq!(code(coordinator.receive(2, foreign)), "QVM_MESSAGE_INVALID");
    let early = FromCustodian::Output {
        request_id: "req".into(),
        round: 3,
        share: Fp::ONE,
    };
    assert_eq!(code(coordinator.receive(2, early)), "QVM_MESSAGE_INVALID");
    // One answer is not a quorum of 2; the round stays open.
    assert!(!coordinator.has_quorum());
    assert_eq!(code(coordinator.close_round()), "QVM_QUORUM_UNAVAILABLE");
    coordinator.receive(3, answers[2].clone()).unwrap();
    let Step::Open(open) = coordinator.close_round().unwrap() else {
        panic!("round 1 opens")
    };
    // The old answer of custodian 2 is now stale.
    assert_eq!(
        code(coordinator.receive(2, answers[1].clone())),
        "QVM_MESSAGE_INVALID"
    );
    let next: Vec<FromCustodian> = custodians
        .iter_mut()
        .map(|c| c.handle(&open).unwrap())
        .collect();
    coordinator.receive(2, next[1].clone()).unwrap();
    coordinator.receive(1, next[0].clone()).unwrap();
    let Step::Open(open) = coordinator.close_round().unwrap() else {
        panic!("round 2 opens")
    };
    let last: Vec<FromCustodian> = custodians
        .iter_mut()
        .map(|c| c.handle(&open).unwrap())
        .collect();
    for (x, a) in [(3u8, &last[2]), (1, &last[0]), (2, &last[1])] {
        coordinator.receive(x, a.clone()).unwrap();
    }
    let want = (Fp::new(4) * Fp::new(9)) * Fp::new(4) + Fp::new(9);
    assert_eq!(coordinator.close_round().unwrap(), Step::Done(want));
    assert_eq!(coordinator.output(), Some(want));
    assert_eq!(code(coordinator.close_round()), "QVM_MESSAGE_INVALID");
}

#[test]
fn an_inconsistent_round_aborts_the_evaluation() {
    let (mut coordinator, _, answers) = evaluate(&[1, 2]);
    let FromCustodian::Masked {
        request_id,
        round,
        mut shares,
    } = answers[2].clone()
    else {
        panic!("masked")
    };
    shares[0].1.e += Fp::ONE;
    coordinator
        .receive(
            3,
            FromCustodian::Masked {
                request_id,
                round,
                shares,
            },
        )
        .unwrap();
    let err = coordinator.close_round().unwrap_err();
    assert_eq!(err.code(), "QVM_INCONSISTENT_SHARES");
    assert!(err.to_string().contains("e of gate a"), "{err}");
    // Aborted: the same error again, no output, no more answers.
    assert_eq!(code(coordinator.close_round()), "QVM_INCONSISTENT_SHARES");
    assert_eq!(coordinator.output(), None);
    assert_eq!(
        code(coordinator.receive(1, answers[0].clone())),
        "QVM_MESSAGE_INVALID"
    );
}

#[test]
fn programs_without_secure_multiplication_consume_no_triple() {
    let program =
        Program::new(dsl::compile("input x\nconst k = 3\nmul y = x k\noutput y\n").unwrap());
    let t = Threshold::new(2, 2).unwrap();
    let installations = deal(&program, t, None, 0..0, &mut Drbg::new("d")).unwrap();
    let mut c =
        Custodian::install_program("p", program.clone(), t, installations[0].clone()).unwrap();
    let inputs = Inputs::new(&program, &BTreeMap::from([("x".to_owned(), Fp::new(5))])).unwrap();
    for request in ["a", "b", "c"] {
        let (_, begins) = Coordinator::start_program(
            "p",
            &program,
            t,
            request,
            0,
            &inputs,
            &mut Drbg::new(request),
        )
        .unwrap();
        assert!(matches!(
            c.handle(&begins[0].1).unwrap(),
            FromCustodian::Output { round: 1, .. }
        ));
    }
}

#[test]
fn debug_output_never_shows_shares() {
    let (package, t, installations, inputs) = setup(1);
    let secret_share = installations[0].secret.unwrap().to_string();
    let c = Custodian::install(&package, t, installations[0].clone()).unwrap();
    let begins = begin(&package, t, "r", 0, &inputs);
    let ToCustodian::Begin { inputs: shares, .. } = &begins[0].1 else {
        panic!("begin")
    };
    let input_share = shares[0].1.to_string();
    for text in [
        format!("{:?}", installations[0]),
        format!("{c:?}"),
        format!("{:?}", begins[0].1),
        format!("{inputs:?}"),
    ] {
        assert!(
            !text.contains(&secret_share) && !text.contains(&input_share),
            "{text}"
        );
        assert!(!text.contains("\"9\"") && !text.contains("(9)"), "{text}");
    }
}
