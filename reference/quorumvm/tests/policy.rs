//! The policy engine (spec/quorumvm.md §5): token buckets in integer units, budgets, the
//! order of the checks, charging on success only, and a clock that goes backwards.

// A test crate: helpers outside #[test] functions fail by panicking, as assertions do.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use quorumvm::package::PolicyManifest;
use quorumvm::policy::{Decision, PolicyEngine, TraceRequest, trace};
use serde_json::json;

/// `(t_ms, identity, succeeds)` → `(decision, budget_remaining, retry_after_ms)`.
type Step = ((u64, &'static str, bool), (&'static str, u64, Option<u64>));

fn check(what: &str, policy: (u64, u64, u64), steps: &[Step]) {
    let manifest = PolicyManifest::new(policy.0, policy.1, policy.2).unwrap();
    let requests: Vec<TraceRequest> = steps
        .iter()
        .map(|((t_ms, identity, succeeds), _)| TraceRequest {
            t_ms: *t_ms,
            identity: (*identity).to_owned(),
            succeeds: *succeeds,
        })
        .collect();
    let got = trace(&manifest, &requests);
    assert_eq!(got.len(), steps.len(), "{what}");
    for (i, (entry, (_, (decision, budget, retry)))) in got.iter().zip(steps).enumerate() {
        let json = entry.to_json();
        let want =
            json!({ "decision": decision, "budget_remaining": budget, "retry_after_ms": retry });
        assert_eq!(json, want, "{what}: request {i}");
    }
}

#[test]
fn burst_then_rate_limited() {
    // 3 per minute: capacity 3 tokens = 180,000 units; refill 3 units per ms.
    check(
        "burst",
        (1, 100, 3),
        &[
            ((0, "alice", true), ("allow", 99, None)),
            ((1, "alice", true), ("allow", 98, None)),
            ((2, "alice", true), ("allow", 97, None)),
            // level 6 + 3 = 9 units: (60,000 - 9) / 3 rounded up.
            ((3, "alice", true), ("rate_limited", 97, Some(19_997))),
            ((20_000, "alice", true), ("allow", 96, None)),
        ],
    );
}

#[test]
fn rate_limit_then_refill() {
    // 2 per minute: one token back every 30,000 ms.
    check(
        "refill",
        (1, 100, 2),
        &[
            ((0, "a", true), ("allow", 99, None)),
            ((1, "a", true), ("allow", 98, None)),
            ((2, "a", true), ("rate_limited", 98, Some(29_998))),
            ((29_999, "a", true), ("rate_limited", 98, Some(1))),
            ((30_000, "a", true), ("allow", 97, None)),
            ((30_001, "a", true), ("rate_limited", 97, Some(29_999))),
        ],
    );
}

#[test]
fn budget_exhaustion() {
    check(
        "budget",
        (3, 9, 1),
        &[
            ((0, "bob", true), ("allow", 6, None)),
            ((60_000, "bob", true), ("allow", 3, None)),
            ((120_000, "bob", true), ("allow", 0, None)),
            ((180_000, "bob", true), ("budget_exhausted", 0, None)),
            // Denied requests consume no token: the next is not rate limited.
            ((180_001, "bob", true), ("budget_exhausted", 0, None)),
        ],
    );
    // A budget smaller than one evaluation: exhausted from the start.
    check(
        "tiny",
        (5, 4, 1),
        &[((0, "z", true), ("budget_exhausted", 4, None))],
    );
    // The rate limit is checked first: a rate-limited request says so even with no budget.
    check(
        "order",
        (1, 1, 1),
        &[
            ((0, "o", true), ("allow", 0, None)),
            ((1, "o", true), ("rate_limited", 0, Some(59_999))),
            ((60_001, "o", true), ("budget_exhausted", 0, None)),
        ],
    );
}

#[test]
fn failures_are_not_charged() {
    check(
        "failures",
        (5, 10, 1),
        &[
            ((0, "c", false), ("allow", 10, None)),
            ((60_000, "c", false), ("allow", 10, None)),
            ((120_000, "c", true), ("allow", 5, None)),
            ((180_000, "c", true), ("allow", 0, None)),
            ((240_000, "c", true), ("budget_exhausted", 0, None)),
        ],
    );
    // A failed evaluation still takes its token.
    check(
        "token",
        (1, 10, 1),
        &[
            ((0, "f", false), ("allow", 10, None)),
            ((1, "f", true), ("rate_limited", 10, Some(59_999))),
        ],
    );
}

#[test]
fn clock_going_backwards_refills_nothing() {
    check(
        "backwards",
        (1, 100, 1),
        &[
            ((100_000, "d", true), ("allow", 99, None)),
            ((100_001, "d", true), ("rate_limited", 99, Some(59_999))),
            // Earlier than the latest seen: no refill, and the latest stays 100,001.
            ((50_000, "d", true), ("rate_limited", 99, Some(59_999))),
            ((159_999, "d", true), ("rate_limited", 99, Some(1))),
            ((160_000, "d", true), ("allow", 98, None)),
        ],
    );
}

#[test]
fn identities_are_independent() {
    check(
        "identities",
        (1, 2, 1),
        &[
            ((0, "x", true), ("allow", 1, None)),
            ((0, "y", true), ("allow", 1, None)),
            ((0, "x", true), ("rate_limited", 1, Some(60_000))),
            ((0, "y", true), ("rate_limited", 1, Some(60_000))),
            ((1, "x", true), ("rate_limited", 1, Some(59_999))),
        ],
    );
}

