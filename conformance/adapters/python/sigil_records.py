"""Sigil's signed objects (spec/sigil.md §3, §4, §6, §7), written from the spec text: FrozenChains
(SIGIL-012..014), CanonicalRecords v1 (SIGIL-020..022), witness quorum counting (SIGIL-042).

Values are the canon_json parser's (every JSON number a Python float); canonical bytes are
rfc8785's. A signature is Ed25519 over `label "\\n" hash-hex` (SIGIL-013, SIGIL-021).
"""

import hashlib
import re

import rfc8785

import canon_crypto
import canon_json
from canon_common import CanonError
from sigil_model import LEVELS, is_name, is_number

CHAIN_LABEL = "sigil/frozen-chain/v1"
RECORD_LABEL = "sigil/record/v1"
ATTEST_LABEL = "sigil/attest/v1"
SERVICE_KINDS = ("sigil.genesis", "sigil.key.rotated")
REASONS = ("score_at_or_above_threshold", "score_below_threshold", "error")
BODY = ("kind", "schema_version", "id", "tenant", "ts", "space", "payload", "links", "prev")
RECORD = BODY + ("hash", "sig", "pub_key", "witnesses")
KIND = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
TWO_53 = 2.0 ** 53


def h(data):
    return hashlib.sha256(data).hexdigest()


def jcs(value):
    return rfc8785.dumps(value)


def is_hex(s, n):
    return isinstance(s, str) and len(s) == n and all(c in "0123456789abcdef" for c in s)


def is_int(v):
    """An integer in [0, 2^53): a JSON number with an integral binary64 value."""
    return is_number(v) and float(v).is_integer() and 0 <= v < TWO_53


def exact(v, names):
    return isinstance(v, dict) and set(v) == set(names)


def seed_of(label):
    """A seed label names the seed canon.drbg(label, 32) (spec/protocol.md §6)."""
    return canon_crypto.drbg(label, 32)


def public_key(seed):
    return canon_crypto.ed25519_public_key(seed).hex()


def sign(seed, label, digest_hex):
    return canon_crypto.ed25519_sign(seed, f"{label}\n{digest_hex}".encode("ascii")).hex()


def verifies(pub_hex, label, digest_hex, sig_hex):
    try:
        canon_crypto.ed25519_verify(bytes.fromhex(pub_hex), f"{label}\n{digest_hex}".encode("ascii"),
                                    bytes.fromhex(sig_hex))
        return True
    except (CanonError, ValueError):
        return False


# --- §3 FrozenChain ----------------------------------------------------------------------------

def chain_shape_ok(c):
    """SIGIL-012: the members of a ReasoningChain and their types."""
    members = ("chain_version", "decision_id", "ts", "tenant", "actor", "request", "model_id",
               "features", "z", "score", "threshold", "allowed", "reason", "error")
    if not exact(c, members) or not (is_number(c["chain_version"]) and c["chain_version"] == 1):
        return False
    r = c["request"]
    if not exact(r, ("action", "target", "loa", "input_len", "input_sha256", "window_count")):
        return False
    return (isinstance(r["action"], str) and isinstance(r["target"], str) and r["loa"] in LEVELS
            and is_int(r["input_len"]) and is_hex(r["input_sha256"], 64) and is_int(r["window_count"])
            and all(isinstance(c[k], str) for k in ("decision_id", "tenant", "actor"))
            and is_int(c["ts"]) and is_hex(c["model_id"], 64)
            and isinstance(c["features"], list) and all(is_number(x) for x in c["features"])
            and all(c[k] is None or is_number(c[k]) for k in ("z", "score"))
            and is_number(c["threshold"]) and isinstance(c["allowed"], bool)
            and c["reason"] in REASONS and (c["error"] is None or isinstance(c["error"], str)))


def chain_freeze(chain, seed):
    """SIGIL-013."""
    if not chain_shape_ok(chain):
        raise CanonError("SIGIL_CHAIN_SHAPE")
    digest = h(jcs(chain))
    frozen = {"chain": chain, "chain_sha256": digest, "public_key": public_key(seed),
              "signature": sign(seed, CHAIN_LABEL, digest)}
    return frozen, jcs(frozen)


def chain_verify(data, keys):
    """SIGIL-014, in its order."""
    value = canon_json.parse(data)
    if jcs(value) != data:
        raise CanonError("SIGIL_CHAIN_NONCANONICAL")
    if not (exact(value, ("chain", "chain_sha256", "public_key", "signature"))
            and chain_shape_ok(value["chain"]) and is_hex(value["chain_sha256"], 64)
            and is_hex(value["public_key"], 64) and is_hex(value["signature"], 128)):
        raise CanonError("SIGIL_CHAIN_SHAPE")
    if h(jcs(value["chain"])) != value["chain_sha256"]:
        raise CanonError("SIGIL_CHAIN_HASH")
    if value["public_key"] not in keys:
        raise CanonError("SIGIL_KEY_UNKNOWN")
    if not verifies(value["public_key"], CHAIN_LABEL, value["chain_sha256"], value["signature"]):
        raise CanonError("SIGIL_CHAIN_SIG")


# --- §4 CanonicalRecord v1 ---------------------------------------------------------------------

def body_ok(b):
    """The nine body members of SIGIL-020."""
    if not exact(b, BODY):
        return False
    space, tenant, links, prev = b["space"], b["tenant"], b["links"], b["prev"]
    return (isinstance(b["kind"], str) and KIND.fullmatch(b["kind"]) is not None
            and is_number(b["schema_version"]) and b["schema_version"] == 1
            and isinstance(b["id"], str) and ID.fullmatch(b["id"]) is not None
            and is_name(tenant) and space in ("user", "system")
            and (tenant == "system") == (space == "system")
            and is_int(b["ts"])
            and isinstance(links, list) and len(links) <= 64
            and all(isinstance(x, str) and ID.fullmatch(x) for x in links)
            and len(set(links)) == len(links)
            and (prev is None or is_hex(prev, 64)))


