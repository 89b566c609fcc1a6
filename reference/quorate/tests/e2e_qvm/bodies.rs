//! Hostile requests at every route of both services: bodies over 1 MiB are
//! `413 SVC_BODY_TOO_LARGE`, malformed bodies, bad queries, unknown routes and wrong methods get a
//! 4xx with the error shape, inputs that do not fit the program are refused before anything is
//! charged (QVM-027, QVM-029), and every service still evaluates afterwards.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpStream};
use std::thread;
use std::time::Duration;

use field::Fp;
use serde_json::{Value, json};

use crate::cluster::Cluster;
use crate::installer::{approve_all, eval, install, package};
use crate::reply::Reply;
use crate::{EXAMPLE, client, get, post, reply};

fn post_raw(url: &str, body: Vec<u8>, content_type: Option<&str>) -> Reply {
    let mut request = client().post(url).body(body);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    reply(request.send().unwrap())
}

/// `POST` over a raw connection: the body is written from another thread while the answer is
/// read, so a server that answers 413 before reading the whole body is still heard.
fn post_tcp(url: &str, body: Vec<u8>) -> Reply {
    let rest = url.trim_start_matches("http://");
    let (addr, path) = rest.split_once('/').unwrap();
    let stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut writer = stream.try_clone().unwrap();
    let head = format!(
        "POST /{path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let writing = thread::spawn(move || {
        let _ = writer.write_all(head.as_bytes());
        let _ = writer.write_all(&body);
    });
    let mut reader = stream;
    let mut response = Vec::new();
    let mut buffer = [0u8; 8192];
    while let Ok(n) = reader.read(&mut buffer) {
        if n == 0 {
            break;
        }
        response.extend_from_slice(&buffer[..n]);
    }
    let _ = reader.shutdown(Shutdown::Both);
    let _ = writing.join();
    let text = String::from_utf8_lossy(&response);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    Reply {
        status,
        body: serde_json::from_str(body).unwrap_or(Value::Null),
    }
}

#[test]
fn e2e_oversized_and_malformed_bodies_get_4xx() {
    let cluster = Cluster::start("e2e-bodies");
    let installed = install(&cluster, package(EXAMPLE, 1, 100, 100), 2);
    let program = installed.id();
    let coordinator_routes = [
        "/custodians".to_owned(),
        "/programs".to_owned(),
        format!("/programs/{program}/approvals"),
        "/eval".to_owned(),
    ];
    let custodian_routes = [
        "/install",
        "/approve",
        "/activate",
        "/eval/begin",
        "/eval/open",
        "/eval/batch",
    ];
    let mut urls: Vec<String> = coordinator_routes
        .iter()
        .map(|r| cluster.coordinator(r))
        .collect();
    for route in custodian_routes {
        urls.push(format!("{}{route}", cluster.custodians[0].url));
    }
    let big = {
        let mut body = br#"{"pad":""#.to_vec();
        body.extend(std::iter::repeat_n(b'a', 2 << 20));
        body.extend(br#""}"#);
        body
    };
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes();
    let malformed: Vec<(&str, Vec<u8>)> = vec![
        ("not JSON", b"{not json".to_vec()),
        ("empty", Vec::new()),
        ("an array", b"[]".to_vec()),
        ("wrong types", br#"{"x":"one","url":7,"program_id":5,"package":1,"slots":"s","identity_id":[],"inputs":3,"signature":false,"installation":1,"roster":2,"approvals":3,"request_id":4,"slot":"s","round":"r","openings":1,"messages":{}}"#.to_vec()),
        ("invalid UTF-8", b"{\"x\":\"\xff\xfe\"}".to_vec()),
        ("a huge number", format!("{{\"x\": 1{}}}", "0".repeat(5000)).into_bytes()),
        ("deep nesting", deep),
        ("truncated", br#"{"program_id": "abc"#.to_vec()),
    ];
    for url in &urls {
        let too_large = post_tcp(url, big.clone());
        too_large.refused(413, "SVC_BODY_TOO_LARGE");
        for (what, body) in &malformed {
            let reply = post_raw(url, body.clone(), Some("application/json"));
            assert!(
                (400..500).contains(&reply.status),
                "{url}: {what}: {} {:?}",
                reply.status,
                reply.body
            );
            assert!(
                reply.body["error"]["code"].is_string()
                    && reply.body["error"]["message"].is_string(),
                "{url}: {what}: the error body is {:?}",
                reply.body
            );
        }
        // Without a content type, a malformed body is still a 4xx.
        let reply = post_raw(url, b"{".to_vec(), None);
        assert!((400..500).contains(&reply.status), "{url}: {reply:?}");
    }
    // Bad queries, unknown routes and programs, wrong methods.
    let bad = [
        get(&cluster.coordinator("/audit?offset=abc")),
        get(&cluster.coordinator("/audit?limit=-1")),
        get(&cluster.coordinator("/nowhere")),
        get(&cluster.coordinator("/programs/0000")),
        get(&cluster.coordinator("/eval")),
        get(&format!("{}/install", cluster.custodians[0].url)),
    ];
    for reply in bad {
        assert!((400..500).contains(&reply.status), "{reply:?}");
    }
    // Inputs that do not fit the program: 422, and nothing is charged or consumed.
    approve_all(&cluster, &installed);
    for inputs in [
        json!({}),
        json!({"x": "1", "y": "2"}),
        json!({"x": "not a number"}),
        json!({"x": 1.5}),
        json!({"x": 9_007_199_254_740_993u64}),
    ] {
        let reply = post(
            &cluster.coordinator("/eval"),
            &json!({"identity_id": "alice", "program_id": program, "inputs": inputs}),
        );
        assert!(
            matches!(reply.status, 400 | 422),
            "inputs {inputs}: {reply:?}"
        );
    }
    // Every service is still up and evaluates.
    let answer = eval(&cluster, &installed, "alice", Fp::from(2u64), None).ok();
    assert_eq!(
        answer["output"],
        installed.clear(Fp::from(2u64)).to_string()
    );
}
