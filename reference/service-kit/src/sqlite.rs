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

#[cfg(test)]
mod tests {
    use super::*;

    const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS things (id INTEGER PRIMARY KEY);";

    #[test]
    fn opens_with_the_durability_settings_and_the_schema() {
        let dir = std::env::temp_dir().join(format!("service-kit-sqlite-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("db.sqlite");
        let connection = open(&path, SCHEMA).unwrap();
        let pragma = |name: &str| -> String {
            connection
                .query_row(&format!("PRAGMA {name}"), [], |row| {
                    row.get::<_, rusqlite::types::Value>(0)
                })
                .map(|v| format!("{v:?}"))
                .unwrap()
        };
        assert_eq!(pragma("journal_mode"), "Text(\"wal\")");
        // FULL is 2.
        assert_eq!(pragma("synchronous"), "Integer(2)");
        assert_eq!(pragma("foreign_keys"), "Integer(1)");
        connection
            .execute("INSERT INTO things (id) VALUES (1)", [])
            .unwrap();
        drop(connection);
        // The schema is applied again on every open, without losing rows.
        let again = open(&path, SCHEMA).unwrap();
        let rows: i64 = again
            .query_row("SELECT count(*) FROM things", [], |row| row.get(0))
            .unwrap();
        assert_eq!(rows, 1);
        drop(again);
        // A schema that does not apply is a storage failure.
        assert_eq!(open(&path, "NOT SQL").unwrap_err().code, "SVC_STORAGE");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
