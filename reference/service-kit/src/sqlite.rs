//! Opening a service database: WAL journal, `synchronous=FULL`, foreign keys, a busy timeout.
//! Every acknowledged write is committed (and, with FULL, synced) before the response.

use std::path::Path;
use std::time::Duration;

use rusqlite::Connection;

use crate::ServiceError;

/// The statements each connection keeps prepared (`prepare_cached`): every statement of the
/// services' hot paths fits.
const STATEMENT_CACHE: usize = 64;

/// Opens (creating if needed) the database at `path` with the durability settings every service
/// uses, and applies `schema` (idempotent `CREATE TABLE IF NOT EXISTS …` statements).
pub fn open(path: &Path, schema: &str) -> Result<Connection, ServiceError> {
    let connection = Connection::open(path)?;
    connection.busy_timeout(Duration::from_secs(5))?;
    connection.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    connection.execute_batch(schema)?;
    Ok(connection)
}
