//! CanonicalRecord v1: shape, body hash, service signature, witness signatures and the
//! verification every read performs (spec/sigil.md §4).

use std::collections::BTreeSet;

use canon::json::{CanonicalJson, Value};

use crate::Error;
use crate::features::is_name;
use crate::json::{as_hex, as_int, as_str, canonical, exact, int, is_hex, obj, opt_string, string};
use crate::keys::{KeyHistory, Signer, verify_labelled};

/// The label of a record's service signature (SIGIL-021).
pub const RECORD_LABEL: &str = "sigil/record/v1";
/// The label of a witness attestation (SIGIL-021).
pub const ATTEST_LABEL: &str = "sigil/attest/v1";
/// The system kinds the service writes alone, without witnesses (SIGIL-041).
pub const SERVICE_KINDS: [&str; 2] = ["sigil.genesis", "sigil.key.rotated"];
/// The tenant of every system record.
pub const SYSTEM_TENANT: &str = "system";
/// The most links a record may have.
pub const MAX_LINKS: usize = 64;

/// A record's space.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Space {
    /// A tenant's own records, payloads encrypted at rest.
    User,
    /// Shared records committed under the witness quorum.
    System,
}

impl Space {
    /// The spec's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::User => "user",
            Self::System => "system",
        }
    }

    /// The space named `s`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "user" => Some(Self::User),
            "system" => Some(Self::System),
            _ => None,
        }
    }
}

/// The nine hashed members of a record (SIGIL-021).
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// `[a-z0-9][a-z0-9._-]{0,63}`.
    pub kind: String,
    /// 1..=128 of `[A-Za-z0-9._:-]`.
    pub id: String,
    /// The tenant (`system` in system space).
    pub tenant: String,
    /// Milliseconds.
    pub ts: u64,
    /// The space.
    pub space: Space,
    /// Any JSON value.
    pub payload: Value,
    /// Ids of linked records.
    pub links: Vec<String>,
    /// The previous record's hash in the `(tenant, space)` chain.
    pub prev: Option<String>,
}

/// One witness attestation (SIGIL-021).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Witness {
    /// The witness's key, hex.
    pub pub_key: String,
    /// Its signature of the labelled hash, hex.
    pub sig: String,
}

/// A CanonicalRecord v1 (SIGIL-020).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The hashed members.
    pub body: Body,
    /// `H(JCS(body))`.
    pub hash: String,
    /// The service's signature, hex.
    pub sig: String,
    /// The service key that signed, hex.
    pub pub_key: String,
    /// The witnesses, sorted by key.
    pub witnesses: Vec<Witness>,
}

const BODY_MEMBERS: [&str; 9] = [
    "kind",
    "schema_version",
    "id",
    "tenant",
    "ts",
    "space",
    "payload",
    "links",
    "prev",
];
const RECORD_MEMBERS: [&str; 13] = [
    "kind",
    "schema_version",
    "id",
    "tenant",
    "ts",
    "space",
    "payload",
    "links",
    "prev",
    "hash",
    "sig",
    "pub_key",
    "witnesses",
];

fn shape(reason: impl Into<String>) -> Error {
    Error::RecordShape {
        reason: reason.into(),
    }
}

/// Whether `s` is a kind: `[a-z0-9][a-z0-9._-]{0,63}`.
pub fn is_kind(s: &str) -> bool {
    let b = s.as_bytes();
    (1..=64).contains(&b.len())
        && (b[0].is_ascii_lowercase() || b[0].is_ascii_digit())
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"._-".contains(c))
}

/// Whether `s` is a record id: 1..=128 of `[A-Za-z0-9._:-]`.
pub fn is_id(s: &str) -> bool {
    (1..=128).contains(&s.len())
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"._:-".contains(&c))
}

