//! Quorate layer 2: the sans-IO QuorumVM core: packages, dealing, threshold evaluation, policy, audit (spec/quorumvm.md)
