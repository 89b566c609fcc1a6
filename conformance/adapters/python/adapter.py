#!/usr/bin/env python3
"""Quorate conformance adapter: an independent Python implementation of spec/canon.md behind the
JSON-lines protocol of spec/protocol.md.

    python3 conformance/adapters/python/adapter.py      (with the packages of requirements.txt)

The runner writes one JSON request per line on stdin; the adapter answers each with one JSON line
on stdout, flushed at once. Logs go to stderr. Messages:

    {"cmd":"hello","protocol":[1,1],...}   -> {"protocol":1,"implementation":{...},"features":[...]}
    {"cmd":"run","seq":N,"case":{"op":...,"input":{...},...}}
                                           -> {"seq":N,"result":{"ok":V}|{"error":"CODE"}|...}
    {"cmd":"shutdown"}                     -> exit 0 without answering

The operations themselves live in canon_json.py, canon_cbor.py and canon_crypto.py (spec/canon.md)
and qvm_field.py, qvm_shamir.py, qvm_dsl.py and qvm_core.py (the QuorumVM operations); this file
only frames messages and checks the types of case inputs (PROTO-070).
"""

import json
import platform
import sys
import traceback

import canon_cbor
import canon_crypto
import canon_json
import mtp_ops
import qvm_core
import qvm_dsl
import qvm_field
import qvm_shamir
import sigil_ops
from canon_common import CanonError, parse_hex

IMPLEMENTATION = {"name": "quorate-python", "version": "0.1.0", "language": "python"}
PROTOCOL_VERSION = 1


class CaseInvalid(Exception):
    """PROTO-070: the case input is missing a member, has one of the wrong type, or the op is
    unknown."""


# Kinds of input members. Types are checked for every member before any hex is decoded, so a
# case with both a missing member and bad hex is PROTO_CASE_INVALID.
HEX, STR, UINT, ANY = "hex", "str", "uint", "any"
BOOL, LIST = "bool", "array"


def take(inp, spec):
    """Check `inp` against {name: kind}; return the members with hex already decoded."""
    for name, kind in spec.items():
        if name not in inp:
            raise CaseInvalid(f"missing member {name!r}")
        v = inp[name]
        ok = {HEX: isinstance(v, str), STR: isinstance(v, str), ANY: True,
              UINT: type(v) is int and v >= 0, BOOL: type(v) is bool, LIST: isinstance(v, list)}[kind]
        if not ok:
            raise CaseInvalid(f"member {name!r} has the wrong type")
    return {name: parse_hex(inp[name]) if kind == HEX else inp[name] for name, kind in spec.items()}


def text_utf8(inp):
    """{"text": s}: the UTF-8 of s. A lone surrogate (possible through a \\u escape in the
    request) becomes ill-formed UTF-8 here, and is answered CANON_UTF8_INVALID like any other."""
    return take(inp, {"text": STR})["text"].encode("utf-8", "surrogatepass")


def canonicalize(inp):
    """{"text": s} or {"bytes": hex}, and optionally "pad_spaces": n, which appends n spaces."""
    pad = take(inp, {"pad_spaces": UINT})["pad_spaces"] if "pad_spaces" in inp else 0
    if "text" in inp and "bytes" in inp:
        raise CaseInvalid("give either text or bytes, not both")
    data = take(inp, {"bytes": HEX})["bytes"] if "bytes" in inp else text_utf8(inp)
    return canon_json.canonicalize(data, pad)


def json_number_bits(inp):
    bits = take(inp, {"bits": STR})["bits"]  # 1..16 hex digits: an odd count is fine here
    if not 1 <= len(bits) <= 16 or any(c not in "0123456789abcdef" for c in bits):
        raise CanonError("CANON_HEX_INVALID", "bits must be 1..16 lowercase hex digits")
    return int(bits, 16)


def drbg(inp):
    a = take(inp, {"label": STR, "length": UINT})
    try:
        return canon_crypto.drbg(a["label"], a["length"]).hex()
    except UnicodeEncodeError:  # a lone surrogate, escaped in the request, has no UTF-8 form
        raise CaseInvalid("label is not valid Unicode")


# --- QuorumVM operations (spec/protocol.md §6, "QuorumVM operations") ---------------------------
# Shapes first (PROTO-070: every member present with its JSON type, nested lists and objects
# included), for all members, before any value is parsed. A field element member (elem-in) has
# no shape of its own: anything that is not an accepted form is FIELD_ELEMENT_INVALID (FIELD-003).
# An optional member that is null counts as absent.

