//! The custodians the coordinator calls and whose approvals it counts: x, URL, Ed25519 key.

use rusqlite::{Connection, OptionalExtension, params};
use serde_json::json;
use service_kit::ServiceError;

use super::codes;
use super::store::Db;

/// A registered custodian.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Custodian {
    /// Its evaluation point, 1..=n.
    pub(crate) x: u8,
    /// Its base URL, without a trailing `/`.
    pub(crate) url: String,
    /// Its Ed25519 public key, 64 lowercase hex digits.
    pub(crate) public_key: String,
}

/// Whether a registration (of a custodian or a program) created the record or found an
/// equivalent one already registered; registrations are idempotent (QVM-025).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Registered {
    /// A new record.
    Created,
    /// Already registered with the same key or pool (a custodian's URL is updated).
    Existing,
}

/// Registers a custodian, or updates the URL of one registered with the same key.
///
/// Enforces QVM-025: x in 1..=n, an `http://` URL and a 32-byte key
/// (`SVC_CUSTODIAN_INVALID`); x registered with another key is `SVC_CUSTODIAN_CONFLICT`, so a
/// key that approvals were verified against never changes.
pub(crate) fn register(
    db: &mut Db,
    n: usize,
    x: u64,
    url: &str,
    public_key: &str,
    now_ms: u64,
) -> Result<(Custodian, Registered), ServiceError> {
    let x = u8::try_from(x)
        .ok()
        .filter(|&x| x >= 1 && usize::from(x) <= n)
        .ok_or_else(|| codes::custodian_invalid(format!("x = {x} is not in 1..={n}")))?;
    let url = url.trim_end_matches('/');
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| codes::custodian_invalid("the URL must start with http://"))?;
    if rest.is_empty() || rest.contains(char::is_whitespace) {
        return Err(codes::custodian_invalid("the URL has no host"));
    }
    let key = canon::hex::decode(public_key)
        .ok()
        .filter(|k| k.len() == 32)
        .ok_or_else(|| {
            codes::custodian_invalid("public_key must be 64 lowercase hex digits (Ed25519)")
        })?;
    let custodian = Custodian {
        x,
        url: url.to_owned(),
        public_key: canon::hex::encode(&key),
    };
    db.transaction(|tx, audit| {
        let existing = find(tx, x)?;
        let registered = match existing {
            Some(old) if old.public_key != custodian.public_key => {
                return Err(codes::custodian_conflict(x));
            }
            Some(old) if old.url == custodian.url => return Ok(Registered::Existing),
            Some(_) => {
                tx.prepare_cached("UPDATE custodians SET url = ?2 WHERE x = ?1")?
                    .execute(params![x, custodian.url])?;
                Registered::Existing
            }
            None => {
                tx.prepare_cached(
                    "INSERT INTO custodians (x, url, public_key) VALUES (?1, ?2, ?3)",
                )?
                .execute(params![x, custodian.url, custodian.public_key])?;
                Registered::Created
            }
        };
        audit.append(
            tx,
            &json!({
                "event": "custodian_registered",
                "x": x,
                "url": custodian.url,
                "public_key": custodian.public_key,
                "t_ms": now_ms,
            }),
        )?;
        Ok(registered)
    })
    .map(|registered| (custodian, registered))
}

/// The custodian registered at `x`.
pub(crate) fn find(conn: &Connection, x: u8) -> Result<Option<Custodian>, ServiceError> {
    Ok(conn
        .prepare_cached("SELECT x, url, public_key FROM custodians WHERE x = ?1")?
        .query_row(params![x], row)
        .optional()?)
}

/// Every registered custodian, by x.
pub(crate) fn all(conn: &Connection) -> Result<Vec<Custodian>, ServiceError> {
    let mut statement =
        conn.prepare_cached("SELECT x, url, public_key FROM custodians ORDER BY x")?;
    let rows = statement.query_map([], row)?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}

fn row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Custodian> {
    Ok(Custodian {
        x: row.get(0)?,
        url: row.get(1)?,
        public_key: row.get(2)?,
    })
}
