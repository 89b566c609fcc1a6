//! The deterministic threshold evaluation of vectors (QVM-040, QVM-046, QVM-047): N
//! custodians and the coordinator run in-process, driven by per-round custodian lists, from
//! one DRBG.

use canon::drbg::Drbg;
use field::Fp;
use serde_json::{Value, json};
use shamir::Threshold;

use crate::Error;
use crate::coordinator::{Coordinator, Step};
use crate::custodian::Custodian;
use crate::deal;
use crate::encoding::{element_json, sha256_hex};
use crate::eval::{Inputs, check_secret};
use crate::message::{FromCustodian, Opening};
use crate::package::Program;

/// A custodian that lies in one round: it adds 1 to each `d_i` it sends in a multiplication
/// round, or to its output share in the output round (QVM-047).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Corruption {
    /// The custodian, 1..=n.
    pub custodian: u8,
    /// The round, 1..=mul_depth + 1.
    pub round: usize,
}

/// The transcript of one threshold evaluation (QVM-046).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    /// The reconstructed output.
    pub output: Fp,
    /// The openings of each multiplication round, gates in node order.
    pub openings: Vec<Vec<(String, Opening)>>,
    /// The triples consumed: the secure gates, in node order.
    pub triples: Vec<String>,
    /// The number of rounds: mul_depth + 1.
    pub rounds: usize,
}

impl Transcript {
    /// The JSON form: `{"output", "openings": [[{"gate","d","e"}, …], …], "triples", "rounds"}`.
    pub fn to_json(&self) -> Value {
        let openings: Vec<Value> = self
            .openings
            .iter()
            .map(|round| {
                Value::Array(
                    round
                        .iter()
                        .map(|(gate, o)| {
                            json!({ "gate": gate, "d": element_json(o.d), "e": element_json(o.e) })
                        })
                        .collect(),
                )
            })
            .collect();
        json!({
            "output": element_json(self.output),
            "openings": openings,
            "triples": self.triples,
            "rounds": self.rounds,
        })
    }
}

/// An in-process run of one threshold evaluation: the custodians, the coordinator and what
/// each custodian has been delivered.
#[derive(Debug)]
pub struct Simulation {
    custodians: Vec<Custodian>,
    coordinator: Coordinator,
    /// How many messages of its backlog each custodian has handled.
    delivered: Vec<usize>,
    /// The last answer of each custodian.
    last: Vec<Option<FromCustodian>>,
}

/// Runs the QVM-040 procedure and returns its transcript: checks the schedule
/// ([`check_schedule`]), deals and splits from the DRBG of `label`, and runs every round.
///
/// Enforces QVM-040, QVM-046.
pub fn threshold_transcript(
    program: &Program,
    inputs: &Inputs,
    secret: Option<Fp>,
    threshold: Threshold,
    label: &str,
    rounds: &[Vec<u8>],
    corrupt: Option<Corruption>,
) -> Result<Transcript, Error> {
    check_schedule(program, threshold, rounds, corrupt)?;
    let mut simulation = Simulation::start(program, inputs, secret, threshold, label)?;
    let output = simulation.run(rounds, corrupt)?;
    let circuit = program.circuit();
    Ok(Transcript {
        output,
        openings: simulation.coordinator.openings(),
        triples: circuit
            .secure
            .iter()
            .map(|&g| circuit.id(g).to_owned())
            .collect(),
        rounds: circuit.round_count(),
    })
}

/// Checks the schedule of QVM-040 against the program and threshold: one custodian list per
/// round (mul_depth + 1), every x in 1..=n, no x twice in one list; a corruption names a
/// custodian in 1..=n and a round in 1..=mul_depth + 1.
///
/// Enforces QVM-040: anything else is `QVM_INPUTS_INVALID`.
pub fn check_schedule(
    program: &Program,
    threshold: Threshold,
    rounds: &[Vec<u8>],
    corrupt: Option<Corruption>,
) -> Result<(), Error> {
    let count = program.circuit().round_count();
    let n = threshold.n();
    if rounds.len() != count {
        return Err(Error::inputs(format!(
            "{} custodian lists for a program of {count} rounds",
            rounds.len()
        )));
    }
    for (r, list) in rounds.iter().enumerate() {
        for (i, &x) in list.iter().enumerate() {
            if x == 0 || usize::from(x) > n {
                return Err(Error::inputs(format!(
                    "round {}: custodian {x} is not one of 1..={n}",
                    r + 1
                )));
            }
            if list[..i].contains(&x) {
                return Err(Error::inputs(format!(
                    "round {}: custodian {x} listed twice",
                    r + 1
                )));
            }
        }
    }
    if let Some(c) = corrupt
        && (c.custodian == 0 || usize::from(c.custodian) > n || c.round == 0 || c.round > count)
    {
        return Err(Error::inputs(format!(
            "corruption of custodian {} in round {} is outside 1..={n} and 1..={count}",
            c.custodian, c.round
        )));
    }
    Ok(())
}

