//! Shamir share + reconstruct and field multiplication, ours against peers, measured side by
//! side in one run (`cargo bench -p shamir`).
//!
//! Method: every contender runs a batch of operations per round; rounds interleave the
//! contenders (the order rotates each round, so none always runs first or last); the reported
//! figure is the median over rounds of each contender's time per operation. Batches are sized
//! once, before the rounds, to take about 20 ms for each contender.
//!
//! One share + reconstruct operation deals N shares of a fixed secret (drawing K - 1 random
//! coefficients from a ChaCha20 generator created once, outside the timing) and reconstructs
//! the secret from the first K shares (exactly K, so our consistency check has nothing extra
//! to verify, like vsss-rs's `combine`).

// A benchmark binary: a setup that fails panics, as a test assertion does.
#![allow(clippy::expect_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use canon::drbg::Drbg;
use ff::{Field, PrimeField};
use field::{Fp, MODULUS};
use rand_chacha::ChaCha20Rng;
use rand_core::SeedableRng;
use shamir::{Threshold, reconstruct, share};
use vsss_rs::{DefaultShare, IdentifierPrimeField, ReadableShareSet, shamir as vsss};

/// F_p for p = 2^127 - 1 as ff's derive macro builds it: generic Montgomery arithmetic over
/// two 64-bit limbs. 43 is the smallest primitive root of p.
mod f127 {
    #![allow(missing_docs, unreachable_pub, clippy::all)]

    #[derive(ff::PrimeField)]
    #[PrimeFieldModulus = "170141183460469231731687303715884105727"]
    #[PrimeFieldGenerator = "43"]
    #[PrimeFieldReprEndianness = "little"]
    pub struct F127([u64; 2]);
}
use f127::F127;

type P256Share =
    DefaultShare<IdentifierPrimeField<p256::Scalar>, IdentifierPrimeField<p256::Scalar>>;
type F127Share = DefaultShare<IdentifierPrimeField<F127>, IdentifierPrimeField<F127>>;

const ROUNDS: usize = 15;
const BATCH_TARGET: Duration = Duration::from_millis(20);

/// A contender: a closure that runs `n` operations, and its samples.
struct Contender<'a> {
    run: Box<dyn FnMut(u64) + 'a>,
    batch: u64,
    samples: Vec<f64>,
}

impl<'a> Contender<'a> {
    fn new(run: impl FnMut(u64) + 'a) -> Self {
        Self {
            run: Box::new(run),
            batch: 1,
            samples: Vec::with_capacity(ROUNDS),
        }
    }

    /// Doubles the batch until one batch takes at least [`BATCH_TARGET`] (also warms up).
    fn calibrate(&mut self) {
        loop {
            let start = Instant::now();
            (self.run)(self.batch);
            if start.elapsed() >= BATCH_TARGET || self.batch >= 1 << 40 {
                return;
            }
            self.batch *= 2;
        }
    }

    fn sample(&mut self) {
        let start = Instant::now();
        (self.run)(self.batch);
        let ns = start.elapsed().as_secs_f64() * 1e9;
        self.samples.push(ns / self.batch as f64);
    }

    /// Median nanoseconds per operation.
    fn median_ns(&self) -> f64 {
        let mut s = self.samples.clone();
        s.sort_by(f64::total_cmp);
        match s.len() {
            0 => f64::NAN,
            n if n % 2 == 1 => s[n / 2],
            n => (s[n / 2 - 1] + s[n / 2]) / 2.0,
        }
    }
}

