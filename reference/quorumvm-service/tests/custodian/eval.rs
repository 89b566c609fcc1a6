//! `POST /eval/begin` and `/eval/open` (QVM-022, QVM-023), driven by hand with the sans-IO
//! coordinator of `quorumvm`.

use canon::drbg::Drbg;
use field::Fp;
use quorumvm::coordinator::{Coordinator, Step};
use quorumvm_service::wire::{self, CustodianAnswer, EvalRequest};
use serde_json::{Value, json};

use super::support::{Cluster, EXAMPLE, WITH_SECRET, assert_error};

/// Posts a protocol message to custodian x; returns its decoded answer.
async fn exchange(
    cluster: &Cluster,
    x: u8,
    message: &quorumvm::message::ToCustodian,
) -> (u16, Value) {
    let request = EvalRequest::from_message(message).unwrap();
    cluster
        .node(x)
        .post(request.path(), request.to_json())
        .await
}

/// Runs one evaluation through the custodians `xs`; returns the output.
pub(crate) async fn evaluate(
    cluster: &Cluster,
    xs: &[u8],
    request_id: &str,
    slot: u64,
    x: i64,
) -> Fp {
    let mut rng = Drbg::new(request_id);
    let (mut coordinator, begins) = Coordinator::start(
        &cluster.package,
        cluster.threshold,
        request_id,
        slot,
        &cluster.inputs(x),
        &mut rng,
    )
    .unwrap();
    let mut messages: Vec<(u8, quorumvm::message::ToCustodian)> = begins
        .into_iter()
        .filter(|(to, _)| xs.contains(to))
        .collect();
    loop {
        for (to, message) in &messages {
            let (status, body) = exchange(cluster, *to, message).await;
            assert_eq!(status, 200, "{body}");
            let answer: CustodianAnswer = wire::from_json(body).unwrap();
            coordinator.receive(*to, answer.to_message()).unwrap();
        }
        match coordinator.close_round().unwrap() {
            Step::Done(output) => return output,
            Step::Open(open) => messages = xs.iter().map(|&to| (to, open.clone())).collect(),
        }
    }
}

#[tokio::test]
async fn a_full_evaluation_reconstructs_the_output() {
    let cluster = Cluster::new(EXAMPLE, 3, 5, 4);
    cluster.activate_all().await;
    // All five, then three of them.
    assert_eq!(
        evaluate(&cluster, &[1, 2, 3, 4, 5], "req-1", 0, 5).await,
        Fp::new(144)
    );
    assert_eq!(
        evaluate(&cluster, &[2, 4, 5], "req-2", 1, -7).await,
        Fp::ZERO
    );
    assert_eq!(
        evaluate(&cluster, &[1, 3, 5], "req-3", 2, 1_000_000).await,
        Fp::new(1_000_007 * 1_000_007)
    );
}

#[tokio::test]
async fn a_program_with_a_secret_evaluates_over_two_rounds() {
    let cluster = Cluster::new(WITH_SECRET, 2, 3, 2);
    cluster.activate_all().await;
    let s = cluster.secret.unwrap();
    let x = Fp::new(11);
    let expected = (x * s + Fp::new(3)) * x * Fp::new(2);
    assert_eq!(
        evaluate(&cluster, &[1, 3], "secret-1", 0, 11).await,
        expected
    );
}

#[tokio::test]
async fn evaluation_before_activation_is_403() {
    let cluster = Cluster::new(EXAMPLE, 2, 2, 1);
    cluster.install_all().await;
    let begin = json!({
        "program_id": cluster.program_id(), "request_id": "r1", "slot": 0,
        "inputs": [{ "wire": "x", "share": "5" }]
    });
    assert_error(
        &cluster.node(1).post("/eval/begin", begin).await,
        403,
        "SVC_NOT_ACTIVE",
    );
    let open = json!({
        "program_id": cluster.program_id(), "request_id": "r1", "round": 1,
        "openings": [{ "gate": "y", "d": "1", "e": "2" }]
    });
    assert_error(
        &cluster.node(1).post("/eval/open", open).await,
        403,
        "SVC_NOT_ACTIVE",
    );
}

#[tokio::test]
async fn evaluation_of_an_uninstalled_program_is_404() {
    let cluster = Cluster::new(EXAMPLE, 1, 1, 1);
    let begin = json!({
        "program_id": cluster.program_id(), "request_id": "r1", "slot": 0,
        "inputs": [{ "wire": "x", "share": "5" }]
    });
    assert_error(
        &cluster.node(1).post("/eval/begin", begin).await,
        404,
        "SVC_PROGRAM_UNKNOWN",
    );
    let open = json!({
        "program_id": cluster.program_id(), "request_id": "r1", "round": 1,
        "openings": []
    });
    assert_error(
        &cluster.node(1).post("/eval/open", open).await,
        404,
        "SVC_PROGRAM_UNKNOWN",
    );
}

fn begin(cluster: &Cluster, request_id: &str, slot: u64) -> Value {
    json!({
        "program_id": cluster.program_id(), "request_id": request_id, "slot": slot,
        "inputs": [{ "wire": "x", "share": "5" }]
    })
}

#[tokio::test]
async fn a_replayed_request_id_is_409() {
    let cluster = Cluster::new(EXAMPLE, 1, 1, 3);
    cluster.activate_all().await;
    let node = cluster.node(1);
    let (status, body) = node.post("/eval/begin", begin(&cluster, "once", 0)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["kind"], "masked");
    assert_eq!(body["round"], 1);
    // The same request id with a fresh slot.
    assert_error(
        &node.post("/eval/begin", begin(&cluster, "once", 1)).await,
        409,
        "QVM_REQUEST_REPLAYED",
    );
    // A fresh request id with the consumed slot.
    assert_error(
        &node.post("/eval/begin", begin(&cluster, "twice", 0)).await,
        409,
        "QVM_TRIPLE_REUSED",
    );
    // A slot never dealt.
    assert_error(
        &node.post("/eval/begin", begin(&cluster, "thrice", 9)).await,
        503,
        "QVM_TRIPLES_EXHAUSTED",
    );
    // Inputs that are not the program's.
    let mut wrong = begin(&cluster, "fourth", 1);
    wrong["inputs"][0]["wire"] = json!("z");
    assert_error(
        &node.post("/eval/begin", wrong).await,
        400,
        "QVM_INPUTS_INVALID",
    );
    // An opening for a request never begun.
    let open = json!({
        "program_id": cluster.program_id(), "request_id": "never", "round": 1,
        "openings": [{ "gate": "y", "d": "1", "e": "2" }]
    });
    assert_error(
        &node.post("/eval/open", open).await,
        400,
        "QVM_MESSAGE_INVALID",
    );
    // The refused requests consumed nothing: slot 1 is still there.
    let (status, body) = node.post("/eval/begin", begin(&cluster, "fifth", 1)).await;
    assert_eq!(status, 200, "{body}");
}
