//! The anti-extraction policy engine (QVM-060..QVM-065): a token bucket per identity in integer
//! units and a budget per identity, with the clock injected as milliseconds.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::Error;
use crate::package::PolicyManifest;

/// Units of one token: one evaluation's worth of rate (QVM-060).
pub const TOKEN_UNITS: u128 = 60_000;

/// The verdict on one request (QVM-062).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// The evaluation may run; settle it with [`PolicyEngine::settle`].
    Allow,
    /// The rate limit denies it; nothing was consumed.
    RateLimited {
        /// Milliseconds until one token has been refilled.
        retry_after_ms: u64,
    },
    /// The budget cannot pay for it; nothing was consumed.
    BudgetExhausted,
}

impl Decision {
    /// The trace name of the decision: `allow`, `rate_limited` or `budget_exhausted`.
    pub fn name(&self) -> &'static str {
        match self {
            Self::Allow => "allow",
            Self::RateLimited { .. } => "rate_limited",
            Self::BudgetExhausted => "budget_exhausted",
        }
    }
}

/// The policy state of one identity. Services persist it; [`PolicyEngine::restore`] reloads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Account {
    /// Bucket level in units (a token is [`TOKEN_UNITS`]).
    pub level: u128,
    /// The latest request time seen, in milliseconds.
    pub last_ms: u64,
    /// Budget left.
    pub budget_remaining: u64,
    /// Evaluations allowed and not yet settled; their cost is reserved.
    pub pending: u64,
}

/// The policy engine of one program: a [`PolicyManifest`] and an [`Account`] per identity.
#[derive(Debug, Clone)]
pub struct PolicyEngine {
    manifest: PolicyManifest,
    accounts: BTreeMap<String, Account>,
}

impl PolicyEngine {
    /// An engine with no identity seen yet.
    pub fn new(manifest: PolicyManifest) -> Self {
        Self {
            manifest,
            accounts: BTreeMap::new(),
        }
    }

    /// The manifest.
    pub fn manifest(&self) -> &PolicyManifest {
        &self.manifest
    }

    fn rate(&self) -> u128 {
        u128::from(self.manifest.max_evals_per_minute())
    }

    fn capacity(&self) -> u128 {
        self.rate() * TOKEN_UNITS
    }

    /// Decides on a request of `identity` at `now_ms`.
    ///
    /// Enforces QVM-060, QVM-061, QVM-062: the bucket starts full at an identity's first
    /// request; it refills `max_evals_per_minute` units per elapsed millisecond up to its
    /// capacity, and a time earlier than the latest seen refills nothing; then a level below
    /// one token is `rate_limited`, else a budget (less reserved costs) below
    /// `cost_per_eval` is `budget_exhausted`, else `allow`, which takes one token and reserves
    /// the cost until [`PolicyEngine::settle`].
    pub fn decide(&mut self, identity: &str, now_ms: u64) -> Decision {
        let (rate, capacity, cost) = (self.rate(), self.capacity(), self.manifest.cost_per_eval());
        let account = self.accounts.entry(identity.to_owned()).or_insert(Account {
            level: capacity,
            last_ms: now_ms,
            budget_remaining: self.manifest.budget_per_identity(),
            pending: 0,
        });
        if now_ms > account.last_ms {
            let elapsed = u128::from(now_ms - account.last_ms);
            account.level = capacity.min(account.level.saturating_add(elapsed * rate));
            account.last_ms = now_ms;
        }
        if account.level < TOKEN_UNITS {
            let missing = TOKEN_UNITS - account.level;
            let wait = missing.div_ceil(rate);
            return Decision::RateLimited {
                retry_after_ms: u64::try_from(wait).unwrap_or(u64::MAX),
            };
        }
        let reserved = u128::from(account.pending) * u128::from(cost);
        let available = u128::from(account.budget_remaining).saturating_sub(reserved);
        if available < u128::from(cost) {
            return Decision::BudgetExhausted;
        }
        account.level -= TOKEN_UNITS;
        account.pending += 1;
        Decision::Allow
    }