impl Body {
    /// Checks the members' forms (the body part of SIGIL-020).
    pub fn check(&self) -> Result<(), Error> {
        if !is_kind(&self.kind) {
            return Err(shape("kind is not [a-z0-9][a-z0-9._-]{0,63}"));
        }
        if !is_id(&self.id) {
            return Err(shape("id is not 1..=128 of [A-Za-z0-9._:-]"));
        }
        if !is_name(&self.tenant) {
            return Err(shape("tenant is not 1..=128 of [A-Za-z0-9._:@-]"));
        }
        if (self.tenant == SYSTEM_TENANT) != (self.space == Space::System) {
            return Err(shape("tenant is `system` exactly in system space"));
        }
        if self.ts >= 1 << 53 {
            return Err(shape("ts is not below 2^53"));
        }
        if self.links.len() > MAX_LINKS {
            return Err(shape("more than 64 links"));
        }
        let distinct: BTreeSet<&String> = self.links.iter().collect();
        if distinct.len() != self.links.len() || !self.links.iter().all(|l| is_id(l)) {
            return Err(shape("links are not distinct ids"));
        }
        if let Some(prev) = &self.prev
            && !is_hex(prev, 64)
        {
            return Err(shape("prev is neither null nor 64 hex digits"));
        }
        Ok(())
    }

    /// The body's JSON form.
    pub fn to_json(&self) -> Value {
        obj(self.members())
    }

    fn members(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("kind", string(&self.kind)),
            ("schema_version", int(1)),
            ("id", string(&self.id)),
            ("tenant", string(&self.tenant)),
            ("ts", int(self.ts)),
            ("space", string(self.space.name())),
            ("payload", self.payload.clone()),
            (
                "links",
                Value::Array(self.links.iter().map(string).collect()),
            ),
            ("prev", opt_string(self.prev.as_deref())),
        ]
    }

    /// `H(JCS(body))`, hex.
    ///
    /// Enforces SIGIL-021.
    pub fn hash(&self) -> Result<String, Error> {
        Ok(canon::id::ContentId::of_json(&canonical(&self.to_json())?).to_string())
    }

    /// Reads a body (the nine members, exactly).
    pub fn from_json(value: &Value) -> Result<Self, Error> {
        let m = exact(value, &BODY_MEMBERS).map_err(shape)?;
        body_from(&m)
    }
}

