"""The prime field F_p, p = 2^127 - 1 (spec/field.md), with plain Python integers.

An element is an int in [0, p). Python integers are unbounded, so every operation is the
textbook one followed by `% p`; nothing here relies on the Mersenne shape of p except FIELD-020,
which draws 127-bit candidates.
"""

import hashlib
import re

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

from canon_common import CanonError

P = 2**127 - 1
SAFE = 2**53  # FIELD-003: JSON integers of magnitude below 2^53
_DECIMAL = re.compile(r"-?[0-9]{1,200}")


def element_invalid(detail=""):
    return CanonError("FIELD_ELEMENT_INVALID", detail)


def parse(value):
    """FIELD-003: a JSON integer with |n| < 2^53, or a string `-?[0-9]+` of 1..=200 digits
    (leading zeros allowed), reduced mod p; a negative -m becomes (p - (m mod p)) mod p, which is
    Python's (-m) % p. Anything else (bool, null, float, array, object, other strings) is
    FIELD_ELEMENT_INVALID."""
    if type(value) is int:  # bool is not int here
        if -SAFE < value < SAFE:
            return value % P
        raise element_invalid("integer of magnitude 2^53 or more")
    if isinstance(value, str) and _DECIMAL.fullmatch(value):
        return int(value, 10) % P
    raise element_invalid("not an integer or a decimal string")


def to_json(x):
    """FIELD-002: decimal, no sign, no leading zeros."""
    return str(x)


def add(a, b):
    return (a + b) % P


def sub(a, b):
    return (a - b) % P


def mul(a, b):
    return a * b % P


def neg(a):
    return -a % P


def inv(a):
    if a % P == 0:
        raise CanonError("FIELD_DIVISION_BY_ZERO")
    return pow(a, P - 2, P)  # Fermat: a^(p-2) = a^-1 for a != 0


class Drbg:
    """The CANON-050 DRBG as a stream: ChaCha20 keystream (key SHA-256(label), zero nonce,
    counter from 0), consumed in order and never skipped. (canon_crypto.drbg gives a prefix of
    the same stream; selftest checks that the two agree.)"""

    def __init__(self, label):
        key = hashlib.sha256(label.encode("utf-8")).digest()
        nonce = bytes(16)  # 32-bit initial counter 0 (LE), then the 96-bit zero nonce
        self._enc = Cipher(algorithms.ChaCha20(key, nonce), mode=None).encryptor()

    def take(self, n):
        return self._enc.update(bytes(n))


def random(drbg):
    """FIELD-020: the next 16 bytes as a little-endian u128, bit 127 cleared; the value p itself
    is discarded and drawn again (probability 2^-127: never seen in practice)."""
    while True:
        v = int.from_bytes(drbg.take(16), "little") & (2**127 - 1)
        if v != P:
            return v
