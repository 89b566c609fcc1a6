"""MTPScript validator (spec/mtpscript.md MTP-001..006, MTP-010, MTP-053).

`compile_program(source)` parses (mtp_parse) and validates a program. It returns the Program
node, annotated for the interpreter (`tail` on tail calls, `named` on named functions), or raises
CompileError(code, line, column).

Violations are collected over the whole tree and the one whose reported node starts first wins
(MTP-010). The walk does not descend into a node it reports: every node inside it starts at or
after it, and among nodes starting at one position the outermost is reported, so nothing inside
a reported node can win.
"""

from mtp_ast import STRICT_RESERVED
from mtp_lex import SyntaxErr
from mtp_parse import parse

MAX_SOURCE_BYTES = 1 << 20  # MTP-001

NAMESPACES = {
    "Math": {"abs", "floor", "ceil", "trunc", "sign", "sqrt", "round", "min", "max"},
    "Number": {"isInteger", "isSafeInteger"},
    "Array": {"isArray"},
    "Object": {"keys", "values", "entries"},
    "String": set(),
    "Async": {"await"},
}
VALUE_GLOBALS = {"undefined", "NaN", "Infinity"}
ALLOWED_GLOBALS = VALUE_GLOBALS | set(NAMESPACES)

NAME_CODES = {"eval": "MTP_FORBIDDEN_EVAL", "Function": "MTP_FORBIDDEN_FUNCTION_CONSTRUCTOR",
              "JsonNull": "MTP_FORBIDDEN_JSONNULL", "await": "MTP_FORBIDDEN_ASYNC",
              "yield": "MTP_FORBIDDEN_GENERATOR"}
for _n in ("Reflect Proxy Symbol globalThis WeakMap WeakSet WeakRef FinalizationRegistry "
           "arguments").split():
    NAME_CODES[_n] = "MTP_FORBIDDEN_REFLECTION"
for _n in ("Date setTimeout setInterval setImmediate clearTimeout clearInterval Promise "
           "queueMicrotask performance Intl crypto SharedArrayBuffer Atomics").split():
    NAME_CODES[_n] = "MTP_FORBIDDEN_NONDETERMINISM"

REFLECTION_PROPS = {"__proto__", "constructor", "prototype", "__defineGetter__",
                    "__defineSetter__", "__lookupGetter__", "__lookupSetter__"}
MAX_SAFE = 9007199254740991.0

ASSIGN_OK = {"=", "+=", "-=", "*=", "/=", "%=", "**=", "&=", "|=", "^=", "<<=", ">>=", ">>>="}

LOOPS = {"ForStatement", "ForInStatement", "WhileStatement", "DoWhileStatement", "BreakStatement",
         "ContinueStatement"}
STATEMENT_CODES = {"LabeledStatement": "MTP_FORBIDDEN_LABEL", "WithStatement": "MTP_FORBIDDEN_WITH",
                   "TryStatement": "MTP_FORBIDDEN_TRY", "ThrowStatement": "MTP_FORBIDDEN_TRY",
                   "SwitchStatement": "MTP_FORBIDDEN_SYNTAX",
                   "DebuggerStatement": "MTP_FORBIDDEN_SYNTAX",
                   "ClassDeclaration": "MTP_FORBIDDEN_CLASS",
                   "ImportDeclaration": "MTP_FORBIDDEN_IMPORT",
                   "ExportDeclaration": "MTP_FORBIDDEN_IMPORT"}


class CompileError(Exception):
    def __init__(self, code, line, column):
        super().__init__(f"{code} at {line}:{column}")
        self.code, self.line, self.column = code, line, column

    def body(self):
        return {"code": self.code, "column": self.column, "error": "CompileError", "line": self.line}


def location(src, pos):
    """MTP-001 notation: 1-based line (LF, CR, CRLF, U+2028, U+2029 end a line) and column
    (Unicode scalar values since the line start)."""
    line, start, i = 1, 0, 0
    while i < pos:
        c = src[i]
        if c == "\r" and i + 1 < len(src) and src[i + 1] == "\n" and i + 1 < pos:
            i += 1
            c = "\n"
        if c in "\n\r\u2028\u2029":
            line += 1
            start = i + 1
        i += 1
    return line, pos - start + 1


