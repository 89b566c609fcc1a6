//! Installing a program at a custodian (QVM-031): the package, the custodian's installation
//! and the roster of approvers.

use std::collections::BTreeMap;

use quorumvm::deal::{Installation, TripleShare};
use serde::{Deserialize, Serialize};
use service_kit::ServiceError;
use shamir::Threshold;

use super::Element;
use crate::core_error;

/// `POST /install`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InstallRequest {
    /// The Program Package in its JSON form (QVM-004); the custodian recomputes everything.
    pub package: serde_json::Value,
    /// This custodian's installation.
    pub installation: InstallationWire,
    /// The custodians whose approvals count (QVM-021), with their Ed25519 public keys.
    pub roster: Vec<RosterMember>,
}

/// One member of the roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterMember {
    /// Its evaluation point.
    pub x: u8,
    /// Its Ed25519 public key, lowercase hex (64 digits).
    pub public_key: String,
}

/// The JSON form of a [`quorumvm::deal::Installation`] with its threshold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallationWire {
    /// The custodian's evaluation point, 1..=n.
    pub x: u8,
    /// The threshold K.
    pub k: usize,
    /// The number of custodians N.
    pub n: usize,
    /// The custodian's share of S_v, when the program has a secret.
    #[serde(default)]
    pub secret: Option<Element>,
    /// Triple shares by slot.
    pub triples: Vec<SlotTriples>,
}

/// The triple shares of one evaluation slot, in node order of the secure gates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotTriples {
    /// The slot.
    pub slot: u64,
    /// One triple share per secure gate.
    pub shares: Vec<TripleShareWire>,
}

/// The JSON form of a [`quorumvm::deal::TripleShare`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TripleShareWire {
    /// The gate.
    pub gate: String,
    /// The share of `a`.
    pub a: Element,
    /// The share of `b`.
    pub b: Element,
    /// The share of `c = a * b`.
    pub c: Element,
}

impl From<&TripleShare> for TripleShareWire {
    fn from(t: &TripleShare) -> Self {
        Self {
            gate: t.gate.clone(),
            a: t.a.into(),
            b: t.b.into(),
            c: t.c.into(),
        }
    }
}

impl From<&TripleShareWire> for TripleShare {
    fn from(t: &TripleShareWire) -> Self {
        Self {
            gate: t.gate.clone(),
            a: t.a.0,
            b: t.b.0,
            c: t.c.0,
        }
    }
}

impl InstallationWire {
    /// The wire form of an installation dealt under `threshold`.
    pub fn new(installation: &Installation, threshold: Threshold) -> Self {
        Self {
            x: installation.x,
            k: threshold.k(),
            n: threshold.n(),
            secret: installation.secret.map(Element),
            triples: installation
                .triples
                .iter()
                .map(|(&slot, shares)| SlotTriples {
                    slot,
                    shares: shares.iter().map(TripleShareWire::from).collect(),
                })
                .collect(),
        }
    }

    /// The threshold and the installation.
    ///
    /// Enforces QVM-031: an invalid threshold is the Shamir error; a slot given twice is
    /// `QVM_INSTALL_INVALID`.
    pub fn to_installation(&self) -> Result<(Threshold, Installation), ServiceError> {
        let threshold =
            Threshold::new(self.k, self.n).map_err(|e| core_error(quorumvm::Error::from(e)))?;
        let mut triples = BTreeMap::new();
        for slot in &self.triples {
            let shares = slot.shares.iter().map(TripleShare::from).collect();
            if triples.insert(slot.slot, shares).is_some() {
                return Err(core_error(quorumvm::Error::InstallInvalid {
                    reason: format!("slot {} is given twice", slot.slot),
                }));
            }
        }
        Ok((
            threshold,
            Installation {
                x: self.x,
                secret: self.secret.map(|s| s.0),
                triples,
            },
        ))
    }
}

/// The answer to `POST /install`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstallResponse {
    /// The program installed (recomputed, QVM-002).
    pub program_id: String,
    /// The evaluation slots dealt.
    pub slots: usize,
}
