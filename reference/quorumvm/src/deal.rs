//! Dealing at install (QVM-031): the installer shares S_v and deals one Beaver triple per
//! secure multiplication gate per evaluation slot. Never the coordinator.

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;

use canon::drbg::Drbg;
use field::Fp;
use shamir::Threshold;

use crate::Error;
use crate::package::Program;

/// The identity of one Beaver triple (QVM-032): an evaluation slot and a gate, within one
/// installed program (so with its program id, the triple id of the spec).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TripleId {
    /// The evaluation slot: each evaluation consumes the triples of one slot.
    pub slot: u64,
    /// The gate (node id of a secure multiplication).
    pub gate: String,
}

impl fmt::Display for TripleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "slot {}, gate {}", self.slot, self.gate)
    }
}

/// One custodian's shares of one triple `(a, b, c = a * b)`.
#[derive(Clone, PartialEq, Eq)]
pub struct TripleShare {
    /// The gate the triple is for.
    pub gate: String,
    /// The share of `a`.
    pub a: Fp,
    /// The share of `b`.
    pub b: Fp,
    /// The share of `c = a * b`.
    pub c: Fp,
}

impl fmt::Debug for TripleShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TripleShare")
            .field("gate", &self.gate)
            .finish_non_exhaustive()
    }
}

/// What the installer gives one custodian: its x, its share of S_v and its triple shares,
/// by evaluation slot (each slot's triples in node order of the secure gates).
#[derive(Clone, PartialEq, Eq)]
pub struct Installation {
    /// The custodian's evaluation point, 1..=n.
    pub x: u8,
    /// Its share of S_v, when the program has a secret.
    pub secret: Option<Fp>,
    /// Its triple shares by slot.
    pub triples: BTreeMap<u64, Vec<TripleShare>>,
}

impl fmt::Debug for Installation {
    // Shares never reach a log through `Debug`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Installation")
            .field("x", &self.x)
            .field("has_secret", &self.secret.is_some())
            .field("slots", &self.triples.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// Deals S_v (when the program has a secret) and the triples of `slots` to the `n`
/// custodians of `threshold`, drawing from `drbg` in the order of QVM-040: first the sharing
/// coefficients of S_v, then for each slot in order and each secure gate in node order `a`,
/// `b` (`c = a * b`) and the sharing coefficients of `a`, of `b` and of `c`.
///
/// Returns one [`Installation`] per custodian, for x = 1..=n.
///
/// Enforces QVM-031.
pub fn deal(
    program: &Program,
    threshold: Threshold,
    secret: Option<Fp>,
    slots: Range<u64>,
    drbg: &mut Drbg,
) -> Result<Vec<Installation>, Error> {
    crate::eval::check_secret(program, secret.is_some())?;
    let n = threshold.n();
    let secret_shares = secret.map(|s| shamir::share(s, threshold, drbg));
    let triples = deal_triples(program, threshold, slots, drbg);
    Ok(triples
        .into_iter()
        .enumerate()
        .take(n)
        .map(|(i, triples)| Installation {
            x: u8::try_from(i + 1).unwrap_or(u8::MAX),
            secret: secret_shares
                .as_ref()
                .and_then(|shares| shares.get(i))
                .map(|share| share.y),
            triples,
        })
        .collect())
}

/// Deals the triples of `slots` (more slots can be dealt later, from a fresh generator, to
/// refill the pool). Returns each custodian's triple shares by slot, for x = 1..=n.
///
/// Enforces QVM-031.
pub fn deal_triples(
    program: &Program,
    threshold: Threshold,
    slots: Range<u64>,
    drbg: &mut Drbg,
) -> Vec<BTreeMap<u64, Vec<TripleShare>>> {
    let circuit = program.circuit();
    let mut out = vec![BTreeMap::new(); threshold.n()];
    for slot in slots {
        let mut per_custodian: Vec<Vec<TripleShare>> = vec![Vec::new(); threshold.n()];
        for &gate in &circuit.secure {
            let a = Fp::random(drbg);
            let b = Fp::random(drbg);
            let c = a * b;
            let sa = shamir::share(a, threshold, drbg);
            let sb = shamir::share(b, threshold, drbg);
            let sc = shamir::share(c, threshold, drbg);
            for (i, shares) in per_custodian.iter_mut().enumerate() {
                if let (Some(a), Some(b), Some(c)) = (sa.get(i), sb.get(i), sc.get(i)) {
                    shares.push(TripleShare {
                        gate: circuit.id(gate).to_owned(),
                        a: a.y,
                        b: b.y,
                        c: c.y,
                    });
                }
            }
        }
        for (map, shares) in out.iter_mut().zip(per_custodian) {
            map.insert(slot, shares);
        }
    }
    out
}
