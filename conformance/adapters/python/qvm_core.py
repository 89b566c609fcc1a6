"""QuorumVM core (spec/quorumvm.md): program ids, cleartext and threshold (Beaver) evaluation,
the rate and budget policy, and the hash-chained audit log.

Everything is plain integers and hashlib; JSON hashing uses RFC 8785 (`jcs` below, built on the
rfc8785 library for the leaves).
"""

import hashlib
import math

import rfc8785

from canon_common import CanonError
import qvm_dsl
import qvm_field as F
import qvm_shamir as S

SAFE = 2**53
TOKEN = 60_000  # QVM-060: one evaluation costs one token of 60,000 units
ZERO_HASH = "0" * 64
RESERVED = ("seq", "prev_hash", "entry_hash")


class JcsError(Exception):
    """A value with no RFC 8785 form (a number out of binary64 range, a lone surrogate)."""


def _utf16_key(name):
    return name.encode("utf-16-be")


def jcs(value):
    """RFC 8785 bytes of a JSON value (Python json types), without recursion so that any nesting
    the request parser accepted is hashed. Numbers are binary64 values (CANON-004): every number
    is serialized as the double it denotes, so 1 and 1.0 both give `1`."""
    out, stack = [], [value]
    try:
        while stack:
            v = stack.pop()
            if type(v) is _Raw:
                out.append(v.text)
            elif isinstance(v, dict):
                items = []
                for i, k in enumerate(sorted(v, key=_utf16_key)):
                    items += [_Raw("," if i else ""), _Raw(rfc8785.dumps(k).decode("utf-8") + ":"), v[k]]
                stack += [_Raw("}")] + items[::-1] + [_Raw("{")]
            elif isinstance(v, list):
                items = []
                for i, x in enumerate(v):
                    items += [_Raw("," if i else ""), x]
                stack += [_Raw("]")] + items[::-1] + [_Raw("[")]
            elif v is None or isinstance(v, (bool, str)):
                out.append(rfc8785.dumps(v).decode("utf-8"))
            elif isinstance(v, (int, float)):
                out.append(rfc8785.dumps(float(v)).decode("utf-8"))
            else:
                raise JcsError(f"not a JSON value: {type(v).__name__}")
        return "".join(out).encode("utf-8")
    except (OverflowError, UnicodeError, ValueError, rfc8785.CanonicalizationError) as e:
        raise JcsError(f"{type(e).__name__}: {e}")


class _Raw:
    __slots__ = ("text",)

    def __init__(self, text):
        self.text = text


def sha256_jcs(value):
    return hashlib.sha256(jcs(value)).hexdigest()


# --- manifests and program ids -------------------------------------------------------------------

def read_ir(v):
    """An IR given to a qvm op (DSL-050): an invalid one is QVM_PACKAGE_INVALID (QVM-001,
    QVM-010, QVM-040)."""
    return qvm_dsl.ir_from_json(v, code="QVM_PACKAGE_INVALID")


def secret_manifest(ir):
    """QVM-001."""
    if ir.secret is None:
        return {"parameters": []}
    return {"parameters": [{"name": "S_v", "wire": ir.secret}]}


def _uint(v, minimum):
    return type(v) is int and minimum <= v < SAFE


def read_policy(v):
    """QVM-003: {"cost_per_eval": u >= 1, "budget_per_identity": u, "max_evals_per_minute": u >= 1},
    JSON integers below 2^53, exactly these members; else QVM_POLICY_INVALID."""
    keys = {"cost_per_eval": 1, "budget_per_identity": 0, "max_evals_per_minute": 1}
    if not isinstance(v, dict) or set(v) != set(keys) or not all(
            _uint(v[k], m) for k, m in keys.items()):
        raise CanonError("QVM_POLICY_INVALID")
    return dict(v)


