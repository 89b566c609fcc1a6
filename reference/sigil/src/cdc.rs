//! Change data capture: outbox envelopes and a projection rebuilt from offset 0 with the replay
//! property (spec/sigil.md §9).

use canon::json::Value;

use crate::Error;
use crate::json::{as_int, as_str, canonical, exact, int, obj, opt_string, string};
use crate::record::Record;

/// One outbox entry: a committed record without its payload (SIGIL-070).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// 1, 2, 3, ... in commit order.
    pub offset: u64,
    /// The record's id.
    pub id: String,
    /// Its tenant.
    pub tenant: String,
    /// Its space.
    pub space: String,
    /// Its kind.
    pub kind: String,
    /// Its timestamp.
    pub ts: u64,
    /// Its hash.
    pub hash: String,
    /// Its `prev`.
    pub prev: Option<String>,
    /// Its links.
    pub links: Vec<String>,
}

const MEMBERS: [&str; 9] = [
    "offset", "id", "tenant", "space", "kind", "ts", "hash", "prev", "links",
];

impl Envelope {
    /// The envelope of `record` at `offset`.
    ///
    /// Enforces SIGIL-070 (no payload).
    pub fn of(offset: u64, record: &Record) -> Self {
        let b = &record.body;
        Self {
            offset,
            id: b.id.clone(),
            tenant: b.tenant.clone(),
            space: b.space.name().to_owned(),
            kind: b.kind.clone(),
            ts: b.ts,
            hash: record.hash.clone(),
            prev: b.prev.clone(),
            links: b.links.clone(),
        }
    }

    /// The JSON form.
    pub fn to_json(&self) -> Value {
        obj(vec![
            ("offset", int(self.offset)),
            ("id", string(&self.id)),
            ("tenant", string(&self.tenant)),
            ("space", string(&self.space)),
            ("kind", string(&self.kind)),
            ("ts", int(self.ts)),
            ("hash", string(&self.hash)),
            ("prev", opt_string(self.prev.as_deref())),
            (
                "links",
                Value::Array(self.links.iter().map(string).collect()),
            ),
        ])
    }

    /// Reads the JSON form.
    pub fn from_json(value: &Value) -> Result<Self, Error> {
        let bad = |reason: String| Error::RecordShape {
            reason: format!("envelope: {reason}"),
        };
        let m = exact(value, &MEMBERS).map_err(bad)?;
        let s = |v: &Value, n: &str| as_str(v, n).map(str::to_owned).map_err(bad);
        Ok(Self {
            offset: as_int(m[0], "offset").map_err(bad)?,
            id: s(m[1], "id")?,
            tenant: s(m[2], "tenant")?,
            space: s(m[3], "space")?,
            kind: s(m[4], "kind")?,
            ts: as_int(m[5], "ts").map_err(bad)?,
            hash: s(m[6], "hash")?,
            prev: match m[7] {
                Value::Null => None,
                other => Some(s(other, "prev")?),
            },
            links: m[8]
                .as_array()
                .ok_or_else(|| bad("links is not an array".into()))?
                .iter()
                .map(|l| s(l, "link"))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// A projection: the envelopes applied so far, by offset (SIGIL-071).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Projection {
    rows: Vec<Envelope>,
}

impl Projection {
    /// The empty projection (offset 0).
    pub fn new() -> Self {
        Self::default()
    }

    /// The last applied offset.
    pub fn offset(&self) -> u64 {
        self.rows.len() as u64
    }

    /// The rows, by offset.
    pub fn rows(&self) -> &[Envelope] {
        &self.rows
    }

    /// Applies the next envelope.
    ///
    /// Enforces SIGIL-071: an envelope whose offset is not the next is `SIGIL_CDC_GAP`.
    pub fn apply(&mut self, envelope: Envelope) -> Result<(), Error> {
        let expected = self.offset() + 1;
        if envelope.offset != expected {
            return Err(Error::CdcGap {
                expected,
                got: envelope.offset,
            });
        }
        self.rows.push(envelope);
        Ok(())
    }

    /// Rebuilds a projection from an outbox read from offset 0 (SIGIL-071).
    pub fn replay(outbox: impl IntoIterator<Item = Envelope>) -> Result<Self, Error> {
        let mut projection = Self::new();
        for envelope in outbox {
            projection.apply(envelope)?;
        }
        Ok(projection)
    }

    /// `H(JCS([rows in offset order]))`, hex.
    ///
    /// Enforces SIGIL-071.
    pub fn digest(&self) -> Result<String, Error> {
        let rows = Value::Array(self.rows.iter().map(Envelope::to_json).collect());
        Ok(canon::id::ContentId::of_json(&canonical(&rows)?).to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope(offset: u64) -> Envelope {
        Envelope {
            offset,
            id: format!("rec_{offset}"),
            tenant: "acme".into(),
            space: "user".into(),
            kind: "note".into(),
            ts: 1000 + offset,
            hash: format!("{offset:064x}"),
            prev: (offset > 1).then(|| format!("{:064x}", offset - 1)),
            links: vec![],
        }
    }

    #[test]
    fn projection_replay_equals_incremental() {
        let outbox: Vec<Envelope> = (1..=50).map(envelope).collect();
        let mut live = Projection::new();
        let mut digests = vec![live.digest().unwrap_or_default()];
        for e in &outbox {
            live.apply(e.clone()).unwrap_or_else(|e| panic!("{e}"));
            digests.push(live.digest().unwrap_or_default());
        }
        let replayed = Projection::replay(outbox.clone()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(replayed.digest(), live.digest());
        // Every prefix replays to the digest the live projection had at that offset.
        for (n, digest) in digests.iter().enumerate() {
            let prefix = Projection::replay(outbox[..n].to_vec()).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(prefix.digest().as_ref(), Ok(digest));
        }
        // Envelopes round-trip through JSON; gaps and repeats are refused.
        for e in &outbox {
            assert_eq!(Envelope::from_json(&e.to_json()).as_ref(), Ok(e));
        }
        let mut gap = Projection::new();
        assert_eq!(
            gap.apply(envelope(2)).map_err(|e| e.code()),
            Err("SIGIL_CDC_GAP")
        );
        assert!(gap.apply(envelope(1)).is_ok());
        assert!(gap.apply(envelope(1)).is_err());
    }
}
