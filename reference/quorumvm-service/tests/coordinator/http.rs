//! The HTTP surface: the error shape of bad requests, the body limit, health, configuration,
//! and the OpenAPI document against the router's routes.

use serde_json::{Value, json};

use quorumvm_service::coordinator::{self, Config};

use super::support::{
    Deployment, Dir, EXAMPLE, get, package, policy, post, post_raw, start_coordinator,
};

#[tokio::test]
async fn bad_requests_get_the_error_shape() {
    let d = Deployment::new("http", 2, 3, package(EXAMPLE, policy(1, 10, 600)), 4).await;

    for body in [&b"{"[..], b"", b"[]", b"{\"identity_id\": 1}", b"null"] {
        post_raw(&d.at("/eval"), body.to_vec())
            .await
            .expect_error(400, "SVC_BODY_INVALID");
    }
    // Missing member, mistyped member; unknown members are ignored.
    post(&d.at("/eval"), &json!({"identity_id": "a", "inputs": {}}))
        .await
        .expect_error(400, "SVC_BODY_INVALID");
    post(
        &d.at("/eval"),
        &json!({"identity_id": "a", "program_id": 7, "inputs": {}}),
    )
    .await
    .expect_error(400, "SVC_BODY_INVALID");
    post(
        &d.at("/eval"),
        &json!({"identity_id": "", "program_id": d.program_id, "inputs": {}}),
    )
    .await
    .expect_error(400, "SVC_BODY_INVALID");
    post(
        &d.at("/eval"),
        &json!({"identity_id": "a", "program_id": d.program_id, "inputs": {"x": 1}, "extra": true}),
    )
    .await
    .expect_error(403, "SVC_NOT_ACTIVE");

    // Unknown program: 404; registered but not active: 403.
    post(
        &d.at("/eval"),
        &json!({"identity_id": "a", "program_id": "ab".repeat(32), "inputs": {"x": 1}}),
    )
    .await
    .expect_error(404, "SVC_PROGRAM_UNKNOWN");
    get(&d.at(&format!("/programs/{}", "ab".repeat(32))))
        .await
        .expect_error(404, "SVC_PROGRAM_UNKNOWN");
    d.eval("a", json!({"x": 1}), None)
        .await
        .expect_error(403, "SVC_NOT_ACTIVE");

    // Too large: with a Content-Length, and streamed without one.
    let big = format!(
        "{{\"pad\": \"{}\"}}",
        "a".repeat(quorumvm_service::wire::BODY_LIMIT)
    );
    post_raw(&d.at("/eval"), big.clone().into_bytes())
        .await
        .expect_error(413, "SVC_BODY_TOO_LARGE");
    let (status, body) = post_chunked(&d.at(""), "/programs", big.as_bytes()).await;
    assert_eq!(status, 413, "{body}");
    let body: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["error"]["code"], "SVC_BODY_TOO_LARGE");

    get(&d.at("/nowhere"))
        .await
        .expect_error(404, "SVC_NOT_FOUND");
    get(&d.at("/eval"))
        .await
        .expect_error(405, "SVC_METHOD_NOT_ALLOWED");

    let health = get(&d.at("/health")).await;
    assert_eq!(health.status, 200);
    assert_eq!(health.body["status"], "ok");
    assert_eq!(health.body["role"], "coordinator");
    assert_eq!(
        (health.body["k"].clone(), health.body["n"].clone()),
        (json!(2), json!(3))
    );
    assert_eq!(health.body["custodians"], 3);
    d.stop().await;
}

/// Posts `body` with `Transfer-Encoding: chunked` (no Content-Length) over a raw connection;
/// answers the status and the response body.
async fn post_chunked(base: &str, path: &str, body: &[u8]) -> (u16, String) {
    let address = base.trim_start_matches("http://").to_owned();
    let path = path.to_owned();
    let body = body.to_vec();
    tokio::task::spawn_blocking(move || post_chunked_blocking(&address, &path, &body))
        .await
        .unwrap()
}

fn post_chunked_blocking(address: &str, path: &str, body: &[u8]) -> (u16, String) {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(address).unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    let mut request = head.into_bytes();
    for chunk in body.chunks(64 * 1024) {
        request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
        request.extend_from_slice(chunk);
        request.extend_from_slice(b"\r\n");
    }
    request.extend_from_slice(b"0\r\n\r\n");
    // The server may answer and close before it has read everything.
    let _ = stream.write_all(&request);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    (status, body)
}

#[tokio::test]
async fn openapi_describes_every_route_of_the_router() {
    let dir = Dir::new("openapi");
    let server = start_coordinator(Deployment::config_for(&dir, 2, 3)).await;
    let served = get(&format!("{}/openapi.json", server.url)).await;
    assert_eq!(served.status, 200);
    let document = served.body;
    assert_eq!(document, quorumvm_service::openapi::coordinator());
    assert_eq!(document["openapi"], "3.1.0");
    let routes = coordinator::routes();
    let mut described = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            described += 1;
            assert!(
                routes.contains(&(method.as_str(), path.as_str())),
                "{method} {path} is described but not routed"
            );
            assert!(
                operation["responses"]["200"].is_object()
                    || operation["responses"]["201"].is_object()
            );
        }
    }
    for (method, path) in &routes {
        let operation = &document["paths"][*path][*method];
        assert!(
            operation.is_object(),
            "{method} {path} is routed but not described"
        );
        // Every route answers at the router (no 404 or 405 fallback).
        let url = format!("{}{}", server.url, path.replace("{id}", &"ab".repeat(32)));
        let answer = match *method {
            "get" => get(&url).await,
            _ => post(&url, &json!({})).await,
        };
        assert!(
            !["SVC_NOT_FOUND", "SVC_METHOD_NOT_ALLOWED"].contains(&answer.code()),
            "{method} {path}: {:?}",
            answer.body
        );
    }
    assert_eq!(described, routes.len());
    // Every reference resolves.
    let text = document.to_string();
    for reference in text.split("\"$ref\":\"#/").skip(1) {
        let pointer = format!("/{}", &reference[..reference.find('"').unwrap()]);
        assert!(
            document.pointer(&pointer).is_some(),
            "dangling $ref {pointer}"
        );
    }
    server.stop().await;
}

#[test]
fn config_reads_toml() {
    let config = Config::from_toml_str("k = 3\nn = 5\ndatabase = \"/tmp/c.sqlite\"\n").unwrap();
    assert_eq!(config, Config::new(3, 5, "/tmp/c.sqlite"));
    assert_eq!(config.call_timeout_ms, coordinator::DEFAULT_CALL_TIMEOUT_MS);
    let config =
        Config::from_toml_str("k = 1\nn = 1\ndatabase = \"c.sqlite\"\ncall_timeout_ms = 250\n")
            .unwrap();
    assert_eq!(config.call_timeout_ms, 250);
    for bad in [
        "k = 4\nn = 3\ndatabase = \"c\"\n",
        "k = 0\nn = 3\ndatabase = \"c\"\n",
        "k = 1\nn = 256\ndatabase = \"c\"\n",
        "k = 1\nn = 3\n",
        "k = 1\nn = 3\ndatabase = \"c\"\nport = 1\n",
        "k = 1\nn = 3\ndatabase = \"c\"\ncall_timeout_ms = 0\n",
        "k = ",
    ] {
        assert_eq!(
            Config::from_toml_str(bad).unwrap_err().code(),
            "SVC_CONFIG_INVALID",
            "{bad}"
        );
    }
}
