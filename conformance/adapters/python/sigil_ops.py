"""The `sigil.*` operations of spec/protocol.md §6 ("Sigil operations") over sigil_model.py and
sigil_records.py: input shapes (PROTO-070: members and JSON types first, then values), number
texts for binary64 outputs, seed labels for keys, and the `flips` tamper test.

A shape failure is raised as CanonError("PROTO_CASE_INVALID"), which the adapter answers as that
code like any other.
"""

import json
import math

import canon_json
import sigil_model as model
import sigil_records as rec
from canon_common import CanonError, parse_hex


def invalid(why):
    return CanonError("PROTO_CASE_INVALID", why)


def uint(v):
    return type(v) is int and v >= 0


def need(inp, name, check=lambda v: True):
    if name not in inp or not check(inp[name]):
        raise invalid(f"member {name!r} is missing or has the wrong type")
    return inp[name]


def core(value):
    """A JSON value of the request as the strict parser reads it (numbers as binary64)."""
    return canon_json.parse(json.dumps(value, ensure_ascii=False).encode("utf-8", "surrogatepass"))


def str_list(v, name):
    if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
        raise invalid(f"{name} is not an array of strings")
    return v


def texts(xs):
    return [model.number_text(x) for x in xs]


def features(inp):
    req, window = need(inp, "request"), need(inp, "window_count", uint)
    r = model.read_request(core(req))
    x = model.features(r, window)
    return {"features": texts(x),
            "entropy": model.number_text(model.entropy(r["input"].encode("utf-8", "surrogatepass")))}


def number_member(inp, name):
    v = need(inp, name)
    if not model.is_number(v):
        raise invalid(f"{name} is not a number")
    return float(v)


def slog2(inp):
    p = number_member(inp, "p")
    if not (0.0 < p <= 1.0 and p >= 2.0 ** -1022):
        raise invalid("p is not a normal number in (0, 1]")
    return model.number_text(model.slog2(p))


def sexp(inp):
    t = number_member(inp, "t")
    if math.isnan(t) or t > 0:
        raise invalid("t is not <= 0")
    return model.number_text(model.sexp(t))


def score(inp):
    if ("features" in inp) == ("request" in inp):
        raise invalid("exactly one of features and request")
    if "window_count" in inp and not uint(inp["window_count"]):
        raise invalid("window_count")
    if "model" in inp:
        weights, bias, threshold, model_id = model.read_model(core(inp["model"]))
    else:
        weights, bias, threshold, model_id = model.read_model(core(model.DEFAULT_MODEL))
    if "features" in inp:
        x = inp["features"]
        if not isinstance(x, list) or len(x) != 21 or not all(model.is_number(v) for v in x):
            raise invalid("features is not 21 numbers")
        x = [float(v) for v in x]
    else:
        r = model.read_request(core(inp["request"]))
        x = model.features(r, need(inp, "window_count", uint))
    z, s, allowed = model.score(weights, bias, threshold, x)
    return {"model_id": model_id, "z": model.number_text(z), "score": model.number_text(s),
            "allowed": allowed}


def chain_freeze(inp):
    chain, label = need(inp, "chain"), need(inp, "seed_label", lambda v: isinstance(v, str))
    frozen, data = rec.chain_freeze(core(chain), rec.seed_of(label))
    return {"chain_sha256": frozen["chain_sha256"], "public_key": frozen["public_key"],
            "signature": frozen["signature"], "bytes": data.hex()}


def verify_or_flips(inp, verify):
    """The stored bytes verified (true), or with `flips` one result per tampered byte."""
    if "flips" not in inp:
        verify(parse_hex(inp["bytes"]))
        return True
    f = inp["flips"]
    get = (lambda n: f.get(n)) if isinstance(f, dict) else (lambda n: None)
    start, count, xor = get("start"), get("count"), get("xor")
    if not (uint(start) and uint(count) and uint(xor)):  # types before the hex (PROTO-070)
        raise invalid("flips needs start, count and xor")
    data = parse_hex(inp["bytes"])
    if not (1 <= xor <= 255 and 1 <= count <= 4096 and start + count <= len(data)):
        raise invalid("flips out of range")
    results = []
    for at in range(start, start + count):
        tampered = bytearray(data)
        tampered[at] ^= xor
        try:
            verify(bytes(tampered))
            results.append("verified")
        except CanonError as e:
            results.append(e.code)
    return results