def unicode_label(label):
    """A label is hashed as UTF-8; a lone surrogate (escaped in the request) has no UTF-8 form."""
    try:
        label.encode("utf-8")
    except UnicodeEncodeError:
        raise CaseInvalid("label is not valid Unicode")
    return label


def optional(inp, name):
    return inp.get(name)  # absent and null alike -> None


def field_random(inp):
    a = take(inp, {"label": STR, "count": UINT})
    if a["count"] > 1024:
        raise CaseInvalid("count over 1024")
    drbg = qvm_field.Drbg(unicode_label(a["label"]))
    return [qvm_field.to_json(qvm_field.random(drbg)) for _ in range(a["count"])]


def field_binary(fn):
    def op(inp):
        a = take(inp, {"a": ANY, "b": ANY})
        return qvm_field.to_json(fn(qvm_field.parse(a["a"]), qvm_field.parse(a["b"])))
    return op


def field_unary(fn):
    return lambda inp: qvm_field.to_json(fn(qvm_field.parse(take(inp, {"a": ANY})["a"])))


def shamir_share(inp):
    # SHAMIR-001: a k or n that is not a JSON integer is SHAMIR_THRESHOLD_INVALID, not a shape
    # error; SHAMIR-003: the secret is read first, then the threshold is checked.
    a = take(inp, {"secret": ANY, "k": ANY, "n": ANY, "label": STR})
    unicode_label(a["label"])
    secret = qvm_field.parse(a["secret"])
    qvm_shamir.check_threshold(a["k"], a["n"])
    shares = qvm_shamir.share(secret, a["k"], a["n"], qvm_field.Drbg(a["label"]))
    return {"shares": [{"x": x, "y": qvm_field.to_json(y)} for x, y in shares]}


def shamir_reconstruct(inp):
    # SHAMIR-006: shares must be an array of objects with x and y (else PROTO_CASE_INVALID); every
    # y is read (FIELD_ELEMENT_INVALID) before the checks of k and the x's, which accept any JSON
    # value and answer SHAMIR_THRESHOLD_INVALID / SHAMIR_X_INVALID for a non-integer.
    a = take(inp, {"k": ANY, "shares": LIST})
    for s in a["shares"]:
        if not isinstance(s, dict):
            raise CaseInvalid("a share is not an object")
        take(s, {"x": ANY, "y": ANY})
    shares = [(s["x"], qvm_field.parse(s["y"])) for s in a["shares"]]
    return qvm_field.to_json(qvm_shamir.reconstruct(a["k"], shares))


def dsl_compile(inp):
    # A lone surrogate (escaped in the request) is a source that is not UTF-8: DSL_SOURCE_INVALID.
    return qvm_dsl.compile_op(take(inp, {"source": STR})["source"])


def qvm_program_id(inp):
    a = take(inp, {"ir": ANY, "policy_manifest": ANY, "secret_manifest": ANY})
    return qvm_core.program_id(a["ir"], a["policy_manifest"], a["secret_manifest"])


def qvm_eval_clear(inp):
    # QVM-010, QVM-011: the IR, then the inputs (an `inputs` that is not an object is
    # QVM_INPUTS_INVALID, so only its presence is a shape check).
    a = take(inp, {"ir": ANY, "inputs": ANY})
    ir = qvm_core.read_ir(a["ir"])
    inputs, secret = qvm_core.read_inputs(ir, a["inputs"], optional(inp, "secret"))
    return qvm_field.to_json(qvm_core.eval_clear(ir, inputs, secret))


def qvm_eval_threshold(inp):
    # QVM-040: the IR, the threshold (any non-integer k or n is SHAMIR_THRESHOLD_INVALID), the
    # inputs and S_v (QVM-011), then the schedule (`rounds`, `corrupt`: QVM_INPUTS_INVALID).
    a = take(inp, {"ir": ANY, "inputs": ANY, "k": ANY, "n": ANY, "label": STR, "rounds": ANY})
    unicode_label(a["label"])
    ir = qvm_core.read_ir(a["ir"])
    qvm_shamir.check_threshold(a["k"], a["n"])
    inputs, secret = qvm_core.read_inputs(ir, a["inputs"], optional(inp, "secret"))
    rounds, corrupt = qvm_core.read_schedule(ir, a["n"], a["rounds"], optional(inp, "corrupt"))
    return qvm_core.eval_threshold(ir, inputs, secret, a["k"], a["n"], a["label"], rounds, corrupt)


