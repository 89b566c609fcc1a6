//! The inline gas counter: a charge of `k` units is `(__g += k) > __L && __oog(k)` on the
//! program function's own counter, and a value computed before its charge is held in `__t`
//! while the charge is made.
//!
//! Enforces MTP-050 (a charge of exactly `k` units at its event) and MTP-051 (a charge that
//! cannot be applied is undone and stops the run).

use std::fmt::Write as _;

use super::Emitter;

/// The inline charge of `k` units (MTP-050, MTP-051).
pub(super) fn charge(k: usize) -> String {
    if k == 1 {
        "++__g > __L && __oog(1)".to_owned()
    } else {
        format!("(__g += {k}) > __L && __oog({k})")
    }
}

impl Emitter {
    /// `e` then a charge of `k`, valued `e`.
    pub(super) fn after(&mut self, k: usize, e: impl FnOnce(&mut Self)) {
        self.out.push_str("(__t = ");
        e(self);
        let _ = write!(self.out, ", {}, __t)", charge(k));
    }
}
