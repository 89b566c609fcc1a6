"""The MTPScript operations of spec/protocol.md §6 ("MTPScript operations"), independent of the
Rust reference: gas-limit parsing (MTP-060), the seed (MTP-065), the content hash (MTP-082),
running a program (MTP-050..075, through mtp_validate and mtp_interp) and snapshot envelope
verification (MTP-080/081: deterministic CBOR + ECDSA P-256; bytecode is never executed here).

Each function takes the checked members of a case and returns the `ok` output or raises
CanonError with the spec code (adapter.py maps shapes to PROTO_CASE_INVALID).
"""

import hashlib
import re
import sys
import threading

import rfc8785

import canon_cbor
import canon_crypto
import canon_json
import mtp_interp
from canon_common import CanonError
from mtp_validate import CompileError, compile_program
from mtp_value import from_utf16

DEFAULT_GAS_LIMIT = 10_000_000  # MTP-060
MAX_GAS_LIMIT = 2_000_000_000
MAX_ID_BYTES = 1024  # MTP-065

COST_TABLE = {"arrayElement": 1, "arrayLiteral": 1, "arrow": 1, "assign": 1, "binary": 1, "call": 5,
              "callbackPerElement": 5, "conditional": 1, "declare": 1, "depthLimit": 128, "if": 1,
              "logical": 1, "memberWrite": 1, "objectLiteral": 1, "objectProperty": 1,
              "propertyRead": 1, "sizeUnit": 1, "tailCall": 0, "unary": 1, "update": 2,
              "version": "mtpscript-gas/1"}
COST_TABLE_HASH = hashlib.sha256(rfc8785.dumps(COST_TABLE)).digest()  # h(costs), Annex A
SNAPSHOT_FORMAT = "mtpscript.msqs/1"


def _f(b):
    """F(x) of MTP-065: 4-byte big-endian length, then x."""
    return len(b).to_bytes(4, "big") + b


def parse_gas_limit(text):
    """MTP-060: None (absent) -> default; else 1..=2e9 as 1-10 ASCII digits, no leading zero."""
    if text is None:
        return DEFAULT_GAS_LIMIT
    if not re.fullmatch(r"[1-9][0-9]{0,9}", text) or int(text) > MAX_GAS_LIMIT:
        raise CanonError("MTP_GAS_LIMIT_INVALID", "MTP_GAS_LIMIT must be 1..=2000000000")
    return int(text)


def check_gas_limit(n):
    if not 1 <= n <= MAX_GAS_LIMIT:
        raise CanonError("MTP_GAS_LIMIT_INVALID", "gas limit outside 1..=2000000000")
    return n


def context_bytes(s):
    try:
        b = s.encode("utf-8")
    except UnicodeEncodeError:
        raise CanonError("MTP_CONTEXT_INVALID", "identifier is not Unicode")
    if len(b) > MAX_ID_BYTES:
        raise CanonError("MTP_CONTEXT_INVALID", "identifier over 1024 bytes")
    return b


def content_hash(source_utf8):
    """MTP-082."""
    return hashlib.sha256(_f(b"mtpscript-content/1") + _f(COST_TABLE_HASH) + _f(source_utf8)).digest()


def seed(request_id, account_id, function_version, chash, gas_limit):
    """MTP-065 (the identifiers as bytes, chash 32 raw bytes, gas_limit an int)."""
    return hashlib.sha256(_f(request_id) + _f(account_id) + _f(function_version)
                          + _f(b"mtpscript-v5.1") + _f(chash) + _f(str(gas_limit).encode())).digest()


# --- mtp.run ---------------------------------------------------------------------------------------

def _in_big_stack(fn):
    """Run fn in a thread with a large stack and recursion limit (deep programs and deep
    expressions recurse in the parser and the interpreter)."""
    box = {}

    def target():
        try:
            box["value"] = fn()
        except BaseException as e:  # handed to the caller's thread
            box["error"] = e

    old_limit = sys.getrecursionlimit()
    old_size = threading.stack_size()
    threading.stack_size(512 * 1024 * 1024)
    sys.setrecursionlimit(400_000)
    try:
        t = threading.Thread(target=target)
        t.start()
        t.join()
    finally:
        sys.setrecursionlimit(old_limit)
        threading.stack_size(old_size)
    if "error" in box:
        raise box["error"]
    return box["value"]


