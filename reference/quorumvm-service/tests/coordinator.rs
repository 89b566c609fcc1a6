//! The coordinator service (spec/quorumvm.md §3, QVM-025..QVM-029), in-process on loopback
//! with real custodians: registration, approvals and activation, threshold evaluation, the
//! policy (rate, budget, replay, quorum failures never charged), the audit log, restarts, and
//! the error shape of every refusal.

// A test crate: helpers outside #[test] functions fail by panicking, as assertions do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "coordinator/approvals.rs"]
mod approvals;
#[path = "coordinator/audit.rs"]
mod audit;
#[path = "coordinator/eval.rs"]
mod eval;
#[path = "coordinator/http.rs"]
mod http;
#[path = "coordinator/policy.rs"]
mod policy;
#[path = "coordinator/registration.rs"]
mod registration;
#[path = "coordinator/restart.rs"]
mod restart;
#[path = "coordinator/support.rs"]
mod support;