    /// Decides, as [`PolicyEngine::decide`], and maps a denial to its error
    /// (`QVM_RATE_LIMITED`, `QVM_BUDGET_EXHAUSTED`) for a service to return.
    ///
    /// Enforces QVM-064.
    pub fn admit(&mut self, identity: &str, now_ms: u64) -> Result<(), Error> {
        match self.decide(identity, now_ms) {
            Decision::Allow => Ok(()),
            Decision::RateLimited { retry_after_ms } => Err(Error::RateLimited { retry_after_ms }),
            Decision::BudgetExhausted => Err(Error::BudgetExhausted {
                budget_remaining: self.budget_remaining(identity),
                cost_per_eval: self.manifest.cost_per_eval(),
            }),
        }
    }

    /// Settles one allowed evaluation of `identity`: charges `cost_per_eval` if it succeeded,
    /// nothing if it failed. Returns the budget left.
    ///
    /// Enforces QVM-063: an identity with no allowed evaluation pending is
    /// `QVM_NOTHING_PENDING`.
    pub fn settle(&mut self, identity: &str, success: bool) -> Result<u64, Error> {
        let cost = self.manifest.cost_per_eval();
        let account = self
            .accounts
            .get_mut(identity)
            .filter(|a| a.pending > 0)
            .ok_or_else(|| Error::NothingPending {
                identity: identity.to_owned(),
            })?;
        account.pending -= 1;
        if success {
            account.budget_remaining = account.budget_remaining.saturating_sub(cost);
        }
        Ok(account.budget_remaining)
    }

    /// The budget left to `identity` (the full budget for an identity never seen).
    pub fn budget_remaining(&self, identity: &str) -> u64 {
        self.accounts
            .get(identity)
            .map_or(self.manifest.budget_per_identity(), |a| a.budget_remaining)
    }

    /// The state of `identity`, if it has made a request.
    pub fn account(&self, identity: &str) -> Option<Account> {
        self.accounts.get(identity).copied()
    }

    /// Reloads the persisted state of `identity` (a level above capacity is capped).
    pub fn restore(&mut self, identity: &str, mut account: Account) {
        account.level = account.level.min(self.capacity());
        self.accounts.insert(identity.to_owned(), account);
    }
}

/// One request of a policy trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceRequest {
    /// When, in milliseconds.
    pub t_ms: u64,
    /// Who.
    pub identity: String,
    /// Whether the evaluation succeeds, if it is allowed.
    pub succeeds: bool,
}

/// The outcome of one request of a trace (QVM-065).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceEntry {
    /// The decision.
    pub decision: Decision,
    /// The identity's budget after the request (and its settlement).
    pub budget_remaining: u64,
}

impl TraceEntry {
    /// The JSON form: `{"decision", "budget_remaining", "retry_after_ms"}`, `retry_after_ms`
    /// `null` unless the request was rate limited.
    pub fn to_json(&self) -> Value {
        let retry = match self.decision {
            Decision::RateLimited { retry_after_ms } => json!(retry_after_ms),
            _ => Value::Null,
        };
        json!({
            "decision": self.decision.name(),
            "budget_remaining": self.budget_remaining,
            "retry_after_ms": retry,
        })
    }
}

/// Runs requests in order through a fresh engine, settling each allowed one at once with its
/// `succeeds`.
///
/// Enforces QVM-065.
pub fn trace(policy: &PolicyManifest, requests: &[TraceRequest]) -> Vec<TraceEntry> {
    let mut engine = PolicyEngine::new(*policy);
    requests
        .iter()
        .map(|r| {
            let decision = engine.decide(&r.identity, r.t_ms);
            let budget_remaining = match decision {
                Decision::Allow => engine
                    .settle(&r.identity, r.succeeds)
                    .unwrap_or_else(|_| engine.budget_remaining(&r.identity)),
                _ => engine.budget_remaining(&r.identity),
            };
            TraceEntry {
                decision,
                budget_remaining,
            }
        })
        .collect()
}
