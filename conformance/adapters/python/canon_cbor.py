"""Deterministic CBOR (spec/canon.md §2) over the "typed CBOR" JSON model of §2.1.

Why not just cbor2? Its decoder interprets tags (2/3 become ints, 1 becomes a datetime, ...),
forgets float widths and collapses duplicate map keys, and it reports all problems as one
exception type, while the spec needs six distinct error codes in a precise order. Its encoder
takes Python values, where 1 == 1.0 == True collide as dict keys. So this module walks the bytes
itself and builds heads itself; cbor2 is used for what it does well here: choosing the shortest
exact float encoding (encoder) and judging whether a decoded float was shortest (decoder: re-encode
the value canonically and compare bytes).

Fault precedence (CANON-026) gives the structure of `decode`: four passes, each over the whole
first data item, each reporting the first fault it meets in reading order:
  1. well-formedness and depth (MALFORMED, TOO_DEEP): `check_well_formed`, iterative, so nesting of
     any depth is measured without recursion;
  2. canonical form and UTF-8 (NONCANONICAL, INVALID_UTF8): `_decode_item`, which also builds the
     typed value; it may recurse, as pass 1 has bounded the depth at 128;
  3. duplicate map keys (DUPLICATE_KEY), noted by pass 2 and reported only now;
  4. bytes after the item (TRAILING), whatever they are.
"""

import math
import re
import struct

import cbor2

from canon_common import CanonError, parse_hex

MAX_DEPTH = 128  # CANON-025: arrays, maps and tags each add one level


def _err(code, detail=""):
    return CanonError("CANON_CBOR_" + code, detail)


# ---------------------------------------------------------------------------------------------
# Encoding: typed JSON -> canonical bytes (CANON-020..022, -027, -028)

_INT = re.compile(r"-?(?:0|[1-9][0-9]*)")
_UINT = re.compile(r"0|[1-9][0-9]*")
_FLOAT_BITS = re.compile(r"[0-9a-f]{16}")
_SIMPLE_OK = set(range(0, 20)) | {23} | set(range(32, 256))


def _head(major, arg):
    """A major type and argument in the shortest form (RFC 7049 §3.9)."""
    if arg < 24:
        return bytes([major << 5 | arg])
    for ai, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | ai]) + arg.to_bytes(size, "big")
    raise _err("VALUE_INVALID", "argument out of range")


def _decimal(s, pattern, lo, hi):
    # The length bound keeps int() away from absurdly long strings.
    if not isinstance(s, str) or len(s) > 21 or not pattern.fullmatch(s) or s == "-0":
        raise _err("VALUE_INVALID", f"bad decimal {s!r}")
    n = int(s)
    if not lo <= n <= hi:
        raise _err("VALUE_INVALID", f"{s} out of range")
    return n


