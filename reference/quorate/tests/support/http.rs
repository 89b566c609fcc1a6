//! The blocking HTTP client of the end-to-end tests and the [`Reply`] it makes of an answer,
//! shared by `e2e_qvm.rs` and `e2e_sigil.rs`. Each includes this file with
//! `#[path = "support/http.rs"] mod http;` beside `support/reply.rs` as `mod reply`.

use std::time::Duration;

use serde_json::Value;

use crate::reply::Reply;

/// A client with a timeout long enough for an evaluation under load, short enough that a hung
/// service fails the test instead of blocking it.
pub(crate) fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap()
}

/// The status and JSON body of `response` (`null` when the body is not JSON).
pub(crate) fn reply(response: reqwest::blocking::Response) -> Reply {
    let status = response.status().as_u16();
    let body = response.json().unwrap_or(Value::Null);
    Reply { status, body }
}
