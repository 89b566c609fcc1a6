//! System-space commits under the witness quorum: k distinct registered witnesses with valid
//! attestations commit, nothing less does (SIGIL-040, SIGIL-042, SIGIL-043), and the registry
//! itself changes only under the quorum in force (SIGIL-041, SIGIL-043, SIGIL-044).

use serde_json::json;
use sigil::record;

use crate::service::Sigil;
use crate::{canonical, get, post, witness};

/// k = 2 of 3 registered witnesses: k - 1 attestations leave the proposal uncommitted (commit
/// is 403), a duplicate key counts once, an unregistered key and a tampered signature are 403,
/// and the k-th distinct valid attestation commits a record that verifies with its witnesses.
#[test]
fn e2e_quorum_pass_fail() {
    let sigil = Sigil::start("sigil-quorum", 2, 3, None);
    let proposal = sigil.propose("policy.note", json!({"text": "raise the review bar"}));
    sigil.commit(&proposal).refused(403, "SIGIL_QUORUM_NOT_MET");

    let first = sigil.attest(&proposal, &witness(0)).ok();
    assert_eq!(
        (first["status"].clone(), first["attestations"].clone()),
        (json!("pending"), json!(1))
    );
    let again = sigil.attest(&proposal, &witness(0)).ok();
    assert_eq!(again["duplicate"], json!(true));
    assert_eq!(again["attestations"], json!(1));
    sigil.commit(&proposal).refused(403, "SIGIL_QUORUM_NOT_MET");

    sigil
        .attest(&proposal, &witness(9))
        .refused(403, "SIGIL_WITNESS_UNKNOWN");
    let mut tampered = record::attest(&proposal, &witness(1)).unwrap();
    let flipped = if tampered.sig.as_bytes()[5] == b'0' {
        "1"
    } else {
        "0"
    };
    tampered.sig.replace_range(5..6, flipped);
    post(
        &sigil.at("/canon/system/attest"),
        &json!({"proposal_id": proposal, "pub_key": tampered.pub_key, "sig": tampered.sig}),
        &[],
    )
    .refused(403, "SIGIL_WITNESS_SIG");
    // An attestation of another proposal's hash is a bad signature for this one.
    let other = sigil.propose("policy.note", json!({"text": "other"}));
    let foreign = record::attest(&other, &witness(1)).unwrap();
    post(
        &sigil.at("/canon/system/attest"),
        &json!({"proposal_id": proposal, "pub_key": foreign.pub_key, "sig": foreign.sig}),
        &[],
    )
    .refused(403, "SIGIL_WITNESS_SIG");
    sigil.commit(&proposal).refused(403, "SIGIL_QUORUM_NOT_MET");

    let done = sigil.attest(&proposal, &witness(1)).ok();
    assert_eq!(done["status"], json!("committed"));
    assert_eq!(done["attestations"], json!(2));
    let committed = &done["record"];
    assert_eq!(committed["hash"], json!(proposal));
    assert_eq!(committed["witnesses"].as_array().unwrap().len(), 2);
    // The committed record verifies with the core under the registry, and fails under k = 3.
    let witnesses: std::collections::BTreeSet<String> =
        (0..3).map(|i| witness(i).pub_key().to_owned()).collect();
    let bytes = canonical(committed);
    let keys = sigil.key_history();
    let quorum = |k| record::Quorum {
        witnesses: &witnesses,
        k,
    };
    assert!(record::verify_stored(&bytes, None, &keys, Some(quorum(2))).is_ok());
    assert_eq!(
        record::verify_stored(&bytes, None, &keys, Some(quorum(3))).map_err(|e| e.code()),
        Err("SIGIL_QUORUM_NOT_MET")
    );
    assert_eq!(sigil.commit(&proposal).ok(), *committed);
    let records = get(&sigil.at("/canon/system/records")).ok();
    assert!(records["records"].as_array().unwrap().contains(committed));
    // The other proposal was made at the same head: it is stale now.
    sigil.attest(&other, &witness(0)).ok();
    sigil
        .attest(&other, &witness(1))
        .refused(409, "SIGIL_PROPOSAL_STALE");
}

/// The witness registry lives in system space: adding a witness, changing k and removing a
/// witness each need the current quorum, and the registry follows the committed records.
#[test]
fn e2e_sigil_registry_changes_under_quorum() {
    let sigil = Sigil::start("sigil-registry", 2, 3, None);
    let newcomer = witness(3);
    let add = sigil.propose("sigil.witness.add", json!({"pub_key": newcomer.pub_key()}));
    // The newcomer is not a witness yet.
    sigil
        .attest(&add, &newcomer)
        .refused(403, "SIGIL_WITNESS_UNKNOWN");
    assert_eq!(
        sigil.attest(&add, &witness(0)).ok()["status"],
        json!("pending")
    );
    assert_eq!(
        get(&sigil.at("/witnesses")).ok()["witnesses"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        sigil.attest(&add, &witness(1)).ok()["status"],
        json!("committed")
    );
    let registry = get(&sigil.at("/witnesses")).ok();
    assert_eq!(registry["witnesses"].as_array().unwrap().len(), 4);
    assert!(
        registry["witnesses"]
            .as_array()
            .unwrap()
            .contains(&json!(newcomer.pub_key()))
    );

    // k = 3, attested by the newcomer among others.
    let raise = sigil.propose("sigil.quorum.set", json!({"k": 3}));
    sigil.attest(&raise, &newcomer).ok();
    assert_eq!(
        sigil.attest(&raise, &witness(2)).ok()["status"],
        json!("committed")
    );
    assert_eq!(get(&sigil.at("/witnesses")).ok()["k"], json!(3));

    // Removing witness 0 now needs three attestations.
    let remove = sigil.propose(
        "sigil.witness.remove",
        json!({"pub_key": witness(0).pub_key()}),
    );
    sigil.attest(&remove, &witness(1)).ok();
    assert_eq!(
        sigil.attest(&remove, &witness(2)).ok()["status"],
        json!("pending")
    );
    sigil.commit(&remove).refused(403, "SIGIL_QUORUM_NOT_MET");
    assert_eq!(
        sigil.attest(&remove, &newcomer).ok()["status"],
        json!("committed")
    );
    let registry = get(&sigil.at("/witnesses")).ok();
    assert_eq!(registry["witnesses"].as_array().unwrap().len(), 3);
    assert!(
        !registry["witnesses"]
            .as_array()
            .unwrap()
            .contains(&json!(witness(0).pub_key()))
    );
    // Witness 0 no longer counts; a removal below k is refused at proposal.
    let note = sigil.propose("policy.note", json!({}));
    sigil
        .attest(&note, &witness(0))
        .refused(403, "SIGIL_WITNESS_UNKNOWN");
    let reply = post(
        &sigil.at("/canon/system/propose"),
        &json!({"kind": "sigil.witness.remove", "payload": {"pub_key": witness(1).pub_key()}}),
        &[],
    );
    reply.refused(422, "SIGIL_PROPOSAL_INVALID");
    // Every system record verifies (the service re-verifies the chain on this read).
    let records = get(&sigil.at("/canon/system/records")).ok()["records"].clone();
    assert_eq!(records.as_array().unwrap().len(), 4);
}