class Binding:
    __slots__ = ("kind", "fn", "node")

    def __init__(self, kind, fn, node):
        self.kind, self.fn, self.node = kind, fn, node


class Scope:
    def __init__(self, parent, fn):
        self.parent, self.fn, self.names = parent, fn, {}

    def lookup(self, name):
        s = self
        while s is not None:
            if name in s.names:
                return s.names[name]
            s = s.parent
        return None


class Fn:
    """The function being validated: the Program (top level) or a function node."""

    def __init__(self, node, named):
        self.node, self.named = node, named


class Validator:
    def __init__(self):
        self.violations = []  # (start, code)
        self.duplicate = None  # position of a duplicate declaration (MTP_SYNTAX)

    def report(self, pos, code):
        self.violations.append((pos, code))

    # --- declarations --------------------------------------------------------------------------
    def declare(self, scope, ident, kind, fn, node=None):
        if ident.type != "Identifier":
            return
        if ident.name in scope.names and self.duplicate is None:
            self.duplicate = ident.start
        scope.names[ident.name] = Binding(kind, fn, node)

    def check_binding_name(self, ident):
        """MTP-005. A name with its own MTP-010 row (eval, arguments, JsonNull, yield, ...) has
        that row's code also where it is bound (MTP-010's `eval` row says "read, called or
        bound"; the reference does so for every such name, MTP-005 says FORBIDDEN_SYNTAX)."""
        if ident.type != "Identifier":
            return
        name = ident.name
        if name in NAME_CODES:
            self.report(ident.start, NAME_CODES[name])
        elif (name in ALLOWED_GLOBALS or name.startswith("__")
              or name in STRICT_RESERVED):
            self.report(ident.start, "MTP_FORBIDDEN_SYNTAX")

    def hoist(self, items, scope, fn):
        for st in items:
            t = st.type
            if t == "VariableDeclaration":
                for d in st.declarations:
                    for ident in pattern_names(d.id):
                        kind = st.kind
                        if (st.kind == "const" and d.init is not None
                                and d.init.type == "ArrowFunctionExpression" and d.id is ident):
                            kind = "namedarrow"
                            d.init.named = True
                            d.init.fname = ident.name
                        if st.kind == "var":
                            s = scope
                            while s.parent is not None and s.fn is fn and s.kind_block:
                                s = s.parent
                            self.declare(s, ident, "var", fn, d)
                        else:
                            self.declare(scope, ident, kind, fn, d)
            elif t == "FunctionDeclaration" and st.id is not None:
                st.named = True
                self.declare(scope, st.id, "function", fn, st)
            elif t == "ClassDeclaration" and st.id is not None:
                self.declare(scope, st.id, "class", fn, st)

    def new_scope(self, parent, fn, block):
        s = Scope(parent, fn)
        s.kind_block = block
        return s

    # --- statements ----------------------------------------------------------------------------
    def program(self, prog):
        fn = Fn(prog, False)
        scope = self.new_scope(None, fn, False)
        self.hoist(prog.body, scope, fn)
        self.items(prog.body, scope, fn, directives=True)

    def items(self, items, scope, fn, directives=False):
        in_prologue = directives
        for st in items:
            if in_prologue and getattr(st, "directive", None) is not None:
                if st.directive != "use strict":
                    self.report(st.start, "MTP_FORBIDDEN_SYNTAX")
                continue
            in_prologue = False
            self.statement(st, scope, fn, item=True)

    def statement(self, st, scope, fn, item=False):
        t = st.type
        if t in LOOPS:
            return self.report(st.start, "MTP_FORBIDDEN_LOOP")
        if t in STATEMENT_CODES:
            return self.report(st.start, STATEMENT_CODES[t])
        if t == "VariableDeclaration":
            if st.kind == "var":
                return self.report(st.start, "MTP_FORBIDDEN_SYNTAX")
            for d in st.declarations:
                if d.id.type != "Identifier":
                    self.report(d.id.start, "MTP_FORBIDDEN_SYNTAX")
                    continue
                self.check_binding_name(d.id)
                if d.init is not None:
                    self.expr(d.init, scope, fn)
            return
        if t == "FunctionDeclaration":
            if st.generator:
                return self.report(st.start, "MTP_FORBIDDEN_GENERATOR")
            if st.is_async:
                return self.report(st.start, "MTP_FORBIDDEN_ASYNC")
            if not item:
                return self.report(st.start, "MTP_FORBIDDEN_SYNTAX")
            self.check_binding_name(st.id)
            return self.function(st, scope)
        if t == "IfStatement":
            self.expr(st.test, scope, fn)
            self.statement(st.consequent, scope, fn)
            if st.alternate is not None:
                self.statement(st.alternate, scope, fn)
            return
        if t == "ReturnStatement":
            if st.argument is not None:
                self.expr(st.argument, scope, fn)
                if fn.named:
                    self.mark_tail(st.argument, scope)
            return
        if t == "BlockStatement":
            inner = self.new_scope(scope, fn, True)
            self.hoist(st.body, inner, fn)
            self.items(st.body, inner, fn)
            return
        if t == "ExpressionStatement":
            return self.expr(st.expression, scope, fn)
        if t == "EmptyStatement":
            return
        self.report(st.start, "MTP_FORBIDDEN_SYNTAX")

    def params(self, node, scope, fn):
        for p in node.params:
            if p.type != "Identifier":
                self.report(p.start, "MTP_FORBIDDEN_SYNTAX")
                continue
            self.check_binding_name(p)
            self.declare(scope, p, "param", fn)

    def function(self, node, scope):
        fn = Fn(node, getattr(node, "named", False))
        inner = self.new_scope(scope, fn, False)
        self.params(node, inner, fn)
        self.hoist(node.body.body, inner, fn)
        self.items(node.body.body, inner, fn, directives=True)

    def arrow(self, node, scope):
        if node.is_async:
            return self.report(node.start, "MTP_FORBIDDEN_ASYNC")
        fn = Fn(node, getattr(node, "named", False))
        inner = self.new_scope(scope, fn, False)
        self.params(node, inner, fn)
        if node.expression:
            self.expr(node.body, inner, fn)
            if fn.named:
                self.mark_tail(node.body, inner)
        else:
            self.hoist(node.body.body, inner, fn)
            self.items(node.body.body, inner, fn, directives=True)

    def mark_tail(self, e, scope):
        """MTP-053: calls in tail position of a named function to a named function."""
        if e.type == "ConditionalExpression":
            self.mark_tail(e.consequent, scope)
            self.mark_tail(e.alternate, scope)
        elif e.type == "CallExpression" and not e.optional and e.callee.type == "Identifier":
            b = scope.lookup(e.callee.name)
            if b is not None and b.kind in ("function", "namedarrow"):
                e.tail = True

    # --- expressions ---------------------------------------------------------------------------
    def reference(self, ident, scope):
        name = ident.name
        if name in NAME_CODES:
            return self.report(ident.start, NAME_CODES[name])
        # `String` is also a value (a builtin function: `[1].map(String)`), as the reference and
        # MTP-040's "a builtin passed as the callback" have it; MTP-004's text says "called".
        if scope.lookup(name) is not None or name in VALUE_GLOBALS or name == "String":
            return
        self.report(ident.start, "MTP_UNKNOWN_NAME")

    def literal(self, e):
        k = e.kind
        if k == "num":
            if e.legacy:
                self.report(e.start, "MTP_FORBIDDEN_SYNTAX")
            elif e.value > MAX_SAFE:
                self.report(e.start, "MTP_FORBIDDEN_NUMBER_LITERAL")
        elif k == "bigint":
            self.report(e.start, "MTP_FORBIDDEN_NUMBER_LITERAL")
        elif k == "str":
            if e.legacy:
                self.report(e.start, "MTP_FORBIDDEN_SYNTAX")
        elif k == "regex":
            self.report(e.start, "MTP_FORBIDDEN_SYNTAX")

    def check_target(self, ident, scope, fn):
        """MTP-010 mutation row, for an identifier that is assigned or updated."""
        b = scope.lookup(ident.name)
        return b is not None and b.fn is fn and b.kind in ("param", "let", "var")

    def expr(self, e, scope, fn):
        t = e.type
        if t == "Identifier":
            return self.reference(e, scope)
        if t == "Literal":
            return self.literal(e)
        if t in ("TemplateLiteral", "TaggedTemplateExpression", "SequenceExpression",
                 "ChainExpression", "SpreadElement", "PrivateName"):
            return self.report(e.start, "MTP_FORBIDDEN_SYNTAX")
        if t == "ArrayExpression":
            # holes and spread are reported at the array (as the reference does; a spread
            # argument of a call is reported at the spread element)
            if e.holes or any(x is not None and x.type == "SpreadElement" for x in e.elements):
                return self.report(e.start, "MTP_FORBIDDEN_SYNTAX")
            for x in e.elements:
                if x is not None:
                    self.expr(x, scope, fn)
            return
        if t == "ObjectExpression":
            for p in e.properties:
                if p.type == "SpreadElement":
                    self.report(p.start, "MTP_FORBIDDEN_SYNTAX")
                    continue
                if p.kind != "init" or p.method or p.computed:
                    self.report(p.start, "MTP_FORBIDDEN_REFLECTION")
                    continue
                key = p.key
                kname = key.name if key.type == "Identifier" else (
                    key.value if key.kind == "str" else None)
                if kname in REFLECTION_PROPS:
                    self.report(p.start, "MTP_FORBIDDEN_REFLECTION")
                    continue
                if key.type == "Literal":
                    self.literal(key)
                self.expr(p.value, scope, fn)
            return
        if t == "FunctionExpression":
            if e.generator:
                return self.report(e.start, "MTP_FORBIDDEN_GENERATOR")
            if e.is_async:
                return self.report(e.start, "MTP_FORBIDDEN_ASYNC")
            return self.report(e.start, "MTP_FORBIDDEN_SYNTAX")
        if t == "ArrowFunctionExpression":
            return self.arrow(e, scope)
        if t == "ClassExpression":
            return self.report(e.start, "MTP_FORBIDDEN_CLASS")
        if t in ("ThisExpression", "Super"):
            return self.report(e.start, "MTP_FORBIDDEN_THIS")
        if t == "MetaProperty":  # new.target (import.meta is not a Script: MTP_SYNTAX)
            return self.report(e.start, "MTP_FORBIDDEN_THIS")
        if t == "ImportExpression":
            return self.report(e.start, "MTP_FORBIDDEN_IMPORT")
        if t == "YieldExpression":
            return self.report(e.start, "MTP_FORBIDDEN_GENERATOR")
        if t == "AwaitExpression":
            return self.report(e.start, "MTP_FORBIDDEN_ASYNC")
        if t == "UnaryExpression":
            if e.operator == "delete":
                return self.report(e.start, "MTP_FORBIDDEN_REFLECTION")
            if e.operator == "void":
                return self.report(e.start, "MTP_FORBIDDEN_SYNTAX")
            return self.expr(e.argument, scope, fn)
        if t == "BinaryExpression":
            if e.operator in ("==", "!="):
                return self.report(e.start, "MTP_FORBIDDEN_SYNTAX")
            if e.operator in ("in", "instanceof"):
                return self.report(e.start, "MTP_FORBIDDEN_REFLECTION")
            self.expr(e.left, scope, fn)
            return self.expr(e.right, scope, fn)
        if t == "LogicalExpression":
            self.expr(e.left, scope, fn)
            return self.expr(e.right, scope, fn)
        if t == "ConditionalExpression":
            self.expr(e.test, scope, fn)
            self.expr(e.consequent, scope, fn)
            return self.expr(e.alternate, scope, fn)
        if t == "CallExpression":
            if e.optional:
                return self.report(e.start, "MTP_FORBIDDEN_SYNTAX")
            c = e.callee
            if not (c.type == "Identifier" and c.name == "String" and scope.lookup("String") is None):
                self.expr(c, scope, fn)
            for a in e.arguments:
                self.expr(a, scope, fn)
            return
        if t == "NewExpression":
            # `new X(...)` of a name with its own row (Function, Date, Proxy, ...) has that row's
            # code, at the `new` expression (as the reference reports it; spec: Function only).
            if e.callee.type == "Identifier" and e.callee.name in NAME_CODES:
                return self.report(e.start, NAME_CODES[e.callee.name])
            return self.report(e.start, "MTP_FORBIDDEN_NEW")
        if t == "MemberExpression":
            return self.member(e, scope, fn)
        if t == "AssignmentExpression":
            if e.operator not in ASSIGN_OK:
                return self.report(e.start, "MTP_FORBIDDEN_SYNTAX")
            left = e.left
            if left.type == "Identifier":
                if not self.check_target(left, scope, fn):
                    return self.report(e.start, "MTP_FORBIDDEN_MUTATION")
            elif left.type == "MemberExpression":
                if e.operator != "=" or left.object.type != "Identifier":
                    return self.report(e.start, "MTP_FORBIDDEN_MUTATION")
                b = scope.lookup(left.object.name)
                if b is None or b.fn is not fn or b.kind not in ("let", "const", "namedarrow"):
                    return self.report(e.start, "MTP_FORBIDDEN_MUTATION")
                self.member(left, scope, fn)
            else:
                return self.report(e.start, "MTP_FORBIDDEN_SYNTAX")
            return self.expr(e.right, scope, fn)
        if t == "UpdateExpression":
            a = e.argument
            if a.type != "Identifier" or not self.check_target(a, scope, fn):
                return self.report(e.start, "MTP_FORBIDDEN_MUTATION")
            return
        self.report(e.start, "MTP_FORBIDDEN_SYNTAX")

    def member(self, e, scope, fn):
        if e.optional:
            return self.report(e.start, "MTP_FORBIDDEN_SYNTAX")
        if e.property.type == "PrivateName":
            return self.report(e.start, "MTP_FORBIDDEN_SYNTAX")
        name = static_name(e)
        if name in REFLECTION_PROPS:
            return self.report(e.start, "MTP_FORBIDDEN_REFLECTION")
        obj = e.object
        if obj.type == "Identifier" and obj.name in NAMESPACES and scope.lookup(obj.name) is None:
            if e.computed:  # MTP-004: only a static member `Math.abs` (`Math["abs"]` is not)
                return self.report(obj.start, "MTP_UNKNOWN_NAME")
            if name in NAMESPACES[obj.name]:
                return
            if obj.name == "Object":
                return self.report(e.start, "MTP_FORBIDDEN_REFLECTION")
            if obj.name == "Math" and name == "random":
                return self.report(e.start, "MTP_FORBIDDEN_NONDETERMINISM")
            return self.report(e.start, "MTP_UNKNOWN_NAME")
        self.expr(obj, scope, fn)
        if e.computed:
            self.expr(e.property, scope, fn)


