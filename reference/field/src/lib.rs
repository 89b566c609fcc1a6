//! Quorate layer 0: the prime field F_p, p = 2^127 - 1 (spec/field.md)