fn body_from(m: &[&Value]) -> Result<Body, Error> {
    if m[1].as_u64() != Some(1) {
        return Err(shape("schema_version is not 1"));
    }
    let links = m[7]
        .as_array()
        .ok_or_else(|| shape("links is not an array"))?
        .iter()
        .map(|l| {
            l.as_str()
                .map(str::to_owned)
                .ok_or_else(|| shape("a link is not a string"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let prev = match m[8] {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        _ => return Err(shape("prev is neither null nor a string")),
    };
    let body = Body {
        kind: as_str(m[0], "kind").map_err(shape)?.to_owned(),
        id: as_str(m[2], "id").map_err(shape)?.to_owned(),
        tenant: as_str(m[3], "tenant").map_err(shape)?.to_owned(),
        ts: as_int(m[4], "ts").map_err(shape)?,
        space: as_str(m[5], "space")
            .ok()
            .and_then(Space::parse)
            .ok_or_else(|| shape("space is not user or system"))?,
        payload: m[6].clone(),
        links,
        prev,
    };
    body.check()?;
    Ok(body)
}

impl Record {
    /// The record's JSON form (SIGIL-020).
    pub fn to_json(&self) -> Value {
        let mut members = self.body.members();
        members.push(("hash", string(&self.hash)));
        members.push(("sig", string(&self.sig)));
        members.push(("pub_key", string(&self.pub_key)));
        members.push((
            "witnesses",
            Value::Array(
                self.witnesses
                    .iter()
                    .map(|w| {
                        obj(vec![
                            ("pub_key", string(&w.pub_key)),
                            ("sig", string(&w.sig)),
                        ])
                    })
                    .collect(),
            ),
        ));
        obj(members)
    }

    /// The canonical bytes of the record.
    pub fn canonical(&self) -> Result<CanonicalJson, Error> {
        canonical(&self.to_json())
    }

    /// Reads a record, checking every member's form.
    ///
    /// Enforces SIGIL-020 (`SIGIL_RECORD_SHAPE`).
    pub fn from_json(value: &Value) -> Result<Self, Error> {
        let m = exact(value, &RECORD_MEMBERS).map_err(shape)?;
        let body = body_from(&m[..9])?;
        let hash = as_hex(m[9], "hash", 64).map_err(shape)?.to_owned();
        let sig = as_hex(m[10], "sig", 128).map_err(shape)?.to_owned();
        let pub_key = as_hex(m[11], "pub_key", 64).map_err(shape)?.to_owned();
        let witnesses = m[12]
            .as_array()
            .ok_or_else(|| shape("witnesses is not an array"))?
            .iter()
            .map(|w| {
                let wm = exact(w, &["pub_key", "sig"]).map_err(shape)?;
                Ok(Witness {
                    pub_key: as_hex(wm[0], "witness pub_key", 64)
                        .map_err(shape)?
                        .to_owned(),
                    sig: as_hex(wm[1], "witness sig", 128).map_err(shape)?.to_owned(),
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        if witnesses.windows(2).any(|w| w[0].pub_key >= w[1].pub_key) {
            return Err(shape(
                "witnesses are not sorted by pub_key strictly ascending",
            ));
        }
        if body.space == Space::User && !witnesses.is_empty() {
            return Err(shape("a user-space record has witnesses"));
        }
        Ok(Self {
            body,
            hash,
            sig,
            pub_key,
            witnesses,
        })
    }

    /// Whether this record needs the witness quorum (SIGIL-041).
    pub fn needs_quorum(&self) -> bool {
        needs_quorum(&self.body)
    }
}

/// Whether a body needs the witness quorum: system space, and not a service kind (SIGIL-041).
pub fn needs_quorum(body: &Body) -> bool {
    body.space == Space::System && !SERVICE_KINDS.contains(&body.kind.as_str())
}

/// The witness attestation of `hash` by `witness` (SIGIL-021).
pub fn attest(hash: &str, witness: &Signer) -> Result<Witness, Error> {
    Ok(Witness {
        pub_key: witness.pub_key().to_owned(),
        sig: witness.sign_labelled(ATTEST_LABEL, hash)?,
    })
}

/// Signs `body` with `signer`, with the given witnesses (sorted here).
///
/// Enforces SIGIL-021.
pub fn sign(body: Body, signer: &Signer, mut witnesses: Vec<Witness>) -> Result<Record, Error> {
    body.check()?;
    let hash = body.hash()?;
    let sig = signer.sign_labelled(RECORD_LABEL, &hash)?;
    witnesses.sort();
    witnesses.dedup_by(|a, b| a.pub_key == b.pub_key);
    Ok(Record {
        body,
        hash,
        sig,
        pub_key: signer.pub_key().to_owned(),
        witnesses,
    })
}

/// The witness rule a system record is verified against: the registry in force before it.
#[derive(Debug, Clone, Copy)]
pub struct Quorum<'a> {
    /// The registered witness keys, hex.
    pub witnesses: &'a BTreeSet<String>,
    /// The threshold.
    pub k: usize,
}

/// Verifies stored record bytes; `payload` replaces the stored payload first (a user-space
/// payload decrypted by the shell).
///
/// Enforces SIGIL-022, in its order: strict parsing, canonical form, shape, hash, key,
/// signature, witnesses.
pub fn verify_stored(
    bytes: &[u8],
    payload: Option<Value>,
    keys: &KeyHistory,
    quorum: Option<Quorum<'_>>,
) -> Result<Record, Error> {
    let value = canon::json::parse(bytes)?;
    if canonical(&value)?.as_bytes() != bytes {
        return Err(Error::RecordNoncanonical);
    }
    let mut record = Record::from_json(&value)?;
    if let Some(payload) = payload {
        record.body.payload = payload;
    }
    verify_record(&record, keys, quorum)?;
    Ok(record)
}

/// Verifies a parsed record: hash, key, signature, witnesses (SIGIL-022 after the shape).
pub fn verify_record(
    record: &Record,
    keys: &KeyHistory,
    quorum: Option<Quorum<'_>>,
) -> Result<(), Error> {
    if record.body.hash()? != record.hash {
        return Err(Error::RecordHash);
    }
    if !keys.contains(&record.pub_key) {
        return Err(Error::KeyUnknown {
            pub_key: record.pub_key.clone(),
        });
    }
    if !verify_labelled(&record.pub_key, RECORD_LABEL, &record.hash, &record.sig) {
        return Err(Error::RecordSig);
    }
    if record.needs_quorum() {
        let Some(quorum) = quorum else {
            return Err(Error::QuorumNotMet {
                have: 0,
                k: usize::MAX,
            });
        };
        for w in &record.witnesses {
            if !quorum.witnesses.contains(&w.pub_key) {
                return Err(Error::WitnessUnknown {
                    pub_key: w.pub_key.clone(),
                });
            }
            if !verify_labelled(&w.pub_key, ATTEST_LABEL, &record.hash, &w.sig) {
                return Err(Error::WitnessSig {
                    pub_key: w.pub_key.clone(),
                });
            }
        }
        if record.witnesses.len() < quorum.k {
            return Err(Error::QuorumNotMet {
                have: record.witnesses.len(),
                k: quorum.k,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::KeyInfo;

    fn signer(byte: u8) -> Signer {
        Signer::from_seed(&[byte; 32]).unwrap_or_else(|e| panic!("{e}"))
    }

    fn history(signers: &[&Signer]) -> KeyHistory {
        KeyHistory::from_keys(
            signers
                .iter()
                .map(|s| KeyInfo {
                    pub_key: s.pub_key().to_owned(),
                    created_ts: 0,
                })
                .collect(),
        )
    }

    fn body(space: Space) -> Body {
        Body {
            kind: "note".into(),
            id: "rec_1".into(),
            tenant: if space == Space::System {
                "system".into()
            } else {
                "acme".into()
            },
            ts: 1_700_000_000_000,
            space,
            payload: canon::json::parse(br#"{"text":"hello","n":[1,2.5]}"#).unwrap_or(Value::Null),
            links: vec!["rec_0".into()],
            prev: None,
        }
    }

    #[test]
    fn records_hash_and_sign() {
        let service = signer(9);
        let b = body(Space::User);
        let expected = canon::id::ContentId::of_bytes(
            br#"{"id":"rec_1","kind":"note","links":["rec_0"],"payload":{"n":[1,2.5],"text":"hello"},"prev":null,"schema_version":1,"space":"user","tenant":"acme","ts":1700000000000}"#,
        )
        .to_string();
        assert_eq!(b.hash().as_deref(), Ok(expected.as_str()));
        let record = sign(b, &service, vec![]).unwrap_or_else(|e| panic!("{e}"));
        let bytes = record.canonical().unwrap_or_else(|e| panic!("{e}"));
        let keys = history(&[&service]);
        let verified =
            verify_stored(bytes.as_bytes(), None, &keys, None).and_then(|r| r.canonical());
        assert_eq!(verified.as_ref(), Ok(&bytes));
        assert!(verify_labelled(
            &record.pub_key,
            RECORD_LABEL,
            &record.hash,
            &record.sig
        ));
    }

    #[test]
    fn record_shapes_are_checked() {
        let service = signer(9);
        let record = sign(body(Space::User), &service, vec![]).unwrap_or_else(|e| panic!("{e}"));
        let json = record.to_json();
        let with = |name: &str, value: Option<Value>| {
            let mut members = json.as_object().map(<[_]>::to_vec).unwrap_or_default();
            members.retain(|(n, _)| n != name);
            if let Some(v) = value {
                members.push((name.to_owned(), v));
            }
            Record::from_json(&Value::Object(members)).map_err(|e| e.code())
        };
        let bad: Vec<(&str, Option<Value>)> = vec![
            ("kind", Some(string("Note"))),
            ("kind", None),
            ("schema_version", Some(int(2))),
            ("id", Some(string(""))),
            ("id", Some(string("a b"))),
            ("tenant", Some(string("system"))),
            ("ts", Some(Value::Number(1.5))),
            ("space", Some(string("global"))),
            ("links", Some(Value::Array(vec![string("a"), string("a")]))),
            ("prev", Some(string("00"))),
            ("hash", Some(string("AB".repeat(32)))),
            ("sig", Some(string("00"))),
            ("pub_key", Some(Value::Null)),
            (
                "witnesses",
                Some(Value::Array(vec![obj(vec![
                    ("pub_key", string("00".repeat(32))),
                    ("sig", string("00".repeat(64))),
                ])])),
            ),
            ("extra", Some(Value::Null)),
        ];
        for (name, value) in bad {
            assert_eq!(
                with(name, value.clone()),
                Err("SIGIL_RECORD_SHAPE"),
                "{name} {value:?}"
            );
        }
        // Stored bytes out of canonical form.
        let keys = history(&[&service]);
        let spaced = format!(
            " {}",
            record
                .canonical()
                .map(|c| c.into_string())
                .unwrap_or_default()
        );
        assert_eq!(
            verify_stored(spaced.as_bytes(), None, &keys, None).map_err(|e| e.code()),
            Err("SIGIL_RECORD_NONCANONICAL")
        );
    }

    #[test]
    fn every_byte_flip_of_a_record_fails() {
        let service = signer(4);
        let witnesses: Vec<Signer> = (20..23).map(signer).collect();
        let registry: BTreeSet<String> = witnesses.iter().map(|w| w.pub_key().to_owned()).collect();
        let quorum = Quorum {
            witnesses: &registry,
            k: 2,
        };
        let keys = history(&[&service]);
        for space in [Space::User, Space::System] {
            let b = body(space);
            let hash = b.hash().unwrap_or_default();
            let attested = if space == Space::System {
                witnesses[..2]
                    .iter()
                    .map(|w| attest(&hash, w))
                    .collect::<Result<Vec<_>, _>>()
                    .unwrap_or_else(|e| panic!("{e}"))
            } else {
                vec![]
            };
            let record = sign(b, &service, attested).unwrap_or_else(|e| panic!("{e}"));
            let bytes = record.canonical().unwrap_or_else(|e| panic!("{e}"));
            let bytes = bytes.as_bytes();
            assert!(verify_stored(bytes, None, &keys, Some(quorum)).is_ok());
            for i in 0..bytes.len() {
                for flip in [0x01u8, 0x40] {
                    let mut tampered = bytes.to_vec();
                    tampered[i] ^= flip;
                    assert!(
                        verify_stored(&tampered, None, &keys, Some(quorum)).is_err(),
                        "{space:?}: flip {flip:#x} at byte {i} verified"
                    );
                }
            }
        }
    }

    #[test]
    fn system_records_need_registered_distinct_witnesses() {
        let service = signer(4);
        let witnesses: Vec<Signer> = (20..24).map(signer).collect();
        let registry: BTreeSet<String> = witnesses[..3]
            .iter()
            .map(|w| w.pub_key().to_owned())
            .collect();
        let quorum = Quorum {
            witnesses: &registry,
            k: 2,
        };
        let keys = history(&[&service]);
        let b = body(Space::System);
        let hash = b.hash().unwrap_or_default();
        let check = |ws: Vec<Witness>| {
            let record = sign(b.clone(), &service, ws).unwrap_or_else(|e| panic!("{e}"));
            verify_record(&record, &keys, Some(quorum)).map_err(|e| e.code())
        };
        let a = |i: usize| attest(&hash, &witnesses[i]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(check(vec![a(0), a(1)]), Ok(()));
        assert_eq!(check(vec![a(0)]), Err("SIGIL_QUORUM_NOT_MET"));
        assert_eq!(check(vec![a(0), a(0)]), Err("SIGIL_QUORUM_NOT_MET"));
        assert_eq!(check(vec![a(0), a(3)]), Err("SIGIL_WITNESS_UNKNOWN"));
        let mut tampered = a(1);
        tampered.sig = format!(
            "{}{}",
            if tampered.sig.starts_with('0') {
                "1"
            } else {
                "0"
            },
            &tampered.sig[1..]
        );
        assert_eq!(check(vec![a(0), tampered]), Err("SIGIL_WITNESS_SIG"));
        // A service kind needs no witnesses.
        let mut genesis = body(Space::System);
        genesis.kind = "sigil.genesis".into();
        let record = sign(genesis, &service, vec![]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(verify_record(&record, &keys, Some(quorum)), Ok(()));
    }
}
