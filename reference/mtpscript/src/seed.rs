//! The request seed (MTP-065) and the engine-independent content hash (MTP-082).

use framing::Framed;

use crate::{Error, GasLimit};

/// The literal bound into every seed (plan 002 §2.1).
pub const SEED_VERSION: &str = "mtpscript-v5.1";
/// The longest request, account or function-version id, in bytes (MTP-065).
pub const MAX_CONTEXT_FIELD: usize = 1024;

/// Who asks: the three request identifiers of the seed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RequestContext {
    /// The request id (unique per account).
    pub request_id: String,
    /// The account id.
    pub account_id: String,
    /// The function version.
    pub function_version: String,
}

impl RequestContext {
    /// Enforces MTP-065's length limit: `MTP_CONTEXT_INVALID` for a field over 1,024 bytes.
    pub fn validate(&self) -> Result<(), Error> {
        for (field, value) in [
            ("request_id", &self.request_id),
            ("account_id", &self.account_id),
            ("function_version", &self.function_version),
        ] {
            if value.len() > MAX_CONTEXT_FIELD {
                return Err(Error::ContextInvalid {
                    field,
                    len: value.len(),
                });
            }
        }
        Ok(())
    }
}

/// The seed of a request. Enforces MTP-065: SHA-256 over the length-prefixed fields.
pub fn derive_seed(
    ctx: &RequestContext,
    snapshot_content_hash: &[u8; 32],
    gas: GasLimit,
) -> [u8; 32] {
    Framed::new()
        .field(ctx.request_id.as_bytes())
        .field(ctx.account_id.as_bytes())
        .field(ctx.function_version.as_bytes())
        .field(SEED_VERSION.as_bytes())
        .field(snapshot_content_hash)
        .field(gas.ascii().as_bytes())
        .finish()
}

/// The content hash of a program's source. Enforces MTP-082 (engine-independent).
pub fn content_hash(source: &str) -> [u8; 32] {
    Framed::new()
        .field(b"mtpscript-content/1")
        .field(&crate::gas::cost_table_hash())
        .field(source.as_bytes())
        .finish()
}

/// The length-prefixed framing `F(x) = u32be(len(x)) || x` of MTP-065.
mod framing {
    #[derive(Debug, Default)]
    pub(super) struct Framed(Vec<u8>);

    impl Framed {
        pub(super) fn new() -> Self {
            Self::default()
        }

        pub(super) fn field(mut self, bytes: &[u8]) -> Self {
            // Callers bound every field far below 4 GiB (MTP-001, MTP-065).
            let len = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
            self.0.extend_from_slice(&len.to_be_bytes());
            self.0.extend_from_slice(bytes);
            self
        }

        pub(super) fn finish(self) -> [u8; 32] {
            canon::id::sha256(&self.0)
        }
    }
}
