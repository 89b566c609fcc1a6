//! QuorumVM services end to end: the real `quorate serve` binary started as processes on
//! loopback (a coordinator and N = 5 custodians, K = 3), each with its own SQLite file in a
//! temporary directory, driven over HTTP by a small blocking installer written here (not the
//! demo's), and killed with SIGKILL for the fault tests. Every test is named `e2e_*`, so
//! `cargo test e2e_` runs them.
//!
//! A custodian that returns wrong shares is one started with the test-only `fault` option of
//! its configuration (`quorumvm_service::custodian::Fault`).
//!
//! The processes are in `e2e_qvm/cluster.rs`, the installer in `e2e_qvm/installer.rs`; the
//! tests are grouped by the behaviour they check, one module each, and each module names the
//! requirements of spec/quorumvm.md its tests cover.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // a failure is a test failure

#[path = "support/http.rs"]
mod http;
#[path = "support/process.rs"]
mod process;
#[path = "support/reply.rs"]
mod reply;

#[path = "e2e_qvm/cluster.rs"]
mod cluster;
#[path = "e2e_qvm/installer.rs"]
mod installer;

#[path = "e2e_qvm/activation.rs"]
mod activation;
#[path = "e2e_qvm/bodies.rs"]
mod bodies;
#[path = "e2e_qvm/crashes.rs"]
mod crashes;
#[path = "e2e_qvm/demo.rs"]
mod demo;
#[path = "e2e_qvm/quorum.rs"]
mod quorum;
#[path = "e2e_qvm/replay.rs"]
mod replay;
#[path = "e2e_qvm/startup.rs"]
mod startup;

use serde_json::Value;

use http::{client, reply};
use reply::Reply;

const BIN: &str = env!("CARGO_BIN_EXE_quorate");
const K: usize = 3;
const N: usize = 5;
/// The at-rest key of every custodian in these tests.
const KEY: &str = "6b6579206f6620746865207175726174652065326520746573747320666f7221";

/// The demo's example program: `((x + S_v)^2 + 7) * x`, two rounds.
const EXAMPLE: &str = include_str!("../src/commands/demo/example.qvm");

/// `(x + S_v)^7`: six rounds, to keep an evaluation in flight longer.
const DEEP: &str = "input x\nsecret s\nadd t0 = x s\nmul t1 = t0 t0\nmul t2 = t1 t0\n\
                    mul t3 = t2 t0\nmul t4 = t3 t0\nmul t5 = t4 t0\nmul t6 = t5 t0\noutput t6\n";

fn get(url: &str) -> Reply {
    reply(client().get(url).send().unwrap())
}

fn post(url: &str, body: &Value) -> Reply {
    reply(client().post(url).json(body).send().unwrap())
}
