//! `POST /eval/begin`, `/eval/open` and `/eval/batch` (QVM-022, QVM-023, QVM-048), driven by hand with the sans-IO
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

/// Posts `messages` as one `POST /eval/batch` to custodian x; returns the answers.
async fn batch(cluster: &Cluster, x: u8, messages: Vec<Value>) -> Vec<Value> {
    let (status, body) = cluster
        .node(x)
        .post("/eval/batch", json!({ "messages": messages }))
        .await;
    assert_eq!(status, 200, "{body}");
    body["answers"].as_array().unwrap().clone()
}

fn batched(message: &quorumvm::message::ToCustodian) -> Value {
    wire::to_json(&EvalRequest::from_message(message).unwrap())
}

fn assert_item_error(item: &Value, code: &str) {
    assert_eq!(item["error"]["code"], code, "{item}");
}

#[tokio::test]
async fn a_batch_answers_each_message_as_if_posted_alone() {
    let mut cluster = Cluster::new(EXAMPLE, 3, 5, 4);
    cluster.activate_all().await;
    let mut rng = Drbg::new("batch");
    let (mut coordinator, begins) = Coordinator::start(
        &cluster.package,
        cluster.threshold,
        "batched",
        0,
        &cluster.inputs(5),
        &mut rng,
    )
    .unwrap();
    let never_begun = json!({ "open": {
        "program_id": cluster.program_id(), "request_id": "never", "round": 1,
        "openings": [{ "gate": "y", "d": "1", "e": "2" }]
    } });
    // Round 1: each custodian's Begin between refused messages; each refused alone.
    for (x, message) in &begins {
        let answers = batch(
            &cluster,
            *x,
            vec![
                never_begun.clone(),
                batched(message),
                batched(message),
                json!({ "begin": begin(&cluster, "other", 0) }),
                json!({ "begin": begin(&cluster, "fresh", 1) }),
            ],
        )
        .await;
        assert_eq!(answers.len(), 5);
        assert_item_error(&answers[0], "QVM_MESSAGE_INVALID");
        let answer: CustodianAnswer = wire::from_json(answers[1].clone()).unwrap();
        coordinator.receive(*x, answer.to_message()).unwrap();
        assert_item_error(&answers[2], "QVM_REQUEST_REPLAYED");
        assert_item_error(&answers[3], "QVM_TRIPLE_REUSED");
        assert_eq!(answers[4]["kind"], "masked", "{}", answers[4]);
    }
    // Round 2 in batches of one.
    let step = coordinator.close_round().unwrap();
    assert!(matches!(step, Step::Open(_)), "{step:?}");
    if let Step::Open(open) = step {
        for x in 1..=5 {
            let answers = batch(&cluster, x, vec![batched(&open)]).await;
            let answer: CustodianAnswer = wire::from_json(answers[0].clone()).unwrap();
            coordinator.receive(x, answer.to_message()).unwrap();
        }
    }
    assert_eq!(coordinator.close_round().unwrap(), Step::Done(Fp::new(144)));
    // What a batch consumed is durable: refused after a restart.
    let node = cluster.nodes.remove(0).restart();
    cluster.nodes.insert(0, node);
    let answers = batch(
        &cluster,
        1,
        vec![
            json!({ "begin": begin(&cluster, "batched", 2) }),
            json!({ "begin": begin(&cluster, "again", 1) }),
        ],
    )
    .await;
    assert_item_error(&answers[0], "QVM_REQUEST_REPLAYED");
    assert_item_error(&answers[1], "QVM_TRIPLE_REUSED");
    // Empty and oversized batches are malformed bodies.
    let node = cluster.node(1);
    assert_error(
        &node.post("/eval/batch", json!({ "messages": [] })).await,
        400,
        "SVC_BODY_INVALID",
    );
    let many = vec![never_begun; wire::MAX_BATCH + 1];
    assert_error(
        &node.post("/eval/batch", json!({ "messages": many })).await,
        400,
        "SVC_BODY_INVALID",
    );
    assert_error(
        &node
            .post("/eval/batch", json!({ "messages": [{ "close": {} }] }))
            .await,
        400,
        "SVC_BODY_INVALID",
    );
}
