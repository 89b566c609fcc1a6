//! The coordinator of one evaluation as a sans-IO state machine (QVM-034, QVM-041..QVM-045):
//! it splits the inputs, collects masked shares from any K or more custodians per round,
//! opens them (checking consistency when more than K answered), and reconstructs the output.
//! It never holds S_v or a triple.

use std::fmt;

use canon::drbg::Drbg;
use field::Fp;
use shamir::{Share, Threshold};

use crate::Error;
use crate::circuit::Circuit;
use crate::eval::Inputs;
use crate::message::{FromCustodian, Masked, Opening, ToCustodian};
use crate::package::{Package, Program};

/// What closing a round produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A multiplication round was opened: broadcast this message to every custodian.
    Open(ToCustodian),
    /// The output round closed: the evaluation's output.
    Done(Fp),
}

/// One answer of the current round.
enum Answer {
    Masked(Vec<Masked>),
    Output(Fp),
}

/// The coordinator's state for one evaluation.
pub struct Coordinator {
    program_id: String,
    program: Program,
    threshold: Threshold,
    request_id: String,
    /// The Begin message of each custodian, x = 1..=n (kept for catch-up, QVM-042).
    begins: Vec<ToCustodian>,
    /// The current round, 1..=mul_depth + 1.
    round: usize,
    /// The answers of the current round, in arrival order.
    answers: Vec<(u8, Answer)>,
    /// The openings of the closed multiplication rounds.
    opened: Vec<ToCustodian>,
    /// Set when the evaluation ended (with an output or an error).
    finished: Option<Result<Fp, Error>>,
}

