//! Quorate layer 1: Shamir K-of-N sharing over F_p (spec/shamir.md)
