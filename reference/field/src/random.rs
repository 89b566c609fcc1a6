//! The uniform draw of an element from the vector DRBG (FIELD-020).

use canon::drbg::Drbg;

use crate::{Fp, MODULUS};

impl Fp {
    /// Draws a uniform element from `drbg`: the next 16 bytes as a little-endian `u128`, bit
    /// 127 cleared; the value p itself is discarded and the next 16 bytes drawn instead.
    ///
    /// Clearing bit 127 leaves 2^127 equally likely values `0..=p`; discarding `p` (probability
    /// 2^-127) leaves exactly the uniform distribution on `0..p`.
    ///
    /// Enforces FIELD-020.
    pub fn random(drbg: &mut Drbg) -> Fp {
        draw(|| {
            let mut bytes = [0; 16];
            drbg.fill(&mut bytes);
            bytes
        })
    }
}

/// FIELD-020 over any source of 16-byte blocks (so the rejection path can be tested).
fn draw(mut next: impl FnMut() -> [u8; 16]) -> Fp {
    loop {
        // MODULUS = 2^127 - 1 is the mask that clears bit 127.
        let candidate = u128::from_le_bytes(next()) & MODULUS;
        if candidate != MODULUS {
            return Fp::new(candidate);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first four draws for the label `field/random`, computed independently with Python
    /// integers and the `cryptography` package's ChaCha20 (key SHA-256("field/random"), 16-byte
    /// nonce of zeros = counter 0 and the 96-bit zero nonce). The first 16 output bytes are
    /// `3ea7b71cefa93bc2c958b229bb2c2b93`: read little-endian, bit 127 is set and is cleared.
    #[test]
    fn known_draws_for_a_fixed_label() {
        let mut drbg = Drbg::new("field/random");
        let got: Vec<String> = (0..4).map(|_| Fp::random(&mut drbg).to_string()).collect();
        assert_eq!(
            got,
            [
                "25479507939423843502737499425898735422",
                "113795297987267175843310225002066751178",
                "25692326981050852099229270050089667452",
                "20332172321733690612935647749003427416",
            ]
        );
    }

    /// Draws from a fixed list of blocks, counting how many were taken.
    fn draw_from(blocks: &[[u8; 16]]) -> (Fp, usize) {
        let mut taken = 0;
        let value = draw(|| {
            let block = blocks.get(taken).copied().unwrap_or([0; 16]);
            taken += 1;
            block
        });
        (value, taken)
    }

    #[test]
    fn the_value_p_is_discarded_and_bit_127_cleared() {
        let mut all_but_bit_0 = [0xff; 16];
        all_but_bit_0[0] = 0xfe;
        // 2^128 - 1 clears to p: discarded; 2^128 - 2 clears to p - 1.
        assert_eq!(
            draw_from(&[[0xff; 16], all_but_bit_0]),
            (Fp::new(MODULUS - 1), 2)
        );
        // p itself (bit 127 already clear): discarded; then 7.
        assert_eq!(
            draw_from(&[MODULUS.to_le_bytes(), 7u128.to_le_bytes()]),
            (Fp::new(7), 2)
        );
        // 2^127 + 5 clears to 5 at the first draw.
        assert_eq!(
            draw_from(&[((1u128 << 127) + 5).to_le_bytes()]),
            (Fp::new(5), 1)
        );
    }

    #[test]
    fn draws_consume_sixteen_bytes_each() {
        let mut a = Drbg::new("consumption");
        let _ = Fp::random(&mut a);
        let mut b = Drbg::new("consumption");
        let _ = b.bytes(16);
        assert_eq!(a.u64(), b.u64());
    }
}