impl fmt::Debug for Coordinator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Coordinator")
            .field("program_id", &self.program_id)
            .field("request_id", &self.request_id)
            .field("round", &self.round)
            .field(
                "answered",
                &self.answers.iter().map(|(x, _)| *x).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Coordinator {
    /// Starts an evaluation of a package: splits each input, in node order of the input
    /// wires, with randomness from `rng` (QVM-034), and returns the Begin message for each
    /// custodian x = 1..=n.
    pub fn start(
        package: &Package,
        threshold: Threshold,
        request_id: &str,
        slot: u64,
        inputs: &Inputs,
        rng: &mut Drbg,
    ) -> Result<(Self, Vec<(u8, ToCustodian)>), Error> {
        Self::start_program(
            package.program_id(),
            package.program(),
            threshold,
            request_id,
            slot,
            inputs,
            rng,
        )
    }

    /// Starts an evaluation of a program under an id (see [`Coordinator::start`]). The
    /// coordinator is given the inputs, never S_v.
    ///
    /// Enforces QVM-034.
    pub fn start_program(
        program_id: &str,
        program: &Program,
        threshold: Threshold,
        request_id: &str,
        slot: u64,
        inputs: &Inputs,
        rng: &mut Drbg,
    ) -> Result<(Self, Vec<(u8, ToCustodian)>), Error> {
        let circuit = program.circuit();
        inputs.check(circuit)?;
        let n = threshold.n();
        let mut per_custodian: Vec<Vec<(String, Fp)>> = vec![Vec::new(); n];
        for (wire, value) in inputs.values() {
            let shares = shamir::share(*value, threshold, rng);
            for (list, share) in per_custodian.iter_mut().zip(shares) {
                list.push((wire.clone(), share.y));
            }
        }
        let begins: Vec<ToCustodian> = per_custodian
            .into_iter()
            .map(|inputs| ToCustodian::Begin {
                program_id: program_id.to_owned(),
                request_id: request_id.to_owned(),
                slot,
                inputs,
            })
            .collect();
        let out = begins
            .iter()
            .enumerate()
            .map(|(i, m)| (u8::try_from(i + 1).unwrap_or(u8::MAX), m.clone()))
            .collect();
        let coordinator = Self {
            program_id: program_id.to_owned(),
            program: program.clone(),
            threshold,
            request_id: request_id.to_owned(),
            begins,
            round: 1,
            answers: Vec::new(),
            opened: Vec::new(),
            finished: None,
        };
        Ok((coordinator, out))
    }

    /// The round being collected: 1..=mul_depth are multiplication rounds, mul_depth + 1 is
    /// the output round.
    pub fn round(&self) -> usize {
        self.round
    }

    /// Whether the round being collected is the output round.
    pub fn is_output_round(&self) -> bool {
        self.round == self.circuit().round_count()
    }

    /// The custodians that answered the current round, in arrival order.
    pub fn answered(&self) -> Vec<u8> {
        self.answers.iter().map(|(x, _)| *x).collect()
    }

    /// Whether at least K custodians answered the current round.
    pub fn has_quorum(&self) -> bool {
        self.answers.len() >= self.threshold.k()
    }

    /// The output, once the evaluation has ended successfully.
    pub fn output(&self) -> Option<Fp> {
        match &self.finished {
            Some(Ok(v)) => Some(*v),
            _ => None,
        }
    }

    /// The messages a custodian that missed rounds needs, in order: its Begin message and the
    /// openings of every closed round (QVM-042). A custodian skips those it already handled.
    pub fn backlog(&self, x: u8) -> Vec<ToCustodian> {
        let Some(begin) = usize::from(x)
            .checked_sub(1)
            .and_then(|i| self.begins.get(i))
        else {
            return Vec::new();
        };
        std::iter::once(begin.clone())
            .chain(self.opened.iter().cloned())
            .collect()
    }

    /// The openings of the closed multiplication rounds, per round, with gate ids.
    pub fn openings(&self) -> Vec<Vec<(String, Opening)>> {
        self.opened
            .iter()
            .filter_map(|m| match m {
                ToCustodian::Open { openings, .. } => Some(openings.clone()),
                ToCustodian::Begin { .. } => None,
            })
            .collect()
    }

    /// Records custodian `from`'s answer to the current round; returns how many custodians
    /// have answered it.
    ///
    /// Enforces QVM-041: an answer from an unknown custodian, a second answer from the same
    /// custodian, an answer to another request or round (stale or early), or with the wrong
    /// gates is `QVM_MESSAGE_INVALID`, and is not recorded.
    pub fn receive(&mut self, from: u8, answer: FromCustodian) -> Result<usize, Error> {
        if self.finished.is_some() {
            return Err(Error::message("the evaluation has ended"));
        }
        if from == 0 || usize::from(from) > self.threshold.n() {
            return Err(Error::message(format!(
                "custodian {from} is not one of 1..=n"
            )));
        }
        if answer.request_id() != self.request_id {
            return Err(Error::message("an answer to another request"));
        }
        if answer.round() != self.round {
            return Err(Error::message(format!(
                "an answer to round {}, round {} is open",
                answer.round(),
                self.round
            )));
        }
        if self.answers.iter().any(|(x, _)| *x == from) {
            return Err(Error::message(format!(
                "custodian {from} already answered round {}",
                self.round
            )));
        }
        let output_round = self.is_output_round();
        let recorded = match answer {
            FromCustodian::Output { share, .. } if output_round => Answer::Output(share),
            FromCustodian::Masked { shares, .. } if !output_round => {
                let circuit = self.circuit();
                let wanted = circuit
                    .rounds
                    .get(self.round - 1)
                    .map_or(&[][..], Vec::as_slice);
                let ok = shares.len() == wanted.len()
                    && shares
                        .iter()
                        .zip(wanted)
                        .all(|((g, _), &w)| g == circuit.id(w));
                if !ok {
                    return Err(Error::message(format!(
                        "custodian {from}: not the gates of round {}",
                        self.round
                    )));
                }
                Answer::Masked(shares.into_iter().map(|(_, m)| m).collect())
            }
            _ => return Err(Error::message("the wrong kind of answer for this round")),
        };
        self.answers.push((from, recorded));
        Ok(self.answers.len())
    }

    /// Closes the current round with the answers received so far, combined in arrival order.
    ///
    /// Enforces QVM-041, QVM-043, QVM-044, QVM-045: fewer than K answers is
    /// `QVM_QUORUM_UNAVAILABLE` (the round stays open, more answers may come); with more
    /// than K, every value must lie on the polynomial of the first K, else
    /// `QVM_INCONSISTENT_SHARES` and the evaluation is aborted without an output.
    pub fn close_round(&mut self) -> Result<Step, Error> {
        if let Some(end) = &self.finished {
            return match end {
                Ok(_) => Err(Error::message("the evaluation has ended")),
                Err(e) => Err(e.clone()),
            };
        }
        let k = self.threshold.k();
        if self.answers.len() < k {
            return Err(Error::QuorumUnavailable {
                round: self.round,
                answered: self.answers.len(),
                k,
            });
        }
        let custodians = self.answered();
        let result = if self.is_output_round() {
            let shares: Vec<Share> = self
                .answers
                .iter()
                .map(|(x, a)| Share {
                    x: *x,
                    y: match a {
                        Answer::Output(y) => *y,
                        Answer::Masked(_) => Fp::ZERO,
                    },
                })
                .collect();
            self.open_value(&shares, &custodians, "the output".to_owned())
                .map(Step::Done)
        } else {
            self.open_round(&custodians).map(Step::Open)
        };
        match &result {
            Ok(Step::Open(message)) => {
                self.opened.push(message.clone());
                self.round += 1;
                self.answers.clear();
            }
            Ok(Step::Done(output)) => self.finished = Some(Ok(*output)),
            Err(e) => self.finished = Some(Err(e.clone())),
        }
        result
    }

    fn open_round(&self, custodians: &[u8]) -> Result<ToCustodian, Error> {
        let circuit = self.circuit();
        let gates = circuit
            .rounds
            .get(self.round - 1)
            .map_or(&[][..], Vec::as_slice);
        let mut openings = Vec::with_capacity(gates.len());
        for (j, &g) in gates.iter().enumerate() {
            let column = |pick: fn(&Masked) -> Fp| -> Vec<Share> {
                self.answers
                    .iter()
                    .map(|(x, a)| Share {
                        x: *x,
                        y: match a {
                            Answer::Masked(m) => m.get(j).map_or(Fp::ZERO, pick),
                            Answer::Output(_) => Fp::ZERO,
                        },
                    })
                    .collect()
            };
            let id = circuit.id(g);
            let d = self.open_value(&column(|m| m.d), custodians, format!("d of gate {id}"))?;
            let e = self.open_value(&column(|m| m.e), custodians, format!("e of gate {id}"))?;
            openings.push((id.to_owned(), Opening { d, e }));
        }
        Ok(ToCustodian::Open {
            program_id: self.program_id.clone(),
            request_id: self.request_id.clone(),
            round: self.round,
            openings,
        })
    }

    /// Reconstructs one value with `shamir::reconstruct(k, shares in arrival order)`.
    fn open_value(&self, shares: &[Share], custodians: &[u8], what: String) -> Result<Fp, Error> {
        let k = self.threshold.k();
        shamir::reconstruct(k, shares).map_err(|e| match e.code() {
            "SHAMIR_INCONSISTENT" => Error::InconsistentShares {
                round: self.round,
                custodians: custodians.to_vec(),
                what,
            },
            "SHAMIR_TOO_FEW_SHARES" => Error::QuorumUnavailable {
                round: self.round,
                answered: shares.len(),
                k,
            },
            _ => Error::Shamir(e),
        })
    }

    fn circuit(&self) -> &Circuit {
        self.program.circuit()
    }
}
