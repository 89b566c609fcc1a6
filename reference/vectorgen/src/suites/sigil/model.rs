//! `sigil/features`, `sigil/helpers` and `sigil/score`: the 21 features, `slog2` / `sexp` and
//! the logistic model's scores, exact to the bit (number texts, spec/protocol.md §6;
//! SIGIL-001..004, SIGIL-006..009).
//!
//! One module per suite; the DRBG-drawn requests that `features` and `scores` both sweep are
//! drawn here.

mod features;
mod helpers;
mod scores;

pub(crate) use features::features;
pub(crate) use helpers::helpers;
pub(crate) use scores::scores;

use serde_json::Value;

// `scores` reaches the JSON conversion as `super::serde_of`.
use super::{request, serde_of};

/// `count` requests drawn from the DRBG of `label`: an action and a target class from the
/// tables (or outside them), a level, an input of 0 to 200 bytes over a small alphabet (so that
/// byte counts repeat), and a window count in 0..=120. The draws are stored literally in the
/// vectors; the label records where they came from.
fn drbg_requests(label: &str, count: usize) -> Vec<(Value, u64)> {
    const ACTIONS: [&str; 10] = [
        "read", "list", "write", "update", "delete", "execute", "export", "admin", "sync", "Read",
    ];
    const TARGETS: [&str; 7] = ["public", "user", "tenant", "system", "secret", "blob", ""];
    const LEVELS: [&str; 4] = ["Guest", "User", "Operator", "Admin"];
    const ALPHABET: &[u8] = b"abcdefghij0123 ={}\"\xe9";
    let mut drbg = canon::drbg::Drbg::new(label);
    let mut pick = |n: usize| (drbg.u64() % n as u64) as usize;
    (0..count)
        .map(|_| {
            let action = ACTIONS[pick(ACTIONS.len())];
            let target = format!("{}:{}", TARGETS[pick(TARGETS.len())], pick(1000));
            let loa = LEVELS[pick(LEVELS.len())];
            let len = pick(201);
            let input: String = (0..len)
                .map(|_| char::from(ALPHABET[pick(ALPHABET.len())]))
                .collect();
            let window = pick(121) as u64;
            (request(action, &target, loa, &input), window)
        })
        .collect()
}
