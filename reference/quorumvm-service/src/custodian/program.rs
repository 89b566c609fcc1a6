//! One installed program in memory: its [`Custodian`] state machine, threshold, roster and
//! activation, rebuilt from SQLite at start.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;

use field::Fp;
use quorumvm::custodian::Custodian;
use quorumvm::deal::{Installation, TripleShare};
use quorumvm::package::Package;
use rusqlite::Connection;
use service_kit::ServiceError;
use service_kit::at_rest::AtRestKey;
use shamir::Threshold;

use super::store::{self, ProgramRow};
use crate::core_error;
use crate::wire::{RosterMember, TripleShareWire};

/// An installed program.
pub(crate) struct Installed {
    pub(crate) custodian: Custodian,
    pub(crate) threshold: Threshold,
    /// Ed25519 public keys of the approvers, by x (QVM-021).
    pub(crate) roster: BTreeMap<u8, [u8; 32]>,
    /// Beaver triples one evaluation consumes (QVM-006).
    pub(crate) triples_per_evaluation: usize,
    /// Whether K approvals were verified (QVM-021).
    pub(crate) active: bool,
    /// Evaluations begun in memory whose request id and slot are not committed yet: their
    /// openings are refused until they are (QVM-023).
    pub(crate) uncommitted: BTreeSet<String>,
    /// The request ids consumed before this start (those consumed since are refused by
    /// `custodian` itself), so that a Begin checks for a replay without reading the database.
    pub(crate) consumed_before: HashSet<String>,
}

impl fmt::Debug for Installed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Installed")
            .field("custodian", &self.custodian)
            .field("k", &self.threshold.k())
            .field("n", &self.threshold.n())
            .field("roster", &self.roster.keys().collect::<Vec<_>>())
            .field("active", &self.active)
            .finish()
    }
}

/// Checks a roster against the threshold and this custodian: every x in 1..=n and given once,
/// every key 32 bytes of lowercase hex, at least K members, and this custodian's own entry
/// (when present) with its own key; else `QVM_INSTALL_INVALID`.
///
/// Enforces QVM-021.
pub(crate) fn roster(
    members: &[RosterMember],
    threshold: Threshold,
    own: (u8, &[u8; 32]),
) -> Result<BTreeMap<u8, [u8; 32]>, ServiceError> {
    let invalid = |reason: String| -> ServiceError {
        core_error(quorumvm::Error::InstallInvalid {
            reason: format!("roster: {reason}"),
        })
    };
    let mut roster = BTreeMap::new();
    for member in members {
        if member.x == 0 || usize::from(member.x) > threshold.n() {
            return Err(invalid(format!(
                "x = {} is not in 1..={}",
                member.x,
                threshold.n()
            )));
        }
        let key = canon::hex::decode(&member.public_key)
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
            .ok_or_else(|| {
                invalid(format!(
                    "the key of x = {} is not 64 lowercase hex digits",
                    member.x
                ))
            })?;
        if member.x == own.0 && &key != own.1 {
            return Err(invalid(format!(
                "the key of x = {} is not this custodian's key",
                member.x
            )));
        }
        if roster.insert(member.x, key).is_some() {
            return Err(invalid(format!("x = {} is listed twice", member.x)));
        }
    }
    if roster.len() < threshold.k() {
        return Err(invalid(format!(
            "{} members, fewer than k = {}",
            roster.len(),
            threshold.k()
        )));
    }
    Ok(roster)
}

/// Rebuilds every installed program from the database.
pub(crate) fn load_all(
    connection: &Connection,
    key: &AtRestKey,
    x: u8,
) -> Result<BTreeMap<String, Installed>, ServiceError> {
    let mut programs = BTreeMap::new();
    for row in store::programs(connection)? {
        let installed = load(connection, key, x, &row)?;
        programs.insert(row.program_id, installed);
    }
    Ok(programs)
}

fn load(
    connection: &Connection,
    key: &AtRestKey,
    x: u8,
    row: &ProgramRow,
) -> Result<Installed, ServiceError> {
    let corrupt =
        |what: String| ServiceError::storage(format!("stored program {}: {what}", row.program_id));
    let value: serde_json::Value =
        serde_json::from_str(&row.package).map_err(|e| corrupt(format!("package: {e}")))?;
    let package = Package::from_json(&value).map_err(|e| corrupt(format!("package: {e}")))?;
    let threshold = Threshold::new(row.k, row.n).map_err(|e| corrupt(format!("threshold: {e}")))?;
    let members: Vec<RosterMember> =
        serde_json::from_str(&row.roster).map_err(|e| corrupt(format!("roster: {e}")))?;
    let mut roster = BTreeMap::new();
    for member in members {
        let key = canon::hex::decode(&member.public_key)
            .ok()
            .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
            .ok_or_else(|| corrupt(format!("roster key of x = {}", member.x)))?;
        roster.insert(member.x, key);
    }
    let secret = match store::secret_share(connection, &row.program_id)? {
        Some(sealed) => {
            let opened = key.open(store::SECRET_TABLE, &row.program_id, &sealed)?;
            let text = String::from_utf8(opened).map_err(|e| corrupt(format!("share: {e}")))?;
            Some(Fp::parse(&text).map_err(|e| corrupt(format!("share: {e}")))?)
        }
        None => None,
    };
    let mut triples = BTreeMap::new();
    for (slot, sealed) in store::triple_shares(connection, &row.program_id)? {
        let record = store::triple_record(&row.program_id, slot);
        let opened = key.open(store::TRIPLE_TABLE, &record, &sealed)?;
        let shares: Vec<TripleShareWire> =
            serde_json::from_slice(&opened).map_err(|e| corrupt(format!("slot {slot}: {e}")))?;
        triples.insert(slot, shares.iter().map(TripleShare::from).collect());
    }
    let custodian = Custodian::install(&package, threshold, Installation { x, secret, triples })
        .map_err(|e| corrupt(e.to_string()))?;
    Ok(Installed {
        custodian,
        threshold,
        roster,
        triples_per_evaluation: package.program().triples_per_evaluation(),
        active: row.active,
        uncommitted: BTreeSet::new(),
        consumed_before: store::consumed_requests(connection, &row.program_id)?,
    })
}
