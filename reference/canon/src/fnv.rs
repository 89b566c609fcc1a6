//! FNV-1a 64 (CANON-030).

const OFFSET_BASIS: u64 = 0xcbf2_9ce4_8422_2325;
const PRIME: u64 = 0x0000_0100_0000_01b3;

/// FNV-1a 64 of `bytes`.
///
/// Enforces CANON-030: offset basis `0xcbf29ce484222325`, prime `0x100000001b3`,
/// XOR-then-multiply per byte, modulo 2^64.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(OFFSET_BASIS, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(PRIME)
    })
}

/// FNV-1a 64 of `bytes` written as CANON-030 writes it: 16 lowercase hex digits.
pub fn fnv1a64_hex(bytes: &[u8]) -> String {
    format!("{:016x}", fnv1a64(bytes))
}
