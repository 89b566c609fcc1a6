//! The hash-chained audit log (QVM-070..QVM-073): chaining bodies into entries and verifying
//! a log, naming the first bad entry.

use serde_json::{Map, Value};

use crate::Error;
use crate::encoding::{JSON_INT_LIMIT, sha256_hex};

/// The `prev_hash` of the first entry: 64 zeros.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The members the chain adds to a body; a body may not have them.
pub const RESERVED: [&str; 3] = ["seq", "prev_hash", "entry_hash"];

/// Why an entry does not verify: the first failing check of QVM-072.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AuditFault {
    /// Not an object, or `seq`, `prev_hash` or `entry_hash` missing or of the wrong type.
    Malformed,
    /// `seq` is not the entry's index.
    Seq,
    /// `prev_hash` is not the previous entry's `entry_hash` (64 zeros for the first).
    Chain,
    /// `entry_hash` is not the hash of the entry without it.
    Hash,
}

impl AuditFault {
    /// The spec code of the fault.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Malformed => "QVM_AUDIT_MALFORMED",
            Self::Seq => "QVM_AUDIT_SEQ",
            Self::Chain => "QVM_AUDIT_CHAIN",
            Self::Hash => "QVM_AUDIT_HASH",
        }
    }
}

/// The result of verifying a log (QVM-071).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Whether every entry verifies.
    pub valid: bool,
    /// The number of entries given.
    pub count: usize,
    /// The last entry's `entry_hash` when valid and not empty.
    pub head: Option<String>,
    /// The index of the first bad entry.
    pub first_bad: Option<usize>,
    /// The first failing check of that entry.
    pub reason: Option<AuditFault>,
}

impl Verification {
    /// The JSON form: `{"valid", "count", "head", "first_bad", "reason"}`.
    pub fn to_json(&self) -> Value {
        let mut object = Map::new();
        object.insert("valid".into(), self.valid.into());
        object.insert("count".into(), self.count.into());
        object.insert(
            "head".into(),
            self.head.clone().map_or(Value::Null, Value::String),
        );
        object.insert(
            "first_bad".into(),
            self.first_bad.map_or(Value::Null, Value::from),
        );
        object.insert(
            "reason".into(),
            self.reason.map_or(Value::Null, |f| f.code().into()),
        );
        Value::Object(object)
    }

    /// The verification as a result: `Err(QVM_AUDIT_*)` naming the first bad entry.
    pub fn into_result(self) -> Result<Option<String>, Error> {
        match (self.first_bad, self.reason) {
            (Some(index), Some(fault)) => Err(Error::AuditBroken { index, fault }),
            _ => Ok(self.head),
        }
    }
}

/// An append-only audit log writer: it holds only the next `seq` and the head hash, so that
/// services store entries wherever they like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLog {
    next_seq: u64,
    head: String,
}

impl Default for AuditLog {
    fn default() -> Self {
        Self::new()
    }
}

impl AuditLog {
    /// An empty log.
    pub fn new() -> Self {
        Self {
            next_seq: 0,
            head: GENESIS.to_owned(),
        }
    }

    /// A log that continues after verified `entries`.
    ///
    /// Enforces QVM-072: a log that does not verify is refused with its `QVM_AUDIT_*` code.
    pub fn resume(entries: &[Value]) -> Result<Self, Error> {
        let head = verify(entries).into_result()?;
        Ok(Self {
            next_seq: entries.len() as u64,
            head: head.unwrap_or_else(|| GENESIS.to_owned()),
        })
    }

    /// The `entry_hash` of the last entry (64 zeros for an empty log).
    pub fn head(&self) -> &str {
        &self.head
    }

    /// The `seq` the next entry gets.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Chains one body and returns the entry.
    ///
    /// Enforces QVM-070: a body that is not an object or has a reserved member is
    /// `QVM_AUDIT_INVALID` (index = the `seq` it would have had).
    pub fn append(&mut self, body: &Value) -> Result<Value, Error> {
        let index = usize::try_from(self.next_seq).unwrap_or(usize::MAX);
        let invalid = |reason: &str| Error::AuditInvalid {
            index,
            reason: reason.to_owned(),
        };
        let mut entry = body
            .as_object()
            .cloned()
            .ok_or_else(|| invalid("a body is a JSON object"))?;
        if let Some(name) = RESERVED.iter().find(|m| entry.contains_key(**m)) {
            return Err(invalid(&format!("the member `{name}` is reserved")));
        }
        entry.insert("seq".into(), self.next_seq.into());
        entry.insert("prev_hash".into(), self.head.clone().into());
        let hash = sha256_hex(&Value::Object(entry.clone()))
            .ok_or_else(|| invalid("the body has no canonical JSON form"))?;
        entry.insert("entry_hash".into(), hash.clone().into());
        self.head = hash;
        self.next_seq += 1;
        Ok(Value::Object(entry))
    }
}

/// Chains bodies into entries, starting a new log.
///
/// Enforces QVM-070.
pub fn chain(bodies: &[Value]) -> Result<Vec<Value>, Error> {
    let mut log = AuditLog::new();
    bodies.iter().map(|b| log.append(b)).collect()
}

/// Verifies a log from its first entry, stopping at the first bad one.
///
/// Enforces QVM-071, QVM-072: per entry, in order: shape (`QVM_AUDIT_MALFORMED`), `seq`
/// (`QVM_AUDIT_SEQ`), `prev_hash` (`QVM_AUDIT_CHAIN`), `entry_hash` (`QVM_AUDIT_HASH`).
pub fn verify(entries: &[Value]) -> Verification {
    let mut expected_prev = GENESIS.to_owned();
    for (index, entry) in entries.iter().enumerate() {
        if let Err(fault) = check_entry(entry, index, &expected_prev) {
            return Verification {
                valid: false,
                count: entries.len(),
                head: None,
                first_bad: Some(index),
                reason: Some(fault),
            };
        }
        if let Some(hash) = entry.get("entry_hash").and_then(Value::as_str) {
            expected_prev = hash.to_owned();
        }
    }
    Verification {
        valid: true,
        count: entries.len(),
        head: (!entries.is_empty()).then_some(expected_prev),
        first_bad: None,
        reason: None,
    }
}

fn check_entry(entry: &Value, index: usize, expected_prev: &str) -> Result<(), AuditFault> {
    let object = entry.as_object().ok_or(AuditFault::Malformed)?;
    let seq = object
        .get("seq")
        .and_then(seq_value)
        .ok_or(AuditFault::Malformed)?;
    let prev = object
        .get("prev_hash")
        .and_then(Value::as_str)
        .ok_or(AuditFault::Malformed)?;
    let hash = object
        .get("entry_hash")
        .and_then(Value::as_str)
        .ok_or(AuditFault::Malformed)?;
    if seq != index as u64 {
        return Err(AuditFault::Seq);
    }
    if prev != expected_prev {
        return Err(AuditFault::Chain);
    }
    let mut without = object.clone();
    without.remove("entry_hash");
    let recomputed = sha256_hex(&Value::Object(without)).ok_or(AuditFault::Malformed)?;
    if hash != recomputed {
        return Err(AuditFault::Hash);
    }
    Ok(())
}

/// A `seq`: a JSON number whose value is an integer in `[0, 2^53)` (`1.0` is `1`, as in its
/// canonical form).
fn seq_value(value: &Value) -> Option<u64> {
    let n = value.as_number()?;
    n.as_u64()
        .or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < JSON_INT_LIMIT as f64)
                .map(|f| f as u64)
        })
        .filter(|&s| s < JSON_INT_LIMIT)
}