#[test]
fn the_bucket_never_exceeds_its_capacity() {
    check(
        "capacity",
        (1, 100, 2),
        &[
            ((0, "e", true), ("allow", 99, None)),
            // A long idle period refills to 2 tokens, not more.
            ((10_000_000, "e", true), ("allow", 98, None)),
            ((10_000_000, "e", true), ("allow", 97, None)),
            ((10_000_000, "e", true), ("rate_limited", 97, Some(30_000))),
        ],
    );
    // The largest values: no overflow.
    let max = (1 << 53) - 1;
    let manifest = PolicyManifest::new(max, max, max).unwrap();
    let mut engine = PolicyEngine::new(manifest);
    assert_eq!(engine.decide("m", u64::MAX), Decision::Allow);
    assert_eq!(engine.settle("m", true).unwrap(), 0);
    assert_eq!(engine.decide("m", 0), Decision::BudgetExhausted);
}

#[test]
fn concurrent_allows_reserve_the_budget() {
    let manifest = PolicyManifest::new(4, 10, 10).unwrap();
    let mut engine = PolicyEngine::new(manifest);
    assert_eq!(engine.decide("p", 0), Decision::Allow);
    assert_eq!(engine.decide("p", 0), Decision::Allow);
    // 10 - 2 * 4 reserved = 2 < 4: a third concurrent evaluation cannot be paid for.
    assert_eq!(engine.decide("p", 0), Decision::BudgetExhausted);
    assert_eq!(engine.settle("p", false).unwrap(), 10);
    assert_eq!(engine.decide("p", 0), Decision::Allow);
    assert_eq!(engine.settle("p", true).unwrap(), 6);
    assert_eq!(engine.settle("p", true).unwrap(), 2);
    assert_eq!(
        engine.settle("p", true).unwrap_err().code(),
        "QVM_NOTHING_PENDING"
    );
    assert_eq!(
        engine.settle("nobody", true).unwrap_err().code(),
        "QVM_NOTHING_PENDING"
    );
}

#[test]
fn denials_map_to_their_codes_and_http_statuses() {
    let mut engine = PolicyEngine::new(PolicyManifest::new(1, 1, 1).unwrap());
    engine.admit("q", 0).unwrap();
    engine.settle("q", true).unwrap();
    let limited = engine.admit("q", 1).unwrap_err();
    assert_eq!(
        (limited.code(), limited.http_status()),
        ("QVM_RATE_LIMITED", 429)
    );
    assert!(matches!(
        limited,
        quorumvm::Error::RateLimited {
            retry_after_ms: 59_999
        }
    ));
    let exhausted = engine.admit("q", 60_001).unwrap_err();
    assert_eq!(
        (exhausted.code(), exhausted.http_status()),
        ("QVM_BUDGET_EXHAUSTED", 402)
    );
}

#[test]
fn accounts_round_trip_through_restore() {
    let manifest = PolicyManifest::new(1, 5, 1).unwrap();
    let mut engine = PolicyEngine::new(manifest);
    engine.decide("r", 7);
    engine.settle("r", true).unwrap();
    let saved = engine.account("r").unwrap();
    let mut restarted = PolicyEngine::new(manifest);
    restarted.restore("r", saved);
    assert_eq!(restarted.decide("r", 8), engine.decide("r", 8));
    assert_eq!(restarted.account("r"), engine.account("r"));
}

#[test]
fn policy_manifests_are_checked() {
    use quorumvm::package::PolicyManifest as P;
    let ok = json!({ "cost_per_eval": 1, "budget_per_identity": 0, "max_evals_per_minute": 1 });
    assert_eq!(P::from_json(&ok).unwrap(), P::new(1, 0, 1).unwrap());
    assert_eq!(P::from_json(&ok).unwrap().to_json(), ok);
    for bad in [
        json!({ "cost_per_eval": 0, "budget_per_identity": 1, "max_evals_per_minute": 1 }),
        json!({ "cost_per_eval": 1, "budget_per_identity": 1, "max_evals_per_minute": 0 }),
        json!({ "cost_per_eval": -1, "budget_per_identity": 1, "max_evals_per_minute": 1 }),
        json!({ "cost_per_eval": 1.5, "budget_per_identity": 1, "max_evals_per_minute": 1 }),
        json!({ "cost_per_eval": 1.0, "budget_per_identity": 1, "max_evals_per_minute": 1 }),
        json!({ "cost_per_eval": "1", "budget_per_identity": 1, "max_evals_per_minute": 1 }),
        json!({ "cost_per_eval": 9_007_199_254_740_992_u64, "budget_per_identity": 1, "max_evals_per_minute": 1 }),
        json!({ "cost_per_eval": 1, "budget_per_identity": 1 }),
        json!({ "cost_per_eval": 1, "budget_per_identity": 1, "max_evals_per_minute": 1, "extra": 1 }),
        json!([1, 1, 1]),
        json!(null),
    ] {
        assert_eq!(
            P::from_json(&bad).unwrap_err().code(),
            "QVM_POLICY_INVALID",
            "{bad}"
        );
    }
}