def _encode(v, dups):
    """Encode one typed value. Duplicate keys are noted in `dups` rather than raised, so that a
    malformed typed value anywhere in the input is reported first (VALUE_INVALID)."""
    if v is False or v is True or v is None:
        return {False: b"\xf4", True: b"\xf5", None: b"\xf6"}[v]
    if not isinstance(v, dict):
        raise _err("VALUE_INVALID", f"not a typed value: {type(v).__name__}")
    kind = tuple(sorted(v))
    if kind == ("int",):
        n = _decimal(v["int"], _INT, -(2**64), 2**64 - 1)
        return _head(0, n) if n >= 0 else _head(1, -1 - n)
    if kind == ("bytes",):
        if not isinstance(v["bytes"], str):
            raise _err("VALUE_INVALID", "bytes must be a hex string")
        b = parse_hex(v["bytes"], "CANON_CBOR_VALUE_INVALID")
        return _head(2, len(b)) + b
    if kind == ("text",):
        if not isinstance(v["text"], str):
            raise _err("VALUE_INVALID", "text must be a string")
        try:
            b = v["text"].encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate escaped in the request
            raise _err("VALUE_INVALID", "text is not Unicode scalar values")
        return _head(3, len(b)) + b
    if kind == ("array",):
        if not isinstance(v["array"], list):
            raise _err("VALUE_INVALID", "array must be a list")
        parts = [_head(4, len(v["array"]))]
        for x in v["array"]:  # a plain loop (not a generator): one Python frame per level
            parts.append(_encode(x, dups))
        return b"".join(parts)
    if kind == ("map",):
        entries = v["map"]
        if not isinstance(entries, list) or not all(
                isinstance(e, list) and len(e) == 2 for e in entries):
            raise _err("VALUE_INVALID", "map must be a list of [key, value] pairs")
        pairs = []
        for k, x in entries:
            pairs.append((_encode(k, dups), _encode(x, dups)))
        # CANON-020: length-first order: shorter encoded key first, then bytewise.
        pairs.sort(key=lambda kv: (len(kv[0]), kv[0]))
        if any(a[0] == b[0] for a, b in zip(pairs, pairs[1:])):
            dups.append(True)  # CANON-022
        return _head(5, len(pairs)) + b"".join(k + x for k, x in pairs)
    if kind == ("tag", "value"):
        n = _decimal(v["tag"], _UINT, 0, 2**64 - 1)
        return _head(6, n) + _encode(v["value"], dups)
    if kind == ("simple",):
        n = v["simple"]
        if type(n) is not int or n not in _SIMPLE_OK:
            raise _err("VALUE_INVALID", f"bad simple value {n!r}")
        return bytes([0xE0 | n]) if n < 24 else bytes([0xF8, n])
    if kind == ("float",):
        bits = v["float"]
        if not isinstance(bits, str) or not _FLOAT_BITS.fullmatch(bits):
            raise _err("VALUE_INVALID", "float must be 16 lowercase hex digits")
        f = struct.unpack(">d", bytes.fromhex(bits))[0]
        if math.isnan(f):
            return b"\xf9\x7e\x00"  # CANON-021: every NaN, whatever its sign and payload
        return cbor2.dumps(f, canonical=True)  # shortest of f9/fa/fb that is exact
    raise _err("VALUE_INVALID", f"unknown typed value {sorted(v)}")


def encode(value):
    dups = []
    out = _encode(value, dups)
    if dups:
        raise _err("DUPLICATE_KEY")
    return out


# ---------------------------------------------------------------------------------------------
# Decoding: bytes -> typed JSON (CANON-023..027)


def _read_head(data, pos):
    """Read one head. Returns (major, ai, argument, next position); the argument is None for
    additional information 31. Raises MALFORMED on truncation and on reserved values 28..30."""
    if pos >= len(data):
        raise _err("MALFORMED", "truncated")
    major, ai = data[pos] >> 5, data[pos] & 31
    if ai < 24:
        return major, ai, ai, pos + 1
    if ai <= 27:
        size = 1 << (ai - 24)
        if pos + 1 + size > len(data):
            raise _err("MALFORMED", "truncated argument")
        return major, ai, int.from_bytes(data[pos + 1 : pos + 1 + size], "big"), pos + 1 + size
    if ai == 31:
        return major, ai, None, pos + 1
    raise _err("MALFORMED", f"reserved additional information {ai}")


def check_well_formed(data):
    """Pass 1: RFC 8949 Appendix F well-formedness of the first data item (indefinite lengths are
    allowed here; they are a canonical-form fault, judged in pass 2), plus the depth limit. Returns
    where the item ends. Each stack entry counts the items a container still expects: [n] for a
    definite length, [None, is_map, items seen] for an indefinite one (ended by a break). The
    bottom entry stands for the top level, so len(stack) - 1 containers are open."""
    stack, pos = [[1]], 0
    while stack:
        top = stack[-1]
        if top[0] == 0:
            stack.pop()
            continue
        major, ai, arg, pos = _read_head(data, pos)
        if major == 7 and ai == 31:  # break
            if top[0] is not None or (top[1] and top[2] % 2):
                raise _err("MALFORMED", "misplaced break")
            stack.pop()
            continue
        if top[0] is None:
            top[2] += 1
        else:
            top[0] -= 1
        if ai == 31 and major in (0, 1, 6, 7):
            raise _err("MALFORMED", "indefinite length on a type without length")
        if major in (4, 5, 6) and len(stack) > MAX_DEPTH:  # this head opens level len(stack)
            raise _err("TOO_DEEP")
        if ai == 31 and major in (2, 3):  # chunks: definite strings of the same major type
            while True:
                cmajor, cai, carg, pos = _read_head(data, pos)
                if cmajor == 7 and cai == 31:
                    break
                if cmajor != major or cai == 31:
                    raise _err("MALFORMED", "bad chunk in indefinite-length string")
                pos += carg
                if pos > len(data):
                    raise _err("MALFORMED", "truncated chunk")
        elif ai == 31:  # indefinite array or map
            stack.append([None, major == 5, 0])
        elif major in (2, 3):
            pos += arg
            if pos > len(data):
                raise _err("MALFORMED", "truncated string")
        elif major == 4:
            stack.append([arg])
        elif major == 5:
            stack.append([2 * arg])  # keys and values
        elif major == 6:
            stack.append([1])
        elif major == 7 and ai == 24 and arg < 32:
            raise _err("MALFORMED", "two-byte simple value below 32")
    return pos


