//! The messages of the threshold evaluation protocol (QVM-033..QVM-045), exchanged between
//! the coordinator and the custodians. Transport, authentication and encoding belong to the
//! services; these types only carry the protocol's content.

use std::fmt;

use field::Fp;

/// A public opening of one gate: `d = x - a` and `e = y - b`, reconstructed by the coordinator
/// (QVM-041).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Opening {
    /// `d` of the gate.
    pub d: Fp,
    /// `e` of the gate.
    pub e: Fp,
}

/// A custodian's masked shares of one gate: `d_i = x_i - a_i`, `e_i = y_i - b_i` (QVM-036).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Masked {
    /// `d_i`.
    pub d: Fp,
    /// `e_i`.
    pub e: Fp,
}

/// A message from the coordinator to one custodian.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ToCustodian {
    /// Starts an evaluation: the custodian's shares of the inputs and the evaluation slot whose
    /// triples it consumes.
    Begin {
        /// The program evaluated.
        program_id: String,
        /// A request id, never reused (QVM-033).
        request_id: String,
        /// The evaluation slot (QVM-032).
        slot: u64,
        /// The custodian's share of each input wire, in node order.
        inputs: Vec<(String, Fp)>,
    },
    /// The public openings of one multiplication round, broadcast to every custodian.
    Open {
        /// The program evaluated.
        program_id: String,
        /// The request.
        request_id: String,
        /// The round opened, 1..=mul_depth.
        round: usize,
        /// One opening per gate of the round, in node order, with the gate's id.
        openings: Vec<(String, Opening)>,
    },
}

impl fmt::Debug for ToCustodian {
    // Input shares never reach a log through `Debug`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Begin {
                program_id,
                request_id,
                slot,
                inputs,
            } => f
                .debug_struct("Begin")
                .field("program_id", program_id)
                .field("request_id", request_id)
                .field("slot", slot)
                .field("inputs", &inputs.iter().map(|(w, _)| w).collect::<Vec<_>>())
                .finish(),
            Self::Open {
                program_id,
                request_id,
                round,
                openings,
            } => f
                .debug_struct("Open")
                .field("program_id", program_id)
                .field("request_id", request_id)
                .field("round", round)
                .field("openings", openings)
                .finish(),
        }
    }
}

/// A custodian's answer, sent to the coordinator.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FromCustodian {
    /// The masked shares of the gates of a multiplication round.
    Masked {
        /// The request.
        request_id: String,
        /// The round answered, 1..=mul_depth.
        round: usize,
        /// One entry per gate of the round, in node order, with the gate's id.
        shares: Vec<(String, Masked)>,
    },
    /// The custodian's share of the output.
    Output {
        /// The request.
        request_id: String,
        /// The output round, mul_depth + 1.
        round: usize,
        /// The output share.
        share: Fp,
    },
}

impl FromCustodian {
    /// The request answered.
    pub fn request_id(&self) -> &str {
        match self {
            Self::Masked { request_id, .. } | Self::Output { request_id, .. } => request_id,
        }
    }

    /// The round answered.
    pub fn round(&self) -> usize {
        match self {
            Self::Masked { round, .. } | Self::Output { round, .. } => *round,
        }
    }
}

impl fmt::Debug for FromCustodian {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Masked {
                request_id,
                round,
                shares,
            } => f
                .debug_struct("Masked")
                .field("request_id", request_id)
                .field("round", round)
                .field("shares", shares)
                .finish(),
            Self::Output {
                request_id, round, ..
            } => f
                .debug_struct("Output")
                .field("request_id", request_id)
                .field("round", round)
                .finish_non_exhaustive(),
        }
    }
}
