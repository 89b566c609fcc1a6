"""Hashes, identifiers, MACs, signatures and the DRBG (spec/canon.md §3..§5).

Library use: hashlib/hmac (stdlib) and `cryptography` (OpenSSL) for Ed25519, P-256 public keys
and verification, and the ChaCha20 keystream. Two things are written out here instead:
  * Ed25519 strictness (CANON-041): OpenSSL checks the equation but not every rule the spec has
    (small-order points), so the encoding checks are made here before calling it;
  * ECDSA signing: cryptography signs with a random nonce, and the spec requires the RFC 6979
    nonce, so the nonce and the signature are computed here with plain integer arithmetic.
Nothing here is constant-time; this adapter is a test tool, not a signer for real keys.
"""

import hashlib
import hmac
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms

from canon_common import CanonError


def _sig_invalid(detail=""):
    return CanonError("CANON_SIG_INVALID", detail)


# --- §3: hashes, identifiers, MACs ------------------------------------------------------------

def fnv1a64(data):  # CANON-030
    h = 0xCBF29CE484222325
    for byte in data:
        h = ((h ^ byte) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def sha256_hex(data):  # CANON-031 (a content id is this over the canonical bytes)
    return hashlib.sha256(data).hexdigest()


_CONTENT_ID = re.compile(r"[0-9a-f]{64}")


def parse_content_id(s):  # CANON-032: exactly 64 lowercase hex digits, uppercase not folded
    if not _CONTENT_ID.fullmatch(s):
        raise CanonError("CANON_ID_INVALID")
    return s


def hmac_sha256(key, message):  # CANON-033; hmac hashes keys longer than 64 bytes itself
    return hmac.new(key, message, hashlib.sha256).digest()


def hmac_sha256_verify(key, message, tag):  # CANON-034
    if not 16 <= len(tag) <= 32:
        raise CanonError("CANON_MAC_INVALID", f"tag length {len(tag)}")
    if not hmac.compare_digest(hmac_sha256(key, message)[: len(tag)], tag):
        raise CanonError("CANON_MAC_INVALID")
    return True


# --- §4: Ed25519 (CANON-040..042) ----------------------------------------------------------------

ED_P = 2**255 - 19
ED_L = 2**252 + 27742317777372353535851937790883648493
# y coordinates of the 8 points of small order (orders 1, 2, 4, 4, 8, 8, 8, 8). A point and its
# negation share y, so checking y (with the sign bit masked off) catches every encoding of them.
ED_SMALL_ORDER_Y = {
    1,  # identity
    ED_P - 1,  # order 2
    0,  # order 4
    0x05FC536D880238B13933C6D305ACDFD5F098EFF289F4C345B027B2C28F95E826,  # order 8
    0x7A03AC9277FDC74EC6CC392CFA53202A0F67100D760B3CBA4FD84D3D706A17C7,  # order 8 (p - above)
}


def _ed_seed(seed):
    if len(seed) != 32:
        raise CanonError("CANON_KEY_INVALID", f"seed length {len(seed)}")
    return ed25519.Ed25519PrivateKey.from_private_bytes(seed)


def ed25519_public_key(seed):
    return _ed_seed(seed).public_key().public_bytes(serialization.Encoding.Raw,
                                                    serialization.PublicFormat.Raw)


def ed25519_sign(seed, message):
    return _ed_seed(seed).sign(message)


def ed25519_verify(public_key, message, signature):
    if len(public_key) != 32 or len(signature) != 64:
        raise _sig_invalid("length")
    if int.from_bytes(signature[32:], "little") >= ED_L:
        raise _sig_invalid("S >= L")
    for point in (public_key, signature[:32]):  # A and R
        y = int.from_bytes(point, "little") & (2**255 - 1)
        if y >= ED_P:
            raise _sig_invalid("non-canonical point encoding")
        if y in ED_SMALL_ORDER_Y:
            raise _sig_invalid("small-order point")
    try:  # OpenSSL: decodes A (rejecting y without a curve point), checks [S]B = R + [k]A
        ed25519.Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError) as e:
        raise _sig_invalid(type(e).__name__)
    return True


# --- §4: ECDSA P-256 with SHA-256 (CANON-043..047) -------------------------------------------------

P256_P = 2**256 - 2**224 + 2**192 + 2**96 - 1
P256_A = P256_P - 3
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
P256_G = (0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296,
          0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5)


def _point_add(p1, p2):
    """Affine point addition on P-256; None is the point at infinity."""
    if p1 is None:
        return p2
    if p2 is None:
        return p1
    (x1, y1), (x2, y2) = p1, p2
    if x1 == x2:
        if (y1 + y2) % P256_P == 0:
            return None  # P + (-P)
        slope = (3 * x1 * x1 + P256_A) * pow(2 * y1, -1, P256_P)  # doubling
    else:
        slope = (y2 - y1) * pow(x2 - x1, -1, P256_P)
    x3 = (slope * slope - x1 - x2) % P256_P
    return x3, (slope * (x1 - x3) - y1) % P256_P


def _scalar_mult(k, point):
    """Double-and-add, most significant bit first."""
    result = None
    for bit in bin(k)[2:]:
        result = _point_add(result, result)
        if bit == "1":
            result = _point_add(result, point)
    return result


def _p256_private(private_key):  # CANON-047
    d = int.from_bytes(private_key, "big")
    if len(private_key) != 32 or not 1 <= d < P256_N:
        raise CanonError("CANON_KEY_INVALID")
    return d


