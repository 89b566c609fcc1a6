//! The service's signing keys: a signer over a seed, and the key history that verification
//! accepts (spec/sigil.md §7).

use std::fmt;

use crate::Error;

/// One key of the history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyInfo {
    /// The Ed25519 public key, 64 hex digits.
    pub pub_key: String,
    /// When it was created (milliseconds).
    pub created_ts: u64,
}

/// The service's public keys in order of creation; the last is current (SIGIL-051).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KeyHistory {
    keys: Vec<KeyInfo>,
}

impl KeyHistory {
    /// An empty history.
    pub fn new() -> Self {
        Self::default()
    }

    /// A history of the given keys, oldest first.
    pub fn from_keys(keys: Vec<KeyInfo>) -> Self {
        Self { keys }
    }

    /// Appends a new current key.
    pub fn push(&mut self, key: KeyInfo) {
        self.keys.push(key);
    }

    /// Whether `pub_key` (hex) is a key of the history.
    ///
    /// Enforces SIGIL-051: verification accepts every key of the history.
    pub fn contains(&self, pub_key: &str) -> bool {
        self.keys.iter().any(|k| k.pub_key == pub_key)
    }

    /// The current key.
    pub fn current(&self) -> Option<&KeyInfo> {
        self.keys.last()
    }

    /// Every key, oldest first.
    pub fn keys(&self) -> &[KeyInfo] {
        &self.keys
    }
}

/// An Ed25519 signer: a 32-byte seed, its expanded key (derived once, not per signature) and
/// its public key. `Debug` never prints the seed.
#[derive(Clone)]
pub struct Signer {
    seed: [u8; 32],
    key: ed25519_dalek::SigningKey,
    pub_key: String,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signer({})", self.pub_key)
    }
}

impl Signer {
    /// The signer of a 32-byte seed (CANON-040).
    pub fn from_seed(seed: &[u8]) -> Result<Self, Error> {
        let seed: [u8; 32] = seed.try_into().map_err(|_| Error::SigningFailed {
            reason: "a seed is 32 bytes".into(),
        })?;
        let pub_key = canon::hex::encode(&canon::ed25519::public_key(&seed)?);
        let key = ed25519_dalek::SigningKey::from_bytes(&seed);
        Ok(Self { seed, key, pub_key })
    }

    /// The public key, 64 hex digits.
    pub fn pub_key(&self) -> &str {
        &self.pub_key
    }

    /// The seed (to seal it at rest).
    pub fn seed(&self) -> &[u8; 32] {
        &self.seed
    }

    /// The hex signature of `label "\n" digest_hex` (the message shape of SIGIL-013, SIGIL-021).
    pub fn sign_labelled(&self, label: &str, digest_hex: &str) -> Result<String, Error> {
        // The RFC 8032 signature `canon::ed25519::sign` computes, with the key expanded once
        // (checked against canon in the tests). `try_sign`: `sign` has a panic path.
        use ed25519_dalek::Signer as _;
        let signature = self
            .key
            .try_sign(&labelled(label, digest_hex))
            .map_err(|e| Error::SigningFailed {
                reason: e.to_string(),
            })?;
        Ok(canon::hex::encode(&signature.to_bytes()))
    }
}

/// The message `label`, a line feed, `digest_hex` (SIGIL-013, SIGIL-021).
pub fn labelled(label: &str, digest_hex: &str) -> Vec<u8> {
    let mut message = Vec::with_capacity(label.len() + 1 + digest_hex.len());
    message.extend_from_slice(label.as_bytes());
    message.push(b'\n');
    message.extend_from_slice(digest_hex.as_bytes());
    message
}

/// Whether the hex signature `sig` of `label "\n" digest_hex` verifies under the hex key.
pub fn verify_labelled(pub_key: &str, label: &str, digest_hex: &str, sig: &str) -> bool {
    let (Ok(key), Ok(sig)) = (canon::hex::decode(pub_key), canon::hex::decode(sig)) else {
        return false;
    };
    canon::ed25519::verify(&key, &labelled(label, digest_hex), &sig).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signer_signs_the_labelled_message() {
        let signer = Signer::from_seed(&[7; 32]).unwrap_or_else(|e| panic!("{e}"));
        let digest = "ab".repeat(32);
        let sig = signer
            .sign_labelled("sigil/record/v1", &digest)
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(verify_labelled(
            signer.pub_key(),
            "sigil/record/v1",
            &digest,
            &sig
        ));
        assert!(!verify_labelled(
            signer.pub_key(),
            "sigil/attest/v1",
            &digest,
            &sig
        ));
        assert!(!format!("{signer:?}").contains("0707"));
        // The cached key signs exactly as canon's seed-based RFC 8032 signing does.
        let canon_sig = canon::ed25519::sign(&[7; 32], &labelled("sigil/record/v1", &digest))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(sig, canon::hex::encode(&canon_sig));
        assert!(Signer::from_seed(&[1; 31]).is_err());
    }

    #[test]
    fn rotation_keeps_history_verifiable() {
        use crate::chain::{freeze, verify};
        use crate::decide::{DecisionContext, decide};
        use crate::features::CheckRequest;
        use crate::model::TrustModel;
        use crate::record::{Body, Space, sign, verify_record};

        let signers: Vec<Signer> = (1..=3u8)
            .map(|b| Signer::from_seed(&[b; 32]).unwrap_or_else(|e| panic!("{e}")))
            .collect();
        let request = CheckRequest::parse(
            br#"{"tenant":"t","actor":"a","action":"read","target":"x","loa":"User","input":""}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let model = TrustModel::default_model();
        let mut history = KeyHistory::new();
        let mut chains = Vec::new();
        let mut records = Vec::new();
        for (i, signer) in signers.iter().enumerate() {
            history.push(KeyInfo {
                pub_key: signer.pub_key().to_owned(),
                created_ts: i as u64,
            });
            assert_eq!(
                history.current().map(|k| k.pub_key.as_str()),
                Some(signer.pub_key())
            );
            let context = DecisionContext {
                decision_id: format!("dec_{i:032x}"),
                ts: i as u64,
                window_count: 0,
            };
            let chain = decide(&model, &request, context, TrustModel::score);
            chains.push(freeze(chain, signer).unwrap_or_else(|e| panic!("{e}")));
            let body = Body {
                kind: "note".into(),
                id: format!("rec_{i}"),
                tenant: "t".into(),
                ts: i as u64,
                space: Space::User,
                payload: canon::json::Value::Null,
                links: vec![],
                prev: None,
            };
            records.push(sign(body, signer, vec![]).unwrap_or_else(|e| panic!("{e}")));
            // Everything signed so far, by every key of the history, still verifies.
            for (frozen, record) in chains.iter().zip(&records) {
                assert!(verify(frozen.bytes().as_bytes(), &history).is_ok());
                assert_eq!(verify_record(record, &history, None), Ok(()));
            }
        }
        // A history without the first key no longer accepts what it signed.
        let later = KeyHistory::from_keys(history.keys()[1..].to_vec());
        assert_eq!(
            verify(chains[0].bytes().as_bytes(), &later).map_err(|e| e.code()),
            Err("SIGIL_KEY_UNKNOWN")
        );
        assert!(verify(chains[2].bytes().as_bytes(), &later).is_ok());
    }
}