def _is_minimal(ai, arg):
    return ai < 24 or arg >= {24: 24, 25: 1 << 8, 26: 1 << 16, 27: 1 << 32}[ai]


def _decode_item(data, pos, dups):
    """Pass 2 over a well-formed item of depth <= 128: check canonical form and UTF-8 in reading
    order and build the typed value. Returns (value, end). Equal map keys are noted in `dups`."""
    start = pos
    major, ai, arg, pos = _read_head(data, pos)
    if ai == 31:
        raise _err("NONCANONICAL", "indefinite length")
    if major == 7:
        if ai in (25, 26, 27):
            fmt = {25: ">e", 26: ">f", 27: ">d"}[ai]
            f = struct.unpack(fmt, data[start + 1 : pos])[0]
            # Canonical iff re-encoding the value canonically gives the same bytes: this rejects
            # wider-than-needed floats and every NaN but f97e00.
            if cbor2.dumps(f, canonical=True) != data[start:pos]:
                raise _err("NONCANONICAL", "float not in its shortest form, or non-canonical NaN")
            bits = "7ff8000000000000" if math.isnan(f) else struct.pack(">d", f).hex()
            return {"float": bits}, pos
        return {20: False, 21: True, 22: None}.get(arg, {"simple": arg}), pos  # f820..f8ff minimal
    if not _is_minimal(ai, arg):
        raise _err("NONCANONICAL", "argument not in its shortest form")
    if major == 0:
        return {"int": str(arg)}, pos
    if major == 1:
        return {"int": str(-1 - arg)}, pos
    if major == 2:
        return {"bytes": data[pos : pos + arg].hex()}, pos + arg
    if major == 3:
        try:
            return {"text": data[pos : pos + arg].decode("utf-8")}, pos + arg
        except UnicodeDecodeError:
            raise _err("INVALID_UTF8")
    if major == 6:
        value, pos = _decode_item(data, pos, dups)
        return {"tag": str(arg), "value": value}, pos
    if major == 4:
        items = []
        for _ in range(arg):
            value, pos = _decode_item(data, pos, dups)
            items.append(value)
        return {"array": items}, pos
    # major == 5: keys must strictly increase in length-first order (CANON-020, -023)
    entries, previous = [], None
    for _ in range(arg):
        key_start = pos
        key, pos = _decode_item(data, pos, dups)
        order = (pos - key_start, data[key_start:pos])
        if previous is not None and order < previous:
            raise _err("NONCANONICAL", "map keys out of order")
        if order == previous:
            dups.append(key)  # reported in pass 3, after every canonical-form check
        previous = order
        value, pos = _decode_item(data, pos, dups)
        entries.append([key, value])
    return {"map": entries}, pos


def decode(data):
    end = check_well_formed(data)  # 1: MALFORMED, TOO_DEEP
    dups = []
    value, _ = _decode_item(data, 0, dups)  # 2: NONCANONICAL, INVALID_UTF8
    if dups:  # 3
        raise _err("DUPLICATE_KEY")
    if end != len(data):  # 4
        raise _err("TRAILING")
    return value
