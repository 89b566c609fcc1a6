//! The JSON shapes of `quorumvm_service::wire`, pinned.

use std::collections::BTreeMap;

use field::Fp;
use quorumvm::deal::{Installation, TripleShare};
use quorumvm::message::{FromCustodian, Masked, Opening, ToCustodian};
use quorumvm_service::wire::{self, CustodianAnswer, EvalRequest, InstallationWire};
use serde_json::json;
use shamir::Threshold;

#[test]
fn protocol_messages_round_trip_in_their_documented_shapes() {
    let p = field::MODULUS;
    let begin = ToCustodian::Begin {
        program_id: "p".into(),
        request_id: "r".into(),
        slot: 3,
        inputs: vec![("x".into(), Fp::new(p - 1))],
    };
    let request = EvalRequest::from_message(&begin).unwrap();
    assert_eq!(request.path(), "/eval/begin");
    assert_eq!(
        request.to_json(),
        json!({ "program_id": "p", "request_id": "r", "slot": 3,
                "inputs": [{ "wire": "x", "share": (p - 1).to_string() }] })
    );
    assert_eq!(request.to_message(), begin);

    let open = ToCustodian::Open {
        program_id: "p".into(),
        request_id: "r".into(),
        round: 1,
        openings: vec![(
            "y".into(),
            Opening {
                d: Fp::new(1),
                e: Fp::new(2),
            },
        )],
    };
    let request = EvalRequest::from_message(&open).unwrap();
    assert_eq!(request.path(), "/eval/open");
    assert_eq!(
        request.to_json(),
        json!({ "program_id": "p", "request_id": "r", "round": 1,
                "openings": [{ "gate": "y", "d": "1", "e": "2" }] })
    );
    let decoded: wire::OpenRequest = wire::from_json(request.to_json()).unwrap();
    assert_eq!(decoded.to_message(), open);

    let masked = FromCustodian::Masked {
        request_id: "r".into(),
        round: 1,
        shares: vec![(
            "y".into(),
            Masked {
                d: Fp::new(5),
                e: Fp::new(6),
            },
        )],
    };
    let answer = wire::to_json(&CustodianAnswer::from_message(&masked).unwrap());
    assert_eq!(
        answer,
        json!({ "kind": "masked", "request_id": "r", "round": 1,
                "shares": [{ "gate": "y", "d": "5", "e": "6" }] })
    );
    let back: CustodianAnswer = wire::from_json(answer).unwrap();
    assert_eq!(back.to_message(), masked);

    let output = FromCustodian::Output {
        request_id: "r".into(),
        round: 2,
        share: Fp::new(144),
    };
    let answer = wire::to_json(&CustodianAnswer::from_message(&output).unwrap());
    assert_eq!(
        answer,
        json!({ "kind": "output", "request_id": "r", "round": 2, "share": "144" })
    );
    let back: CustodianAnswer = wire::from_json(answer).unwrap();
    assert_eq!(back.to_message(), output);
}

#[test]
fn elements_are_decimal_strings() {
    // Any accepted string form (FIELD-003), reduced mod p; numbers and junk are refused.
    let p = field::MODULUS;
    let answer: CustodianAnswer = wire::from_json(json!({
        "kind": "output", "request_id": "r", "round": 1, "share": (p + 5).to_string()
    }))
    .unwrap();
    assert_eq!(
        answer.to_message(),
        FromCustodian::Output {
            request_id: "r".into(),
            round: 1,
            share: Fp::new(5)
        }
    );
    for bad in [json!(5), json!("5.0"), json!(""), json!(" 5"), json!(null)] {
        let error = wire::from_json::<CustodianAnswer>(
            json!({ "kind": "output", "request_id": "r", "round": 1, "share": bad }),
        )
        .unwrap_err();
        assert_eq!(error.code, "SVC_BODY_INVALID", "{bad}");
        assert_eq!(error.status, 400);
    }
}

#[test]
fn installations_round_trip() {
    let installation = Installation {
        x: 2,
        secret: Some(Fp::new(9)),
        triples: BTreeMap::from([(
            4,
            vec![TripleShare {
                gate: "y".into(),
                a: Fp::new(1),
                b: Fp::new(2),
                c: Fp::new(3),
            }],
        )]),
    };
    let threshold = Threshold::new(2, 3).unwrap();
    let json = wire::to_json(&InstallationWire::new(&installation, threshold));
    assert_eq!(
        json,
        json!({ "x": 2, "k": 2, "n": 3, "secret": "9",
                "triples": [{ "slot": 4, "shares": [{ "gate": "y", "a": "1", "b": "2", "c": "3" }] }] })
    );
    let decoded: InstallationWire = wire::from_json(json).unwrap();
    let (t, back) = decoded.to_installation().unwrap();
    assert_eq!((t.k(), t.n()), (2, 3));
    assert_eq!(back, installation);
    // No secret: `null` or absent.
    let no_secret: InstallationWire =
        wire::from_json(json!({ "x": 1, "k": 1, "n": 1, "triples": [] })).unwrap();
    assert_eq!(no_secret.secret, None);
    // A slot twice; an invalid threshold.
    let twice: InstallationWire = wire::from_json(json!({ "x": 1, "k": 1, "n": 1, "triples": [
        { "slot": 0, "shares": [] }, { "slot": 0, "shares": [] }] }))
    .unwrap();
    assert_eq!(
        twice.to_installation().unwrap_err().code,
        "QVM_INSTALL_INVALID"
    );
    let bad: InstallationWire =
        wire::from_json(json!({ "x": 1, "k": 3, "n": 2, "triples": [] })).unwrap();
    assert_eq!(
        bad.to_installation().unwrap_err().code,
        "SHAMIR_THRESHOLD_INVALID"
    );
    // The approval message.
    assert_eq!(
        wire::approval_message("ab"),
        b"quorumvm/approve/v1\nab".to_vec()
    );
    assert_eq!(wire::custodian_id(4), "custodian-4");
}
