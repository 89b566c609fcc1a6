//! Counting witness attestations of a proposal (spec/sigil.md §6, SIGIL-042).

use std::collections::{BTreeMap, BTreeSet};

use crate::Error;
use crate::keys::verify_labelled;
use crate::record::{ATTEST_LABEL, Witness};

/// The attestations of one proposal, by witness key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Attestations {
    hash: String,
    by_key: BTreeMap<String, String>,
}

/// What one attestation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attested {
    /// The key had attested before: counted once.
    pub duplicate: bool,
    /// Distinct attesting keys after this one.
    pub count: usize,
}

impl Attestations {
    /// No attestation yet of the proposal whose hash is `hash`.
    pub fn new(hash: impl Into<String>) -> Self {
        Self {
            hash: hash.into(),
            by_key: BTreeMap::new(),
        }
    }

    /// The proposal's hash.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// Adds one attestation `(pub_key, sig)`, checked against the registry `registered`.
    ///
    /// Enforces SIGIL-042: an unregistered key is `SIGIL_WITNESS_UNKNOWN`, a signature that
    /// does not verify on `"sigil/attest/v1\n" || hash` is `SIGIL_WITNESS_SIG`, and a key that
    /// attested before counts once.
    pub fn attest(
        &mut self,
        registered: &BTreeSet<String>,
        pub_key: &str,
        sig: &str,
    ) -> Result<Attested, Error> {
        if !registered.contains(pub_key) {
            return Err(Error::WitnessUnknown {
                pub_key: pub_key.to_owned(),
            });
        }
        if !verify_labelled(pub_key, ATTEST_LABEL, &self.hash, sig) {
            return Err(Error::WitnessSig {
                pub_key: pub_key.to_owned(),
            });
        }
        let duplicate = self.by_key.contains_key(pub_key);
        if !duplicate {
            self.by_key.insert(pub_key.to_owned(), sig.to_owned());
        }
        Ok(Attested {
            duplicate,
            count: self.by_key.len(),
        })
    }

    /// The attestations by keys still in `registered`, sorted by key: the record's witnesses.
    pub fn counted(&self, registered: &BTreeSet<String>) -> Vec<Witness> {
        self.by_key
            .iter()
            .filter(|(key, _)| registered.contains(*key))
            .map(|(pub_key, sig)| Witness {
                pub_key: pub_key.clone(),
                sig: sig.clone(),
            })
            .collect()
    }

    /// Whether at least `k` distinct keys still registered attested.
    ///
    /// Enforces SIGIL-042 (counted against the registry in force at commit).
    pub fn is_met(&self, registered: &BTreeSet<String>, k: usize) -> Result<(), Error> {
        let have = self.counted(registered).len();
        if have >= k {
            Ok(())
        } else {
            Err(Error::QuorumNotMet { have, k })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keys::Signer;
    use crate::record::attest;

    #[test]
    fn quorum_counts_distinct_registered_witnesses() {
        let hash = "cd".repeat(32);
        let signers: Vec<Signer> = (30..35)
            .map(|b| Signer::from_seed(&[b; 32]).unwrap_or_else(|e| panic!("{e}")))
            .collect();
        let registered: BTreeSet<String> = signers[..4]
            .iter()
            .map(|s| s.pub_key().to_owned())
            .collect();
        let sig = |i: usize| {
            attest(&hash, &signers[i])
                .unwrap_or_else(|e| panic!("{e}"))
                .sig
        };
        let key = |i: usize| signers[i].pub_key().to_owned();
        let mut a = Attestations::new(hash.clone());
        let k = 3;
        assert_eq!(
            a.attest(&registered, &key(0), &sig(0)),
            Ok(Attested {
                duplicate: false,
                count: 1
            })
        );
        assert_eq!(
            a.attest(&registered, &key(0), &sig(0)),
            Ok(Attested {
                duplicate: true,
                count: 1
            })
        );
        assert_eq!(
            a.attest(&registered, &key(4), &sig(4))
                .map_err(|e| e.code()),
            Err("SIGIL_WITNESS_UNKNOWN")
        );
        assert_eq!(
            a.attest(&registered, &key(1), &sig(2))
                .map_err(|e| e.code()),
            Err("SIGIL_WITNESS_SIG")
        );
        let mut flipped = sig(1).into_bytes();
        flipped[10] = if flipped[10] == b'0' { b'1' } else { b'0' };
        let flipped = String::from_utf8(flipped).unwrap_or_default();
        assert_eq!(
            a.attest(&registered, &key(1), &flipped)
                .map_err(|e| e.code()),
            Err("SIGIL_WITNESS_SIG")
        );
        assert!(a.attest(&registered, &key(1), &sig(1)).is_ok());
        assert_eq!(
            a.is_met(&registered, k).map_err(|e| e.code()),
            Err("SIGIL_QUORUM_NOT_MET")
        );
        assert!(a.attest(&registered, &key(2), &sig(2)).is_ok());
        assert_eq!(a.is_met(&registered, k), Ok(()));
        assert_eq!(a.counted(&registered).len(), 3);
        // A witness removed before the commit no longer counts.
        let mut smaller = registered.clone();
        smaller.remove(&key(2));
        assert!(a.is_met(&smaller, k).is_err());
    }
}