impl Simulation {
    /// Deals (S_v, then slot 0's triples) and splits the inputs from the DRBG for `label`, in
    /// the order of QVM-040, and installs every custodian.
    pub fn start(
        program: &Program,
        inputs: &Inputs,
        secret: Option<Fp>,
        threshold: Threshold,
        label: &str,
    ) -> Result<Self, Error> {
        inputs.check(program.circuit())?;
        check_secret(program, secret.is_some())?;
        let mut drbg = Drbg::new(label);
        let installations = deal::deal(program, threshold, secret, 0..1, &mut drbg)?;
        // The program id only ties messages to the installed program here.
        let program_id = sha256_hex(program.ir_json()).unwrap_or_default();
        let (coordinator, _) = Coordinator::start_program(
            &program_id,
            program,
            threshold,
            label,
            0,
            inputs,
            &mut drbg,
        )?;
        let custodians = installations
            .into_iter()
            .map(|i| Custodian::install_program(&program_id, program.clone(), threshold, i))
            .collect::<Result<Vec<_>, Error>>()?;
        let n = custodians.len();
        Ok(Self {
            custodians,
            coordinator,
            delivered: vec![0; n],
            last: vec![None; n],
        })
    }

    /// Runs every round: in round r, each custodian of list r (in list order) handles its
    /// backlog (catching up from the public openings, QVM-042) and its latest answer goes to
    /// the coordinator; then the coordinator closes the round. The schedule is expected to
    /// have passed [`check_schedule`]; a custodian listed twice makes the coordinator refuse
    /// its second answer (`QVM_MESSAGE_INVALID`).
    pub fn run(&mut self, rounds: &[Vec<u8>], corrupt: Option<Corruption>) -> Result<Fp, Error> {
        for (r, list) in rounds.iter().enumerate() {
            let round = r + 1;
            for &x in list {
                let mut answer = self.catch_up(x)?;
                if corrupt
                    == Some(Corruption {
                        custodian: x,
                        round,
                    })
                {
                    answer = corrupted(answer);
                }
                self.coordinator.receive(x, answer)?;
            }
            if let Step::Done(output) = self.coordinator.close_round()? {
                return Ok(output);
            }
        }
        Err(Error::inputs(
            "the custodian lists end before the output round",
        ))
    }

    /// Delivers custodian `x`'s backlog and returns its latest answer.
    pub fn catch_up(&mut self, x: u8) -> Result<FromCustodian, Error> {
        let i = usize::from(x).saturating_sub(1);
        let backlog = self.coordinator.backlog(x);
        let (Some(custodian), Some(done)) = (self.custodians.get_mut(i), self.delivered.get_mut(i))
        else {
            return Err(Error::inputs(format!("no custodian {x}")));
        };
        for message in backlog.iter().skip(*done) {
            let answer = custodian.handle(message)?;
            self.last[i] = Some(answer);
            *done += 1;
        }
        self.last[i]
            .clone()
            .ok_or_else(|| Error::message(format!("custodian {x} has nothing to answer")))
    }

    /// The custodians.
    pub fn custodians(&self) -> &[Custodian] {
        &self.custodians
    }

    /// The coordinator.
    pub fn coordinator(&self) -> &Coordinator {
        &self.coordinator
    }
}

/// The lie of QVM-047: 1 added to every `d` of a multiplication round, or to the output share.
///
/// Enforces QVM-047.
fn corrupted(answer: FromCustodian) -> FromCustodian {
    match answer {
        FromCustodian::Masked {
            request_id,
            round,
            shares,
        } => FromCustodian::Masked {
            request_id,
            round,
            shares: shares
                .into_iter()
                .map(|(g, mut m)| {
                    m.d += Fp::ONE;
                    (g, m)
                })
                .collect(),
        },
        FromCustodian::Output {
            request_id,
            round,
            share,
        } => FromCustodian::Output {
            request_id,
            round,
            share: share + Fp::ONE,
        },
    }
}
