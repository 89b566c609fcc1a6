//! User space (SIGIL-030..032) and system space with the witness quorum (SIGIL-040..044).

use canon::json::Value;
use rusqlite::{OptionalExtension, params};
use service_kit::ServiceError;

use super::{Store, insert_record, not_found, random_id};
use crate::json::{canonical, int, obj, string};
use crate::quorum::Attestations;
use crate::record::{self, Body, Record, Space, verify_stored};
use crate::registry::{GENESIS, Registry};

/// The at-rest table name of a tenant's payloads: the tenant is bound into the associated data.
fn payload_table(tenant: &str) -> String {
    format!("payload:{tenant}")
}

/// What an attestation did (SIGIL-043).
#[derive(Debug)]
pub(crate) struct AttestOutcome {
    pub(crate) duplicate: bool,
    pub(crate) attestations: usize,
    pub(crate) record: Option<Record>,
}

impl Store {
    /// Writes a user-space record: signed, payload sealed, with its outbox entry.
    ///
    /// Enforces SIGIL-030, SIGIL-031 and SIGIL-023.
    pub(crate) fn write_user(
        &mut self,
        tenant: &str,
        kind: &str,
        payload: Value,
        links: Vec<String>,
        now: u64,
    ) -> Result<Record, ServiceError> {
        let body = Body {
            kind: kind.to_owned(),
            id: random_id("rec_")?,
            tenant: tenant.to_owned(),
            ts: now,
            space: Space::User,
            payload,
            links,
            prev: self.head(tenant, Space::User),
        };
        body.check()?;
        let record = record::sign(body, &self.signer, vec![])?;
        let plaintext = canonical(&record.body.payload)?;
        let sealed = self.at_rest.seal(
            &payload_table(tenant),
            &record.body.id,
            plaintext.as_bytes(),
        )?;
        let tx = self.conn.transaction()?;
        insert_record(&tx, &record, Some(sealed))?;
        tx.commit()?;
        self.advance(&record);
        self.consume()?;
        Ok(record)
    }

