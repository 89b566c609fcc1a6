//! Sigil end to end: the real `quorate serve sigil` binary started as a process on loopback
//! with its SQLite file in a temporary directory, driven over HTTP, killed with SIGKILL for the
//! restart test, and its database edited behind its back for the tamper test. Every test is
//! named `e2e_*`, so `cargo test e2e_` runs them.
//!
//! Witness keys and attestations are made here with the `sigil` core (the witnesses are the
//! test's, not the service's), and every answer the service gives is checked against the core:
//! scores are recomputed, chains and records re-verified.
//!
//! The process is in `e2e_sigil/service.rs`; the tests are grouped by the behaviour they check,
//! one module each, and each module names the requirements of spec/sigil.md its tests cover.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failure is a test failure

#[path = "support/http.rs"]
mod http;
#[path = "support/process.rs"]
mod process;
#[path = "support/reply.rs"]
mod reply;

#[path = "e2e_sigil/service.rs"]
mod service;

#[path = "e2e_sigil/cdc.rs"]
mod cdc;
#[path = "e2e_sigil/decisions.rs"]
mod decisions;
#[path = "e2e_sigil/keys.rs"]
mod keys;
#[path = "e2e_sigil/limits.rs"]
mod limits;
#[path = "e2e_sigil/modules.rs"]
mod modules;
#[path = "e2e_sigil/quorum.rs"]
mod quorum;
#[path = "e2e_sigil/records.rs"]
mod records;
#[path = "e2e_sigil/restart.rs"]
mod restart;
#[path = "e2e_sigil/tamper.rs"]
mod tamper;

use serde_json::{Value, json};

use http::{client, reply};
use reply::Reply;
use sigil::features::{CheckRequest, features};
use sigil::keys::{KeyHistory, Signer};
use sigil::model::TrustModel;
use sigil::record::{self, Record};

/// The KEK of every service in these tests.
const KEK: &str = "5369676696c206532652074657374732061742072657374202e6f742061206b6";

/// A low-risk request the default model allows.
fn low_risk(actor: &str) -> Value {
    json!({"tenant": "acme", "actor": actor, "action": "read", "target": "public:docs",
           "loa": "Operator", "input": "page=1"})
}

/// A high-risk request the default model denies.
fn high_risk(actor: &str) -> Value {
    json!({"tenant": "acme", "actor": actor, "action": "delete", "target": "secret:keys",
           "loa": "Guest", "input": "rm -rf / --no-preserve-root"})
}

fn witness(i: u8) -> Signer {
    Signer::from_seed(&[0x40 + i; 32]).unwrap()
}

// ---------------------------------------------------------------------------------------------
// HTTP.

fn get(url: &str) -> Reply {
    get_with(url, &[])
}

fn get_with(url: &str, headers: &[(&str, &str)]) -> Reply {
    let mut request = client().get(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    reply(request.send().unwrap())
}

fn post(url: &str, body: &Value, headers: &[(&str, &str)]) -> Reply {
    post_raw(url, serde_json::to_vec(body).unwrap(), headers)
}

fn post_raw(url: &str, body: Vec<u8>, headers: &[(&str, &str)]) -> Reply {
    let mut request = client().post(url).body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    reply(request.send().unwrap())
}

// ---------------------------------------------------------------------------------------------
// Checks against the core.

/// The canonical bytes of a JSON value the service returned.
fn canonical(value: &Value) -> Vec<u8> {
    canon::json::canonicalize(&serde_json::to_vec(value).unwrap())
        .unwrap()
        .into_string()
        .into_bytes()
}

/// Re-verifies an audited FrozenChain with the core and returns its chain.
fn verified_chain(frozen: &Value, keys: &KeyHistory) -> sigil::chain::ReasoningChain {
    sigil::chain::verify(&canonical(frozen), keys)
        .unwrap()
        .chain
}

/// Re-verifies a record with the core (no quorum: user space or a service kind).
fn verified_record(record: &Value, keys: &KeyHistory) -> Record {
    record::verify_stored(&canonical(record), None, keys, None).unwrap()
}

/// The default model's score of `request` at window count `window`, as the core computes it.
fn expected_score(request: &Value, window: u64) -> (f64, bool) {
    let request = CheckRequest::parse(&serde_json::to_vec(request).unwrap()).unwrap();
    let score = TrustModel::default_model()
        .score(&features(&request, window))
        .unwrap();
    (score.score, score.allowed)
}

fn score_of(reply: &Reply) -> f64 {
    reply.body["score"].as_f64().unwrap()
}
