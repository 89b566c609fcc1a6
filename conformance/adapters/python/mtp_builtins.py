"""MTPScript builtins (spec/mtpscript.md MTP-040): their domains (an argument outside one is a
runtime error) and their size charges (Annex A), *before* or *after* as the table says, always
after the domain check. `it` is the running mtp_interp.Interp (for charges, callbacks and
effects)."""

import math

import mtp_value as V
from mtp_runtime import MAX_STRING, MemoryErr, RuntimeErr, is_function
from mtp_value import UNDEFINED, JSArray, JSObject

def arg(args, i):
    return args[i] if i < len(args) else UNDEFINED


def need_number(v):
    if type(v) is not float:
        raise RuntimeErr("not a number")
    return v


def need_int(v):
    if not V.is_integral(v):
        raise RuntimeErr("not an integer-valued number")
    return v


def need_str(v):
    if type(v) is not str:
        raise RuntimeErr("not a string")
    return v


def rel_index(n, length):
    """ECMAScript's relative index clamp for slice."""
    if n < 0:
        return int(max(length + n, 0))
    return int(min(n, length))


def slice_bounds(args, length):
    start = rel_index(need_int(arg(args, 0)), length)
    end_arg = arg(args, 1)
    end = length if end_arg is UNDEFINED else rel_index(need_int(end_arg), length)
    return start, max(start, end)


def math_fn(f):
    return lambda it, args: f(need_number(arg(args, 0)))


def keys_of(o):
    if isinstance(o, JSObject):
        return V.own_keys(o)
    if isinstance(o, JSArray):
        return [str(i) for i in range(len(o))]
    raise RuntimeErr("not a plain object or array")


def value_of(o, k):
    return o[int(k)] if isinstance(o, JSArray) else o[k]


def object_keys(it, args):
    o = arg(args, 0)
    ks = keys_of(o)
    it.charge(len(ks))
    return JSArray(ks)


def object_values(it, args):
    o = arg(args, 0)
    ks = keys_of(o)
    r = JSArray(value_of(o, k) for k in ks)
    it.charge(len(ks))
    return r


def object_entries(it, args):
    o = arg(args, 0)
    ks = keys_of(o)
    r = JSArray(JSArray([k, value_of(o, k)]) for k in ks)
    it.charge(len(ks))
    return r


def string_ctor(it, args):
    if not args:
        r = ""
    else:
        x = args[0]
        if not V.is_primitive(x):
            raise RuntimeErr("String of a non-primitive")
        r = V.to_string(x)
    it.charge(len(r))
    return r


def is_integer(it, args):
    return V.is_integral(arg(args, 0))


def is_safe_integer(it, args):
    x = arg(args, 0)
    return V.is_integral(x) and abs(x) <= 9007199254740991


NAMESPACES = {
    "Math": {
        "abs": math_fn(abs), "floor": math_fn(V.js_floor), "ceil": math_fn(V.js_ceil),
        "trunc": math_fn(V.js_trunc), "sign": math_fn(V.js_sign), "sqrt": math_fn(V.js_sqrt),
        "round": math_fn(V.js_round),
        "min": lambda it, args: V.js_min([need_number(a) for a in args]),
        "max": lambda it, args: V.js_max([need_number(a) for a in args]),
    },
    "Number": {"isInteger": is_integer, "isSafeInteger": is_safe_integer},
    "Array": {"isArray": lambda it, args: isinstance(arg(args, 0), JSArray)},
    "Object": {"keys": object_keys, "values": object_values, "entries": object_entries},
    "Async": {"await": lambda it, args: it.effect(args)},
}


def str_slice(it, s, args):
    a, b = slice_bounds(args, len(s))
    r = s[a:b]
    it.charge(len(r))
    return r


def str_search(kind):
    def f(it, s, args):
        t = need_str(arg(args, 0))
        it.charge(len(s))
        if kind == "indexOf":
            return float(s.find(t))
        if kind == "includes":
            return t in s
        if kind == "startsWith":
            return s.startswith(t)
        return s.endswith(t)
    return f


def str_char_code_at(it, s, args):
    n = need_int(arg(args, 0))
    return float(ord(s[int(n)])) if 0 <= n < len(s) else math.nan


def str_repeat(it, s, args):
    n = need_int(arg(args, 0))
    if n < 0:
        raise RuntimeErr("negative repeat")
    it.charge(len(s) * int(n))
    if len(s) * n > MAX_STRING:
        raise MemoryErr()
    return s * int(n)


def str_split(it, s, args):
    t = need_str(arg(args, 0))
    it.charge(len(s))
    if t == "":
        return JSArray(list(s))
    return JSArray(s.split(t))


STRING_METHODS = {
    "slice": str_slice, "indexOf": str_search("indexOf"), "includes": str_search("includes"),
    "startsWith": str_search("startsWith"), "endsWith": str_search("endsWith"),
    "charCodeAt": str_char_code_at, "repeat": str_repeat, "split": str_split,
}


def arr_slice(it, a, args):
    x, y = slice_bounds(args, len(a))
    r = JSArray(a[x:y])
    it.charge(len(r))
    return r


def arr_concat(it, a, args):
    r = JSArray(a)
    for x in args:
        if isinstance(x, JSArray):
            r.extend(x)
        else:
            r.append(x)
    it.charge(len(r))
    return r


def arr_join(it, a, args):
    sep = arg(args, 0)
    sep = "," if sep is UNDEFINED else need_str(sep)
    parts = []
    for x in a:
        if not V.is_primitive(x):
            raise RuntimeErr("join of a non-primitive element")
        parts.append("" if x is UNDEFINED or x is None else V.to_string(x))
    size = sum(len(p) for p in parts) + len(sep) * max(len(parts) - 1, 0)
    it.charge(size)
    if size > MAX_STRING:
        raise MemoryErr()
    return sep.join(parts)


def need_function(v):
    if not is_function(v):
        raise RuntimeErr("not a function")
    return v


def arr_map(it, a, args):
    f = need_function(arg(args, 0))
    n = len(a)
    it.charge(5 * n)
    return JSArray(it.callback(f, [a[i], float(i), a]) for i in range(n))


def arr_filter(it, a, args):
    f = need_function(arg(args, 0))
    n = len(a)
    it.charge(5 * n)
    out = JSArray()
    for i in range(n):
        x = a[i]
        if V.to_boolean(it.callback(f, [x, float(i), a])):
            out.append(x)
    return out


def arr_reduce(it, a, args):
    f = need_function(arg(args, 0))
    if len(args) < 2:
        raise RuntimeErr("reduce needs an initial value")
    acc = args[1]
    n = len(a)
    it.charge(5 * n)
    for i in range(n):
        acc = it.callback(f, [acc, a[i], float(i), a])
    return acc


ARRAY_METHODS = {"slice": arr_slice, "concat": arr_concat, "join": arr_join, "map": arr_map,
                 "filter": arr_filter, "reduce": arr_reduce}
