"""Deterministic CBOR (spec/canon.md §2) over the "typed CBOR" JSON model of §2.1.

Why not just cbor2? Its decoder interprets tags (2/3 become ints, 1 becomes a datetime, ...),
forgets float widths and collapses duplicate map keys, and it reports all problems as one
exception type, while the spec needs six distinct error codes in a precise order. Its encoder
takes Python values, where 1 == 1.0 == True collide as dict keys. So this module walks the bytes
itself and builds heads itself; cbor2 is used for what it does well here: choosing the shortest
exact float encoding (encoder) and judging whether a decoded float was shortest (decoder: re-encode
the value canonically and compare bytes).

Fault precedence (CANON-026), as implemented: a single left-to-right, depth-first pass stops at
the first fault it meets, except that "within one data item, well-formedness is checked before
canonical form, which is checked before duplicate keys" is applied like this: before reporting
NONCANONICAL or DUPLICATE_KEY for an item (the item whose head is not shortest or is indefinite,
the float that is too wide, the map whose keys are out of order or repeated), that whole item,
with everything nested in it, is checked for well-formedness (RFC 8949 Appendix F), and MALFORMED
is reported if that fails. A key that is itself not canonical is reported NONCANONICAL when it
is read, before it is compared with the previous key. A container or tag nested deeper than 128
levels is TOO_DEEP, checked after its head's canonical form. Bytes after the first item: TRAILING.
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
        out = _head(4, len(v["array"]))
        for x in v["array"]:  # a plain loop: one Python frame per nesting level
            out += _encode(x, dups)
        return out
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


def well_formed_end(data, pos):
    """RFC 8949 Appendix F: check the data item at `pos` for well-formedness (indefinite lengths
    allowed) and return where it ends; raise MALFORMED otherwise. Iterative, so that nesting of
    any depth is fine. Each stack entry counts the items a container still expects: an int for
    definite lengths, or [None, is_map, items seen] for indefinite ones (ended by a break)."""
    stack = [[1]]
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
        if ai == 31:
            if major in (0, 1, 6, 7):
                raise _err("MALFORMED", "indefinite length on a type without length")
            if major in (2, 3):  # chunks: definite strings of the same major type, then break
                while True:
                    cmajor, cai, carg, pos = _read_head(data, pos)
                    if cmajor == 7 and cai == 31:
                        break
                    if cmajor != major or cai == 31:
                        raise _err("MALFORMED", "bad chunk in indefinite-length string")
                    pos += carg
                    if pos > len(data):
                        raise _err("MALFORMED", "truncated chunk")
            else:
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


def _decode_item(data, pos, level):
    """Decode the item at `pos`, which is nested inside `level` containers/tags."""
    start = pos
    major, ai, arg, pos = _read_head(data, pos)

    def noncanonical(detail):
        well_formed_end(data, start)  # well-formedness of the whole item comes first
        return _err("NONCANONICAL", detail)

    if ai == 31:
        if major in (0, 1, 6, 7):  # 0xff here is a break outside any indefinite item
            raise _err("MALFORMED", "break or indefinite length where not allowed")
        raise noncanonical("indefinite length")

    if major == 7:
        if ai == 24 and arg < 32:
            raise _err("MALFORMED", "two-byte simple value below 32")
        if ai in (25, 26, 27):
            fmt = {25: ">e", 26: ">f", 27: ">d"}[ai]
            f = struct.unpack(fmt, data[start + 1 : pos])[0]
            # Canonical iff re-encoding the value canonically gives the same bytes: this rejects
            # wider-than-needed floats and every NaN but f97e00.
            if cbor2.dumps(f, canonical=True) != data[start:pos]:
                raise noncanonical("float not in its shortest form, or non-canonical NaN")
            bits = "7ff8000000000000" if math.isnan(f) else struct.pack(">d", f).hex()
            return {"float": bits}, pos
        return {20: False, 21: True, 22: None}.get(arg, {"simple": arg}), pos

    if major in (2, 3) and pos + arg > len(data):
        raise _err("MALFORMED", "truncated string")  # checked before the head's minimality
    if not _is_minimal(ai, arg):
        raise noncanonical("argument not in its shortest form")
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

    if level + 1 > MAX_DEPTH:
        raise _err("TOO_DEEP")
    if major == 6:
        value, pos = _decode_item(data, pos, level + 1)
        return {"tag": str(arg), "value": value}, pos
    if major == 4:
        items = []
        for _ in range(arg):  # a huge count on short input ends in MALFORMED (truncated)
            value, pos = _decode_item(data, pos, level + 1)
            items.append(value)
        return {"array": items}, pos
    # major == 5: keys must strictly increase in length-first order (CANON-020, -023, -025)
    entries, previous = [], None
    for _ in range(arg):
        key_start = pos
        key, pos = _decode_item(data, pos, level + 1)
        key_bytes = data[key_start:pos]
        if previous is not None:
            order = (len(key_bytes), key_bytes)
            if order == previous:
                well_formed_end(data, start)  # the whole map must be well-formed first
                raise _err("DUPLICATE_KEY")
            if order < previous:
                raise noncanonical("map keys out of order")
        previous = (len(key_bytes), key_bytes)
        value, pos = _decode_item(data, pos, level + 1)
        entries.append([key, value])
    return {"map": entries}, pos


def decode(data):
    value, end = _decode_item(data, 0, 0)
    if end != len(data):
        raise _err("TRAILING")
    return value
