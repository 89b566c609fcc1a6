//! Secret material at rest (QVM-024): AES-256-GCM under a 32-byte key from the environment
//! (`QUORATE_AT_REST_KEY`) or a key file, a fresh random 96-bit nonce per record, and the
//! table name and record id as associated data, so a sealed record cannot be moved to
//! another row. A sealed record is `nonce (12 bytes) || ciphertext || tag (16 bytes)`.
//!
//! Start-up errors: no key is `SVC_KEY_MISSING`; a key that is not 64 hex digits is
//! `SVC_KEY_INVALID`; a key that does not open the database's sealed check value is
//! `SVC_KEY_WRONG`.

use std::fmt;
use std::path::Path;

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use rusqlite::{Connection, OptionalExtension};

use crate::ServiceError;

/// The environment variable holding the key (64 hex digits).
pub const KEY_ENV: &str = "QUORATE_AT_REST_KEY";

/// The table of the sealed check value.
const CHECK_TABLE: &str = "at_rest_check";
/// What the check value opens to.
const CHECK_PLAINTEXT: &[u8] = b"quorate/at-rest/check/v1";
/// The length of a nonce.
const NONCE_LEN: usize = 12;

/// The at-rest key. `Debug` never prints it.
#[derive(Clone)]
pub struct AtRestKey {
    cipher: Aes256Gcm,
}

impl fmt::Debug for AtRestKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AtRestKey(..)")
    }
}

impl AtRestKey {
    /// Loads the key from `file` when given, else from [`KEY_ENV`].
    ///
    /// Enforces QVM-024: no file, an unreadable file or an unset variable is
    /// `SVC_KEY_MISSING`; anything but 64 hex digits (and an optional final newline) is
    /// `SVC_KEY_INVALID`.
    pub fn load(file: Option<&Path>) -> Result<Self, ServiceError> {
        let text = match file {
            Some(path) => std::fs::read_to_string(path).map_err(|e| {
                key_missing(format!(
                    "cannot read the at-rest key file {}: {e}",
                    path.display()
                ))
            })?,
            None => std::env::var(KEY_ENV).map_err(|_| {
                key_missing(format!(
                    "set {KEY_ENV} (64 hex digits) or configure an at-rest key file"
                ))
            })?,
        };
        Self::from_hex(&text)
    }

    /// The key of 64 hex digits (either case), optionally followed by one newline.
    ///
    /// Enforces QVM-024 (`SVC_KEY_INVALID`).
    pub fn from_hex(text: &str) -> Result<Self, ServiceError> {
        let text = text
            .strip_suffix("\r\n")
            .or_else(|| text.strip_suffix('\n'))
            .unwrap_or(text);
        let invalid = || {
            ServiceError::new(
                "SVC_KEY_INVALID",
                500,
                "the at-rest key is not 64 hex digits",
            )
        };
        if text.len() != 64 {
            return Err(invalid());
        }
        let bytes = canon::hex::decode(&text.to_ascii_lowercase()).map_err(|_| invalid())?;
        Self::from_bytes(&bytes).map_err(|_| invalid())
    }

    /// The key of 32 bytes.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, ServiceError> {
        Aes256Gcm::new_from_slice(bytes)
            .map(|cipher| Self { cipher })
            .map_err(|_| ServiceError::new("SVC_KEY_INVALID", 500, "the key is not 32 bytes"))
    }

    /// Seals `plaintext` as record `record` of `table`, under a fresh random nonce.
    ///
    /// Enforces QVM-024.
    pub fn seal(
        &self,
        table: &str,
        record: &str,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, ServiceError> {
        let mut nonce = [0u8; NONCE_LEN];
        getrandom::fill(&mut nonce)
            .map_err(|e| ServiceError::storage(format!("no OS randomness for a nonce: {e}")))?;
        let aad = aad(table, record);
        let ciphertext = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: &aad,
                },
            )
            .map_err(|_| ServiceError::storage("encryption failed"))?;
        let mut sealed = nonce.to_vec();
        sealed.extend_from_slice(&ciphertext);
        Ok(sealed)
    }

    /// Opens a record sealed by [`AtRestKey::seal`] as record `record` of `table`.
    ///
    /// Enforces QVM-024: a record that does not open (another key, another row, tampering)
    /// is `SVC_KEY_WRONG`.
    pub fn open(&self, table: &str, record: &str, sealed: &[u8]) -> Result<Vec<u8>, ServiceError> {
        let wrong = || {
            ServiceError::new(
                "SVC_KEY_WRONG",
                500,
                format!("record {record} of {table} does not open under the at-rest key"),
            )
        };
        let (nonce, ciphertext) = sealed.split_at_checked(NONCE_LEN).ok_or_else(wrong)?;
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| wrong())?;
        let aad = aad(table, record);
        self.cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: &aad,
                },
            )
            .map_err(|_| wrong())
    }

    /// Checks the key against the database: the first start seals a check value, later starts
    /// open it.
    ///
    /// Enforces QVM-024: a key that does not open it is `SVC_KEY_WRONG`.
    pub fn check(&self, connection: &Connection) -> Result<(), ServiceError> {
        connection.execute_batch(
            "CREATE TABLE IF NOT EXISTS at_rest_check (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                sealed BLOB NOT NULL
            );",
        )?;
        let stored: Option<Vec<u8>> = connection
            .query_row("SELECT sealed FROM at_rest_check WHERE id = 1", [], |row| {
                row.get(0)
            })
            .optional()?;
        match stored {
            Some(sealed) => {
                let opened = self.open(CHECK_TABLE, "1", &sealed).map_err(|_| {
                    ServiceError::new(
                        "SVC_KEY_WRONG",
                        500,
                        "the at-rest key is not the key this database was created with",
                    )
                })?;
                if opened == CHECK_PLAINTEXT {
                    Ok(())
                } else {
                    Err(ServiceError::new(
                        "SVC_KEY_WRONG",
                        500,
                        "the at-rest check value is not the expected one",
                    ))
                }
            }
            None => {
                let sealed = self.seal(CHECK_TABLE, "1", CHECK_PLAINTEXT)?;
                connection.execute(
                    "INSERT INTO at_rest_check (id, sealed) VALUES (1, ?1)",
                    [sealed],
                )?;
                Ok(())
            }
        }
    }
}

