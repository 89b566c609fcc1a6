//! The evaluation messages (QVM-033..QVM-045): [`quorumvm::message::ToCustodian`] as
//! `POST /eval/begin` and `POST /eval/open`, [`quorumvm::message::FromCustodian`] as the answer.

use quorumvm::message::{FromCustodian, Masked, Opening, ToCustodian};
use serde::{Deserialize, Serialize};
use service_kit::ServiceError;

use super::{Element, body_invalid};

/// One input share of a Begin message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputShare {
    /// The input wire.
    pub wire: String,
    /// The custodian's share of it.
    pub share: Element,
}

/// `POST /eval/begin`: [`ToCustodian::Begin`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BeginRequest {
    /// The program evaluated.
    pub program_id: String,
    /// A request id, never reused (QVM-033).
    pub request_id: String,
    /// The evaluation slot whose triples are consumed (QVM-032).
    pub slot: u64,
    /// The custodian's share of each input wire, in node order.
    pub inputs: Vec<InputShare>,
}

/// One opening (`d`, `e` of a gate) of an Open message, or one masked share of an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpeningEntry {
    /// The gate.
    pub gate: String,
    /// `d`.
    pub d: Element,
    /// `e`.
    pub e: Element,
}

/// A masked share of an answer has the same shape as an opening.
pub type MaskedShare = OpeningEntry;

/// `POST /eval/open`: [`ToCustodian::Open`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenRequest {
    /// The program evaluated.
    pub program_id: String,
    /// The request.
    pub request_id: String,
    /// The round opened, 1..=mul_depth.
    pub round: usize,
    /// One opening per gate of the round, in node order.
    pub openings: Vec<OpeningEntry>,
}

/// A message to a custodian, with the route it is posted to alone; in a batch (QVM-048) it is
/// `{"begin": BeginRequest}` or `{"open": OpenRequest}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvalRequest {
    /// `POST /eval/begin`.
    Begin(BeginRequest),
    /// `POST /eval/open`.
    Open(OpenRequest),
}

impl EvalRequest {
    /// The wire form of a protocol message.
    pub fn from_message(message: &ToCustodian) -> Result<Self, ServiceError> {
        match message {
            ToCustodian::Begin {
                program_id,
                request_id,
                slot,
                inputs,
            } => Ok(Self::Begin(BeginRequest {
                program_id: program_id.clone(),
                request_id: request_id.clone(),
                slot: *slot,
                inputs: inputs
                    .iter()
                    .map(|(wire, share)| InputShare {
                        wire: wire.clone(),
                        share: (*share).into(),
                    })
                    .collect(),
            })),
            ToCustodian::Open {
                program_id,
                request_id,
                round,
                openings,
            } => Ok(Self::Open(OpenRequest {
                program_id: program_id.clone(),
                request_id: request_id.clone(),
                round: *round,
                openings: openings
                    .iter()
                    .map(|(gate, o)| OpeningEntry {
                        gate: gate.clone(),
                        d: o.d.into(),
                        e: o.e.into(),
                    })
                    .collect(),
            })),
            _ => Err(body_invalid("a protocol message this service cannot send")),
        }
    }

    /// The path the message is posted to: `/eval/begin` or `/eval/open`.
    pub fn path(&self) -> &'static str {
        match self {
            Self::Begin(_) => "/eval/begin",
            Self::Open(_) => "/eval/open",
        }
    }

    /// The request body.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Self::Begin(b) => super::to_json(b),
            Self::Open(o) => super::to_json(o),
        }
    }

    /// The program evaluated.
    pub fn program_id(&self) -> &str {
        match self {
            Self::Begin(b) => &b.program_id,
            Self::Open(o) => &o.program_id,
        }
    }

    /// The request id.
    pub fn request_id(&self) -> &str {
        match self {
            Self::Begin(b) => &b.request_id,
            Self::Open(o) => &o.request_id,
        }
    }

    /// The protocol message.
    pub fn to_message(&self) -> ToCustodian {
        match self {
            Self::Begin(b) => b.to_message(),
            Self::Open(o) => o.to_message(),
        }
    }
}