def program_id(ir_json, policy, secret_mf):
    """QVM-002. Checks, in order: the IR, the policy manifest, the secret manifest (which must be
    the one the IR implies); then SHA-256 of the RFC 8785 bytes of {"ir", "policy_manifest",
    "secret_manifest"}, the IR as a valid IR writes it back (DSL-051)."""
    ir = read_ir(ir_json)
    policy = read_policy(policy)
    expected = secret_manifest(ir)
    if not qvm_dsl.json_equal(secret_mf, expected):
        raise CanonError("QVM_PACKAGE_INVALID", "secret manifest does not match the IR")
    return sha256_jcs({"ir": ir.to_json(), "policy_manifest": policy, "secret_manifest": expected})


# --- evaluation ----------------------------------------------------------------------------------

def read_inputs(ir, inputs, secret):
    """QVM-011, in order: `inputs` is an object, its member names are exactly the IR's input
    wires, S_v is given (`secret` present and not null: the caller passes None for both) iff
    the IR has a secret wire (all QVM_INPUTS_INVALID); then the values, inputs in node order and
    then S_v (FIELD_ELEMENT_INVALID)."""
    if not isinstance(inputs, dict):
        raise CanonError("QVM_INPUTS_INVALID", "inputs must be an object")
    if set(inputs) != set(ir.inputs):
        raise CanonError("QVM_INPUTS_INVALID", "inputs must be exactly the IR's input wires")
    if (secret is not None) != (ir.secret is not None):
        raise CanonError("QVM_INPUTS_INVALID", "secret given iff the IR has a secret wire")
    values = {name: F.parse(inputs[name]) for name in ir.inputs}
    return values, (F.parse(secret) if secret is not None else None)


def read_schedule(ir, n, rounds, corrupt):
    """QVM-040, the schedule (after the threshold, so n is valid): `rounds` is an array of exactly
    mul_depth + 1 arrays of JSON integers, each in 1..=n and none twice in one array; `corrupt`
    (None when absent or null) is {"custodian": x, "round": r} with x in 1..=n and r in
    1..=mul_depth + 1 (other members are ignored, PROTO-003). Else QVM_INPUTS_INVALID.
    Returns (rounds, (x, r) or None)."""
    def bad(detail):
        return CanonError("QVM_INPUTS_INVALID", detail)

    last = ir.mul_depth + 1
    if not isinstance(rounds, list) or len(rounds) != last:
        raise bad(f"rounds must be an array of {last} custodian lists")
    for r, xs in enumerate(rounds, 1):
        if not isinstance(xs, list) or not all(type(x) is int and 1 <= x <= n for x in xs):
            raise bad(f"round {r}: custodians must be integers in 1..={n}")
        if len(set(xs)) != len(xs):
            raise bad(f"round {r}: a custodian listed twice")
    if corrupt is not None:
        if not isinstance(corrupt, dict):
            raise bad("corrupt must be an object")
        cx, cr = corrupt.get("custodian"), corrupt.get("round")
        if not (type(cx) is int and 1 <= cx <= n and type(cr) is int and 1 <= cr <= last):
            raise bad("corrupt names no custodian or round")
        corrupt = (cx, cr)
    return rounds, corrupt


def _apply(op, a, b):
    return {"add": F.add, "sub": F.sub, "mul": F.mul}[op](a, b)


def eval_clear(ir, inputs, secret):
    """QVM-010 / DSL-061."""
    vals = []
    for n in ir.nodes:
        t = n["type"]
        if t == "input":
            vals.append(inputs[n["id"]])
        elif t == "secret":
            vals.append(secret)
        elif t == "const":
            vals.append(n["value"])
        else:
            vals.append(_apply(n["op"], vals[n["args"][0]], vals[n["args"][1]]))
    return vals[ir.output]


def _opener(k, xs, what):
    """QVM-041, QVM-043..045: the coordinator reconstructs opened values from the answers of
    custodians `xs` (in list order; the schedule was checked, so they are distinct and in 1..=n):
    fewer than k -> QVM_QUORUM_UNAVAILABLE, answers off one polynomial -> QVM_INCONSISTENT_SHARES
    (the message names the round and the custodians)."""
    def mapped(fn, *args):
        try:
            return fn(*args)
        except CanonError as e:
            code = {"SHAMIR_TOO_FEW_SHARES": "QVM_QUORUM_UNAVAILABLE",
                    "SHAMIR_INCONSISTENT": "QVM_INCONSISTENT_SHARES"}.get(e.code, e.code)
            raise CanonError(code, f"{what}, custodians {xs}: {e}")

    secret = mapped(S.reconstructor, k, xs)
    return lambda ys: mapped(secret, ys)


