//! The one error type of the Sigil core, with the spec's codes (`spec/errors.md`, "Sigil").

/// A Sigil failure. [`Error::code`] is the stable spec code; messages are never compared.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A request, header or member that does not fit its form (SIGIL-001, SIGIL-030).
    #[error("invalid request: {reason}")]
    RequestInvalid {
        /// What does not fit.
        reason: String,
    },
    /// A trust model that is not the SIGIL-007 object.
    #[error("invalid trust model: {reason}")]
    ModelInvalid {
        /// What does not fit.
        reason: String,
    },
    /// The model's `z` is not finite (SIGIL-008).
    #[error("the model's z is not finite")]
    EvalNonFinite,
    /// Evaluation failed (SIGIL-011).
    #[error("evaluation failed: {reason}")]
    EvalFailed {
        /// Why.
        reason: String,
    },
    /// A chain or record could not be signed (SIGIL-011).
    #[error("signing failed: {reason}")]
    SigningFailed {
        /// Why.
        reason: String,
    },
    /// Stored FrozenChain bytes that are not their RFC 8785 form (SIGIL-014).
    #[error("the stored chain is not in canonical form")]
    ChainNoncanonical,
    /// A FrozenChain or ReasoningChain with the wrong members or types (SIGIL-014).
    #[error("the chain has the wrong shape: {reason}")]
    ChainShape {
        /// What is wrong.
        reason: String,
    },
    /// `chain_sha256` is not the chain's hash (SIGIL-014).
    #[error("chain_sha256 is not the chain's hash")]
    ChainHash,
    /// The FrozenChain's signature does not verify (SIGIL-014).
    #[error("the chain's signature does not verify")]
    ChainSig,
    /// A signature by a key outside the key history (SIGIL-014, SIGIL-022).
    #[error("the key {pub_key} is not in the service's key history")]
    KeyUnknown {
        /// The key, hex.
        pub_key: String,
    },
    /// Stored record bytes that are not their RFC 8785 form (SIGIL-022).
    #[error("the stored record is not in canonical form")]
    RecordNoncanonical,
    /// A record that breaks SIGIL-020.
    #[error("the record has the wrong shape: {reason}")]
    RecordShape {
        /// What is wrong.
        reason: String,
    },
    /// `hash` is not the body's hash (SIGIL-021).
    #[error("the record's hash is not its body's hash")]
    RecordHash,
    /// `sig` does not verify (SIGIL-021).
    #[error("the record's signature does not verify")]
    RecordSig,
    /// A user-space payload that does not open (SIGIL-032).
    #[error("the payload of record {id} does not open under the tenant's key")]
    PayloadSealed {
        /// The record id.
        id: String,
    },
    /// A witness key not in the registry (SIGIL-022, SIGIL-042).
    #[error("the witness {pub_key} is not registered")]
    WitnessUnknown {
        /// The key, hex.
        pub_key: String,
    },
    /// A witness signature that does not verify (SIGIL-022, SIGIL-042).
    #[error("the signature of witness {pub_key} does not verify")]
    WitnessSig {
        /// The key, hex.
        pub_key: String,
    },
    /// Fewer than `k` distinct registered witnesses (SIGIL-022, SIGIL-043).
    #[error("{have} distinct registered witnesses, {k} needed")]
    QuorumNotMet {
        /// Distinct valid witnesses.
        have: usize,
        /// The threshold.
        k: usize,
    },
    /// A proposal whose kind or payload does not fit SIGIL-041.
    #[error("invalid proposal: {reason}")]
    ProposalInvalid {
        /// What does not fit.
        reason: String,
    },
    /// A proposal whose `prev` is no longer the system head (SIGIL-043).
    #[error("the proposal's prev is no longer the head of the system chain")]
    ProposalStale,
    /// A caller's level below what the operation needs (SIGIL-052, SIGIL-060).
    #[error("level of assurance {have} is below {need}")]
    LoaInsufficient {
        /// The caller's level (or `none`).
        have: String,
        /// The level needed.
        need: String,
    },
    /// No module of that name (SIGIL-060).
    #[error("no module named {name}")]
    ModuleUnknown {
        /// The name asked for.
        name: String,
    },
    /// The module failed in the sandbox (SIGIL-061).
    #[error("module failed: {code}: {message}")]
    ModuleFailed {
        /// The sandbox's code.
        code: String,
        /// What happened.
        message: String,
    },
    /// An envelope whose offset is not the projection's next (SIGIL-071).
    #[error("envelope offset {got}, expected {expected}")]
    CdcGap {
        /// The next offset of the projection.
        expected: u64,
        /// The envelope's offset.
        got: u64,
    },
    /// A canonical-encoding or primitive failure (`CANON_*`).
    #[error(transparent)]
    Canon(#[from] canon::Error),
}

