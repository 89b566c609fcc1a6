"""Sigil's trust features and logistic model (spec/sigil.md §1), written from the spec text.

Every float operation below is one IEEE 754 binary64 operation with round-to-nearest-even, in the
order the spec states (CPython never fuses a multiply and an add), so the results are the spec's
bits: slog2 (SIGIL-004), sexp (SIGIL-006), the entropy (SIGIL-003), the features (SIGIL-002) and
the score (SIGIL-008).
"""

import hashlib
import math

import rfc8785

from canon_common import CanonError

INV_LN2 = float.fromhex("0x1.71547652b82fep+0")  # 0x3FF71547652B82FE
LN2_HI = float.fromhex("0x1.62e42fee00000p-1")  # 0x3FE62E42FEE00000
LN2_LO = float.fromhex("0x1.a39ef35793c76p-33")  # 0x3DEA39EF35793C76

FEATURE_NAMES = (
    [f"action={a}" for a in ("read", "list", "write", "update", "delete", "execute", "export",
                              "admin", "other")]
    + [f"target={t}" for t in ("public", "user", "tenant", "system", "secret", "other")]
    + [f"loa={lv}" for lv in ("Guest", "User", "Operator", "Admin")]
    + ["rate", "entropy"]
)
ACTIONS = ("read", "list", "write", "update", "delete", "execute", "export", "admin")
TARGETS = ("public", "user", "tenant", "system", "secret")
LEVELS = ("Guest", "User", "Operator", "Admin")  # SIGIL-060 order
REQUEST_MEMBERS = ("tenant", "actor", "action", "target", "loa", "input")
NAME_CHARS = set(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._:@-")

# SIGIL-009, in feature order.
DEFAULT_MODEL = {
    "model_version": 1.0,
    "features": FEATURE_NAMES,
    "weights": [2.0, 1.5, 0.5, 0.0, -2.0, -0.5, -1.5, -2.5, -3.0,
                1.5, 0.5, 0.0, -1.5, -3.0, -1.0,
                -2.0, 0.0, 1.5, 2.0,
                -4.0, -3.0],
    "bias": 0.5,
    "threshold": 0.5,
}


def is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def is_name(s):
    """Tenant and actor names: 1 to 128 bytes of [A-Za-z0-9._:@-] (SIGIL-001)."""
    if not isinstance(s, str):
        return False
    b = s.encode("utf-8", "surrogatepass")
    return 1 <= len(b) <= 128 and all(c in NAME_CHARS for c in b)


def utf8_len(s):
    return len(s.encode("utf-8", "surrogatepass"))


def read_request(req):
    """SIGIL-001: exactly the six members (checked first), then each member in order."""
    def bad(why):
        return CanonError("SIGIL_REQUEST_INVALID", why)
    if not isinstance(req, dict) or set(req) != set(REQUEST_MEMBERS):
        raise bad("members")
    if not is_name(req["tenant"]) or not is_name(req["actor"]):
        raise bad("tenant or actor")
    if not isinstance(req["action"], str) or not 1 <= utf8_len(req["action"]) <= 64:
        raise bad("action")
    if not isinstance(req["target"], str) or utf8_len(req["target"]) > 1024:
        raise bad("target")
    if req["loa"] not in LEVELS:
        raise bad("loa")
    if not isinstance(req["input"], str) or utf8_len(req["input"]) > 65536:
        raise bad("input")
    return req


def slog2(p):
    """SIGIL-004: log2 of p in (0, 1] by the series of atanh, bit for bit."""
    m, e = math.frexp(p)  # p = m * 2^e, m in [0.5, 1): shift to [1, 2) exactly
    m, e = m * 2.0, e - 1
    s = (m - 1.0) / (m + 1.0)
    s2 = s * s
    t = 0.0
    for j in range(24, -1, -1):
        t = s2 * t + 1.0 / (2 * j + 1)
    l = (2.0 * s) * t
    return float(e) + l * INV_LN2


def sexp(t):
    """SIGIL-006: exp(t) for t <= 0, by Cody-Waite reduction and a degree-20 Horner form."""
    if t < -700.0:
        return 0.0
    k = math.floor(t * INV_LN2 + 0.5)
    kf = float(k)
    r = (t - kf * LN2_HI) - kf * LN2_LO
    q = 1.0
    for i in range(20, 0, -1):
        q = 1.0 + (r / i) * q
    return math.ldexp(q, k)  # exact: the result is normal


def entropy(data):
    """SIGIL-003: Shannon entropy in bits per byte of the byte histogram."""
    n = len(data)
    if n == 0:
        return 0.0
    counts = [0] * 256
    for b in data:
        counts[b] += 1
    e = 0.0
    for c in counts:
        if c:
            p = c / n  # one correctly rounded division
            e = e - p * slog2(p)
    return e


def features(req, window_count):
    """SIGIL-002: the 21 features of a (validated) request."""
    x = [0.0] * 21
    action = req["action"]
    x[ACTIONS.index(action) if action in ACTIONS else 8] = 1.0
    target_class = req["target"].split(":", 1)[0]
    x[9 + (TARGETS.index(target_class) if target_class in TARGETS else 5)] = 1.0
    x[15 + LEVELS.index(req["loa"])] = 1.0
    x[19] = min(window_count, 100) / 100.0
    x[20] = entropy(req["input"].encode("utf-8", "surrogatepass")) / 8.0
    return x


def read_model(model):
    """SIGIL-007: exactly the five members and their forms; returns (weights, bias, threshold,
    model id)."""
    def bad(why):
        return CanonError("SIGIL_MODEL_INVALID", why)
    names = ("model_version", "features", "weights", "bias", "threshold")
    if not isinstance(model, dict) or set(model) != set(names):
        raise bad("members")
    if not is_number(model["model_version"]) or model["model_version"] != 1:
        raise bad("model_version")
    if model["features"] != FEATURE_NAMES:
        raise bad("features")
    w = model["weights"]
    if not isinstance(w, list) or len(w) != 21 or not all(is_number(v) and math.isfinite(v) for v in w):
        raise bad("weights")
    if not is_number(model["bias"]) or not math.isfinite(model["bias"]):
        raise bad("bias")
    if not is_number(model["threshold"]) or not 0.0 <= model["threshold"] <= 1.0:
        raise bad("threshold")
    model_id = hashlib.sha256(rfc8785.dumps(model)).hexdigest()
    return [float(v) for v in w], float(model["bias"]), float(model["threshold"]), model_id


def score(weights, bias, threshold, x):
    """SIGIL-008: (z, score, allowed)."""
    a = 0.0
    for w, xi in zip(weights, x):
        a = a + w * xi
    z = a + bias
    if not math.isfinite(z):
        raise CanonError("SIGIL_EVAL_NONFINITE")
    if z >= 0:
        s = 1.0 / (1.0 + sexp(-z))
    else:
        e = sexp(z)
        s = e / (1.0 + e)
    return z, s, s >= threshold


def number_text(x):
    """The CANON-004 text of a binary64 (spec/protocol.md §6, "Sigil operations")."""
    return rfc8785.dumps(float(x)).decode("ascii")
