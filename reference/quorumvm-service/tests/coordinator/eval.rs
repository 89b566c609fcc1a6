//! Threshold evaluation through the coordinator (QVM-027, QVM-041..QVM-045 over HTTP).

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::post;
use field::Fp;
use serde_json::{Value, json};
use tokio::net::TcpListener;

use super::support::{Deployment, EXAMPLE, package, policy};

fn square_plus_7(x: Fp) -> String {
    let t = x + Fp::new(7);
    (t * t).to_string()
}

#[tokio::test]
async fn the_3_of_5_example_returns_x_plus_7_squared() {
    let d = Deployment::new("eval", 3, 5, package(EXAMPLE, policy(1, 100, 600)), 8).await;
    d.activate().await;
    let cases: [(Value, Fp); 4] = [
        (json!(5), Fp::new(5)),
        (json!(0), Fp::ZERO),
        (json!("123456789"), Fp::new(123_456_789)),
        (json!(-7), Fp::ZERO - Fp::new(7)),
    ];
    let mut request_ids = Vec::new();
    for (i, (x, value)) in cases.iter().enumerate() {
        let e = d.eval("alice", json!({"x": x}), None).await;
        assert_eq!(e.status, 200, "{:?}", e.body);
        assert_eq!(e.body["output"], square_plus_7(*value), "x = {x}");
        assert_eq!(e.body["program_id"], d.program_id.as_str());
        assert_eq!(e.body["rounds"], 2);
        assert_eq!(e.body["custodians"].as_array().unwrap().len(), 5);
        assert_eq!(e.body["budget_remaining"], 100 - (i as u64 + 1));
        request_ids.push(e.body["request_id"].as_str().unwrap().to_owned());
    }
    request_ids.sort();
    request_ids.dedup();
    assert_eq!(request_ids.len(), 4, "fresh request ids");
    let p = super::support::get(&d.at(&format!("/programs/{}", d.program_id))).await;
    assert_eq!(p.body["slots_used"], 4);

    // Inputs that do not fit: 422, nothing consumed.
    for (inputs, code) in [
        (json!({}), "QVM_INPUTS_INVALID"),
        (json!({"x": 1, "y": 2}), "QVM_INPUTS_INVALID"),
        (json!([1]), "QVM_INPUTS_INVALID"),
        (json!({"x": 1.5}), "FIELD_ELEMENT_INVALID"),
        (json!({"x": "0x10"}), "FIELD_ELEMENT_INVALID"),
        (
            json!({"x": 9_007_199_254_740_992_u64}),
            "FIELD_ELEMENT_INVALID",
        ),
    ] {
        d.eval("alice", inputs.clone(), None)
            .await
            .expect_error(422, code);
    }
    let p = super::support::get(&d.at(&format!("/programs/{}", d.program_id))).await;
    assert_eq!(p.body["slots_used"], 4);
    d.stop().await;
}

#[tokio::test]
async fn k_minus_1_live_custodians_is_503_and_charges_nothing() {
    let mut d = Deployment::new("quorum", 3, 5, package(EXAMPLE, policy(1, 1, 600)), 8).await;
    d.activate().await;
    for x in 3..=5 {
        d.stop_custodian(x).await;
    }
    let e = d.eval("carol", json!({"x": 5}), None).await;
    e.expect_error(503, "QVM_QUORUM_UNAVAILABLE");
    // The budget (1 evaluation) is untouched: once the custodians are back, it pays for one.
    for x in 3..=5 {
        d.restart_custodian(x).await;
    }
    let e = d.eval("carol", json!({"x": 5}), None).await;
    assert_eq!(e.status, 200, "{:?}", e.body);
    assert_eq!(e.body["output"], "144");
    assert_eq!(e.body["budget_remaining"], 0);
    d.eval("carol", json!({"x": 5}), None)
        .await
        .expect_error(402, "QVM_BUDGET_EXHAUSTED");
    let audit = d.audit().await;
    let evals: Vec<&Value> = audit.iter().filter(|e| e["event"] == "eval").collect();
    assert_eq!(evals.len(), 3);
    assert_eq!(evals[0]["outcome"], "failure");
    assert_eq!(evals[0]["error"], "QVM_QUORUM_UNAVAILABLE");
    assert_eq!(evals[0]["budget_remaining"], 1);
    assert_eq!(evals[1]["outcome"], "success");
    assert_eq!(evals[2]["decision"], "budget_exhausted");
    d.stop().await;
}

