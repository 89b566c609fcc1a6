"""Canonical JSON (spec/canon.md §1): strict parsing, then RFC 8785 serialization.

Python's json module accepts RFC 8259 plus the words NaN, Infinity and -Infinity, keeps the last
of two duplicate names, lets lone surrogate escapes through, and recurses (so very deep input raises
RecursionError). So the checks run as CANON-018 orders them, each over the whole input, the first
failing check giving the code:

  1. size (CANON-010) and UTF-8 (CANON-011) on the raw bytes;
  2. grammar (CANON-012): json.loads, with parse_constant rejecting NaN/Infinity. Its hooks only
     record faults (duplicate names, numbers that overflow), because a later syntax error must
     still win. If json gives up with RecursionError (nesting of some hundreds of levels), the
     small iterative checker `check_syntax` below decides between SYNTAX and TOO_DEEP instead,
     since a syntax error anywhere in the text comes first;
  3. depth (CANON-013), then the recorded duplicate names (CANON-014), lone surrogates found by a
     walk over the value (CANON-015), and numbers that overflowed (CANON-016), in that order.

The value is then serialized by the `rfc8785` library. Every number is handed to it as a Python
float (JSON numbers are binary64 values; rfc8785 refuses ints beyond 2^53).
"""

import json
import math
import re
import struct

import rfc8785

from canon_common import CanonError

MAX_BYTES = 16 * 1024 * 1024  # CANON-010
MAX_DEPTH = 128  # CANON-013

_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_PLAIN = re.compile(r'[^"\\\x00-\x1f]*')  # string characters that need no attention
_HEX4 = re.compile(r"[0-9a-fA-F]{4}")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _syntax(detail):
    return CanonError("CANON_JSON_SYNTAX", detail)


def _skip_string(text, i):
    """text[i] is the opening quote; return the index after the closing quote."""
    i += 1
    while True:
        i = _PLAIN.match(text, i).end()
        if i >= len(text):
            raise _syntax("unterminated string")
        c = text[i]
        if c == '"':
            return i + 1
        if c != "\\":
            raise _syntax("raw control character in string")
        e = text[i + 1 : i + 2]
        if e and e in '"\\/bfnrt':
            i += 2
        elif e == "u" and _HEX4.fullmatch(text, i + 2, i + 6):
            i += 6
        else:
            raise _syntax("invalid escape")


def check_syntax(text):
    """Check that `text` is exactly one RFC 8259 JSON text; return its nesting depth (CANON-013).

    Used when json.loads gives up on deep nesting (and by selftest.py, to cross-check json.loads).
    An explicit stack of open brackets replaces recursion; `expect` says what may come next. The
    depth of the document is the largest number of simultaneously open brackets.
    """
    stack, depth, i, n = [], 0, 0, len(text)
    expect = "value"
    while True:
        i = _WS.match(text, i).end()
        if i == n:
            break
        c = text[i]
        if expect in ("value", "value_or_close"):
            if c == "]" and expect == "value_or_close":  # empty array
                stack.pop()
                i += 1
            elif c in "[{":
                stack.append(c)
                depth = max(depth, len(stack))
                expect = "value_or_close" if c == "[" else "key_or_close"
                i += 1
                continue
            elif c == '"':
                i = _skip_string(text, i)
            elif c == "-" or "0" <= c <= "9":
                m = _NUMBER.match(text, i)
                if not m:
                    raise _syntax("bad number")
                i = m.end()
            else:
                for word in ("true", "false", "null"):
                    if text.startswith(word, i):
                        i += len(word)
                        break
                else:
                    raise _syntax(f"unexpected character at {i}")
            expect = "comma_or_close" if stack else "end"
        elif expect in ("key", "key_or_close"):
            if c == "}" and expect == "key_or_close":  # empty object
                stack.pop()
                i += 1
                expect = "comma_or_close" if stack else "end"
            elif c == '"':
                i = _skip_string(text, i)
                expect = "colon"
            else:
                raise _syntax("expected a member name")
        elif expect == "colon":
            if c != ":":
                raise _syntax("expected ':'")
            i += 1
            expect = "value"
        elif expect == "comma_or_close":
            if c == ",":
                expect = "value" if stack[-1] == "[" else "key"
            elif c == {"[": "]", "{": "}"}[stack[-1]]:
                stack.pop()
                expect = "comma_or_close" if stack else "end"
            else:
                raise _syntax("expected ',' or a closing bracket")
            i += 1
        else:  # expect == "end": a complete value was followed by more than whitespace
            raise _syntax("trailing content")
    if expect != "end":
        raise _syntax("incomplete JSON text")
    return depth