def eval_threshold(ir, inputs, secret, k, n, label, rounds, corrupt):
    """The Beaver-triple protocol (QVM-030..047), simulated with every custodian's state in one
    process, for a valid threshold and schedule (read_schedule).

    A value of every node is held as a list of n shares (custodian x holds index x - 1); a public
    value v is the constant sharing [v] * n, which makes add/sub with a public value "add it to
    every share" and a local mul "multiply every share" without special cases."""
    depth = ir.mul_depth  # the caller has checked the threshold and the schedule
    drbg = F.Drbg(label)

    def deal(value):
        return [y for _, y in S.share(value, k, n, drbg)]

    # QVM-040's DRBG order: the sharing of S_v, then per secure gate a, b (c = ab) and the
    # sharings of a, b, c, then the sharing of each input in node order.
    secret_shares = deal(secret) if ir.secret is not None else None
    triples = {}
    for i, node in enumerate(ir.nodes):
        if ir.secure[i]:
            a, b = F.random(drbg), F.random(drbg)
            triples[i] = (deal(a), deal(b), deal(F.mul(a, b)))
    input_shares = {name: deal(inputs[name]) for name in ir.inputs}

    vals = [None] * len(ir.nodes)

    def local(i):
        node = ir.nodes[i]
        t = node["type"]
        if t == "input":
            return input_shares[node["id"]]
        if t == "secret":
            return secret_shares
        if t == "const":
            return [node["value"]] * n
        l, r = (vals[a] for a in node["args"])
        if node["op"] == "add":
            return [F.add(p, q) for p, q in zip(l, r)]
        if node["op"] == "sub":
            return [F.sub(p, q) for p, q in zip(l, r)]
        return [F.mul(p, q) for p, q in zip(l, r)]  # local: one side is a constant sharing

    def custodians(r):
        return rounds[r - 1]

    def corruption(r, x):
        return 1 if corrupt is not None and corrupt == (x, r) else 0

    openings = []
    for r in range(0, depth + 1):
        if r >= 1:  # round r: open every secure gate of depth r, in node order
            xs = custodians(r)
            open_ = _opener(k, xs, f"round {r}")
            opened = []
            gates = [i for i in range(len(ir.nodes)) if ir.secure[i] and ir.depth[i] == r]
            for g in gates:
                (sa, sb, sc) = triples[g]
                x_sh, y_sh = (vals[a] for a in ir.nodes[g]["args"])
                # QVM-036: d_x = u_x - a_x (+1 from a lying custodian, QVM-047), e_x = v_x - b_x;
                # every custodian, listed or not (catch-up, QVM-042), sets z_x = c_x + d b_x +
                # e a_x + d e.
                d = open_([F.add(F.sub(x_sh[x - 1], sa[x - 1]), corruption(r, x)) for x in xs])
                e = open_([F.sub(y_sh[x - 1], sb[x - 1]) for x in xs])
                de = F.mul(d, e)
                vals[g] = [(sc[j] + d * sb[j] + e * sa[j] + de) % F.P for j in range(n)]
                opened.append({"gate": ir.nodes[g]["id"], "d": F.to_json(d), "e": F.to_json(e)})
            openings.append(opened)
        for i in range(len(ir.nodes)):  # then every local node of depth r, in node order
            if not ir.secure[i] and ir.depth[i] == r:
                vals[i] = local(i)
    last = depth + 1
    out = vals[ir.output]
    xs = custodians(last)
    output = _opener(k, xs, f"round {last} (output)")([F.add(out[x - 1], corruption(last, x)) for x in xs])
    return {"output": F.to_json(output), "openings": openings,
            "triples": [ir.nodes[i]["id"] for i in range(len(ir.nodes)) if ir.secure[i]],
            "rounds": depth + 1}


# --- policy (QVM-060) ----------------------------------------------------------------------------