def chain_verify(inp):
    need(inp, "bytes", lambda v: isinstance(v, str))
    keys = str_list(need(inp, "keys"), "keys")
    return verify_or_flips(inp, lambda data: rec.chain_verify(data, keys))


def record_hash(inp):
    return {"hash": rec.body_hash(core(need(inp, "body")))}


def record_sign(inp):
    body = need(inp, "body")
    label = need(inp, "seed_label", lambda v: isinstance(v, str))
    witness_labels = str_list(need(inp, "witness_labels"), "witness_labels")
    b = core(body)
    witness_seeds = [rec.seed_of(x) for x in witness_labels]
    r = rec.record_sign(b, rec.seed_of(label), witness_seeds)
    return {"hash": r["hash"], "sig": r["sig"], "pub_key": r["pub_key"], "witnesses": r["witnesses"],
            "bytes": rec.jcs(r).hex()}


def read_registry(v):
    k = v.get("k") if isinstance(v, dict) else None
    if not uint(k):
        raise invalid("registry.k")
    return k, set(str_list(v.get("witnesses"), "registry.witnesses"))


def record_verify(inp):
    need(inp, "bytes", lambda v: isinstance(v, str))
    keys = str_list(need(inp, "keys"), "keys")
    registry = read_registry(inp["registry"]) if "registry" in inp else None
    return verify_or_flips(inp, lambda data: rec.record_verify(data, keys, registry))


def quorum(inp):
    digest = need(inp, "hash", lambda v: isinstance(v, str))
    k = need(inp, "k", uint)
    registry, attestations = need(inp, "registry"), need(inp, "attestations")
    if not rec.is_hex(digest, 64):
        raise invalid("hash is not 64 hex digits")
    if k == 0:
        raise invalid("k is 0")
    registered = set(str_list(registry, "registry"))
    if not isinstance(attestations, list):
        raise invalid("attestations is not an array")
    pairs = []
    for a in attestations:
        if not (isinstance(a, dict) and isinstance(a.get("pub_key"), str) and isinstance(a.get("sig"), str)):
            raise invalid("an attestation needs pub_key and sig strings")
        pairs.append((a["pub_key"], a["sig"]))
    return rec.quorum(digest, k, registered, pairs)


def key_history(inp):
    labels = str_list(need(inp, "seed_labels"), "seed_labels")
    records = need(inp, "records")
    known = need(inp, "known", uint)
    seeds = [rec.seed_of(x) for x in labels]
    keys = [rec.public_key(s) for s in seeds]
    if not 1 <= known <= len(keys):
        raise invalid("known is not in 1..=keys")
    verifier = set(keys[:known])
    if not isinstance(records, list):
        raise invalid("records is not an array")
    out = []
    for item in records:
        index = item.get("key") if isinstance(item, dict) else None
        if not (uint(index) and index < len(seeds)):
            raise invalid("a record's key is not a key index")
        r = rec.record_sign(core(item.get("body")), seeds[index], [])
        try:
            rec.record_check(r, verifier, None)
            result = "verified"
        except CanonError as e:
            result = e.code
        out.append({"pub_key": r["pub_key"], "hash": r["hash"], "result": result})
    return {"keys": keys, "current": keys[-1] if keys else None, "records": out}


def loa_gate(inp):
    loa = need(inp, "loa")
    minimum = need(inp, "min_loa", lambda v: isinstance(v, str))
    if minimum not in model.LEVELS:
        raise invalid("min_loa is not a level")
    if loa is not None and not isinstance(loa, str):
        raise invalid("loa is neither a string nor null")
    level = model.LEVELS.index(loa) if loa in model.LEVELS else -1  # not a level: none
    return {"allowed": level >= model.LEVELS.index(minimum)}


def cdc_replay(inp):
    envelopes = need(inp, "envelopes")
    if not isinstance(envelopes, list):
        raise invalid("envelopes is not an array")
    offset, digest = rec.cdc_replay([core(e) for e in envelopes])
    return {"offset": offset, "digest": digest}


OPERATIONS = {
    "sigil.features": features,
    "sigil.slog2": slog2,
    "sigil.sexp": sexp,
    "sigil.score": score,
    "sigil.chain_freeze": chain_freeze,
    "sigil.chain_verify": chain_verify,
    "sigil.record_hash": record_hash,
    "sigil.record_sign": record_sign,
    "sigil.record_verify": record_verify,
    "sigil.quorum": quorum,
    "sigil.key_history": key_history,
    "sigil.loa_gate": loa_gate,
    "sigil.cdc_replay": cdc_replay,
}
