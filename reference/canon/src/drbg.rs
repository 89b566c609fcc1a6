//! The deterministic random bit generator of vectors (CANON-050, CANON-051).

use std::fmt;

use rand_chacha::ChaCha20Rng;
use rand_core::{RngCore, SeedableRng};

use crate::Error;
use crate::id::sha256;

/// The largest request [`Drbg::bytes`] serves (CANON-051): 2^20 bytes.
pub const MAX_REQUEST: usize = 1 << 20;

const BLOCK: usize = 64;

/// The ChaCha20 keystream for a label: key `SHA-256(UTF-8(label))`, all-zero 96-bit nonce,
/// 32-bit block counter from 0, consumed byte by byte in order.
///
/// `rand_chacha`'s `ChaCha20Rng::from_seed` has a 64-bit counter (state words 12-13) and a
/// 64-bit stream id (words 14-15), both zero here, so its keystream is exactly RFC 8439's with
/// a zero nonce for the first 2^32 blocks (256 GiB), beyond any vector. Its `fill_bytes`
/// discards the unused bytes of a partly used 32-bit word, so this type keeps its own
/// 64-byte block buffer and only ever asks for whole blocks.
pub struct Drbg {
    rng: ChaCha20Rng,
    block: [u8; BLOCK],
    /// Bytes of `block` already handed out.
    used: usize,
}

impl Drbg {
    /// The generator for `label`.
    ///
    /// Enforces CANON-050.
    pub fn new(label: &str) -> Self {
        Self::from_key(sha256(label.as_bytes()))
    }

    fn from_key(key: [u8; 32]) -> Self {
        Self {
            rng: ChaCha20Rng::from_seed(key),
            block: [0; BLOCK],
            used: BLOCK,
        }
    }

    /// Fills `out` with the next `out.len()` bytes of the stream (no size limit: this is the
    /// in-process interface; requests from vectors go through [`Drbg::bytes`]).
    pub fn fill(&mut self, out: &mut [u8]) {
        let mut filled = 0;
        while filled < out.len() {
            if self.used == BLOCK {
                self.rng.fill_bytes(&mut self.block);
                self.used = 0;
            }
            let n = (out.len() - filled).min(BLOCK - self.used);
            out[filled..filled + n].copy_from_slice(&self.block[self.used..self.used + n]);
            filled += n;
            self.used += n;
        }
    }

    /// The next `n` bytes of the stream.
    ///
    /// Enforces CANON-051: more than 2^20 bytes in one call is `CANON_DRBG_LIMIT` (and consumes
    /// nothing).
    pub fn bytes(&mut self, n: usize) -> Result<Vec<u8>, Error> {
        if n > MAX_REQUEST {
            return Err(Error::DrbgLimit {
                requested: n,
                limit: MAX_REQUEST,
            });
        }
        let mut out = vec![0; n];
        self.fill(&mut out);
        Ok(out)
    }

    /// The next 8 bytes of the stream as a little-endian `u64`.
    pub fn u64(&mut self) -> u64 {
        let mut bytes = [0; 8];
        self.fill(&mut bytes);
        u64::from_le_bytes(bytes)
    }
}

impl fmt::Debug for Drbg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Drbg")
            .field("block_counter", &self.rng.get_word_pos())
            .field("used", &self.used)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex;

    /// RFC 8439 Appendix A.1 test vectors #1, #2 (all-zero key, zero nonce, blocks 0 and 1),
    /// #3 (key ending in 01, block 1) and #4 (key 00ff00..., block 2).
    #[test]
    fn rfc8439_keystream() {
        let check = |key: [u8; 32], block: usize, expect: &str| {
            let mut drbg = Drbg::from_key(key);
            let mut stream = vec![0; BLOCK * (block + 1)];
            drbg.fill(&mut stream);
            assert_eq!(
                hex::encode(&stream[BLOCK * block..]),
                expect,
                "block {block}"
            );
        };
        check(
            [0; 32],
            0,
            "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7\
             da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586",
        );
        check(
            [0; 32],
            1,
            "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed\
             29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f",
        );
        let mut key = [0; 32];
        key[31] = 1;
        check(
            key,
            1,
            "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a\
             8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0",
        );
        let mut key = [0; 32];
        key[1] = 0xff;
        check(
            key,
            2,
            "72d54dfbf12ec44b362692df94137f328fea8da73990265ec1bbbea1ae9af0ca\
             13b25aa26cb4a648cb9b9d1be65b2c0924a66c54d545ec1b7374f4872e99f096",
        );
    }

    #[test]
    fn output_is_consumed_in_order_without_skipping() {
        let mut whole = Drbg::new("split");
        let expect = whole.bytes(300).unwrap();
        let mut pieces = Drbg::new("split");
        let mut got = Vec::new();
        for n in [1, 2, 3, 5, 7, 11, 13, 64, 65, 129] {
            got.extend(pieces.bytes(n).unwrap());
        }
        got.extend(pieces.bytes(300 - got.len()).unwrap());
        assert_eq!(got, expect);
        let mut words = Drbg::new("split");
        let first = words.u64();
        assert_eq!(first.to_le_bytes(), expect[..8]);
        assert_eq!(words.bytes(3).unwrap(), expect[8..11]);
    }
}
