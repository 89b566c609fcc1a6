//! The reference effect set (MTP-075): the request's random stream, derived from its seed.

/// `B(0) || B(1) || …` with `B(i) = SHA-256(seed || "mtpscript-random" || u64be(i))`.
#[derive(Debug, Clone)]
pub struct RandomStream {
    seed: [u8; 32],
    position: u64,
}

impl RandomStream {
    /// The stream of a request's seed, at its start.
    pub fn new(seed: [u8; 32]) -> Self {
        Self { seed, position: 0 }
    }

    /// The next `n` bytes. Enforces MTP-075 (successive calls consume the stream in order).
    pub fn take(&mut self, n: usize) -> Vec<u8> {
        let mut out = Vec::with_capacity(n);
        while out.len() < n {
            let block = self.block(self.position / 32);
            let from = (self.position % 32) as usize;
            let count = (32 - from).min(n - out.len());
            out.extend_from_slice(&block[from..from + count]);
            self.position += count as u64;
        }
        out
    }

    fn block(&self, i: u64) -> [u8; 32] {
        let mut msg = Vec::with_capacity(32 + 16 + 8);
        msg.extend_from_slice(&self.seed);
        msg.extend_from_slice(b"mtpscript-random");
        msg.extend_from_slice(&i.to_be_bytes());
        canon::id::sha256(&msg)
    }
}