def record_ok(r):
    """SIGIL-020: the 13 members."""
    if not exact(r, RECORD) or not body_ok({k: r[k] for k in BODY}):
        return False
    if not (is_hex(r["hash"], 64) and is_hex(r["sig"], 128) and is_hex(r["pub_key"], 64)):
        return False
    w = r["witnesses"]
    if not isinstance(w, list) or not all(
            exact(x, ("pub_key", "sig")) and is_hex(x["pub_key"], 64) and is_hex(x["sig"], 128)
            for x in w):
        return False
    if any(a["pub_key"] >= b["pub_key"] for a, b in zip(w, w[1:])):
        return False
    return r["space"] == "system" or not w


def body_hash(b):
    if not body_ok(b):
        raise CanonError("SIGIL_RECORD_SHAPE")
    return h(jcs(b))


def record_sign(b, seed, witness_seeds):
    """SIGIL-021: hash, the service signature, and the witnesses sorted by key (one per key)."""
    digest = body_hash(b)
    by_key = {}
    for ws in witness_seeds:
        by_key.setdefault(public_key(ws), sign(ws, ATTEST_LABEL, digest))
    record = dict(b, hash=digest, sig=sign(seed, RECORD_LABEL, digest), pub_key=public_key(seed),
                  witnesses=[{"pub_key": k, "sig": by_key[k]} for k in sorted(by_key)])
    return record


def needs_quorum(r):
    return r["space"] == "system" and r["kind"] not in SERVICE_KINDS  # SIGIL-041


def record_check(r, keys, registry):
    """SIGIL-022 after the shape: hash, key, signature, witnesses. `registry` is (k, keys) or None."""
    if h(jcs({k: r[k] for k in BODY})) != r["hash"]:
        raise CanonError("SIGIL_RECORD_HASH")
    if r["pub_key"] not in keys:
        raise CanonError("SIGIL_KEY_UNKNOWN")
    if not verifies(r["pub_key"], RECORD_LABEL, r["hash"], r["sig"]):
        raise CanonError("SIGIL_RECORD_SIG")
    if needs_quorum(r):
        if registry is None:
            raise CanonError("SIGIL_QUORUM_NOT_MET", "no registry")
        k, registered = registry
        for w in r["witnesses"]:
            if w["pub_key"] not in registered:
                raise CanonError("SIGIL_WITNESS_UNKNOWN")
            if not verifies(w["pub_key"], ATTEST_LABEL, r["hash"], w["sig"]):
                raise CanonError("SIGIL_WITNESS_SIG")
        if len(r["witnesses"]) < k:
            raise CanonError("SIGIL_QUORUM_NOT_MET")


def record_verify(data, keys, registry):
    """SIGIL-022, stored bytes."""
    value = canon_json.parse(data)
    if jcs(value) != data:
        raise CanonError("SIGIL_RECORD_NONCANONICAL")
    if not record_ok(value):
        raise CanonError("SIGIL_RECORD_SHAPE")
    record_check(value, keys, registry)


# --- §6 quorum counting ------------------------------------------------------------------------

def quorum(digest, k, registry, attestations):
    """SIGIL-042: each attestation's outcome, and whether k distinct registered keys attested."""
    counted, steps = {}, []
    for pub, sig in attestations:
        if pub not in registry:
            outcome = "SIGIL_WITNESS_UNKNOWN"
        elif not verifies_hex(pub, sig, digest):
            outcome = "SIGIL_WITNESS_SIG"
        elif pub in counted:
            outcome = "duplicate"
        else:
            counted[pub] = sig
            outcome = "accepted"
        steps.append({"outcome": outcome, "count": len(counted),
                      "status": "committed" if len(counted) >= k else "pending"})
    witnesses = sorted(p for p in counted if p in registry)
    return {"steps": steps, "commit": "committed" if len(witnesses) >= k else "SIGIL_QUORUM_NOT_MET",
            "witnesses": witnesses}


def verifies_hex(pub, sig, digest):
    """An attestation whose key or signature is not hex does not verify."""
    if not (is_hex(pub, len(pub)) and len(pub) % 2 == 0 and is_hex(sig, len(sig)) and len(sig) % 2 == 0):
        return False
    return verifies(pub, ATTEST_LABEL, digest, sig)


# --- §9 change data capture --------------------------------------------------------------------

ENVELOPE = ("offset", "id", "tenant", "space", "kind", "ts", "hash", "prev", "links")


def cdc_replay(envelopes):
    """SIGIL-071: apply the envelopes from offset 0; (offset, digest of the rows in order)."""
    rows = []
    for e in envelopes:
        if not (exact(e, ENVELOPE) and is_int(e["offset"]) and is_int(e["ts"])
                and all(isinstance(e[k], str) for k in ("id", "tenant", "space", "kind", "hash"))
                and (e["prev"] is None or isinstance(e["prev"], str))
                and isinstance(e["links"], list) and all(isinstance(x, str) for x in e["links"])):
            raise CanonError("SIGIL_RECORD_SHAPE", "envelope")
        rows.append(e)
    for i, e in enumerate(rows):
        if e["offset"] != i + 1:
            raise CanonError("SIGIL_CDC_GAP")
    return len(rows), h(jcs(rows))
