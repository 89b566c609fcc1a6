//! One custodian as a sans-IO state machine (QVM-032..QVM-045): it holds its installation
//! (a share of S_v and triple shares), answers the coordinator's messages, and refuses reused
//! request ids and triples.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use field::Fp;
use shamir::Threshold;

use crate::Error;
use crate::circuit::{Circuit, Gate};
use crate::deal::{Installation, TripleId, TripleShare};
use crate::message::{FromCustodian, Masked, Opening, ToCustodian};
use crate::package::{Package, Program};

/// A custodian: one of the N holders of shares.
pub struct Custodian {
    x: u8,
    program_id: String,
    program: Program,
    secret: Option<Fp>,
    /// Dealt, unconsumed triple shares by slot.
    pool: BTreeMap<u64, Vec<TripleShare>>,
    /// Slots whose triples were consumed (QVM-032).
    consumed: BTreeSet<u64>,
    /// Every request id ever begun (QVM-033).
    seen: BTreeSet<String>,
    /// Evaluations in progress.
    running: BTreeMap<String, Evaluation>,
}

impl fmt::Debug for Custodian {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Custodian")
            .field("x", &self.x)
            .field("program_id", &self.program_id)
            .field("slots_left", &self.pool.len())
            .field("slots_consumed", &self.consumed.len())
            .field("running", &self.running.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// The state of one evaluation at one custodian.
struct Evaluation {
    /// The consumed triples, by gate index.
    triples: BTreeMap<usize, (Fp, Fp, Fp)>,
    /// The custodian's share of every node computed so far (public nodes hold their value).
    values: Vec<Option<Fp>>,
    /// Multiplication rounds whose openings have been applied.
    opened: usize,
}

impl Custodian {
    /// Installs a package at custodian `installation.x` of `threshold`.
    ///
    /// Enforces QVM-031: the installation must fit the program (`QVM_INSTALL_INVALID`).
    pub fn install(
        package: &Package,
        threshold: Threshold,
        installation: Installation,
    ) -> Result<Self, Error> {
        Self::install_program(
            package.program_id(),
            package.program().clone(),
            threshold,
            installation,
        )
    }

    /// Installs a program under an id (the package's program id, or any id the coordinator
    /// uses for it, as in the vector simulation).
    ///
    /// Enforces QVM-031: `x` in 1..=n, a share of S_v exactly when the program has a secret,
    /// and every slot holding one triple share per secure gate, in node order; otherwise
    /// `QVM_INSTALL_INVALID`.
    pub fn install_program(
        program_id: &str,
        program: Program,
        threshold: Threshold,
        installation: Installation,
    ) -> Result<Self, Error> {
        let Installation { x, secret, triples } = installation;
        if x == 0 || usize::from(x) > threshold.n() {
            return Err(Error::install(format!(
                "custodian x = {x} is not in 1..={}",
                threshold.n()
            )));
        }
        let circuit = program.circuit();
        if circuit.secret.is_some() != secret.is_some() {
            return Err(Error::install(
                "a share of S_v is required exactly when the program has a secret wire",
            ));
        }
        let mut custodian = Self {
            x,
            program_id: program_id.to_owned(),
            program,
            secret,
            pool: BTreeMap::new(),
            consumed: BTreeSet::new(),
            seen: BTreeSet::new(),
            running: BTreeMap::new(),
        };
        custodian.add_triples(triples)?;
        Ok(custodian)
    }

    /// Adds dealt triples to the pool (a refill).
    ///
    /// Enforces QVM-032: a slot that is already in the pool or was consumed is refused
    /// (`QVM_TRIPLE_REUSED`); a slot whose triples do not match the program's secure gates is
    /// `QVM_INSTALL_INVALID`. Nothing is added unless every slot is accepted.
    pub fn add_triples(&mut self, triples: BTreeMap<u64, Vec<TripleShare>>) -> Result<(), Error> {
        let circuit = self.program.circuit();
        for (&slot, shares) in &triples {
            if self.consumed.contains(&slot) || self.pool.contains_key(&slot) {
                return Err(Error::TripleReused {
                    id: triple_id(circuit, slot).to_string(),
                });
            }
            let gates: Vec<&str> = shares.iter().map(|t| t.gate.as_str()).collect();
            let wanted: Vec<&str> = circuit.secure.iter().map(|&g| circuit.id(g)).collect();
            if gates != wanted {
                return Err(Error::install(format!(
                    "slot {slot}: triples for gates {gates:?}, the program needs {wanted:?}"
                )));
            }
        }
        if !circuit.secure.is_empty() {
            self.pool.extend(triples);
        }
        Ok(())
    }

    /// The custodian's evaluation point x.
    pub fn x(&self) -> u8 {
        self.x
    }

    /// The program id it serves.
    pub fn program_id(&self) -> &str {
        &self.program_id
    }

    /// How many evaluation slots are left in its pool.
    pub fn slots_left(&self) -> usize {
        self.pool.len()
    }

    /// Handles one message from the coordinator and returns the answer.
    ///
    /// Enforces QVM-032, QVM-033, QVM-036, QVM-042, QVM-045.
    pub fn handle(&mut self, message: &ToCustodian) -> Result<FromCustodian, Error> {
        match message {
            ToCustodian::Begin {
                program_id,
                request_id,
                slot,
                inputs,
            } => {
                self.check_program(program_id)?;
                self.begin(request_id, *slot, inputs)
            }
            ToCustodian::Open {
                program_id,
                request_id,
                round,
                openings,
            } => {
                self.check_program(program_id)?;
                self.open(request_id, *round, openings)
            }
        }
    }

    fn check_program(&self, program_id: &str) -> Result<(), Error> {
        if program_id == self.program_id {
            Ok(())
        } else {
            Err(Error::message(format!(
                "program {program_id} is not installed here"
            )))
        }
    }

    /// Starts an evaluation: checks, in order, the request id (QVM-033), the input wires
    /// (QVM-011), then the slot's triples (QVM-032); consumes them; computes what it can.
    fn begin(
        &mut self,
        request_id: &str,
        slot: u64,
        inputs: &[(String, Fp)],
    ) -> Result<FromCustodian, Error> {
        if self.seen.contains(request_id) {
            return Err(Error::RequestReplayed {
                request_id: request_id.to_owned(),
            });
        }
        let circuit = self.program.circuit();
        let wanted: Vec<&str> = circuit.inputs.iter().map(|&i| circuit.id(i)).collect();
        let given: Vec<&str> = inputs.iter().map(|(w, _)| w.as_str()).collect();
        if given != wanted {
            return Err(Error::inputs(format!(
                "input shares for {given:?}, the program's inputs are {wanted:?}"
            )));
        }
        let mut triples = BTreeMap::new();
        if !circuit.secure.is_empty() {
            if self.consumed.contains(&slot) {
                return Err(Error::TripleReused {
                    id: triple_id(circuit, slot).to_string(),
                });
            }
            let shares = self
                .pool
                .remove(&slot)
                .ok_or(Error::TriplesExhausted { slot })?;
            self.consumed.insert(slot);
            for (&g, t) in circuit.secure.iter().zip(shares) {
                triples.insert(g, (t.a, t.b, t.c));
            }
        }
        self.seen.insert(request_id.to_owned());
        let mut values = vec![None; circuit.gates.len()];
        for (&i, (_, share)) in circuit.inputs.iter().zip(inputs) {
            values[i] = Some(*share);
        }
        if let Some(s) = circuit.secret {
            values[s] = self.secret;
        }
        let mut evaluation = Evaluation {
            triples,
            values,
            opened: 0,
        };
        evaluation.compute_local(circuit, 0);
        let answer = evaluation.answer(circuit, request_id);
        if circuit.mul_depth() > 0 {
            self.running.insert(request_id.to_owned(), evaluation);
        }
        Ok(answer)
    }

    /// Applies the openings of round `round` (QVM-036): the custodian must be exactly one round
    /// behind (a custodian that missed rounds is sent each missing round in order: QVM-042).
    fn open(
        &mut self,
        request_id: &str,
        round: usize,
        openings: &[(String, Opening)],
    ) -> Result<FromCustodian, Error> {
        let circuit = self.program.circuit();
        let evaluation = self.running.get_mut(request_id).ok_or_else(|| {
            Error::message(format!("no evaluation {request_id:?} is in progress"))
        })?;
        if round != evaluation.opened + 1 {
            return Err(Error::message(format!(
                "openings of round {round}, expected round {}",
                evaluation.opened + 1
            )));
        }
        let gates = circuit.rounds.get(round - 1).map_or(&[][..], Vec::as_slice);
        let given: Vec<&str> = openings.iter().map(|(g, _)| g.as_str()).collect();
        let wanted: Vec<&str> = gates.iter().map(|&g| circuit.id(g)).collect();
        if given != wanted {
            return Err(Error::message(format!(
                "round {round} opens gates {wanted:?}, got {given:?}"
            )));
        }
        for (&g, (_, opening)) in gates.iter().zip(openings) {
            let (a, b, c) =
                evaluation
                    .triples
                    .get(&g)
                    .copied()
                    .unwrap_or((Fp::ZERO, Fp::ZERO, Fp::ZERO));
            let (d, e) = (opening.d, opening.e);
            // Beaver: z_i = c_i + d * b_i + e * a_i + d * e.
            evaluation.values[g] = Some(c + d * b + e * a + d * e);
        }
        evaluation.opened = round;
        evaluation.compute_local(circuit, round);
        let answer = evaluation.answer(circuit, request_id);
        if round == circuit.mul_depth() {
            self.running.remove(request_id);
        }
        Ok(answer)
    }
}

impl Evaluation {
    /// Computes the local nodes of depth `p`: additions, subtractions and multiplications with
    /// a public operand act on shares directly (a public node's value is its own share: the
    /// constant polynomial).
    ///
    /// Enforces QVM-030, QVM-035.
    fn compute_local(&mut self, circuit: &Circuit, p: usize) {
        let Some(nodes) = circuit.local.get(p) else {
            return;
        };
        for &i in nodes {
            let v = |j: usize| self.values.get(j).copied().flatten().unwrap_or(Fp::ZERO);
            let value = match circuit.gates[i] {
                Gate::Const(c) => Some(c),
                Gate::Add(a, b) => Some(v(a) + v(b)),
                Gate::Sub(a, b) => Some(v(a) - v(b)),
                Gate::Mul(a, b) => Some(v(a) * v(b)),
                Gate::Input | Gate::Secret => self.values[i],
            };
            self.values[i] = value;
        }
    }

    /// The answer after `self.opened` rounds: the masked shares of the next round's gates
    /// (QVM-036), or the output share (QVM-045).
    fn answer(&self, circuit: &Circuit, request_id: &str) -> FromCustodian {
        let v = |j: usize| self.values.get(j).copied().flatten().unwrap_or(Fp::ZERO);
        match circuit.rounds.get(self.opened) {
            Some(gates) => FromCustodian::Masked {
                request_id: request_id.to_owned(),
                round: self.opened + 1,
                shares: gates
                    .iter()
                    .map(|&g| {
                        let (a, b, _) =
                            self.triples
                                .get(&g)
                                .copied()
                                .unwrap_or((Fp::ZERO, Fp::ZERO, Fp::ZERO));
                        let (lhs, rhs) = match circuit.gates[g] {
                            Gate::Mul(l, r) => (l, r),
                            _ => (g, g),
                        };
                        let masked = Masked {
                            d: v(lhs) - a,
                            e: v(rhs) - b,
                        };
                        (circuit.id(g).to_owned(), masked)
                    })
                    .collect(),
            },
            None => FromCustodian::Output {
                request_id: request_id.to_owned(),
                round: circuit.round_count(),
                share: v(circuit.output),
            },
        }
    }
}

fn triple_id(circuit: &Circuit, slot: u64) -> TripleId {
    TripleId {
        slot,
        gate: circuit
            .secure
            .first()
            .map_or_else(String::new, |&g| circuit.id(g).to_owned()),
    }
}