/// Runs all contenders interleaved and returns their median ns/op, in the order given.
fn measure(contenders: &mut [Contender<'_>]) -> Vec<f64> {
    for c in contenders.iter_mut() {
        c.calibrate();
    }
    let n = contenders.len();
    for round in 0..ROUNDS {
        for i in 0..n {
            contenders[(round + i) % n].sample();
        }
    }
    contenders.iter().map(Contender::median_ns).collect()
}

fn secret_fp() -> Fp {
    Fp::new(123_456_789_012_345_678_901_234_567_890)
}

fn sharing(n: usize, k: usize) -> Vec<f64> {
    let t = Threshold::new(k, n).expect("valid threshold");
    let ours = {
        let mut drbg = Drbg::new("bench/shamir/ours");
        move |ops: u64| {
            for _ in 0..ops {
                let shares = share(black_box(secret_fp()), t, &mut drbg);
                let secret = reconstruct(k, &shares[..k]).expect("reconstructs");
                black_box(secret);
            }
        }
    };
    let p256_secret = IdentifierPrimeField(p256::Scalar::from(123_456_789_u64));
    let vsss_p256 = {
        let mut rng = ChaCha20Rng::from_seed([7; 32]);
        move |ops: u64| {
            for _ in 0..ops {
                let shares =
                    vsss::split_secret::<P256Share>(k, n, black_box(&p256_secret), &mut rng)
                        .expect("splits");
                let secret = (&shares[..k]).combine().expect("combines");
                black_box(secret);
            }
        }
    };
    let f127_secret =
        IdentifierPrimeField(F127::from_u128(123_456_789_012_345_678_901_234_567_890));
    let vsss_f127 = {
        let mut rng = ChaCha20Rng::from_seed([9; 32]);
        move |ops: u64| {
            for _ in 0..ops {
                let shares =
                    vsss::split_secret::<F127Share>(k, n, black_box(&f127_secret), &mut rng)
                        .expect("splits");
                let secret = (&shares[..k]).combine().expect("combines");
                black_box(secret);
            }
        }
    };
    measure(&mut [
        Contender::new(ours),
        Contender::new(vsss_p256),
        Contender::new(vsss_f127),
    ])
}

/// `a · b mod p` with nothing but `u128` and `%`: double-and-add, 127 steps (the textbook way
/// when the product does not fit in the machine word).
fn naive_mulmod_127(a: u128, mut b: u128) -> u128 {
    let mut acc = 0;
    let mut a = a % MODULUS;
    while b != 0 {
        if b & 1 == 1 {
            acc = (acc + a) % MODULUS;
        }
        a = (a + a) % MODULUS;
        b >>= 1;
    }
    acc
}

const P61: u128 = (1 << 61) - 1;

/// Field multiplication: a dependent chain `acc = acc · y`, so each figure is the latency of
/// one multiplication (ns/op).
fn multiplication() -> Vec<f64> {
    let y = Fp::new(0x1234_5678_9abc_def0_0fed_cba9_8765_4321);
    let ours = move |ops: u64| {
        let y = black_box(y);
        let mut acc = Fp::new(3);
        for _ in 0..ops {
            acc *= y;
        }
        black_box(acc);
    };
    let yf = F127::from_u128(0x1234_5678_9abc_def0_0fed_cba9_8765_4321);
    let montgomery = move |ops: u64| {
        let y = black_box(yf);
        let mut acc = F127::from(3u64);
        for _ in 0..ops {
            acc *= y;
        }
        black_box(acc);
    };
    let ys = p256::Scalar::from(0x1234_5678_9abc_def0_u64).square();
    let p256_mul = move |ops: u64| {
        let y = black_box(ys);
        let mut acc = p256::Scalar::from(3u64);
        for _ in 0..ops {
            acc *= y;
        }
        black_box(acc);
    };
    let naive = move |ops: u64| {
        let y = black_box(y.value());
        let mut acc = 3;
        for _ in 0..ops {
            acc = naive_mulmod_127(acc, y);
        }
        black_box(acc);
    };
    let percent61 = move |ops: u64| {
        let y = black_box(0x0123_4567_89ab_cdef_u128 % P61);
        let mut acc = 3u128;
        for _ in 0..ops {
            acc = acc * y % P61;
        }
        black_box(acc);
    };
    measure(&mut [
        Contender::new(ours),
        Contender::new(montgomery),
        Contender::new(p256_mul),
        Contender::new(naive),
        Contender::new(percent61),
    ])
}

fn main() {
    // Self-check before timing: all three sides reconstruct what they shared.
    {
        let t = Threshold::new(3, 5).expect("valid");
        let shares = share(secret_fp(), t, &mut Drbg::new("check"));
        assert_eq!(reconstruct(3, &shares[2..]), Ok(secret_fp()));
        let mut rng = ChaCha20Rng::from_seed([1; 32]);
        let s = IdentifierPrimeField(F127::from_u128(secret_fp().value()));
        let v = vsss::split_secret::<F127Share>(3, 5, &s, &mut rng).expect("splits");
        assert_eq!((&v[2..]).combine().expect("combines"), s);
        let naive = naive_mulmod_127(MODULUS - 1, MODULUS - 1);
        assert_eq!(naive, (Fp::new(MODULUS - 1) * Fp::new(MODULUS - 1)).value());
        let y = F127::from_u128(MODULUS - 1);
        assert_eq!(y * y, F127::ONE);
    }

    println!("Shamir share + reconstruct: deal N shares, reconstruct from the first K");
    println!(
        "(median of {ROUNDS} interleaved rounds, batches of ~20 ms; one op = one deal + one reconstruction)"
    );
    println!(
        "  ours          F_p, p = 2^127 - 1: Mersenne reduction in u128, DRBG = ChaCha20 (canon::drbg)"
    );
    println!(
        "  vsss-rs/p256  vsss-rs 5 over the P-256 scalar field (256-bit prime), p256 0.13 arithmetic, rand_chacha ChaCha20"
    );
    println!(
        "  vsss-rs/F127  vsss-rs 5 over F_p, p = 2^127 - 1 (the same field as ours), ff 0.13 derive (Montgomery, 2 limbs), rand_chacha ChaCha20"
    );
    println!("  speedup = ours ops/s / peer ops/s, from the medians of the same run");
    println!();
    println!(
        "{:>9}  {:>14}  {:>16}  {:>10}  {:>16}  {:>10}",
        "(N, K)", "ours ops/s", "vsss/p256 ops/s", "speedup", "vsss/F127 ops/s", "speedup"
    );
    for (n, k) in [(5, 3), (16, 11)] {
        let ns = sharing(n, k);
        let ops = |i: usize| 1e9 / ns[i];
        println!(
            "{:>9}  {:>14.0}  {:>16.0}  {:>9.2}x  {:>16.0}  {:>9.2}x",
            format!("({n}, {k})"),
            ops(0),
            ops(1),
            ns[1] / ns[0],
            ops(2),
            ns[2] / ns[0],
        );
    }
    println!();
    println!(
        "Field multiplication, latency of a dependent chain acc = acc * y (median of {ROUNDS} interleaved rounds)"
    );
    let names = [
        "ours: F_p, p = 2^127 - 1, 64-bit limbs + Mersenne fold",
        "ff 0.13 derive: same p, Montgomery, 2 limbs",
        "p256 0.13 Scalar: 256-bit prime, 4 limbs, Barrett reduction",
        "naive: same p, u128 double-and-add with %",
        "u128 %: p = 2^61 - 1, (a * b) % p in u128",
    ];
    let ns = multiplication();
    for (name, v) in names.iter().zip(&ns) {
        println!("  {:>9.2} ns/op  {:>7.2}x our time   {name}", v, v / ns[0]);
    }
}