def depth_of(value):
    """CANON-013 depth of a parsed value, without recursion (json may return ~1000 levels)."""
    deepest, todo = 0, [(value, 0)]
    while todo:
        v, d = todo.pop()
        if isinstance(v, dict):
            v = list(v.values())
        if isinstance(v, list):
            deepest = max(deepest, d + 1)
            todo.extend((x, d + 1) for x in v)
    return deepest


def parse(data, pad_spaces=0):
    """Strictly parse JSON bytes, followed by `pad_spaces` spaces (a protocol device that keeps
    size-limit vectors small), into Python values (numbers as floats). CANON-010..018."""
    if len(data) + pad_spaces > MAX_BYTES:  # checked before the padding is built
        raise CanonError("CANON_JSON_TOO_LARGE")
    data += b" " * pad_spaces
    try:
        text = data.decode("utf-8")  # strict: rejects overlongs, encoded surrogates, truncation
    except UnicodeDecodeError as e:
        raise CanonError("CANON_UTF8_INVALID", str(e))
    faults = set()

    def on_object(pairs):
        if len({name for name, _ in pairs}) != len(pairs):
            faults.add("CANON_JSON_DUPLICATE_KEY")
        return dict(pairs)

    def on_number(s):
        f = float(s)  # correctly rounded, half to even; underflow gives a signed zero
        if math.isinf(f):
            faults.add("CANON_JSON_NUMBER_RANGE")
        return f

    def on_constant(s):  # NaN, Infinity, -Infinity: not JSON
        raise _syntax(s)

    try:
        value = json.loads(text, object_pairs_hook=on_object, parse_float=on_number,
                           parse_int=on_number, parse_constant=on_constant)
    except json.JSONDecodeError as e:
        raise _syntax(str(e))
    except RecursionError:
        check_syntax(text)  # raises CANON_JSON_SYNTAX if there is a syntax error anywhere
        raise CanonError("CANON_JSON_TOO_DEEP")
    if depth_of(value) > MAX_DEPTH:
        raise CanonError("CANON_JSON_TOO_DEEP")

    # Python's json joins an escaped high+low surrogate pair into one code point and keeps any
    # other surrogate escape as a lone surrogate in the str. Raw surrogates cannot occur (the UTF-8
    # decoder rejected them), so any surrogate left in a name or string came from a lone escape.
    def has_lone_surrogate(v):
        if isinstance(v, str):
            return _SURROGATE.search(v) is not None
        if isinstance(v, list):
            return any(has_lone_surrogate(x) for x in v)
        if isinstance(v, dict):
            return any(has_lone_surrogate(k) or has_lone_surrogate(x) for k, x in v.items())
        return False

    if has_lone_surrogate(value):
        faults.add("CANON_JSON_LONE_SURROGATE")
    for code in ("CANON_JSON_DUPLICATE_KEY", "CANON_JSON_LONE_SURROGATE", "CANON_JSON_NUMBER_RANGE"):
        if code in faults:  # CANON-018 order: CANON-014, then CANON-015, then CANON-016
            raise CanonError(code)
    return value


def canonicalize(data, pad_spaces=0):
    """JSON bytes -> canonical JSON text (CANON-001..005)."""
    return rfc8785.dumps(parse(data, pad_spaces)).decode("utf-8")


def number(bits):
    """A binary64 bit pattern (int) -> its ECMAScript Number::toString text (CANON-004, -017)."""
    f = struct.unpack(">d", struct.pack(">Q", bits))[0]
    if math.isnan(f) or math.isinf(f):
        raise CanonError("CANON_JSON_NUMBER_RANGE")
    return rfc8785.dumps(f).decode("ascii")
