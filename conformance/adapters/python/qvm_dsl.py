"""The QuorumVM DSL (spec/dsl.md): compiler to the IR of DSL-040, and the IR read back from JSON.

    input x            # an input wire
    const c = 7        # a public constant, reduced mod p
    secret s           # the program's secret S_v (at most one)
    add t = x c        # add | sub | mul <wire> = <wire> <wire>
    mul y = t t
    output y           # exactly one

The compiler collects diagnostics (code, line, col) and the op reports the first one (lowest line,
then column). Columns count characters from 1.
"""

import re

from canon_common import CanonError
import qvm_field as F

FORMAT = "quorumvm.ir/1"
KEYWORDS = ("input", "const", "secret", "add", "sub", "mul", "output")
BINOPS = ("add", "sub", "mul")
MAX_NAME = 64
MAX_STATEMENTS = 10_000
MAX_SOURCE_BYTES = 1024 * 1024
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def valid_name(s):
    return isinstance(s, str) and len(s) <= MAX_NAME and _NAME.fullmatch(s) is not None \
        and s not in KEYWORDS


# --- the IR --------------------------------------------------------------------------------------

class Ir:
    """The IR of DSL-040..045. Nodes in source order. Each node: {"id", "type" (input|const|secret|op), "op" (add|sub|mul
    or None), "args" (operand indices), "value" (int for const, else None)}. Derived per node:
    `public` and `depth`; for the program: mul_count, mul_depth, inputs, secret."""

    def __init__(self, nodes, output):
        self.nodes, self.output = nodes, output
        self.index = {n["id"]: i for i, n in enumerate(nodes)}
        self.public, self.depth, self.secure = [], [], []
        for n in nodes:
            if n["type"] == "op":
                l, r = n["args"]
                pub = self.public[l] and self.public[r]
                base = max(self.depth[l], self.depth[r])
                secure = n["op"] == "mul" and not self.public[l] and not self.public[r]
                self.public.append(pub)
                self.depth.append(base + 1 if secure else base)
                self.secure.append(secure)
            else:
                self.public.append(n["type"] == "const")
                self.depth.append(0)
                self.secure.append(False)
        self.mul_count = sum(self.secure)
        # DSL-043/044: counts and depth over all nodes, not only those the output depends on.
        self.mul_depth = max(self.depth, default=0)
        self.inputs = [n["id"] for n in nodes if n["type"] == "input"]
        secrets = [n["id"] for n in nodes if n["type"] == "secret"]
        self.secret = secrets[0] if secrets else None

    def metadata(self):
        return {"node_count": len(self.nodes), "mul_count": self.mul_count,
                "mul_depth": self.mul_depth, "inputs": list(self.inputs), "secret": self.secret}

    def to_json(self):
        nodes = []
        for n in self.nodes:
            nodes.append({"id": n["id"], "type": n["type"], "op": n["op"],
                          "inputs": [self.nodes[a]["id"] for a in n["args"]],
                          "value": F.to_json(n["value"]) if n["type"] == "const" else None})
        return {"format": FORMAT, "nodes": nodes, "output_node_id": self.nodes[self.output]["id"],
                "metadata": self.metadata()}


def _ir_invalid(detail, code):
    return CanonError(code, detail)


def _exact_keys(obj, keys, what, code):
    if not isinstance(obj, dict) or set(obj) != set(keys):
        raise _ir_invalid(f"{what} must be an object with exactly {sorted(keys)}", code)