def run(source, input_text, gas_limit=None, request_id="", account_id="", function_version=""):
    """mtp.run: returns {"body", "sha256", "gas_used", "code", "logs"}."""
    limit = DEFAULT_GAS_LIMIT if gas_limit is None else check_gas_limit(gas_limit)
    ids = [context_bytes(x) for x in (request_id, account_id, function_version)]
    try:
        source_utf8 = source.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: not UTF-8 text (MTP-001)
        raise CanonError("MTP_SYNTAX", "source is not UTF-8")
    # The input is parsed here, in the calling thread, where json's recursion limit is the
    # ordinary one canon_json relies on; its verdict is used only if the program compiles.
    try:
        input_value, input_error = canon_json.parse(input_text.encode("utf-8", "surrogatepass")), None
    except CanonError as e:
        input_value, input_error = None, e.code
    seed_bytes = seed(*ids, content_hash(source_utf8), limit)
    value, gas_used, logs, code = _in_big_stack(
        lambda: _execute(source, input_value, input_error, limit, seed_bytes))
    body = rfc8785.dumps(value)
    return {"body": body.decode("utf-8"), "sha256": hashlib.sha256(body).hexdigest(),
            "gas_used": gas_used, "code": code, "logs": logs}


def _execute(source, input_value, input_error, limit, seed_bytes):
    """Compile and run; returns (JSON value of the body, gasUsed, logs, error code or None)."""
    try:
        prog = compile_program(source)
    except CompileError as e:
        if e.code == "MTP_SYNTAX":
            raise CanonError("MTP_SYNTAX", "not a Script")
        return e.body(), 0, [], e.code
    if input_error is not None:
        return {"code": input_error, "error": "InputInvalid"}, 0, [], "MTP_INPUT_INVALID"
    it = mtp_interp.Interp(prog, limit, seed_bytes)

    def fail(name, code, **members):
        return (dict(members, error=name), it.used if "gasUsed" not in members else members["gasUsed"],
                [from_utf16(x) for x in it.logs], code)

    try:
        result = it.run(mtp_interp.from_json(input_value))
    except mtp_interp.GasExhausted as e:
        return fail("GasExhausted", "MTP_GAS_EXHAUSTED", **e.members)
    except mtp_interp.DepthErr:
        return fail("DepthExceeded", "MTP_DEPTH_EXCEEDED", depthLimit=128, gasUsed=it.used)
    except mtp_interp.RuntimeErr:
        return fail("RuntimeError", "MTP_RUNTIME_ERROR", gasUsed=it.used)
    except mtp_interp.EffectErr:
        return fail("EffectInvalid", "MTP_EFFECT_INVALID", gasUsed=it.used)
    except mtp_interp.DeadlineErr:
        raise CanonError("MTP_DEADLINE_EXCEEDED", "wall-clock backstop")
    except (mtp_interp.MemoryErr, MemoryError):
        raise CanonError("MTP_MEMORY_EXHAUSTED", "value too large for this implementation")
    try:
        value = mtp_interp.to_json(result)
    except ValueError:
        return fail("ResultInvalid", "MTP_RESULT_INVALID", gasUsed=it.used)
    return value, it.used, [from_utf16(x) for x in it.logs], None


# --- mtp.snapshot_verify ------------------------------------------------------------------------

def _malformed(detail):
    return CanonError("MTP_SNAPSHOT_MALFORMED", detail)


def _members(typed, names):
    """A typed CBOR map with exactly these text keys -> {name: typed value}."""
    if "map" not in typed:
        raise _malformed("not a map")
    out = {}
    for k, v in typed["map"]:
        if "text" not in k or k["text"] not in names:
            raise _malformed("unexpected member")
        out[k["text"]] = v
    if set(out) != set(names):
        raise _malformed("missing member")
    return out


def _bytes(typed, size=None):
    if "bytes" not in typed:
        raise _malformed("not a byte string")
    b = bytes.fromhex(typed["bytes"])
    if size is not None and len(b) != size:
        raise _malformed("wrong length")
    return b