/// Posts `body` to `target` + the path of `uri`; returns the status and the response.
async fn relay(
    target: &str,
    uri: &axum::http::Uri,
    body: Bytes,
) -> (StatusCode, reqwest::Response) {
    let response = reqwest::Client::new()
        .post(format!("{target}{}", uri.path()))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = StatusCode::from_u16(response.status().as_u16()).unwrap();
    (status, response)
}

/// A custodian that forwards to a real one and adds 1 to every output share it returns.
async fn lying_proxy(target: String) -> String {
    async fn forward(
        State(target): State<String>,
        uri: axum::http::Uri,
        body: Bytes,
    ) -> axum::response::Response {
        let (status, response) = relay(&target, &uri, body).await;
        let mut answer: Value = response.json().await.unwrap();
        let lie = |answer: &mut Value| {
            if answer["kind"] == "output" {
                let share: Fp = answer["share"].as_str().unwrap().parse().unwrap();
                answer["share"] = (share + Fp::ONE).to_string().into();
            }
        };
        lie(&mut answer);
        // The same in the answers of a batch (QVM-048).
        if let Some(items) = answer["answers"].as_array_mut() {
            items.iter_mut().for_each(lie);
        }
        (status, axum::Json(answer)).into_response()
    }
    let app = Router::new()
        .route("/{*path}", post(forward))
        .with_state(target);
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test]
async fn inconsistent_shares_are_502_naming_the_custodians_and_charge_nothing() {
    let d = Deployment::new("inconsistent", 2, 3, package(EXAMPLE, policy(1, 5, 600)), 8).await;
    d.activate().await;
    // Custodian 3 now lies through a proxy (same key, so the registration is an URL update).
    let proxy = lying_proxy(d.custodian_url(3)).await;
    let a = super::support::post(
        &d.at("/custodians"),
        &json!({"x": 3, "url": proxy, "public_key": d.public_keys[2]}),
    )
    .await;
    assert_eq!(a.status, 200, "{:?}", a.body);
    let e = d.eval("dave", json!({"x": 5}), None).await;
    e.expect_error(502, "QVM_INCONSISTENT_SHARES");
    let message = e.body["error"]["message"].as_str().unwrap();
    assert!(message.contains("custodians"), "{message}");
    let audit = d.audit().await;
    let last = audit.last().unwrap();
    assert_eq!(last["outcome"], "failure");
    assert_eq!(last["error"], "QVM_INCONSISTENT_SHARES");
    assert_eq!(last["budget_remaining"], 5);
    d.stop().await;
}

#[tokio::test]
async fn a_program_without_multiplication_needs_no_slot() {
    let source = "input x\ninput y\nadd s = x y\nconst c = 3\nmul z = s c\noutput z\n";
    let d = Deployment::new("linear", 2, 3, package(source, policy(1, 5, 600)), 0).await;
    d.activate().await;
    let e = d.eval("erin", json!({"x": 2, "y": "5"}), None).await;
    assert_eq!(e.status, 200, "{:?}", e.body);
    assert_eq!(e.body["output"], "21");
    assert_eq!(e.body["rounds"], 1);
    d.stop().await;
}