def ir_from_json(v, code="DSL_IR_INVALID"):
    """DSL-050: validate an IR given as JSON -> Ir, else raise `code` (DSL_IR_INVALID; the
    QuorumVM operations pass their own code). The checks of DSL-050 1..6: exactly the members of
    DSL-040 at each level; 1 to 9,999 nodes; ids are valid names, unique; operands name earlier
    nodes; a const value is the FIELD-002 form; at most one secret; output_node_id names a node;
    metadata equals the recomputed metadata, numbers compared as numbers."""
    _exact_keys(v, ("format", "nodes", "output_node_id", "metadata"), "the IR", code)
    if v["format"] != FORMAT:
        raise _ir_invalid("format", code)
    raw = v["nodes"]
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_STATEMENTS - 1:
        raise _ir_invalid("nodes must be an array of 1 to 9,999 nodes", code)
    nodes, index, has_secret = [], {}, False
    for n in raw:
        _exact_keys(n, ("id", "type", "op", "inputs", "value"), "a node", code)
        nid, typ, op, ins, val = n["id"], n["type"], n["op"], n["inputs"], n["value"]
        if not valid_name(nid):
            raise _ir_invalid(f"node id {nid!r}", code)
        if nid in index:
            raise _ir_invalid(f"node id {nid!r} twice", code)
        if typ in ("input", "secret", "const"):
            if op is not None or ins != [] or not isinstance(ins, list):
                raise _ir_invalid(f"node {nid}: op must be null and inputs []", code)
            if typ == "const":
                if not isinstance(val, str) or not re.fullmatch(r"0|[1-9][0-9]{0,38}", val) \
                        or int(val) >= F.P:
                    raise _ir_invalid(f"node {nid}: value must be a canonical element", code)
                value = int(val)
            else:
                if val is not None:
                    raise _ir_invalid(f"node {nid}: value must be null", code)
                value = None
            if typ == "secret":
                if has_secret:
                    raise _ir_invalid("two secret nodes", code)
                has_secret = True
            args = []
        elif typ == "op":
            if op not in BINOPS or val is not None:
                raise _ir_invalid(f"node {nid}: op must be add|sub|mul and value null", code)
            if not isinstance(ins, list) or len(ins) != 2 or not all(
                    isinstance(a, str) and a in index for a in ins):
                raise _ir_invalid(f"node {nid}: inputs must name two earlier nodes", code)
            args, value = [index[a] for a in ins], None
        else:
            raise _ir_invalid(f"node {nid}: type {typ!r}", code)
        index[nid] = len(nodes)
        nodes.append({"id": nid, "type": typ, "op": op, "args": args, "value": value})
    out = v["output_node_id"]
    if not isinstance(out, str) or out not in index:
        raise _ir_invalid("output_node_id must name a node", code)
    ir = Ir(nodes, index[out])
    meta = v["metadata"]
    _exact_keys(meta, ("node_count", "mul_count", "mul_depth", "inputs", "secret"), "metadata", code)
    if not json_equal(meta, ir.metadata()):
        raise _ir_invalid("metadata differs from the recomputed metadata", code)
    return ir


def _is_number(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def json_equal(a, b):
    """Equality as JSON values, numbers compared as numbers (1.0 equals 1; true is not 1)."""
    if _is_number(a) and _is_number(b):
        return a == b
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b))
    return a == b


# --- the compiler (spec/dsl.md §1..§4) -----------------------------------------------------------

class CompileFailed(Exception):
    def __init__(self, diagnostics):
        super().__init__(diagnostics[0])
        self.diagnostics = diagnostics  # sorted list of (line, col, code, message)


_FIRST = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_REST = _FIRST | frozenset("0123456789")
_INTEGER_FORM = re.compile(r"-?[0-9]+")


class _Slot(Exception):
    """A slot diagnostic: the line's only one (DSL-011)."""

    def __init__(self, col, code, message):
        super().__init__(message)
        self.col, self.code = col, code


def split_lines(source):
    """DSL-003: lines end at LF; a CR immediately before an LF belongs to the terminator."""
    lines = source.split("\n")
    return [l[:-1] if i < len(lines) - 1 and l.endswith("\r") else l for i, l in enumerate(lines)]


def line_code(line):
    """DSL-004: the part of a line before its first '#'."""
    cut = line.find("#")
    return line if cut < 0 else line[:cut]


def tokens(code):
    """DSL-006: maximal runs of characters other than space and tab, as (text, col)."""
    return [(m.group(), m.start() + 1) for m in re.finditer(r"[^ \t]+", code)]


def check_identifier(tok, col):
    """DSL-013, DSL-014, DSL-015, in that order."""
    if tok[0] not in _FIRST:
        raise _Slot(col, "DSL_IDENTIFIER_INVALID", f"{tok!r} does not start with a letter or _")
    for i, ch in enumerate(tok):
        if ch not in _REST:
            raise _Slot(col + i, "DSL_IDENTIFIER_INVALID", f"{ch!r} in {tok!r}")
    if len(tok) > MAX_NAME:
        raise _Slot(col, "DSL_IDENTIFIER_TOO_LONG", f"{len(tok)} characters")
    if tok in KEYWORDS:
        raise _Slot(col, "DSL_RESERVED_WORD", f"{tok!r} is a keyword")


_SLOTS = {"input": ("name",), "secret": ("name",), "const": ("name", "=", "integer"),
          "add": ("name", "=", "operand", "operand"), "sub": ("name", "=", "operand", "operand"),
          "mul": ("name", "=", "operand", "operand"), "output": ("operand",)}
_MISSING = {"name": "DSL_MISSING_NAME", "=": "DSL_EXPECTED_EQUALS", "integer": "DSL_MISSING_VALUE",
            "operand": "DSL_MISSING_OPERAND"}