def snapshot_verify(snapshot, public_key, engine, bytecode_version):
    """MTP-081, checks in order; returns the verified manifest and the bytecode's SHA-256."""
    try:
        typed = canon_cbor.decode(snapshot)
    except CanonError as e:
        raise _malformed(e.code)
    top = _members(typed, ("format", "manifest", "bytecode", "signature"))
    if "text" not in top["format"]:
        raise _malformed("format is not text")
    man = _members(top["manifest"], ("engine", "bytecodeVersion", "costTable", "source", "contentHash"))
    if ("text" not in man["engine"] or "int" not in man["bytecodeVersion"]
            or man["bytecodeVersion"]["int"].startswith("-")):  # an unsigned integer (as the reference)
        raise _malformed("engine or bytecodeVersion type")
    cost, src, chash = (_bytes(man[k], 32) for k in ("costTable", "source", "contentHash"))
    code = _bytes(top["bytecode"])
    sig = _bytes(top["signature"])  # a byte string; a length other than 64 fails verification
    if top["format"]["text"] != SNAPSHOT_FORMAT:
        raise _malformed("unknown format")
    unsigned = {"map": [entry for entry in typed["map"] if entry[0] != {"text": "signature"}]}
    try:  # a key that is not an uncompressed P-256 point verifies nothing (protocol.md §6)
        if len(public_key) != 65 or public_key[0] != 4:
            raise CanonError("CANON_SIG_INVALID", "not an uncompressed SEC1 key")
        canon_crypto.ecdsa_p256_verify(public_key, canon_cbor.encode(unsigned), sig)
    except CanonError:
        raise CanonError("MTP_SNAPSHOT_SIGNATURE_INVALID", "signature does not verify")
    version = int(man["bytecodeVersion"]["int"])
    if man["engine"]["text"] != engine or version != bytecode_version:
        raise CanonError("MTP_SNAPSHOT_ENGINE_MISMATCH", "engine or bytecode version differs")
    if cost != COST_TABLE_HASH:
        raise CanonError("MTP_SNAPSHOT_COST_TABLE_MISMATCH", "cost table differs")
    return {"engine": engine, "bytecode_version": version, "cost_table": cost.hex(),
            "source": src.hex(), "content_hash": chash.hex(),
            "bytecode_sha256": hashlib.sha256(code).hexdigest()}


# --- the operation table (spec/protocol.md §6, "MTPScript operations") ---------------------------
# Shapes first (PROTO-070): every member present with its JSON type, before any value is used.

def _case_invalid(why):
    return CanonError("PROTO_CASE_INVALID", why)


def _is_int(v):
    return type(v) is int


def _need(inp, name, check, what):
    if name not in inp or not check(inp[name]):
        raise _case_invalid(f"{name} must be {what}")
    return inp[name]


def _context(inp):
    out = []
    for name in ("request_id", "account_id", "function_version"):
        v = inp.get(name, "")
        if not isinstance(v, str):
            raise _case_invalid(f"{name} must be a string")
        out.append(v)
    return out


def op_gas_limit(inp):
    text = inp.get("text")
    if "text" in inp and not isinstance(text, str):
        raise _case_invalid("text must be a string")
    return parse_gas_limit(text if "text" in inp else None)


def op_seed(inp):
    ids = [_need(inp, n, lambda v: isinstance(v, str), "a string")
           for n in ("request_id", "account_id", "function_version")]
    chash = _need(inp, "content_hash", lambda v: isinstance(v, str), "a string")
    gas = _need(inp, "gas_limit", _is_int, "an integer")
    from canon_common import parse_hex
    chash = parse_hex(chash)  # CANON_HEX_INVALID (PROTO-070: hex is decoded after the shapes)
    if len(chash) != 32:
        raise _case_invalid("content_hash must be 32 bytes")
    ids = [context_bytes(x) for x in ids]  # the context, then the limit (as the reference)
    check_gas_limit(gas)
    return seed(*ids, chash, gas).hex()


def op_content_hash(inp):
    source = _need(inp, "source", lambda v: isinstance(v, str), "a string")
    return content_hash(source.encode("utf-8", "surrogatepass")).hex()


def op_run(inp):
    source = _need(inp, "source", lambda v: isinstance(v, str), "a string")
    text = _need(inp, "input", lambda v: isinstance(v, str), "a string")
    gas = inp.get("gas_limit")
    if gas is not None and not _is_int(gas):
        raise _case_invalid("gas_limit must be an integer")
    ctx = _context(inp)
    return run(source, text, gas, *ctx)


def op_snapshot_verify(inp):
    from canon_common import parse_hex
    snap = _need(inp, "snapshot", lambda v: isinstance(v, str), "a string")
    key = _need(inp, "public_key", lambda v: isinstance(v, str), "a string")
    engine = _need(inp, "engine", lambda v: isinstance(v, str), "a string")
    version = _need(inp, "bytecode_version", _is_int, "an integer")
    return snapshot_verify(parse_hex(snap), parse_hex(key), engine, version)


OPERATIONS = {
    "mtp.gas_limit": op_gas_limit,
    "mtp.seed": op_seed,
    "mtp.content_hash": op_content_hash,
    "mtp.run": op_run,
    "mtp.snapshot_verify": op_snapshot_verify,
}
