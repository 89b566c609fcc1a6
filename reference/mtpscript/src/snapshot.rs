//! The `.msqs` snapshot: a deterministic CBOR envelope signed with ECDSA P-256 (MTP-080..083).

use std::sync::Arc;

use canon::cbor::Value;

use crate::engine::{Engine, QuickJs};
use crate::{Error, Program};

/// The `format` member of every snapshot.
pub const FORMAT: &str = "mtpscript.msqs/1";

/// Builds `.msqs` files.
#[derive(Debug)]
pub struct Snapshot;

/// A snapshot whose signature, engine and cost table were checked (or a program this process
/// compiled itself): the only way to hand bytecode to the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSnapshot {
    /// Shared with the pool thread, which clones it into VMs ahead of requests (MTP-083).
    pub(crate) bytecode: Arc<[u8]>,
    /// SHA-256 of `bytecode`: what a VM cloned ahead of time is matched against.
    pub(crate) bytecode_hash: [u8; 32],
    content_hash: [u8; 32],
    source_hash: [u8; 32],
}

impl VerifiedSnapshot {
    /// Compiles a program to bytecode in this process, without a signature (for tools and
    /// Sigil modules that run source directly).
    pub fn unsigned(program: &Program) -> Result<Self, Error> {
        // The validator admits only code the engine compiles; should the engine still refuse,
        // the program is reported as not being a Script (MTP-001).
        let bytecode =
            QuickJs::compile(program.instrumented()).map_err(|reason| Error::Compile {
                code: "MTP_SYNTAX",
                line: 1,
                column: 1,
                message: reason,
            })?;
        Ok(Self {
            bytecode_hash: canon::id::sha256(&bytecode),
            bytecode: bytecode.into(),
            content_hash: program.content_hash(),
            source_hash: canon::id::sha256(program.source().as_bytes()),
        })
    }

    /// The MTP-082 content hash (input to the seed).
    pub fn content_hash(&self) -> [u8; 32] {
        self.content_hash
    }

