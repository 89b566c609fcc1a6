"""MTPScript values and ECMAScript primitive semantics (spec/mtpscript.md MTP-020, MTP-033).

Representation (MTP-020):
  undefined      UNDEFINED (a singleton)
  null           None
  boolean        bool
  number         float (IEEE-754 binary64; ints never appear)
  string         str of UTF-16 code units (see mtp_lex.to_utf16): len() is the ECMAScript
                 length, and str comparison is code-unit comparison
  array          JSArray (a list subclass: identity matters, equality is never asked)
  plain object   JSObject (a dict subclass, insertion-ordered; own_keys gives ECMAScript order)
  function       mtp_interp.Closure or Builtin

Number formatting is ECMAScript's Number::toString, which is also RFC 8785's: the rfc8785
package implements it for finite values.
"""

import math
import re
import struct

import rfc8785


class _Undefined:
    __slots__ = ()

    def __repr__(self):
        return "undefined"


UNDEFINED = _Undefined()


class JSArray(list):
    __slots__ = ()
    __hash__ = object.__hash__

    def __eq__(self, other):
        return self is other


class JSObject(dict):
    __slots__ = ()
    __hash__ = object.__hash__

    def __eq__(self, other):
        return self is other


def is_primitive(v):
    return v is UNDEFINED or v is None or isinstance(v, (bool, float, str))


def is_number(v):
    return type(v) is float


# --- strings ------------------------------------------------------------------------------------

def from_utf16(s):
    """UTF-16 string -> Python str; lone surrogates stay (as surrogate code points)."""
    return s.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


def has_lone_surrogate(s):
    i, n = 0, len(s)
    while i < n:
        o = ord(s[i])
        if 0xD800 <= o <= 0xDBFF:
            if i + 1 < n and 0xDC00 <= ord(s[i + 1]) <= 0xDFFF:
                i += 2
                continue
            return True
        if 0xDC00 <= o <= 0xDFFF:
            return True
        i += 1
    return False


# --- numbers ------------------------------------------------------------------------------------

def number_to_string(x):
    """ECMAScript Number::toString(x) (radix 10)."""
    if math.isnan(x):
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return rfc8785.dumps(x).decode("ascii")  # -0 -> "0", as ECMAScript


_JS_SPACE = "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009" \
            "\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_DECIMAL = re.compile(r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|Infinity)")


def string_to_number(s):
    """ECMAScript StringToNumber."""
    t = s.strip(_JS_SPACE)
    if t == "":
        return 0.0
    if len(t) > 2 and t[0] == "0" and t[1] in "xXoObB":
        digits = {"x": "0123456789abcdefABCDEF", "o": "01234567", "b": "01"}[t[1].lower()]
        if all(c in digits for c in t[2:]):
            return float(int(t[2:], {"x": 16, "o": 8, "b": 2}[t[1].lower()]))
        return math.nan
    if _DECIMAL.fullmatch(t):
        if t.endswith("Infinity"):
            return -math.inf if t[0] == "-" else math.inf
        return float(t)
    return math.nan


def to_number(v):
    """ToNumber on a primitive (callers have checked MTP-033)."""
    if type(v) is float:
        return v
    if v is UNDEFINED:
        return math.nan
    if v is None:
        return 0.0
    if v is True:
        return 1.0
    if v is False:
        return 0.0
    return string_to_number(v)


def to_string(v):
    """ToString on a primitive."""
    if type(v) is str:
        return v
    if type(v) is float:
        return number_to_string(v)
    if v is UNDEFINED:
        return "undefined"
    if v is None:
        return "null"
    return "true" if v else "false"


def to_boolean(v):
    if v is UNDEFINED or v is None:
        return False
    if type(v) is bool:
        return v
    if type(v) is float:
        return not (v == 0 or math.isnan(v))
    if type(v) is str:
        return len(v) > 0
    return True


def to_int32(x):
    if math.isnan(x) or math.isinf(x):
        return 0
    n = int(x) & 0xFFFFFFFF
    return n - (1 << 32) if n >= 1 << 31 else n