def qvm_policy_trace(inp):
    # QVM-065: requests is an array of {"t_ms": integer in [0, 2^53), "identity": string,
    # "succeeds": bool}; a request of another shape is PROTO_CASE_INVALID (checked before the
    # policy, which is a value: QVM_POLICY_INVALID).
    a = take(inp, {"policy": ANY, "requests": LIST})
    for r in a["requests"]:
        if not isinstance(r, dict):
            raise CaseInvalid("a request is not an object")
        if take(r, {"t_ms": UINT, "identity": STR, "succeeds": BOOL})["t_ms"] >= 2**53:
            raise CaseInvalid("t_ms must be below 2^53")
    return qvm_core.policy_trace(qvm_core.read_policy(a["policy"]), a["requests"])


def qvm_audit_chain(inp):
    # QVM-070: an `entries` that is not an array is QVM_AUDIT_INVALID, not a shape error.
    return qvm_core.audit_chain(take(inp, {"entries": ANY})["entries"])


def qvm_audit_verify(inp):
    # QVM-071: likewise.
    return qvm_core.audit_verify(take(inp, {"entries": ANY})["entries"])


# The operation table of spec/protocol.md §6. Each entry maps an input object to an output value.
OPERATIONS = {
    "canon.json.canonicalize": canonicalize,
    "canon.json.number": lambda i: canon_json.number(json_number_bits(i)),
    "canon.cbor.encode": lambda i: {"hex": canon_cbor.encode(take(i, {"value": ANY})["value"]).hex()},
    "canon.cbor.decode": lambda i: {"value": canon_cbor.decode(take(i, {"hex": HEX})["hex"])},
    "canon.fnv1a64": lambda i: canon_crypto.fnv1a64(take(i, {"bytes": HEX})["bytes"]),
    "canon.sha256": lambda i: canon_crypto.sha256_hex(take(i, {"bytes": HEX})["bytes"]),
    "canon.content_id": lambda i: canon_crypto.sha256_hex(
        canon_json.canonicalize(text_utf8(i)).encode("utf-8")),
    "canon.content_id.parse": lambda i: canon_crypto.parse_content_id(take(i, {"id": STR})["id"]),
    "canon.hmac_sha256": lambda i: canon_crypto.hmac_sha256(
        **take(i, {"key": HEX, "message": HEX})).hex(),
    "canon.hmac_sha256.verify": lambda i: canon_crypto.hmac_sha256_verify(
        **take(i, {"key": HEX, "message": HEX, "tag": HEX})),
    "canon.ed25519.public_key": lambda i: canon_crypto.ed25519_public_key(
        **take(i, {"seed": HEX})).hex(),
    "canon.ed25519.sign": lambda i: canon_crypto.ed25519_sign(
        **take(i, {"seed": HEX, "message": HEX})).hex(),
    "canon.ed25519.verify": lambda i: canon_crypto.ed25519_verify(
        **take(i, {"public_key": HEX, "message": HEX, "signature": HEX})),
    "canon.ecdsa_p256.public_key": lambda i: canon_crypto.ecdsa_p256_public_key(
        **take(i, {"private_key": HEX})).hex(),
    "canon.ecdsa_p256.sign": lambda i: canon_crypto.ecdsa_p256_sign(
        **take(i, {"private_key": HEX, "message": HEX})).hex(),
    "canon.ecdsa_p256.verify": lambda i: canon_crypto.ecdsa_p256_verify(
        **take(i, {"public_key": HEX, "message": HEX, "signature": HEX})),
    "canon.ecdsa_p256.verify_der": lambda i: canon_crypto.ecdsa_p256_verify_der(
        **take(i, {"public_key": HEX, "message": HEX, "signature": HEX})),
    "canon.drbg": drbg,
    "field.reduce": lambda i: qvm_field.to_json(qvm_field.parse(take(i, {"value": ANY})["value"])),
    "field.add": field_binary(qvm_field.add),
    "field.sub": field_binary(qvm_field.sub),
    "field.mul": field_binary(qvm_field.mul),
    "field.neg": field_unary(qvm_field.neg),
    "field.inv": field_unary(qvm_field.inv),
    "field.random": field_random,
    "shamir.share": shamir_share,
    "shamir.reconstruct": shamir_reconstruct,
    "dsl.compile": dsl_compile,
    "qvm.program_id": qvm_program_id,
    "qvm.eval_clear": qvm_eval_clear,
    "qvm.eval_threshold": qvm_eval_threshold,
    "qvm.policy_trace": qvm_policy_trace,
    "qvm.audit_chain": qvm_audit_chain,
    "qvm.audit_verify": qvm_audit_verify,
}
# The Sigil operations (spec/sigil.md §11) live in sigil_ops.py.
OPERATIONS.update(sigil_ops.OPERATIONS)
# The MTPScript operations (spec/mtpscript.md) live in mtp_ops.py and the mtp_*.py modules.
OPERATIONS.update(mtp_ops.OPERATIONS)


