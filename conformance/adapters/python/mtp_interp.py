"""MTPScript tree-walking interpreter with exact Annex A gas (spec/mtpscript.md §3, §4, §7).

Every charge of Annex A is made by `Interp.charge` at the point of ECMAScript evaluation order
the table names; a charge that does not fit raises GasExhausted with the total applied before it
(MTP-051). Depth counts activations (MTP-052); tail calls (MTP-053, marked `tail` by
mtp_validate) are returned to the caller's trampoline as TailCall objects, so they cost 0 and
leave the depth unchanged.
"""

import hashlib
import math
import operator
import time

import mtp_value as V
from mtp_builtins import ARRAY_METHODS, NAMESPACES, STRING_METHODS, arg, string_ctor
from mtp_lex import to_utf16
from mtp_runtime import (  # noqa: F401 (the outcomes are re-exported for mtp_ops)
    DEADLINE_SECONDS, DEPTH_LIMIT, MAX_STRING, TDZ, Builtin, Closure, DeadlineErr, DepthErr,
    EffectErr, Env, GasExhausted, MemoryErr, Namespace, Ret, RunError, RuntimeErr, TailCall,
    is_function)
from mtp_value import UNDEFINED, JSArray, JSObject


FLOAT_OPS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "<": operator.lt,
             ">": operator.gt, "<=": operator.le, ">=": operator.ge, "===": operator.eq,
             "!==": operator.ne}


# --- the interpreter --------------------------------------------------------------------------------

