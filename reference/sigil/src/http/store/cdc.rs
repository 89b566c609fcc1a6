//! The projection consumer: applies outbox envelopes in offset order to the `projection` table,
//! and rebuilds it from offset 0 (SIGIL-070, SIGIL-071).

use canon::json::Value;
use rusqlite::params;
use service_kit::ServiceError;

use super::Store;
use crate::cdc::{Envelope, Projection};
use crate::json::{int, obj, string};

impl Store {
    /// Applies every outbox envelope after the projection's offset.
    ///
    /// Enforces SIGIL-071 (`SIGIL_CDC_GAP` on a missing offset).
    pub(crate) fn consume(&mut self) -> Result<u64, ServiceError> {
        let tx = self.conn.transaction()?;
        let mut offset: i64 =
            tx.query_row("SELECT COALESCE(MAX(pos), 0) FROM projection", [], |row| {
                row.get(0)
            })?;
        {
            let mut read =
                tx.prepare_cached("SELECT pos, envelope FROM outbox WHERE pos > ?1 ORDER BY pos")?;
            let rows = read
                .query_map([offset], |row| {
                    Ok((row.get::<_, i64>(0)?, row.get::<_, Vec<u8>>(1)?))
                })?
                .collect::<Result<Vec<_>, _>>()?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO projection (pos, id, tenant, space, kind, ts, hash, prev, links)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?;
            for (pos, bytes) in rows {
                let envelope =
                    Envelope::from_json(&canon::json::parse(&bytes).map_err(crate::Error::from)?)?;
                if envelope.offset != offset as u64 + 1 || pos != envelope.offset as i64 {
                    return Err(crate::Error::CdcGap {
                        expected: offset as u64 + 1,
                        got: envelope.offset,
                    }
                    .into());
                }
                let links = crate::json::canonical(&Value::Array(
                    envelope.links.iter().map(string).collect(),
                ))?;
                insert.execute(params![
                    pos,
                    envelope.id,
                    envelope.tenant,
                    envelope.space,
                    envelope.kind,
                    envelope.ts as i64,
                    envelope.hash,
                    envelope.prev,
                    links.as_str()
                ])?;
                offset = pos;
            }
        }
        tx.commit()?;
        Ok(offset as u64)
    }

    /// The projection as the pure core sees it (rows in offset order).
    fn projection(&self) -> Result<Projection, ServiceError> {
        let mut statement = self.conn.prepare_cached(
            "SELECT pos, id, tenant, space, kind, ts, hash, prev, links FROM projection ORDER BY pos",
        )?;
        let rows = statement
            .query_map([], |row| {
                Ok((
                    row.get::<_, i64>(0)?,
                    row.get::<_, String>(1)?,
                    row.get::<_, String>(2)?,
                    row.get::<_, String>(3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, i64>(5)?,
                    row.get::<_, String>(6)?,
                    row.get::<_, Option<String>>(7)?,
                    row.get::<_, String>(8)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut envelopes = Vec::with_capacity(rows.len());
        for (pos, id, tenant, space, kind, ts, hash, prev, links) in rows {
            let links = canon::json::parse(links.as_bytes())
                .map_err(crate::Error::from)?
                .as_array()
                .map(|l| {
                    l.iter()
                        .filter_map(|s| s.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            envelopes.push(Envelope {
                offset: pos as u64,
                id,
                tenant,
                space,
                kind,
                ts: ts as u64,
                hash,
                prev,
                links,
            });
        }
        Ok(Projection::replay(envelopes)?)
    }

    /// `{"offset", "digest"}` of the projection (`GET /cdc/projection`).
    pub(crate) fn projection_state(&self) -> Result<Value, ServiceError> {
        let projection = self.projection()?;
        Ok(obj(vec![
            ("offset", int(projection.offset())),
            ("digest", string(projection.digest()?)),
        ]))
    }

    /// Drops the projection and rebuilds it from offset 0 (`POST /cdc/replay`).
    ///
    /// Enforces SIGIL-071 (the replay property is checked by comparing `before` and `digest`).
    pub(crate) fn replay(&mut self) -> Result<Value, ServiceError> {
        let before = self.projection()?.digest()?;
        self.conn.execute("DELETE FROM projection", [])?;
        self.consume()?;
        let after = self.projection()?;
        Ok(obj(vec![
            ("offset", int(after.offset())),
            ("digest", string(after.digest()?)),
            ("before", string(before)),
        ]))
    }
}