def to_uint32(x):
    if math.isnan(x) or math.isinf(x):
        return 0
    return int(x) & 0xFFFFFFFF


def is_integral(x):
    return type(x) is float and math.isfinite(x) and x == math.floor(x)


def js_mod(a, b):
    if math.isnan(a) or math.isnan(b) or math.isinf(a) or b == 0:
        return math.nan
    if math.isinf(b):
        return a
    if a == 0:
        return a
    return math.fmod(a, b)


def js_div(a, b):
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        neg = (math.copysign(1, a) < 0) != (math.copysign(1, b) < 0)
        return -math.inf if neg else math.inf
    return a / b


def _odd_integer(y):
    return math.isfinite(y) and y == math.floor(y) and math.fmod(y, 2) != 0


def js_pow(b, e):
    """ECMAScript Number::exponentiate."""
    if math.isnan(e):
        return math.nan
    if e == 0:
        return 1.0
    if math.isnan(b):
        return math.nan
    if abs(b) == 1 and math.isinf(e):
        return math.nan
    if b == 0:
        neg = math.copysign(1, b) < 0 and _odd_integer(e)
        if e > 0:
            return -0.0 if neg else 0.0
        return -math.inf if neg else math.inf
    if b < 0 and math.isfinite(b) and math.isfinite(e) and e != math.floor(e):
        return math.nan
    try:
        return math.pow(b, e)
    except OverflowError:
        return -math.inf if b < 0 and _odd_integer(e) else math.inf
    except ValueError:
        return math.nan


def js_round(x):
    if not math.isfinite(x) or x == math.floor(x):
        return x
    if -0.5 <= x < 0:
        return -0.0
    r = math.floor(x)
    return float(r + 1) if x - r >= 0.5 else float(r)


def js_trunc(x):
    if not math.isfinite(x) or x == math.floor(x):
        return x
    r = float(math.trunc(x))
    return -0.0 if r == 0 and x < 0 else r


def js_ceil(x):
    if not math.isfinite(x) or x == math.floor(x):
        return x
    r = float(math.ceil(x))
    return -0.0 if r == 0 and x < 0 else r


def js_floor(x):
    if not math.isfinite(x) or x == math.floor(x):
        return x
    return float(math.floor(x))


def js_sign(x):
    if math.isnan(x) or x == 0:
        return x
    return 1.0 if x > 0 else -1.0


def js_sqrt(x):
    if math.isnan(x) or x < 0:
        return math.nan
    if math.isinf(x):
        return x
    return math.sqrt(x)


def js_min(xs):
    r = math.inf
    for x in xs:
        if math.isnan(x):
            return math.nan
        if x < r or (x == 0 and r == 0 and math.copysign(1, x) < 0):
            r = x
    return r


def js_max(xs):
    r = -math.inf
    for x in xs:
        if math.isnan(x):
            return math.nan
        if x > r or (x == 0 and r == 0 and math.copysign(1, x) > 0):
            r = x
    return r


def strict_equals(a, b):
    """ECMAScript IsStrictlyEqual for operands at least one of which is primitive."""
    if type(a) is float and type(b) is float:
        return a == b
    if type(a) is not type(b):
        return False
    if type(a) in (str, bool):
        return a == b
    return a is b


def array_index(key):
    """The array index a property key (string) names, or None (canonical numeric string
    below 2^32 - 1)."""
    if key == "0":
        return 0
    if key and key[0] in "123456789" and key.isdigit() and key.isascii():
        i = int(key)
        if i < 2**32 - 1:
            return i
    return None


def own_keys(obj):
    """ECMAScript [[OwnPropertyKeys]] order for a plain object: array indexes ascending, then
    the other string keys in insertion order."""
    idx, rest = [], []
    for k in obj:
        i = array_index(k)
        (idx.append((i, k)) if i is not None else rest.append(k))
    idx.sort()
    return [k for _, k in idx] + rest


def bits(x):
    return struct.pack(">d", x)