class Interp:
    def __init__(self, prog, gas_limit, seed=b"\0" * 32):
        self.prog = prog
        self.limit = gas_limit
        self.used = 0
        self.depth = 0
        self.seed = seed
        self.effects_on = False
        self.random_buf = b""
        self.random_block = 0
        self.logs = []
        # CPU time (robust on a loaded machine), and wall time just under the runner's 10 s
        self.deadline = time.process_time() + DEADLINE_SECONDS
        self.wall_deadline = time.monotonic() + max(DEADLINE_SECONDS, 9.5)
        self.ticks = 0
        self.globals = Env(None)
        g = self.globals.vars
        g["undefined"] = UNDEFINED
        g["NaN"] = math.nan
        g["Infinity"] = math.inf
        g["String"] = Builtin("String", string_ctor)
        for name, members in NAMESPACES.items():
            g[name] = Namespace(name, {k: Builtin(f"{name}.{k}", f) for k, f in members.items()})
        self.dispatch = {name[2:]: getattr(self, name) for name in dir(self) if name.startswith("e_")}
        self.bind(prog)

    def bind(self, root):
        """Give every expression node its handler (`ev`), so that evaluating it is one call."""
        todo = [root]
        while todo:
            n = todo.pop()
            h = self.dispatch.get(n.type)
            if h is not None:
                n.ev = h
            todo.extend(n.children())

    # --- gas ------------------------------------------------------------------------------------
    def charge(self, k):
        """MTP-050/051: apply k units, or stop with the total applied so far."""
        used = self.used + k
        if used > self.limit:
            raise GasExhausted(self.limit, self.used)
        self.used = used
        self.ticks += 1
        if not self.ticks & 0xFFFF and self.late():
            raise DeadlineErr()

    def late(self):
        return time.process_time() > self.deadline or time.monotonic() > self.wall_deadline

    def tick(self):
        self.ticks += 1
        if self.ticks & 0xFFFF == 0 and self.late():
            raise DeadlineErr()

    # --- effects (MTP-075) ------------------------------------------------------------------------
    def effect(self, args):
        if not self.effects_on:
            raise EffectErr()
        name, x = arg(args, 0), arg(args, 1)
        if name == "random":
            if not (V.is_integral(x) and 1 <= x <= 1024):
                raise EffectErr()
            n = int(x)
            self.charge(n)
            while len(self.random_buf) < n:
                self.random_buf += hashlib.sha256(
                    self.seed + b"mtpscript-random" + self.random_block.to_bytes(8, "big")).digest()
                self.random_block += 1
            out, self.random_buf = self.random_buf[:n], self.random_buf[n:]
            return out.hex()
        if name == "log":
            if type(x) is not str or len(x) > 4096 or len(self.logs) >= 64:
                raise EffectErr()
            self.charge(len(x))
            self.logs.append(x)
            return None
        raise EffectErr()

    # --- calls ------------------------------------------------------------------------------------
    def invoke(self, fn, args):
        """One activation of a user function (MTP-052), with the tail-call trampoline."""
        if self.depth + 1 > DEPTH_LIMIT:
            raise DepthErr()
        self.depth += 1
        try:
            while True:
                r = self.body(fn, args)
                if type(r) is TailCall:
                    self.tick()
                    fn, args = r.fn, r.args
                    if type(fn) is not Closure:
                        raise RuntimeErr("tail callee is not a function")
                    continue
                return r
        finally:
            self.depth -= 1

    def call_value(self, f, args):
        if type(f) is Closure:
            return self.invoke(f, args)
        if type(f) is Builtin:
            return f.fn(self, args)
        raise RuntimeErr("not a function")

    def callback(self, f, args):
        return self.call_value(f, args)

    def body(self, fn, args):
        node = fn.node
        env = Env(fn.env)
        params = node.params
        for i, p in enumerate(params):
            env.vars[p.name] = args[i] if i < len(args) else UNDEFINED
        if node.type == "ArrowFunctionExpression" and node.expression:
            return self.eval_tail(node.body, env)
        items = node.body.body
        self.hoist(node.body, items, env)
        for st in items:
            r = self.exec(st, env)
            if r is not None:
                return r.value
        return UNDEFINED

    def hoist(self, owner, items, env):
        """Enter a scope: let/const in their temporal dead zone, function declarations created
        (cost 0). The declarations of a statement list are collected once per node."""
        decls = owner.__dict__.get("_decls")
        if decls is None:
            names, fns = [], []
            for st in items:
                if st.type == "VariableDeclaration":
                    names.extend(d.id.name for d in st.declarations)
                elif st.type == "FunctionDeclaration":
                    fns.append(st)
            decls = owner._decls = (names, fns)
        names, fns = decls
        v = env.vars
        for name in names:
            v[name] = TDZ
        for st in fns:
            v[st.id.name] = Closure(st, env)

    def has_decls(self, block):
        d = block.__dict__.get("_has_decls")
        if d is None:
            d = block._has_decls = any(st.type in ("VariableDeclaration", "FunctionDeclaration")
                                       for st in block.body)
        return d

    # --- statements -------------------------------------------------------------------------------
    def exec(self, st, env):
        t = st.type
        if t == "ExpressionStatement":
            st.expression.ev(st.expression, env)
            return None
        if t == "VariableDeclaration":
            for d in st.declarations:
                if d.init is None:
                    env.vars[d.id.name] = UNDEFINED
                else:
                    v = d.init.ev(d.init, env)
                    self.charge(1)
                    env.vars[d.id.name] = v
            return None
        if t == "ReturnStatement":
            return Ret(UNDEFINED if st.argument is None else self.eval_tail(st.argument, env))
        if t == "IfStatement":
            c = st.test.ev(st.test, env)
            self.charge(1)
            if V.to_boolean(c):
                return self.exec(st.consequent, env)
            if st.alternate is not None:
                return self.exec(st.alternate, env)
            return None
        if t == "BlockStatement":
            if self.has_decls(st):
                inner = Env(env)
                self.hoist(st, st.body, inner)
            else:
                inner = env
            for x in st.body:
                r = self.exec(x, inner)
                if r is not None:
                    return r
            return None
        return None  # FunctionDeclaration (hoisted), EmptyStatement

    # --- expressions ------------------------------------------------------------------------------
    def eval(self, e, env):
        return e.ev(e, env)

    def eval_tail(self, e, env):
        if e.type == "ConditionalExpression":
            c = e.test.ev(e.test, env)
            self.charge(1)
            return self.eval_tail(e.consequent if V.to_boolean(c) else e.alternate, env)
        if e.type == "CallExpression" and getattr(e, "tail", False):
            f = e.callee.ev(e.callee, env)
            args = [a.ev(a, env) for a in e.arguments]
            return TailCall(f, args)
        return e.ev(e, env)

    def lookup(self, name, env):
        while env is not None:
            vs = env.vars
            if name in vs:
                v = vs[name]
                if v is TDZ:
                    raise RuntimeErr(f"{name} read before its declaration")
                return v
            env = env.parent
        raise RuntimeErr(f"unresolved {name}")  # excluded by the validator

    def assign_binding(self, name, value, env):
        while env is not None:
            if name in env.vars:
                if env.vars[name] is TDZ:
                    raise RuntimeErr(f"{name} assigned before its declaration")
                env.vars[name] = value
                return
            env = env.parent
        raise RuntimeErr(f"unresolved {name}")

    def e_Identifier(self, e, env):
        return self.lookup(e.name, env)

    def e_Literal(self, e, env):
        return e.value

    def e_ArrayExpression(self, e, env):
        vals = JSArray(x.ev(x, env) for x in e.elements)
        self.charge(1 + len(vals))
        return vals

    def e_ObjectExpression(self, e, env):
        pairs = []
        for p in e.properties:
            k = p.key
            if k.type == "Identifier":
                key = to_utf16(k.name)
            elif k.kind == "num":
                key = V.number_to_string(k.value)
            else:
                key = k.value
            pairs.append((key, p.value.ev(p.value, env)))
        self.charge(1 + len(pairs))
        o = JSObject()
        for key, v in pairs:
            o[key] = v
        return o

    def e_ArrowFunctionExpression(self, e, env):
        self.charge(1)
        return Closure(e, env)

    def e_UnaryExpression(self, e, env):
        v = e.argument.ev(e.argument, env)
        self.charge(1)
        op = e.operator
        if op == "!":
            return not V.to_boolean(v)
        if op == "typeof":
            if v is UNDEFINED:
                return "undefined"
            if v is None or isinstance(v, (JSArray, JSObject)):
                return "object"
            if type(v) is bool:
                return "boolean"
            if type(v) is float:
                return "number"
            if type(v) is str:
                return "string"
            return "function"
        if not V.is_primitive(v):
            raise RuntimeErr("operator on a non-primitive")
        n = V.to_number(v)
        if op == "-":
            return -n
        if op == "+":
            return n
        return float(~V.to_int32(n))

    def binary(self, op, a, b):
        """A binary operator on evaluated operands, with its charge (MTP-033, Annex A)."""
        if type(a) is float and type(b) is float:
            f = FLOAT_OPS.get(op)
            if f is not None:  # IEEE-754 operations and comparisons (NaN compares false)
                self.charge(1)
                return f(a, b)
        if op == "+":
            if V.is_primitive(a) and V.is_primitive(b):
                if type(a) is str or type(b) is str:
                    sa, sb = V.to_string(a), V.to_string(b)
                    self.charge(1 + len(sa) + len(sb))
                    if len(sa) + len(sb) > MAX_STRING:
                        raise MemoryErr()
                    return sa + sb
                self.charge(1)
                return V.to_number(a) + V.to_number(b)
            self.charge(1)
            raise RuntimeErr("+ on a non-primitive")
        self.charge(1)
        if op == "===" or op == "!==":
            if not V.is_primitive(a) and not V.is_primitive(b):
                raise RuntimeErr("=== between two non-primitives")
            r = V.strict_equals(a, b)
            return r if op == "===" else not r
        if not (V.is_primitive(a) and V.is_primitive(b)):
            raise RuntimeErr("operator on a non-primitive")
        if op in ("<", ">", "<=", ">="):
            if type(a) is str and type(b) is str:
                x, y = a, b
            else:
                x, y = V.to_number(a), V.to_number(b)
                if math.isnan(x) or math.isnan(y):
                    return False
            if op == "<":
                return x < y
            if op == ">":
                return x > y
            if op == "<=":
                return x <= y
            return x >= y
        x, y = V.to_number(a), V.to_number(b)
        if op == "-":
            return x - y
        if op == "*":
            return x * y
        if op == "/":
            return V.js_div(x, y)
        if op == "%":
            return V.js_mod(x, y)
        if op == "**":
            return V.js_pow(x, y)
        if op == "&":
            return float(V.to_int32(x) & V.to_int32(y))
        if op == "|":
            return float(V.to_int32(x) | V.to_int32(y))
        if op == "^":
            return float(V.to_int32(x) ^ V.to_int32(y))
        if op == "<<":
            r = (V.to_int32(x) << (V.to_uint32(y) & 31)) & 0xFFFFFFFF
            return float(r - (1 << 32) if r >= 1 << 31 else r)
        if op == ">>":
            return float(V.to_int32(x) >> (V.to_uint32(y) & 31))
        if op == ">>>":
            return float(V.to_uint32(x) >> (V.to_uint32(y) & 31))
        raise RuntimeErr(f"operator {op}")  # excluded by the validator

    def e_BinaryExpression(self, e, env):
        a = e.left.ev(e.left, env)
        b = e.right.ev(e.right, env)
        return self.binary(e.operator, a, b)

    def e_LogicalExpression(self, e, env):
        a = e.left.ev(e.left, env)
        self.charge(1)
        op = e.operator
        if op == "&&":
            return e.right.ev(e.right, env) if V.to_boolean(a) else a
        if op == "||":
            return a if V.to_boolean(a) else e.right.ev(e.right, env)
        return e.right.ev(e.right, env) if a is UNDEFINED or a is None else a

    def e_ConditionalExpression(self, e, env):
        c = e.test.ev(e.test, env)
        self.charge(1)
        return self.eval(e.consequent if V.to_boolean(c) else e.alternate, env)

    def key_of(self, e, env):
        """The property key of a member expression: a name, or the evaluated computed key."""
        return e.property.ev(e.property, env) if e.computed else to_utf16(e.property.name)

    def get_prop(self, o, k):
        """MTP-021."""
        if type(k) is str:
            key = k
        elif type(k) is float:
            key = V.number_to_string(k)
        else:
            raise RuntimeErr("property key is not a string or number")
        if isinstance(o, JSObject):
            return o.get(key, UNDEFINED)
        if isinstance(o, JSArray):
            if key == "length":
                return float(len(o))
            i = V.array_index(key)
            return o[i] if i is not None and i < len(o) else UNDEFINED
        if type(o) is str:
            if key == "length":
                return float(len(o))
            i = V.array_index(key)
            return o[i] if i is not None and i < len(o) else UNDEFINED
        if type(o) in (float, bool):
            return UNDEFINED
        if type(o) is Namespace and key in o.members:
            return o.members[key]
        raise RuntimeErr("property read on null, undefined or a function")

    def e_MemberExpression(self, e, env):
        o = e.object.ev(e.object, env)
        k = self.key_of(e, env)
        if type(o) is Namespace:
            # Annex A / A-034: a namespace member is resolved at compile time, like an
            # identifier, and costs 0 when read as a value.
            return self.get_prop(o, k)
        self.charge(1)
        return self.get_prop(o, k)

    def e_CallExpression(self, e, env):
        c = e.callee
        if c.type == "MemberExpression":
            o = c.object.ev(c.object, env)
            k = self.key_of(c, env)
            args = [a.ev(a, env) for a in e.arguments]
            self.charge(5)
            return self.method_call(o, k, args)
        f = c.ev(c, env)
        args = [a.ev(a, env) for a in e.arguments]
        self.charge(5)
        return self.call_value(f, args)

    def method_call(self, o, k, args):
        """MTP-023: resolve the method after the call charge."""
        if type(k) is float:
            k = V.number_to_string(k)
        elif type(k) is not str:
            raise RuntimeErr("method key is not a string or number")
        if type(o) is str:
            m = STRING_METHODS.get(k)
            if m is None:
                raise RuntimeErr(f"no string method {k}")
            return m(self, o, args)
        if isinstance(o, JSArray):
            m = ARRAY_METHODS.get(k)
            if m is None:
                raise RuntimeErr(f"no array method {k}")
            return m(self, o, args)
        if isinstance(o, JSObject):
            f = o.get(k, UNDEFINED)
            if not is_function(f):
                raise RuntimeErr(f"member {k} is not a function")
            return self.call_value(f, args)
        if type(o) is Namespace and k in o.members:
            return o.members[k].fn(self, args)
        raise RuntimeErr("method call on a value without methods")

    def put_prop(self, o, k, v):
        """MTP-022."""
        if type(k) is not str and type(k) is not float:
            raise RuntimeErr("property key is not a string or number")
        if isinstance(o, JSObject):
            key = k if type(k) is str else V.number_to_string(k)
            if key == "__proto__":
                raise RuntimeErr("__proto__ write")
            o[key] = v
            return
        if isinstance(o, JSArray):
            if type(k) is float and V.is_integral(k) and 0 <= k <= len(o):
                i = int(k)
                if i == len(o):
                    o.append(v)
                else:
                    o[i] = v
                return
            raise RuntimeErr("array write outside 0..=length")
        raise RuntimeErr("member write on a value that is not a plain object or array")

    def e_AssignmentExpression(self, e, env):
        left, op = e.left, e.operator
        if left.type == "MemberExpression":
            o = left.object.ev(left.object, env)
            k = self.key_of(left, env)
            v = e.right.ev(e.right, env)
            self.charge(1)
            self.put_prop(o, k, v)
            return v
        if op == "=":
            v = e.right.ev(e.right, env)
            self.charge(1)
            self.assign_binding(left.name, v, env)
            return v
        old = self.lookup(left.name, env)
        r = e.right.ev(e.right, env)
        v = self.binary(op[:-1], old, r)
        self.charge(1)
        self.assign_binding(left.name, v, env)
        return v

    def e_UpdateExpression(self, e, env):
        name = e.argument.name
        old = self.lookup(name, env)
        self.charge(2)
        if not V.is_primitive(old):
            raise RuntimeErr("update of a non-primitive")
        n = V.to_number(old)
        new = n + 1 if e.operator == "++" else n - 1
        self.assign_binding(name, new, env)
        return new if e.prefix else n

    # --- a run ------------------------------------------------------------------------------------
    def run(self, input_value):
        """Static initializers at depth 0, then main(input) at depth 1 (MTP-050, MTP-052)."""
        env = self.globals
        top = Env(env)
        self.hoist(self.prog, self.prog.body, top)
        for st in self.prog.body:
            self.exec(st, top)
        main = top.vars["main"]
        self.effects_on = True
        return self.invoke(main, [input_value])