/// The associated data of a record: the table name, a zero byte, the record id.
fn aad(table: &str, record: &str) -> Vec<u8> {
    let mut aad = table.as_bytes().to_vec();
    aad.push(0);
    aad.extend_from_slice(record.as_bytes());
    aad
}

fn key_missing(message: String) -> ServiceError {
    ServiceError::new("SVC_KEY_MISSING", 500, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

    #[test]
    fn sealed_records_are_bound_to_their_row() {
        let key = AtRestKey::from_hex(KEY).unwrap();
        let sealed = key.seal("triple_shares", "p/1", b"share").unwrap();
        assert_eq!(key.open("triple_shares", "p/1", &sealed).unwrap(), b"share");
        // Fresh nonce per record.
        assert_ne!(sealed, key.seal("triple_shares", "p/1", b"share").unwrap());
        for (table, record) in [("triple_shares", "p/2"), ("secret_shares", "p/1")] {
            let error = key.open(table, record, &sealed).unwrap_err();
            assert_eq!(error.code, "SVC_KEY_WRONG");
        }
        let mut tampered = sealed.clone();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(key.open("triple_shares", "p/1", &tampered).is_err());
        assert!(key.open("triple_shares", "p/1", &sealed[..5]).is_err());
        let other = AtRestKey::from_hex(&"ab".repeat(32)).unwrap();
        assert!(other.open("triple_shares", "p/1", &sealed).is_err());
        // Without a key file the environment is read.
        if std::env::var(KEY_ENV).is_err() {
            assert_eq!(AtRestKey::load(None).unwrap_err().code, "SVC_KEY_MISSING");
        }
    }

    #[test]
    fn the_key_is_64_hex_digits_and_an_optional_newline() {
        for good in [
            KEY.to_owned(),
            KEY.to_uppercase(),
            format!("{KEY}\n"),
            format!("{KEY}\r\n"),
        ] {
            assert!(AtRestKey::from_hex(&good).is_ok(), "{good:?}");
        }
        for bad in [
            "",
            "00",
            &"0".repeat(63),
            &"g".repeat(64),
            &format!("{KEY}00"),
            &format!("{KEY}\n\n"),
        ] {
            assert_eq!(
                AtRestKey::from_hex(bad).unwrap_err().code,
                "SVC_KEY_INVALID",
                "{bad:?}"
            );
        }
        assert_eq!(
            AtRestKey::from_bytes(&[0; 31]).unwrap_err().code,
            "SVC_KEY_INVALID"
        );
        assert_eq!(
            format!("{:?}", AtRestKey::from_hex(KEY).unwrap()),
            "AtRestKey(..)"
        );
    }

    #[test]
    fn the_check_value_pins_the_database_to_its_key() {
        let connection = Connection::open_in_memory().unwrap();
        let key = AtRestKey::from_hex(KEY).unwrap();
        key.check(&connection).unwrap();
        // The second start opens the sealed value.
        key.check(&connection).unwrap();
        let other = AtRestKey::from_hex(&"ab".repeat(32)).unwrap();
        assert_eq!(other.check(&connection).unwrap_err().code, "SVC_KEY_WRONG");
    }
}