    /// SHA-256 of the source text.
    pub fn source_hash(&self) -> [u8; 32] {
        self.source_hash
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn manifest(source_hash: [u8; 32], content_hash: [u8; 32]) -> Value {
    Value::Map(vec![
        (text("engine"), text(QuickJs::IDENTITY)),
        (
            text("bytecodeVersion"),
            Value::Int(i128::from(QuickJs::BYTECODE_VERSION)),
        ),
        (
            text("costTable"),
            Value::Bytes(crate::gas::cost_table_hash().to_vec()),
        ),
        (text("source"), Value::Bytes(source_hash.to_vec())),
        (text("contentHash"), Value::Bytes(content_hash.to_vec())),
    ])
}

fn unsigned_map(manifest: Value, bytecode: Vec<u8>) -> Value {
    Value::Map(vec![
        (text("format"), text(FORMAT)),
        (text("manifest"), manifest),
        (text("bytecode"), Value::Bytes(bytecode)),
    ])
}

fn malformed(reason: impl Into<String>) -> Error {
    Error::SnapshotMalformed {
        reason: reason.into(),
    }
}

impl Snapshot {
    /// Build → sign (MTP-080, MTP-083): compiles the program and signs the envelope with a
    /// 32-byte P-256 private key (CANON-047).
    pub fn build(program: &Program, signing_key: &[u8]) -> Result<Vec<u8>, Error> {
        let compiled = VerifiedSnapshot::unsigned(program)?;
        let unsigned = unsigned_map(
            manifest(compiled.source_hash, compiled.content_hash),
            compiled.bytecode.to_vec(),
        );
        let message = canon::cbor::encode(&unsigned).map_err(Error::Key)?;
        let signature = canon::ecdsa::sign(signing_key, &message).map_err(Error::Key)?;
        let Value::Map(mut members) = unsigned else {
            return Err(malformed("unreachable: the envelope is a map"));
        };
        members.push((text("signature"), Value::Bytes(signature.to_vec())));
        canon::cbor::encode(&Value::Map(members)).map_err(Error::Key)
    }

    /// Verify (MTP-081), in the spec's order, before any byte reaches the engine.
    pub fn verify(bytes: &[u8], public_key: &[u8]) -> Result<VerifiedSnapshot, Error> {
        let value = canon::cbor::decode(bytes).map_err(|e| malformed(e.to_string()))?;
        let Value::Map(members) = value else {
            return Err(malformed("not a CBOR map"));
        };
        let mut format = None;
        let mut manifest = None;
        let mut bytecode = None;
        let mut signature = None;
        for (k, v) in members {
            match (k, v) {
                (Value::Text(k), Value::Text(v)) if k == "format" => format = Some(v),
                (Value::Text(k), v @ Value::Map(_)) if k == "manifest" => manifest = Some(v),
                (Value::Text(k), Value::Bytes(v)) if k == "bytecode" => bytecode = Some(v),
                (Value::Text(k), Value::Bytes(v)) if k == "signature" => signature = Some(v),
                _ => return Err(malformed("unexpected member or member type")),
            }
        }
        let (Some(format), Some(manifest), Some(bytecode), Some(signature)) =
            (format, manifest, bytecode, signature)
        else {
            return Err(malformed("missing member"));
        };
        if format != FORMAT {
            return Err(malformed(format!("format is {format:?}")));
        }
        let fields = Manifest::read(&manifest)?;
        let unsigned = unsigned_map(manifest, bytecode);
        let message = canon::cbor::encode(&unsigned).map_err(|e| malformed(e.to_string()))?;
        canon::ecdsa::verify(public_key, &message, &signature)
            .map_err(|_| Error::SnapshotSignatureInvalid)?;
        if fields.engine != QuickJs::IDENTITY
            || fields.bytecode_version != QuickJs::BYTECODE_VERSION
        {
            return Err(Error::SnapshotEngineMismatch {
                expected: QuickJs::IDENTITY.to_owned(),
                found: fields.engine,
                found_version: fields.bytecode_version,
            });
        }
        if fields.cost_table != crate::gas::cost_table_hash() {
            return Err(Error::SnapshotCostTableMismatch);
        }
        let Value::Map(mut members) = unsigned else {
            return Err(malformed("unreachable: the envelope is a map"));
        };
        let Some((_, Value::Bytes(bytecode))) = members.pop() else {
            return Err(malformed("unreachable: bytecode member"));
        };
        Ok(VerifiedSnapshot {
            bytecode_hash: canon::id::sha256(&bytecode),
            bytecode: bytecode.into(),
            content_hash: fields.content_hash,
            source_hash: fields.source,
        })
    }
}

struct Manifest {
    engine: String,
    bytecode_version: u64,
    cost_table: [u8; 32],
    source: [u8; 32],
    content_hash: [u8; 32],
}

impl Manifest {
    fn read(v: &Value) -> Result<Self, Error> {
        let Value::Map(members) = v else {
            return Err(malformed("manifest is not a map"));
        };
        if members.len() != 5 {
            return Err(malformed("manifest must have exactly five members"));
        }
        let get = |name: &str| {
            members
                .iter()
                .find(|(k, _)| matches!(k, Value::Text(t) if t == name))
                .map(|(_, v)| v)
        };
        let hash = |name: &str| -> Result<[u8; 32], Error> {
            match get(name) {
                Some(Value::Bytes(b)) => <[u8; 32]>::try_from(b.as_slice())
                    .map_err(|_| malformed(format!("{name} is not 32 bytes"))),
                _ => Err(malformed(format!("manifest {name} missing or not bytes"))),
            }
        };
        let engine = match get("engine") {
            Some(Value::Text(t)) => t.clone(),
            _ => return Err(malformed("manifest engine missing or not text")),
        };
        let bytecode_version = match get("bytecodeVersion") {
            Some(Value::Int(n)) => {
                u64::try_from(*n).map_err(|_| malformed("bytecodeVersion out of range"))?
            }
            _ => {
                return Err(malformed(
                    "manifest bytecodeVersion missing or not an integer",
                ));
            }
        };
        Ok(Self {
            engine,
            bytecode_version,
            cost_table: hash("costTable")?,
            source: hash("source")?,
            content_hash: hash("contentHash")?,
        })
    }
}