def to_json(v, depth=0):
    """MTP-071: a result value -> Python JSON value (str, float, bool, None, list, dict), or None
    and False when the result is invalid."""
    if v is None or type(v) is bool:
        return v
    if type(v) is float:
        if not math.isfinite(v):
            raise ValueError("non-finite number")
        return v
    if type(v) is str:
        if V.has_lone_surrogate(v):
            raise ValueError("lone surrogate")
        return V.from_utf16(v)
    if isinstance(v, JSArray):
        if depth + 1 > 128:
            raise ValueError("too deep")
        return [to_json(x, depth + 1) for x in v]
    if isinstance(v, JSObject):
        if depth + 1 > 128:
            raise ValueError("too deep")
        out = {}
        for k, x in v.items():
            if V.has_lone_surrogate(k):
                raise ValueError("lone surrogate in a key")
            out[V.from_utf16(k)] = to_json(x, depth + 1)
        return out
    raise ValueError("undefined or a function")


def from_json(v):
    """A parsed input (canon_json.parse) -> fresh run values (MTP-070). Members are created in
    RFC 8785 order (UTF-16 code units), as the reference does (the spec leaves the order open;
    it shows in Object.keys), so the formatting of the input text does not matter."""
    if isinstance(v, dict):
        o = JSObject()
        for k16, x in sorted((to_utf16(k), x) for k, x in v.items()):
            o[k16] = from_json(x)
        return o
    if isinstance(v, list):
        return JSArray(from_json(x) for x in v)
    if isinstance(v, str):
        return to_utf16(v)
    if isinstance(v, bool) or v is None:
        return v
    return float(v) + 0.0  # the canonical form's number: -0 arrives as 0 (MTP-070)