def static_name(member):
    """The static property name of a member expression: `o.k`, or `o["k"]` with a string
    literal (the reference reads both as static, e.g. `i["constructor"]` is rejected)."""
    if not member.computed:
        return member.property.name
    p = member.property
    if p.type == "Literal" and p.kind == "str" and not p.paren:
        return p.value
    return None


def pattern_names(p):
    """The identifiers a binding target declares."""
    if p is None:
        return []
    if p.type == "Identifier":
        return [p]
    out = []
    for c in p.children():
        if p.type == "AssignmentPattern" and c is p.right:
            continue
        if p.type == "Property" and c is p.key:
            continue
        if c.type in ("Identifier", "ArrayPattern", "ObjectPattern", "AssignmentPattern",
                      "RestElement", "Property"):
            out.extend(pattern_names(c))
    return out


MAX_BRACKET_DEPTH = 256  # MTP-001 nesting bounds
MAX_OPERATORS = 1024
MAX_TREE_DEPTH = 1024
OPERATOR_CHARS = set("=?:!~+-*/%&|^<>")
OPERATOR_WORDS = {"if", "else", "new", "typeof", "void", "delete", "await", "yield"}


def nesting_bomb(src):
    """MTP-001's bounds, checked on the text before parsing (strings, template text and comments
    skipped): brackets nested deeper than 256, or more than 1,024 operator characters and
    operator keywords between two of `;`, `{`, `}`. Returns the position of the excess or None."""
    i, n, depth, ops = 0, len(src), 0, 0
    templates = []  # bracket depth at each open `${`
    if src.startswith("#!"):
        i = src.find("\n") if "\n" in src else n
    while i < n:
        c = src[i]
        if c in "\"'":
            i += 1
            while i < n and src[i] != c and src[i] not in "\n\r":
                i += 2 if src[i] == "\\" else 1
            i += 1
            continue
        if c == "/" and src.startswith("//", i):
            while i < n and src[i] not in "\n\r\u2028\u2029":
                i += 1
            continue
        if c == "/" and src.startswith("/*", i):
            end = src.find("*/", i + 2)
            i = n if end < 0 else end + 2
            continue
        if c == "`" or (c == "}" and templates and templates[-1] == depth):
            if c == "}":
                templates.pop()
                depth -= 1
            i += 1  # template text up to the closing ` or the next ${
            while i < n and src[i] != "`" and not src.startswith("${", i):
                i += 2 if src[i] == "\\" else 1
            if src.startswith("${", i):
                depth += 1
                templates.append(depth)
                if depth > MAX_BRACKET_DEPTH:
                    return i
                i += 2
                ops = 0
            else:
                i += 1
            continue
        if c in "([{":
            depth += 1
            if depth > MAX_BRACKET_DEPTH:
                return i
            if c == "{":
                ops = 0
        elif c in ")]}":
            depth -= 1
            if c == "}":
                ops = 0
        elif c == ";":
            ops = 0
        elif c in OPERATOR_CHARS:
            ops += 1
        elif c.isalpha() or c in "_$":
            j = i
            while j < n and (src[j].isalnum() or src[j] in "_$"):
                j += 1
            if src[i:j] in OPERATOR_WORDS and not (i > 0 and src[i - 1] == "."):
                ops += 1
            if ops > MAX_OPERATORS:
                return i
            i = j
            continue
        if ops > MAX_OPERATORS:
            return i
        i += 1
    return None


