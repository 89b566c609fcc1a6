//! Test-only fault injection: a custodian configured with a [`Fault`] answers wrong shares, so
//! that conformance and fault tests can check that the coordinator detects them (QVM-043).
//!
//! FOR CONFORMANCE AND FAULT TESTS ONLY. A custodian with a fault set computes correctly and
//! then corrupts its answers on the way out; its state and its database are unaffected. It
//! logs a warning on stderr at start-up and `GET /health` is unchanged, so never set one in a
//! deployment.

use field::Fp;
use quorumvm::message::FromCustodian;
use serde::Deserialize;

/// A wrong answer a custodian gives on purpose (TOML: `fault = "add_one_to_output_share"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fault {
    /// Adds one to its share of the output (the last round).
    AddOneToOutputShare,
    /// Adds one to `d` and `e` of every masked share (the multiplication rounds).
    AddOneToMaskedShares,
}

impl Fault {
    /// The TOML name of the fault.
    pub fn name(self) -> &'static str {
        match self {
            Self::AddOneToOutputShare => "add_one_to_output_share",
            Self::AddOneToMaskedShares => "add_one_to_masked_shares",
        }
    }

    /// Corrupts an answer as the fault says; answers the fault does not concern are unchanged.
    pub(crate) fn apply(self, answer: FromCustodian) -> FromCustodian {
        match (self, answer) {
            (
                Self::AddOneToOutputShare,
                FromCustodian::Output {
                    request_id,
                    round,
                    share,
                },
            ) => FromCustodian::Output {
                request_id,
                round,
                share: share + Fp::ONE,
            },
            (
                Self::AddOneToMaskedShares,
                FromCustodian::Masked {
                    request_id,
                    round,
                    mut shares,
                },
            ) => {
                for (_, masked) in &mut shares {
                    masked.d += Fp::ONE;
                    masked.e += Fp::ONE;
                }
                FromCustodian::Masked {
                    request_id,
                    round,
                    shares,
                }
            }
            (_, answer) => answer,
        }
    }
}

/// Applies the configured fault, if any, to an answer.
pub(crate) fn apply(fault: Option<Fault>, answer: FromCustodian) -> FromCustodian {
    match fault {
        Some(fault) => fault.apply(answer),
        None => answer,
    }
}

#[cfg(test)]
mod tests {
    use quorumvm::message::Masked;

    use super::*;

    fn masked() -> FromCustodian {
        FromCustodian::Masked {
            request_id: "r".into(),
            round: 1,
            shares: vec![(
                "g".into(),
                Masked {
                    d: Fp::from(5u64),
                    e: Fp::from(7u64),
                },
            )],
        }
    }

    fn output() -> FromCustodian {
        FromCustodian::Output {
            request_id: "r".into(),
            round: 2,
            share: Fp::from(9u64),
        }
    }

    #[test]
    fn each_fault_corrupts_only_its_answers() {
        let wrong_masked = FromCustodian::Masked {
            request_id: "r".into(),
            round: 1,
            shares: vec![(
                "g".into(),
                Masked {
                    d: Fp::from(6u64),
                    e: Fp::from(8u64),
                },
            )],
        };
        let wrong_output = FromCustodian::Output {
            request_id: "r".into(),
            round: 2,
            share: Fp::from(10u64),
        };
        let masked_fault = Some(Fault::AddOneToMaskedShares);
        let output_fault = Some(Fault::AddOneToOutputShare);
        assert!(apply(masked_fault, masked()) == wrong_masked);
        assert!(apply(masked_fault, output()) == output());
        assert!(apply(output_fault, output()) == wrong_output);
        assert!(apply(output_fault, masked()) == masked());
        assert!(apply(None, masked()) == masked());
        assert!(apply(None, output()) == output());
    }
}