#[tokio::test]
async fn a_custodian_that_never_answers_is_skipped_after_the_timeout() {
    let mut d = Deployment::new("timeout", 2, 3, package(EXAMPLE, policy(1, 5, 600)), 8).await;
    d.activate().await;
    d.call_timeout_ms = 300;
    d.restart_coordinator().await;
    // Custodian 3's URL now leads to a socket that accepts connections and never answers.
    let silent = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", silent.local_addr().unwrap());
    let a = super::support::post(
        &d.at("/custodians"),
        &json!({"x": 3, "url": url, "public_key": d.public_keys[2]}),
    )
    .await;
    assert_eq!(a.status, 200, "{:?}", a.body);
    let started = std::time::Instant::now();
    let e = d.eval("gus", json!({"x": 5}), None).await;
    assert_eq!(e.status, 200, "{:?}", e.body);
    assert_eq!(e.body["output"], "144");
    let mut used: Vec<u64> = e.body["custodians"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect();
    used.sort_unstable();
    assert_eq!(used, [1, 2]);
    // Two rounds, each waiting once for the timeout (plus the activation retry).
    let elapsed = started.elapsed();
    assert!(
        elapsed >= std::time::Duration::from_millis(600),
        "{elapsed:?}"
    );
    assert!(elapsed < std::time::Duration::from_secs(10), "{elapsed:?}");
    drop(silent);
    d.stop().await;
}

/// What a [`slow_proxy`] forwarded: per request, its path and how many messages it carried.
type Forwarded = std::sync::Arc<std::sync::Mutex<Vec<(String, usize)>>>;

/// A custodian that forwards to a real one after holding each request for 100 ms, and records
/// what it forwarded.
async fn slow_proxy(target: String) -> (String, Forwarded) {
    async fn forward(
        State((target, seen)): State<(String, Forwarded)>,
        uri: axum::http::Uri,
        body: Bytes,
    ) -> axum::response::Response {
        let messages = serde_json::from_slice::<Value>(&body).unwrap()["messages"]
            .as_array()
            .map_or(1, Vec::len);
        seen.lock().unwrap().push((uri.path().to_owned(), messages));
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let (status, response) = relay(&target, &uri, body).await;
        (status, response.bytes().await.unwrap()).into_response()
    }
    let seen = Forwarded::default();
    let app = Router::new()
        .route("/{*path}", post(forward))
        .with_state((target, seen.clone()));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

#[tokio::test]
async fn concurrent_evaluations_share_batched_requests_and_agree_with_cleartext() {
    let d = Deployment::new("batched", 3, 5, package(EXAMPLE, policy(1, 100, 6000)), 32).await;
    d.activate().await;
    // Custodian 1 is reached through a proxy that is slow to answer: what the evaluations
    // send it meanwhile queues, and leaves in batches (QVM-049).
    let (url, seen) = slow_proxy(d.custodian_url(1)).await;
    let a = super::support::post(
        &d.at("/custodians"),
        &json!({"x": 1, "url": url, "public_key": d.public_keys[0]}),
    )
    .await;
    assert_eq!(a.status, 200, "{:?}", a.body);
    let d = std::sync::Arc::new(d);
    let mut evaluations = tokio::task::JoinSet::new();
    for i in 0..16_u64 {
        let d = std::sync::Arc::clone(&d);
        evaluations
            .spawn(async move { (i, d.eval(&format!("id-{i}"), json!({"x": i}), None).await) });
    }
    while let Some(joined) = evaluations.join_next().await {
        let (i, e) = joined.unwrap();
        assert_eq!(e.status, 200, "{:?}", e.body);
        assert_eq!(
            e.body["output"],
            square_plus_7(Fp::new(i.into())),
            "x = {i}"
        );
        // Custodian 1 answered every round of every evaluation.
        let used = e.body["custodians"].as_array().unwrap();
        assert_eq!(used.len(), 5, "{:?}", e.body);
    }
    // The activation is forwarded to the new URL too: only evaluation messages count here.
    let seen: Vec<(String, usize)> = seen
        .lock()
        .unwrap()
        .iter()
        .filter(|(path, _)| path.starts_with("/eval/"))
        .cloned()
        .collect();
    let messages: usize = seen.iter().map(|(_, m)| m).sum();
    assert_eq!(messages, 32, "a Begin and an Open per evaluation: {seen:?}");
    assert!(
        seen.len() < 32,
        "some requests carried several messages: {seen:?}"
    );
    for (path, count) in &seen {
        let expected = if *count > 1 {
            "/eval/batch"
        } else {
            path.as_str()
        };
        assert_eq!(path, expected);
        assert!(["/eval/begin", "/eval/open", "/eval/batch"].contains(&path.as_str()));
    }
    let d = std::sync::Arc::into_inner(d).unwrap();
    d.stop().await;
}
