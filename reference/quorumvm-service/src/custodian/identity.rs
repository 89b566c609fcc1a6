//! The custodian's Ed25519 identity: a seed drawn from the OS at first start, kept sealed at
//! rest (QVM-024), used to sign approvals (QVM-020).

use std::fmt;

use rusqlite::{Connection, OptionalExtension};
use service_kit::ServiceError;
use service_kit::at_rest::AtRestKey;

use crate::wire;

/// The table of the identity (one row).
const TABLE: &str = "identity";

/// A custodian's x and key pair. `Debug` never prints the seed.
pub(crate) struct Identity {
    x: u8,
    seed: [u8; 32],
    public_key: [u8; 32],
}

impl fmt::Debug for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Identity")
            .field("x", &self.x)
            .field("public_key", &canon::hex::encode(&self.public_key))
            .finish_non_exhaustive()
    }
}

impl Identity {
    /// Loads the identity, or at first start draws a seed from the OS and stores it sealed.
    ///
    /// Enforces QVM-024. A database created for another x is `SVC_CONFIG_INVALID`.
    pub(crate) fn load_or_create(
        connection: &Connection,
        key: &AtRestKey,
        x: u8,
    ) -> Result<Self, ServiceError> {
        let stored: Option<(u8, Vec<u8>)> = connection
            .query_row("SELECT x, seed FROM identity WHERE id = 1", [], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
            .optional()?;
        let seed = match stored {
            Some((stored_x, sealed)) => {
                if stored_x != x {
                    return Err(ServiceError::new(
                        "SVC_CONFIG_INVALID",
                        500,
                        format!("this database belongs to custodian x = {stored_x}, not x = {x}"),
                    ));
                }
                let opened = key.open(TABLE, "1", &sealed)?;
                <[u8; 32]>::try_from(opened.as_slice())
                    .map_err(|_| ServiceError::storage("the stored seed is not 32 bytes"))?
            }
            None => {
                let mut seed = [0u8; 32];
                getrandom::fill(&mut seed).map_err(|e| {
                    ServiceError::storage(format!("no OS randomness for the identity key: {e}"))
                })?;
                let sealed = key.seal(TABLE, "1", &seed)?;
                let public_key = canon::ed25519::public_key(&seed).map_err(key_error)?;
                connection.execute(
                    "INSERT INTO identity (id, x, public_key, seed) VALUES (1, ?1, ?2, ?3)",
                    rusqlite::params![x, canon::hex::encode(&public_key), sealed],
                )?;
                seed
            }
        };
        let public_key = canon::ed25519::public_key(&seed).map_err(key_error)?;
        Ok(Self {
            x,
            seed,
            public_key,
        })
    }

    /// The custodian's evaluation point.
    pub(crate) fn x(&self) -> u8 {
        self.x
    }

    /// The public key.
    pub(crate) fn public_key(&self) -> &[u8; 32] {
        &self.public_key
    }

    /// The public key in lowercase hex.
    pub(crate) fn public_key_hex(&self) -> String {
        canon::hex::encode(&self.public_key)
    }

    /// The approval of `program_id`: Ed25519 over [`wire::approval_message`].
    ///
    /// Enforces QVM-020.
    pub(crate) fn approve(&self, program_id: &str) -> Result<[u8; 64], ServiceError> {
        canon::ed25519::sign(&self.seed, &wire::approval_message(program_id)).map_err(key_error)
    }
}

fn key_error(error: canon::Error) -> ServiceError {
    ServiceError::storage(format!("identity key: {error}"))
}