def ecdsa_p256_public_key(private_key):
    key = ec.derive_private_key(_p256_private(private_key), ec.SECP256R1())
    return key.public_key().public_bytes(serialization.Encoding.X962,
                                         serialization.PublicFormat.UncompressedPoint)


def _rfc6979_nonces(d, h1):
    """RFC 6979 §3.2 candidates k for P-256/SHA-256 (qlen = hlen = 256, so bits2int is a plain
    big-endian conversion). Steps b..h; a caller that rejects a k asks for the next one (h.3)."""
    def mac(key, data):
        return hmac.new(key, data, hashlib.sha256).digest()

    x = d.to_bytes(32, "big")  # int2octets(x)
    h = (int.from_bytes(h1, "big") % P256_N).to_bytes(32, "big")  # bits2octets(h1)
    v, k = b"\x01" * 32, b"\x00" * 32  # steps b, c
    k = mac(k, v + b"\x00" + x + h)  # d
    v = mac(k, v)  # e
    k = mac(k, v + b"\x01" + x + h)  # f
    v = mac(k, v)  # g
    while True:  # h
        v = mac(k, v)
        candidate = int.from_bytes(v, "big")
        if 1 <= candidate < P256_N:
            yield candidate
        k = mac(k, v + b"\x00")
        v = mac(k, v)


def ecdsa_p256_sign(private_key, message):
    """Deterministic ECDSA (CANON-043/044): r || s, s exactly as computed (no low-S)."""
    d = _p256_private(private_key)
    h1 = hashlib.sha256(message).digest()
    e = int.from_bytes(h1, "big")
    for k in _rfc6979_nonces(d, h1):
        r = _scalar_mult(k, P256_G)[0] % P256_N
        s = pow(k, -1, P256_N) * (e + r * d) % P256_N
        if r != 0 and s != 0:
            return r.to_bytes(32, "big") + s.to_bytes(32, "big")


def _ecdsa_verify(public_key, message, r, s):
    if not (1 <= r < P256_N and 1 <= s < P256_N):  # CANON-045
        raise _sig_invalid("r or s out of range")
    # SEC1: 04||x||y or 02/03||x. (Hybrid 06/07 and the 00 infinity encoding are refused.)
    if not ((len(public_key) == 65 and public_key[0] == 4)
            or (len(public_key) == 33 and public_key[0] in (2, 3))):
        raise _sig_invalid("public key encoding")
    try:  # from_encoded_point checks that the point is on the curve
        key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), public_key)
        key.verify(encode_dss_signature(r, s), message, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError) as e:
        raise _sig_invalid(type(e).__name__)
    return True


def ecdsa_p256_verify(public_key, message, signature):  # P1363 r || s
    if len(signature) != 64:
        raise _sig_invalid("signature length")
    r, s = int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
    return _ecdsa_verify(public_key, message, r, s)


def _der_read(data, pos, tag):
    """Read one strict-DER TLV with the given tag at pos; return (contents, next position)."""
    if pos + 2 > len(data) or data[pos] != tag:
        raise _sig_invalid("DER tag")
    length, pos = data[pos + 1], pos + 2
    if length & 0x80:  # long form: 0x81..0x84 then the length, minimal, and only for >= 128
        count = length & 0x7F
        if not 1 <= count <= 4 or pos + count > len(data) or data[pos] == 0:
            raise _sig_invalid("DER length")
        length, pos = int.from_bytes(data[pos : pos + count], "big"), pos + count
        if length < 128:
            raise _sig_invalid("DER length not minimal")
    if pos + length > len(data):
        raise _sig_invalid("DER truncated")
    return data[pos : pos + length], pos + length


def _der_uint(contents):
    """A DER INTEGER's contents: minimal, not negative."""
    if not contents or contents[0] & 0x80:
        raise _sig_invalid("DER integer empty or negative")
    if len(contents) > 1 and contents[0] == 0 and not contents[1] & 0x80:
        raise _sig_invalid("DER integer not minimal")
    return int.from_bytes(contents, "big")


def ecdsa_p256_verify_der(public_key, message, signature):  # CANON-046
    body, end = _der_read(signature, 0, 0x30)
    if end != len(signature):
        raise _sig_invalid("bytes after the DER sequence")
    r_bytes, pos = _der_read(body, 0, 0x02)
    s_bytes, pos = _der_read(body, pos, 0x02)
    if pos != len(body):
        raise _sig_invalid("extra content in the DER sequence")
    return _ecdsa_verify(public_key, message, _der_uint(r_bytes), _der_uint(s_bytes))


# --- §5: DRBG (CANON-050, -051) ----------------------------------------------------------------

DRBG_LIMIT = 1 << 20


def chacha20_keystream(key, length):
    """RFC 8439 ChaCha20 keystream, 96-bit all-zero nonce, block counter starting at 0."""
    # cryptography takes a 16-byte nonce: the 32-bit little-endian initial block counter, then
    # the 96-bit RFC 8439 nonce.
    nonce = (0).to_bytes(4, "little") + bytes(12)
    encryptor = Cipher(algorithms.ChaCha20(key, nonce), mode=None).encryptor()
    return encryptor.update(bytes(length))  # keystream XOR zeros = keystream


def drbg(label, length):
    if length > DRBG_LIMIT:
        raise CanonError("CANON_DRBG_LIMIT")
    return chacha20_keystream(hashlib.sha256(label.encode("utf-8")).digest(), length)