impl BeginRequest {
    /// The protocol message.
    pub fn to_message(&self) -> ToCustodian {
        ToCustodian::Begin {
            program_id: self.program_id.clone(),
            request_id: self.request_id.clone(),
            slot: self.slot,
            inputs: self
                .inputs
                .iter()
                .map(|i| (i.wire.clone(), i.share.0))
                .collect(),
        }
    }
}

impl OpenRequest {
    /// The protocol message.
    pub fn to_message(&self) -> ToCustodian {
        ToCustodian::Open {
            program_id: self.program_id.clone(),
            request_id: self.request_id.clone(),
            round: self.round,
            openings: self
                .openings
                .iter()
                .map(|o| (o.gate.clone(), Opening { d: o.d.0, e: o.e.0 }))
                .collect(),
        }
    }
}

/// A custodian's answer to `POST /eval/begin` or `/eval/open`: [`FromCustodian`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CustodianAnswer {
    /// The masked shares of the gates of a multiplication round (QVM-036).
    Masked {
        /// The request.
        request_id: String,
        /// The round answered, 1..=mul_depth.
        round: usize,
        /// One entry per gate of the round, in node order.
        shares: Vec<MaskedShare>,
    },
    /// The custodian's share of the output (QVM-045).
    Output {
        /// The request.
        request_id: String,
        /// The output round, mul_depth + 1.
        round: usize,
        /// The output share.
        share: Element,
    },
}

impl CustodianAnswer {
    /// The wire form of a custodian's answer.
    pub fn from_message(message: &FromCustodian) -> Result<Self, ServiceError> {
        match message {
            FromCustodian::Masked {
                request_id,
                round,
                shares,
            } => Ok(Self::Masked {
                request_id: request_id.clone(),
                round: *round,
                shares: shares
                    .iter()
                    .map(|(gate, m)| OpeningEntry {
                        gate: gate.clone(),
                        d: m.d.into(),
                        e: m.e.into(),
                    })
                    .collect(),
            }),
            FromCustodian::Output {
                request_id,
                round,
                share,
            } => Ok(Self::Output {
                request_id: request_id.clone(),
                round: *round,
                share: (*share).into(),
            }),
            _ => Err(body_invalid("a protocol answer this service cannot send")),
        }
    }

    /// The protocol message, to give to [`quorumvm::coordinator::Coordinator::receive`].
    pub fn to_message(&self) -> FromCustodian {
        match self {
            Self::Masked {
                request_id,
                round,
                shares,
            } => FromCustodian::Masked {
                request_id: request_id.clone(),
                round: *round,
                shares: shares
                    .iter()
                    .map(|s| (s.gate.clone(), Masked { d: s.d.0, e: s.e.0 }))
                    .collect(),
            },
            Self::Output {
                request_id,
                round,
                share,
            } => FromCustodian::Output {
                request_id: request_id.clone(),
                round: *round,
                share: share.0,
            },
        }
    }
}

/// The most messages one `POST /eval/batch` carries (QVM-048).
pub const MAX_BATCH: usize = 64;

/// `POST /eval/batch`: evaluation messages, of one or several evaluations, handled as if each
/// had been posted alone in this order (QVM-048).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRequest {
    /// 1 to [`MAX_BATCH`] messages.
    pub messages: Vec<EvalRequest>,
}

/// The answer to `POST /eval/batch`: one item per message, in the same order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchAnswer {
    /// The answer to each message, or the error it would have been answered alone.
    pub answers: Vec<BatchItem>,
}

/// One message's outcome in a [`BatchAnswer`]: its [`CustodianAnswer`], or the
/// `{"error": {"code", "message"}}` body it would have got alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum BatchItem {
    /// The answer.
    Answer(CustodianAnswer),
    /// The refusal.
    Error(super::ErrorBody),
}

impl BatchItem {
    /// The item of a message's outcome.
    pub fn from_result(result: Result<CustodianAnswer, ServiceError>) -> Self {
        match result {
            Ok(answer) => Self::Answer(answer),
            Err(error) => Self::Error(super::ErrorBody {
                error: super::ErrorDetail {
                    code: error.code.to_owned(),
                    message: error.message,
                },
            }),
        }
    }
}
