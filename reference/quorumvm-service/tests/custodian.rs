//! The custodian service (spec/quorumvm.md §3, §4.1), driven in-process through its router:
//! install, approval and activation, evaluation by hand with the sans-IO coordinator,
//! persistence across restarts, secret material at rest, and the error shape of bad bodies.

// A test crate: helpers outside #[test] functions fail by panicking, as assertions do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "custodian/activation.rs"]
mod activation;
#[path = "custodian/body.rs"]
mod body;
#[path = "custodian/eval.rs"]
mod eval;
#[path = "custodian/install.rs"]
mod install;
#[path = "custodian/serve.rs"]
mod serve;
#[path = "custodian/storage.rs"]
mod storage;
#[path = "custodian/support.rs"]
mod support;
#[path = "custodian/wire.rs"]
mod wire;