impl Error {
    /// The spec's error code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::RequestInvalid { .. } => "SIGIL_REQUEST_INVALID",
            Self::ModelInvalid { .. } => "SIGIL_MODEL_INVALID",
            Self::EvalNonFinite => "SIGIL_EVAL_NONFINITE",
            Self::EvalFailed { .. } => "SIGIL_EVAL_FAILED",
            Self::SigningFailed { .. } => "SIGIL_SIGNING_FAILED",
            Self::ChainNoncanonical => "SIGIL_CHAIN_NONCANONICAL",
            Self::ChainShape { .. } => "SIGIL_CHAIN_SHAPE",
            Self::ChainHash => "SIGIL_CHAIN_HASH",
            Self::ChainSig => "SIGIL_CHAIN_SIG",
            Self::KeyUnknown { .. } => "SIGIL_KEY_UNKNOWN",
            Self::RecordNoncanonical => "SIGIL_RECORD_NONCANONICAL",
            Self::RecordShape { .. } => "SIGIL_RECORD_SHAPE",
            Self::RecordHash => "SIGIL_RECORD_HASH",
            Self::RecordSig => "SIGIL_RECORD_SIG",
            Self::PayloadSealed { .. } => "SIGIL_PAYLOAD_SEALED",
            Self::WitnessUnknown { .. } => "SIGIL_WITNESS_UNKNOWN",
            Self::WitnessSig { .. } => "SIGIL_WITNESS_SIG",
            Self::QuorumNotMet { .. } => "SIGIL_QUORUM_NOT_MET",
            Self::ProposalInvalid { .. } => "SIGIL_PROPOSAL_INVALID",
            Self::ProposalStale => "SIGIL_PROPOSAL_STALE",
            Self::LoaInsufficient { .. } => "SIGIL_LOA_INSUFFICIENT",
            Self::ModuleUnknown { .. } => "SIGIL_MODULE_UNKNOWN",
            Self::ModuleFailed { .. } => "SIGIL_MODULE_FAILED",
            Self::CdcGap { .. } => "SIGIL_CDC_GAP",
            Self::Canon(e) => e.code(),
        }
    }

    /// The HTTP status the service answers this error with (`spec/errors.md`).
    pub fn http_status(&self) -> u16 {
        match self {
            Self::RequestInvalid { .. } => 400,
            Self::Canon(_) => 400,
            Self::ModelInvalid { .. }
            | Self::ProposalInvalid { .. }
            | Self::ModuleFailed { .. } => 422,
            Self::EvalNonFinite
            | Self::EvalFailed { .. }
            | Self::SigningFailed { .. }
            | Self::WitnessUnknown { .. }
            | Self::WitnessSig { .. }
            | Self::QuorumNotMet { .. }
            | Self::LoaInsufficient { .. } => 403,
            Self::ModuleUnknown { .. } => 404,
            Self::ProposalStale => 409,
            Self::ChainNoncanonical
            | Self::ChainShape { .. }
            | Self::ChainHash
            | Self::ChainSig
            | Self::KeyUnknown { .. }
            | Self::RecordNoncanonical
            | Self::RecordShape { .. }
            | Self::RecordHash
            | Self::RecordSig
            | Self::PayloadSealed { .. }
            | Self::CdcGap { .. } => 500,
        }
    }

    pub(crate) fn request(reason: impl Into<String>) -> Self {
        Self::RequestInvalid {
            reason: reason.into(),
        }
    }
}