def run_case(case):
    """One case -> one result object of PROTO-020."""
    op, inp = case.get("op"), case.get("input")
    try:
        if not isinstance(op, str) or op not in OPERATIONS:
            raise CaseInvalid(f"unknown op {op!r}")
        if not isinstance(inp, dict):
            raise CaseInvalid("input is not an object")
        return {"ok": OPERATIONS[op](inp)}
    except CaseInvalid as e:
        log(f"case {case.get('id')!r}: {e}")
        return {"error": "PROTO_CASE_INVALID"}
    except CanonError as e:
        return {"error": e.code}
    except Exception as e:  # a bug in this adapter (or RecursionError, MemoryError): not a verdict
        log(f"case {case.get('id')!r}: internal error\n{traceback.format_exc()}")
        return {"errored": f"{type(e).__name__}: {e}"}


def platform_names():
    """OS and CPU names in the spelling Rust's std::env::consts uses."""
    os_name = {"darwin": "macos"}.get(platform.system().lower(), platform.system().lower())
    arch = platform.machine().lower()
    arch = {"amd64": "x86_64", "arm64": "aarch64"}.get(arch, arch)
    return os_name, arch


def malformed(seq, message):
    return {"seq": seq, "error": {"code": "PROTO_MALFORMED", "message": message}}


def handle(line):
    """One request line (bytes) -> (response object or None, whether to exit)."""
    try:
        def reject_constant(word):  # NaN / Infinity are not JSON
            raise ValueError(f"{word} is not JSON")
        msg = json.loads(line.decode("utf-8"), parse_constant=reject_constant)
    except (ValueError, RecursionError) as e:  # UnicodeDecodeError and JSONDecodeError included
        return malformed(None, f"unparsable request: {type(e).__name__}: {e}"), False
    if not isinstance(msg, dict):
        return malformed(None, "request is not a JSON object"), False
    seq = msg.get("seq")
    if type(seq) is not int:
        seq = None  # echoed only when it is a well-formed sequence number
    cmd = msg.get("cmd")

    if cmd == "shutdown":
        return None, True
    if cmd == "hello":
        versions = msg.get("protocol")
        if not (isinstance(versions, list) and len(versions) == 2
                and all(type(v) is int for v in versions)):
            return malformed(seq, "hello needs protocol: [min, max]"), False
        if not versions[0] <= PROTOCOL_VERSION <= versions[1]:
            return {"error": {"code": "PROTO_VERSION_UNSUPPORTED",
                              "message": f"this adapter speaks protocol {PROTOCOL_VERSION}"}}, True
        os_name, arch = platform_names()
        return {"protocol": PROTOCOL_VERSION,
                "implementation": dict(IMPLEMENTATION, os=os_name, arch=arch),
                "features": list(OPERATIONS)}, False
    if cmd == "run":
        if seq is None:
            return malformed(None, "run needs an integer seq"), False
        case = msg.get("case")
        if not isinstance(case, dict):
            return malformed(seq, "run needs a case object"), False
        return {"seq": seq, "result": run_case(case)}, False
    return malformed(seq, f"unknown cmd {cmd!r}"), False


def log(text):
    print(f"quorate-python: {text}", file=sys.stderr, flush=True)


def main():
    out = sys.stdout
    for line in sys.stdin.buffer:  # bytes: invalid UTF-8 must be answered, not crash the reader
        try:
            response, stop = handle(line)
            text = json.dumps(response, ensure_ascii=True) if response is not None else None
        except Exception as e:  # never die on a request (PROTO-022)
            log(f"internal error\n{traceback.format_exc()}")
            response, stop = malformed(None, f"{type(e).__name__}"), False
            text = json.dumps(response)
        if text is not None:
            out.write(text + "\n")
            out.flush()
        if stop:
            return 0
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (BrokenPipeError, KeyboardInterrupt):
        sys.exit(0)