def policy_trace(policy, requests):
    """QVM-060..062, QVM-065: a token bucket per identity in units (a token = 60,000 units,
    capacity C tokens, C units refilled per elapsed ms, full at the identity's first request; a
    t not later than the latest seen refills nothing and keeps the latest), then the budget; each
    allowed request is settled at once (QVM-063: charged only when it succeeds)."""
    cost, budget0, rate = (policy["cost_per_eval"], policy["budget_per_identity"],
                           policy["max_evals_per_minute"])
    capacity = rate * TOKEN
    state = {}  # identity -> [level, last_t, budget]
    out = []
    for req in requests:
        t, who, succeeds = req["t_ms"], req["identity"], req["succeeds"]
        if who not in state:
            state[who] = [capacity, t, budget0]
        st = state[who]
        if t > st[1]:  # an earlier t refills nothing (and does not move the clock back)
            st[0] = min(capacity, st[0] + rate * (t - st[1]))
            st[1] = t
        if st[0] < TOKEN:
            out.append({"decision": "rate_limited", "budget_remaining": st[2],
                        "retry_after_ms": -(-(TOKEN - st[0]) // rate)})
        elif st[2] < cost:
            out.append({"decision": "budget_exhausted", "budget_remaining": st[2],
                        "retry_after_ms": None})
        else:
            st[0] -= TOKEN
            if succeeds:
                st[2] -= cost
            out.append({"decision": "allow", "budget_remaining": st[2], "retry_after_ms": None})
    return out


# --- audit log (QVM-070) -------------------------------------------------------------------------

def entry_hash(entry):
    """QVM-070: SHA-256 of the RFC 8785 bytes of the entry without entry_hash."""
    return sha256_jcs({k: v for k, v in entry.items() if k != "entry_hash"})


def audit_chain(bodies):
    """QVM-070."""
    if not isinstance(bodies, list):
        raise CanonError("QVM_AUDIT_INVALID", "entries must be an array")
    entries, prev = [], ZERO_HASH
    for seq, body in enumerate(bodies):
        if not isinstance(body, dict) or any(k in body for k in RESERVED):
            raise CanonError("QVM_AUDIT_INVALID", f"body {seq}")
        entry = dict(body, seq=seq, prev_hash=prev)
        try:
            entry["entry_hash"] = prev = entry_hash(entry)
        except JcsError as e:
            raise CanonError("QVM_AUDIT_INVALID", f"body {seq}: {e}")
        entries.append(entry)
    return entries


def _seq_ok(v):
    """QVM-072: a JSON number with a non-negative integral value below 2^53 (1.0 counts)."""
    if isinstance(v, bool):
        return False
    if isinstance(v, int):
        return 0 <= v < SAFE
    if isinstance(v, float):
        return math.isfinite(v) and v.is_integer() and 0 <= v < SAFE
    return False


def audit_verify(entries):
    """QVM-071, QVM-072: the first failing entry and its first failing check."""
    if not isinstance(entries, list):
        raise CanonError("QVM_AUDIT_INVALID", "entries must be an array")

    def result(bad, reason):
        return {"valid": bad is None, "count": len(entries),
                "head": (entries[-1]["entry_hash"] if entries else None) if bad is None else None,
                "first_bad": bad, "reason": reason}

    prev = ZERO_HASH
    for i, e in enumerate(entries):
        if not (isinstance(e, dict) and _seq_ok(e.get("seq"))
                and isinstance(e.get("prev_hash"), str) and isinstance(e.get("entry_hash"), str)):
            return result(i, "QVM_AUDIT_MALFORMED")
        if e["seq"] != i:
            return result(i, "QVM_AUDIT_SEQ")
        if e["prev_hash"] != prev:
            return result(i, "QVM_AUDIT_CHAIN")
        try:
            h = entry_hash(e)
        except JcsError as err:
            raise CanonError("QVM_AUDIT_INVALID", f"entry {i}: {err}")
        if e["entry_hash"] != h:
            return result(i, "QVM_AUDIT_HASH")
        prev = e["entry_hash"]
    return result(None, None)