def parse_statement(toks):
    """§3: one statement line's tokens -> (keyword, name or None, [(operand, col)], value), or
    raise _Slot with the line's only diagnostic."""
    kw, kcol = toks[0]
    if kw not in KEYWORDS:
        raise _Slot(kcol, "DSL_UNKNOWN_STATEMENT", f"unknown statement {kw!r}")
    end = toks[-1][1] + len(toks[-1][0])  # the end of the statement (DSL-011)
    name, operands, value = None, [], None
    for i, slot in enumerate(_SLOTS[kw], 1):
        tok, col = toks[i] if i < len(toks) else (None, end)
        if tok is None or (tok == "=" and slot != "="):
            raise _Slot(col, _MISSING[slot], f"{slot} missing")
        if slot == "=":
            if tok != "=":
                raise _Slot(col, "DSL_EXPECTED_EQUALS", f"expected '=', found {tok!r}")
        elif slot == "integer":
            if not _INTEGER_FORM.fullmatch(tok):
                raise _Slot(col, "DSL_INTEGER_INVALID", f"{tok!r} is not an integer")
            if len(tok.lstrip("-")) > 200:
                raise _Slot(col, "DSL_INTEGER_TOO_LONG", "more than 200 digits")
            value = F.parse(tok)  # DSL-018 = FIELD-003 on a decimal string
        elif slot == "operand":
            if _INTEGER_FORM.fullmatch(tok):
                raise _Slot(col, "DSL_LITERAL_OPERAND", f"{tok!r}: operands are wire names")
            check_identifier(tok, col)
            operands.append((tok, col))
        else:
            check_identifier(tok, col)
            name = (tok, col)
    if len(toks) > len(_SLOTS[kw]) + 1:
        tok, col = toks[len(_SLOTS[kw]) + 1]
        raise _Slot(col, "DSL_UNEXPECTED_TOKEN", f"unexpected {tok!r}")
    return kw, kcol, name, operands, value


def compile_source(source):
    """DSL source (str) -> Ir, or raise CompileFailed with the diagnostics sorted by position."""
    raw = source.encode("utf-8", "surrogatepass")
    if len(raw) > MAX_SOURCE_BYTES:  # DSL-001
        raise CompileFailed([(1, 1, "DSL_SOURCE_INVALID", "source over 1 MiB")])
    try:  # DSL-002: a lone surrogate (escaped in the request) is not well-formed UTF-8
        source.encode("utf-8")
    except UnicodeEncodeError:
        raise CompileFailed([(1, 1, "DSL_SOURCE_INVALID", "source is not UTF-8")])
    diags = []
    lines = split_lines(source)
    statements, well_formed, too_many = 0, [], False
    for lineno, line in enumerate(lines, 1):
        code = line_code(line)
        toks = tokens(code)
        if not toks:
            continue
        statements += 1
        if statements > MAX_STATEMENTS:  # DSL-025: this line and the rest are not checked
            diags.append((lineno, toks[0][1], "DSL_TOO_MANY_STATEMENTS", "over 10,000 statements"))
            too_many = True
            break
        bad = next((i for i, ch in enumerate(code) if not (ch in " \t" or "!" <= ch <= "~")), None)
        if bad is not None:  # DSL-005
            diags.append((lineno, bad + 1, "DSL_INVALID_CHARACTER", f"character U+{ord(code[bad]):04X}"))
            continue
        try:
            well_formed.append((lineno,) + parse_statement(toks))
        except _Slot as e:
            diags.append((lineno, e.col, e.code, str(e)))

    # §4 over the well-formed statements, in source order.
    defined_anywhere = {st[3][0] for st in well_formed if st[3] is not None}
    nodes, index = [], {}
    output, secret_seen = None, False
    for lineno, kw, kcol, name, operands, value in well_formed:
        args = []
        for op_name, ocol in operands:  # DSL-026
            if op_name in index:
                args.append(index[op_name])
            elif op_name in defined_anywhere:
                diags.append((lineno, ocol, "DSL_USE_BEFORE_DEFINITION", f"{op_name!r} not yet defined"))
            else:
                diags.append((lineno, ocol, "DSL_UNDEFINED_WIRE", f"{op_name!r} is never defined"))
        if kw == "output":
            if output is not None:  # DSL-029
                diags.append((lineno, kcol, "DSL_MULTIPLE_OUTPUTS", "a second output"))
            elif args:
                output = args[0]
            else:
                output = -1  # the first output, with an undefined operand (already reported)
            continue
        if kw == "secret":
            if secret_seen:  # DSL-028
                diags.append((lineno, kcol, "DSL_MULTIPLE_SECRETS", "a second secret"))
            secret_seen = True
        wire, ncol = name
        if wire in index:  # DSL-027
            diags.append((lineno, ncol, "DSL_REDEFINED_WIRE", f"{wire!r} defined twice"))
            continue
        index[wire] = len(nodes)
        nodes.append({"id": wire, "type": "op" if kw in BINOPS else kw,
                      "op": kw if kw in BINOPS else None, "args": args, "value": value})
    if output is None and not diags and not too_many:  # DSL-030
        diags.append((len(lines), len(lines[-1]) + 1, "DSL_NO_OUTPUT", "no output statement"))
    if diags:
        diags.sort(key=lambda d: (d[0], d[1]))
        raise CompileFailed(diags)
    return Ir(nodes, output)


def compile_op(source):
    """The dsl.compile op: the IR JSON, or the code of the first diagnostic (DSL-031)."""
    try:
        return compile_source(source).to_json()
    except CompileFailed as e:
        line, col, code, msg = e.diagnostics[0]
        raise CanonError(code, f"{line}:{col}: {code}: {msg}")