STATEMENT_OR_EXPRESSION = ("Statement", "Declaration", "Expression")


def tree_too_deep(prog):
    """MTP-001: a syntax tree deeper than 1,024 statements and expressions (identifiers and
    literals count as expressions)."""
    todo = [(prog, 0)]
    while todo:
        node, d = todo.pop()
        if node.type.endswith(STATEMENT_OR_EXPRESSION) or node.type in ("Identifier", "Literal"):
            d += 1
            if d > MAX_TREE_DEPTH:
                return node.start
        todo.extend((c, d) for c in node.children())
    return None


def compile_program(source):
    """MTP-001..006, MTP-010: parse and validate; returns the annotated Program node."""
    if len(source.encode("utf-8", "surrogatepass")) > MAX_SOURCE_BYTES:
        raise CompileError("MTP_SYNTAX", 1, 1)
    bomb = nesting_bomb(source)
    if bomb is not None:
        line, col = location(source, bomb)
        raise CompileError("MTP_SYNTAX", line, col)
    try:
        prog = parse(source)
    except SyntaxErr as e:
        line, col = location(source, min(e.pos, len(source)))
        raise CompileError("MTP_SYNTAX", line, col)
    except RecursionError:
        raise CompileError("MTP_SYNTAX", 1, 1)
    deep = tree_too_deep(prog)
    if deep is not None:
        line, col = location(source, deep)
        raise CompileError("MTP_SYNTAX", line, col)
    v = Validator()
    v.program(prog)
    if v.duplicate is not None:
        line, col = location(source, v.duplicate)
        raise CompileError("MTP_SYNTAX", line, col)
    if v.violations:
        pos, code = min(v.violations, key=lambda x: x[0])
        line, col = location(source, pos)
        raise CompileError(code, line, col)
    if not any(st.type == "FunctionDeclaration" and st.id is not None and st.id.name == "main"
               for st in prog.body):
        raise CompileError("MTP_NO_MAIN", 1, 1)
    return prog