    /// A tenant's own records, oldest first, each decrypted and verified.
    ///
    /// Enforces SIGIL-032.
    pub(crate) fn entries(&self, tenant: &str) -> Result<Vec<Value>, ServiceError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT id, record, sealed_payload FROM records
             WHERE tenant = ?1 AND space = 'user' ORDER BY seq",
        )?;
        let rows = statement
            .query_map([tenant], |row| {
                Ok((
                    row.get::<_, String>(0)?,
                    row.get::<_, Vec<u8>>(1)?,
                    row.get::<_, Option<Vec<u8>>>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut entries = Vec::with_capacity(rows.len());
        for (id, bytes, sealed) in rows {
            let sealed_error = || crate::Error::PayloadSealed { id: id.clone() };
            let sealed = sealed.ok_or_else(sealed_error)?;
            let plaintext = self
                .at_rest
                .open(&payload_table(tenant), &id, &sealed)
                .map_err(|_| sealed_error())?;
            let payload = canon::json::parse(&plaintext).map_err(|_| sealed_error())?;
            let record = verify_stored(&bytes, Some(payload), &self.keys, None)?;
            entries.push(record.to_json());
        }
        Ok(entries)
    }

    /// Stores an unsigned proposal at the head of the system chain.
    ///
    /// Enforces SIGIL-040 (and SIGIL-041's payload checks).
    pub(crate) fn propose(
        &mut self,
        kind: &str,
        payload: Value,
        links: Vec<String>,
        now: u64,
    ) -> Result<Value, ServiceError> {
        self.registry.check_proposal(kind, &payload)?;
        let body = self.system_body(kind, payload, links, now)?;
        body.check()?;
        let hash = body.hash()?;
        let bytes = canonical(&body.to_json())?;
        self.conn
            .prepare_cached(
                "INSERT INTO proposals (proposal_id, body, status, created_ts)
                 VALUES (?1, ?2, 'pending', ?3)",
            )?
            .execute(params![hash, bytes.as_bytes(), now as i64])?;
        Ok(obj(vec![
            ("proposal_id", string(&hash)),
            ("hash", string(&hash)),
            ("body", body.to_json()),
            ("k", int(self.registry.k as u64)),
        ]))
    }

    /// A proposal's body, status, committed record id and attestations.
    fn load_proposal(
        &self,
        proposal_id: &str,
    ) -> Result<(Body, String, Option<String>, Attestations), ServiceError> {
        let row: Option<(Vec<u8>, String, Option<String>)> = self
            .conn
            .prepare_cached("SELECT body, status, record_id FROM proposals WHERE proposal_id = ?1")?
            .query_row([proposal_id], |row| {
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .optional()?;
        let (bytes, status, record_id) = row.ok_or_else(|| not_found("proposal", proposal_id))?;
        let body = Body::from_json(&canon::json::parse(&bytes).map_err(crate::Error::from)?)?;
        let mut attestations = Attestations::new(proposal_id);
        let mut statement = self
            .conn
            .prepare_cached("SELECT pub_key, sig FROM attestations WHERE proposal_id = ?1")?;
        let rows = statement
            .query_map([proposal_id], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let all_known: std::collections::BTreeSet<String> =
            rows.iter().map(|(k, _)| k.clone()).collect();
        for (key, sig) in rows {
            // Stored attestations were verified when they arrived; re-verify on every read.
            attestations.attest(&all_known, &key, &sig)?;
        }
        Ok((body, status, record_id, attestations))
    }

    /// Adds a witness attestation; commits at `k`.
    ///
    /// Enforces SIGIL-042 and SIGIL-043.
    pub(crate) fn attest(
        &mut self,
        proposal_id: &str,
        pub_key: &str,
        sig: &str,
    ) -> Result<AttestOutcome, ServiceError> {
        let (body, status, record_id, mut attestations) = self.load_proposal(proposal_id)?;
        if status == "committed" {
            let record = record_id.map(|id| self.system_record(&id)).transpose()?;
            return Ok(AttestOutcome {
                duplicate: true,
                attestations: attestations.counted(&self.registry.witnesses).len(),
                record,
            });
        }
        let attested = attestations.attest(&self.registry.witnesses, pub_key, sig)?;
        if !attested.duplicate {
            self.conn
                .prepare_cached(
                    "INSERT INTO attestations (proposal_id, pub_key, sig) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![proposal_id, pub_key, sig])?;
        }
        let count = attestations.counted(&self.registry.witnesses).len();
        let record = if count >= self.registry.k {
            Some(self.commit_proposal(body, &attestations)?)
        } else {
            None
        };
        Ok(AttestOutcome {
            duplicate: attested.duplicate,
            attestations: count,
            record,
        })
    }

    /// Commits a proposal if the quorum is met (`POST /canon/system/commit`).
    ///
    /// Enforces SIGIL-043: fewer than `k` is `SIGIL_QUORUM_NOT_MET` (403).
    pub(crate) fn commit(&mut self, proposal_id: &str) -> Result<Record, ServiceError> {
        let (body, status, record_id, attestations) = self.load_proposal(proposal_id)?;
        if status == "committed" {
            let id = record_id.ok_or_else(|| not_found("record of proposal", proposal_id))?;
            return self.system_record(&id);
        }
        attestations.is_met(&self.registry.witnesses, self.registry.k)?;
        self.commit_proposal(body, &attestations)
    }

    fn commit_proposal(
        &mut self,
        body: Body,
        attestations: &Attestations,
    ) -> Result<Record, ServiceError> {
        if body.prev != self.head(record::SYSTEM_TENANT, Space::System) {
            return Err(crate::Error::ProposalStale.into());
        }
        let mut next = self.registry.clone();
        next.apply(&body)?;
        let witnesses = attestations.counted(&self.registry.witnesses);
        let record = record::sign(body, &self.signer, witnesses)?;
        record::verify_record(&record, &self.keys, Some(self.registry.quorum()))?;
        let tx = self.conn.transaction()?;
        insert_record(&tx, &record, None)?;
        tx.execute(
            "UPDATE proposals SET status = 'committed', record_id = ?1 WHERE proposal_id = ?2",
            params![record.body.id, record.hash],
        )?;
        tx.commit()?;
        self.advance(&record);
        self.registry = next;
        self.consume()?;
        self.publish();
        Ok(record)
    }

    /// A proposal's state (`GET /canon/system/proposals/{id}`).
    pub(crate) fn proposal(&self, proposal_id: &str) -> Result<Value, ServiceError> {
        let (body, status, record_id, attestations) = self.load_proposal(proposal_id)?;
        Ok(obj(vec![
            ("proposal_id", string(proposal_id)),
            ("body", body.to_json()),
            ("status", string(status)),
            (
                "attestations",
                int(attestations.counted(&self.registry.witnesses).len() as u64),
            ),
            ("k", int(self.registry.k as u64)),
            ("record_id", crate::json::opt_string(record_id.as_deref())),
        ]))
    }

    /// One committed system record, verified within the whole chain.
    fn system_record(&self, id: &str) -> Result<Record, ServiceError> {
        self.system_records()?
            .into_iter()
            .find(|r| r.body.id == id)
            .ok_or_else(|| not_found("record", id))
    }

    /// Every committed system record, each verified against the registry in force before it.
    ///
    /// Enforces SIGIL-044 (SIGIL-022 on every read).
    pub(crate) fn system_records(&self) -> Result<Vec<Record>, ServiceError> {
        let mut statement = self
            .conn
            .prepare_cached("SELECT record FROM records WHERE space = 'system' ORDER BY seq")?;
        let rows = statement
            .query_map([], |row| row.get::<_, Vec<u8>>(0))?
            .collect::<Result<Vec<_>, _>>()?;
        let mut registry: Option<Registry> = None;
        let mut records = Vec::with_capacity(rows.len());
        for bytes in rows {
            let quorum = registry.as_ref().map(Registry::quorum);
            let record = verify_stored(&bytes, None, &self.keys, quorum)?;
            match registry.as_mut() {
                None if record.body.kind == GENESIS => {
                    registry = Some(Registry::from_genesis(&record.body.payload)?);
                }
                None => {
                    return Err(ServiceError::storage(
                        "the system chain does not start with genesis",
                    ));
                }
                Some(r) => r.apply(&record.body)?,
            }
            records.push(record);
        }
        Ok(records)
    }
}
