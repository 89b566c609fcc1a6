//! The router in process (no socket): the OpenAPI document names exactly the served routes,
//! and a snapshot registered under the configured key runs with its headers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failure is a test failure

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use mtpscript_service::{AppState, Config, openapi};
use tower::ServiceExt;

const KEY: [u8; 32] = [7; 32];

fn state() -> AppState {
    let public = canon::hex::encode(&canon::ecdsa::public_key(&KEY).unwrap());
    let config =
        Config::from_toml_str(&format!("public_key = \"{public}\"\npool_size = 0\n")).unwrap();
    AppState::open(config).unwrap()
}

async fn call(state: &AppState, method: &str, path: &str, body: Vec<u8>) -> (StatusCode, Vec<u8>) {
    let request = Request::builder()
        .method(method)
        .uri(path)
        .body(Body::from(body))
        .unwrap();
    let response = mtpscript_service::router(state.clone())
        .oneshot(request)
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, bytes.to_vec())
}

#[tokio::test]
async fn openapi_names_exactly_the_routes() {
    let state = state();
    let document = openapi::document();
    let documented: BTreeSet<(String, String)> = document["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, methods)| {
            methods
                .as_object()
                .unwrap()
                .keys()
                .map(move |m| (m.clone(), path.clone()))
        })
        .collect();
    let served: BTreeSet<(String, String)> = openapi::ROUTES
        .iter()
        .map(|(m, p)| ((*m).to_owned(), (*p).to_owned()))
        .collect();
    assert_eq!(documented, served);
    for (method, path) in openapi::ROUTES {
        let (status, _) = call(&state, &method.to_uppercase(), path, b"{}".to_vec()).await;
        assert_ne!(status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
    }
}

#[tokio::test]
async fn registered_snapshot_runs_with_its_headers() {
    let state = state();
    let program =
        mtpscript::compile("function main(input) { const x = input.a + 1; return x * 2; }")
            .unwrap();
    let snapshot = mtpscript::Snapshot::build(&program, &KEY).unwrap();
    let (status, body) = call(&state, "POST", "/snapshots", snapshot.clone()).await;
    assert_eq!(status, StatusCode::CREATED);
    let registered: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        registered["id"],
        serde_json::json!(mtpscript_service::snapshot_id(&snapshot))
    );
    let request = serde_json::json!({ "snapshot_id": registered["id"], "input": { "a": 3 } });
    let http = Request::builder()
        .method("POST")
        .uri("/run")
        .body(Body::from(request.to_string()))
        .unwrap();
    let response = mtpscript_service::router(state.clone())
        .oneshot(http)
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["x-mtp-gas-used"], "4");
    assert_eq!(response.headers()["x-mtp-status"], "ok");
    let sha = response.headers()["x-mtp-sha256"]
        .to_str()
        .unwrap()
        .to_owned();
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    assert_eq!(&body[..], b"8");
    assert_eq!(sha, canon::hex::encode(&canon::id::sha256(&body)));
}
