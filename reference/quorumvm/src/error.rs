//! The crate's one error type and its mapping to the spec's error codes.

use crate::audit::AuditFault;

/// Every way an operation of this crate can fail.
///
/// [`Error::code`] gives the spec's error code (`spec/quorumvm.md` §8); `Display` adds the
/// detail (which round, which custodians, which member). Several variants may share a code;
/// errors of the field and Shamir layers keep their own codes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// QVM-001, QVM-004: a package, an IR or a secret manifest that is not valid.
    #[error("invalid program package: {reason}")]
    PackageInvalid {
        /// What was wrong.
        reason: String,
    },
    /// QVM-003: a policy manifest that is not valid.
    #[error("invalid policy manifest: {reason}")]
    PolicyInvalid {
        /// What was wrong.
        reason: String,
    },
    /// QVM-011, QVM-040: inputs that do not match the program, or an evaluation schedule
    /// (custodian lists, corruption) that does not fit the program and threshold.
    #[error("invalid evaluation inputs: {reason}")]
    InputsInvalid {
        /// What was wrong.
        reason: String,
    },
    /// A field element that is not in an accepted form (FIELD-003).
    #[error(transparent)]
    Field(#[from] field::Error),
    /// A Shamir failure that has no QuorumVM meaning (an invalid threshold, SHAMIR-*).
    #[error(transparent)]
    Shamir(#[from] shamir::Error),
    /// QVM-044: fewer than K custodians answered a round.
    #[error("round {round}: {answered} of the {k} answers needed")]
    QuorumUnavailable {
        /// The round (1-based; the output round is `mul_depth + 1`).
        round: usize,
        /// How many custodians answered.
        answered: usize,
        /// The threshold K.
        k: usize,
    },
    /// QVM-043: more than K custodians answered a round and their shares do not lie on one
    /// polynomial of degree K - 1.
    #[error("round {round}: the shares of custodians {custodians:?} are inconsistent ({what})")]
    InconsistentShares {
        /// The round (1-based; the output round is `mul_depth + 1`).
        round: usize,
        /// The custodians whose answers were combined, in the order they were used.
        custodians: Vec<u8>,
        /// Which value did not reconstruct consistently (`d` or `e` of a gate, or the output).
        what: String,
    },
    /// QVM-032: a triple that was already consumed.
    #[error("triple {id} was already consumed")]
    TripleReused {
        /// The consumed triple.
        id: String,
    },
    /// QVM-032: no dealt triple is left for an evaluation slot.
    #[error("no triples dealt for evaluation slot {slot}: the pool is exhausted")]
    TriplesExhausted {
        /// The slot asked for.
        slot: u64,
    },
    /// QVM-033: a request id that a custodian has already seen.
    #[error("request {request_id:?} was already received")]
    RequestReplayed {
        /// The request id.
        request_id: String,
    },
    /// QVM-033: a protocol message that does not fit the state of its receiver (unknown
    /// request, round out of order, gates that are not the round's gates, a stale answer).
    #[error("invalid protocol message: {reason}")]
    MessageInvalid {
        /// What was wrong.
        reason: String,
    },
    /// QVM-031: an installation (shares, triples) that does not match its program.
    #[error("invalid installation: {reason}")]
    InstallInvalid {
        /// What was wrong.
        reason: String,
    },
    /// QVM-064: an identity's rate limit denies the request.
    #[error("rate limited: retry after {retry_after_ms} ms")]
    RateLimited {
        /// Milliseconds until one evaluation's worth of tokens has been refilled.
        retry_after_ms: u64,
    },
    /// QVM-064: an identity's budget cannot pay for another evaluation.
    #[error("budget exhausted: {budget_remaining} left, {cost_per_eval} needed")]
    BudgetExhausted {
        /// What is left of the budget.
        budget_remaining: u64,
        /// What one evaluation costs.
        cost_per_eval: u64,
    },
    /// QVM-063: an evaluation settled for an identity that has no allowed evaluation pending.
    #[error("identity {identity:?} has no allowed evaluation pending")]
    NothingPending {
        /// The identity.
        identity: String,
    },
    /// QVM-070: an audit body that cannot be chained.
    #[error("audit entry {index} cannot be chained: {reason}")]
    AuditInvalid {
        /// Index of the body.
        index: usize,
        /// What was wrong.
        reason: String,
    },
    /// QVM-072: an audit log that does not verify; the code names the fault.
    #[error("audit log broken at entry {index}: {fault:?}")]
    AuditBroken {
        /// Index of the first bad entry.
        index: usize,
        /// The first failing check.
        fault: AuditFault,
    },
    /// An operation input of the wrong JSON shape (PROTO-070), from the [`crate::ops`] helpers.
    #[error("invalid case input: {reason}")]
    CaseInvalid {
        /// What was wrong.
        reason: String,
    },
}

impl Error {
    /// The spec error code (`spec/quorumvm.md`, `spec/errors.md`) for this error.
    pub fn code(&self) -> &'static str {
        match self {
            Self::PackageInvalid { .. } => "QVM_PACKAGE_INVALID",
            Self::PolicyInvalid { .. } => "QVM_POLICY_INVALID",
            Self::InputsInvalid { .. } => "QVM_INPUTS_INVALID",
            Self::Field(e) => e.code(),
            Self::Shamir(e) => e.code(),
            Self::QuorumUnavailable { .. } => "QVM_QUORUM_UNAVAILABLE",
            Self::InconsistentShares { .. } => "QVM_INCONSISTENT_SHARES",
            Self::TripleReused { .. } => "QVM_TRIPLE_REUSED",
            Self::TriplesExhausted { .. } => "QVM_TRIPLES_EXHAUSTED",
            Self::RequestReplayed { .. } => "QVM_REQUEST_REPLAYED",
            Self::MessageInvalid { .. } => "QVM_MESSAGE_INVALID",
            Self::InstallInvalid { .. } => "QVM_INSTALL_INVALID",
            Self::RateLimited { .. } => "QVM_RATE_LIMITED",
            Self::BudgetExhausted { .. } => "QVM_BUDGET_EXHAUSTED",
            Self::NothingPending { .. } => "QVM_NOTHING_PENDING",
            Self::AuditInvalid { .. } => "QVM_AUDIT_INVALID",
            Self::AuditBroken { fault, .. } => fault.code(),
            Self::CaseInvalid { .. } => "PROTO_CASE_INVALID",
        }
    }

    /// The HTTP status a service answers with when it returns this error (`spec/errors.md`).
    ///
    /// Enforces QVM-064: a rate limit is 429 (retrying later helps), an exhausted budget is
    /// 402 (retrying never helps until the budget is raised).
    pub fn http_status(&self) -> u16 {
        match self {
            Self::RateLimited { .. } => 429,
            Self::BudgetExhausted { .. } => 402,
            Self::QuorumUnavailable { .. } => 503,
            Self::InconsistentShares { .. } => 502,
            Self::TripleReused { .. } | Self::RequestReplayed { .. } => 409,
            Self::TriplesExhausted { .. } => 503,
            Self::NothingPending { .. } | Self::AuditBroken { .. } => 500,
            Self::PackageInvalid { .. }
            | Self::PolicyInvalid { .. }
            | Self::InputsInvalid { .. }
            | Self::Field(_)
            | Self::Shamir(_)
            | Self::MessageInvalid { .. }
            | Self::InstallInvalid { .. }
            | Self::AuditInvalid { .. }
            | Self::CaseInvalid { .. } => 400,
        }
    }

    pub(crate) fn package(reason: impl Into<String>) -> Self {
        Self::PackageInvalid {
            reason: reason.into(),
        }
    }

    pub(crate) fn policy(reason: impl Into<String>) -> Self {
        Self::PolicyInvalid {
            reason: reason.into(),
        }
    }

    pub(crate) fn inputs(reason: impl Into<String>) -> Self {
        Self::InputsInvalid {
            reason: reason.into(),
        }
    }

    pub(crate) fn message(reason: impl Into<String>) -> Self {
        Self::MessageInvalid {
            reason: reason.into(),
        }
    }

    pub(crate) fn install(reason: impl Into<String>) -> Self {
        Self::InstallInvalid {
            reason: reason.into(),
        }
    }

    pub(crate) fn case(reason: impl Into<String>) -> Self {
        Self::CaseInvalid {
            reason: reason.into(),
        }
    }
}
