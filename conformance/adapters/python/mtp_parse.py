"""MTPScript parser (spec/mtpscript.md MTP-001, MTP-002): an ECMAScript Script parser to ESTree-
shaped nodes.

It accepts far more than MTP-002 (every statement and expression form of ECMAScript: loops,
classes, generators, templates, destructuring, ...) because MTP-010 requires a forbidden
construct to be reported with its own code at its own location, while text that is not a Script
at all is MTP_SYNTAX. mtp_validate.py then walks the tree. Nodes carry `start` (an index into
the source; mtp_validate turns it into line:column) and `paren` (written in parentheses).
"""

from mtp_lex import Lexer, SyntaxErr, Tok

RESERVED = set("""break case catch class const continue debugger default delete do else enum
export extends false finally for function if import in instanceof new null return super switch
this throw true try typeof var void while with""".split())
STRICT_RESERVED = set("implements interface let package private protected public static yield".split())

BINARY_PREC = {
    "??": 1, "||": 2, "&&": 3, "|": 4, "^": 5, "&": 6,
    "==": 7, "!=": 7, "===": 7, "!==": 7,
    "<": 8, ">": 8, "<=": 8, ">=": 8, "instanceof": 8, "in": 8,
    "<<": 9, ">>": 9, ">>>": 9, "+": 10, "-": 10, "*": 11, "/": 11, "%": 11, "**": 12,
}
ASSIGN_OPS = {"=", "+=", "-=", "*=", "/=", "%=", "**=", "<<=", ">>=", ">>>=", "&=", "|=", "^=",
              "&&=", "||=", "??="}


class N:
    """An AST node: `type` (ESTree name), `start` (source index), and its members."""

    def __init__(self, type_, start, **kw):
        self.type = type_
        self.start = start
        self.paren = False
        self.__dict__.update(kw)

    def children(self):
        for k, v in self.__dict__.items():
            if k in ("type", "start", "paren"):
                continue
            if isinstance(v, N):
                yield v
            elif isinstance(v, list):
                for x in v:
                    if isinstance(x, N):
                        yield x

    def __repr__(self):
        return f"N({self.type}@{self.start})"


def S(node):
    """Where a node that begins with `node` starts: at the outermost parenthesis around `node`
    if it is written in parentheses (a ParenthesizedExpression is part of its parent's span)."""
    return getattr(node, "outer", node.start)


class Ctx:
    def __init__(self, function=False, generator=False, is_async=False, arrow=False):
        self.function, self.generator, self.is_async, self.arrow = function, generator, is_async, arrow
        self.labels = []  # (name, is_loop)
        self.new_target = function and not arrow  # arrows inherit it (see arrow_body)
        self.iteration = 0
        self.switch = 0


class Parser:
    def __init__(self, src):
        self.lx = Lexer(src)
        self.tok = self.lx.token(0)
        self.prev_end = 0
        self.ctx = Ctx()

    # --- token helpers -------------------------------------------------------------------------
    def next(self):
        t = self.tok
        self.prev_end = t.end
        self.tok = self.lx.token(t.end)
        return t

    def peek(self):
        return self.lx.token(self.tok.end)

    def fail(self, detail, pos=None):
        raise SyntaxErr(self.tok.start if pos is None else pos, detail)

    def expect_p(self, v):
        if not self.tok.is_p(v):
            self.fail(f"expected {v!r}")
        return self.next()

    def eat_p(self, v):
        if self.tok.is_p(v):
            self.next()
            return True
        return False

    def semicolon(self):
        """Automatic semicolon insertion (ECMAScript 12.10)."""
        if self.eat_p(";"):
            return
        if self.tok.is_p("}") or self.tok.type == "eof" or self.tok.nl:
            return
        self.fail("expected ';'")

    def ident_name(self):
        """An IdentifierName (keywords allowed): after '.', as a property key."""
        if self.tok.type != "name":
            self.fail("expected a name")
        return self.next().value

    def binding_ident(self):
        t = self.tok
        if t.type != "name" or (t.value in RESERVED and not t.escaped):
            self.fail("expected an identifier")
        if t.value == "yield" and self.ctx.generator or t.value == "await" and self.ctx.is_async:
            self.fail("reserved here")
        self.next()
        return N("Identifier", t.start, name=t.value)

    # --- program and statements ----------------------------------------------------------------
    def parse_program(self):
        body = self.statement_list(top=True)
        if self.tok.type != "eof":
            self.fail("unexpected token")
        return N("Program", 0, body=body)

    def statement_list(self, top=False, end="}"):
        items = []
        prologue = True
        while not (self.tok.type == "eof" or (not top and self.tok.is_p(end))):
            st = self.statement_list_item()
            if prologue:
                if (st.type == "ExpressionStatement" and st.expression.type == "Literal"
                        and st.expression.kind == "str" and not st.expression.paren):
                    st.directive = self.lx.src[st.expression.start + 1:st.expression.raw_end - 1]
                else:
                    prologue = False
            items.append(st)
        return items

    def statement_list_item(self):
        t = self.tok
        if t.is_n("function"):
            return self.function(declaration=True)
        if t.is_n("async") and self.peek().is_n("function") and not self.peek().nl:
            return self.function(declaration=True)
        if t.is_n("class"):
            return self.class_(declaration=True)
        if t.is_n("const") or (t.is_n("let") and self._let_starts_declaration()):
            st = self.var_decl(t.value)
            self.semicolon()
            return st
        if t.is_n("import") and not self.peek().is_p("(", "."):
            return self.module_decl("ImportDeclaration")
        if t.is_n("export"):
            return self.module_decl("ExportDeclaration")
        return self.statement()

    def _let_starts_declaration(self):
        p = self.peek()
        return p.type == "name" or p.is_p("[", "{")

    def module_decl(self, kind):
        start = self.next().start
        if kind == "ExportDeclaration":
            if self.tok.is_n("default"):
                self.next()
                if self.tok.is_n("function", "async", "class"):
                    self.statement_list_item()
                else:
                    self.assign()
                    self.semicolon()
                return N(kind, start)
            if self.tok.is_n("function", "async", "class", "const", "let", "var"):
                self.statement_list_item()
                return N(kind, start)
        # import ... from "m"; / export {..} from "m"; / export * from "m": read up to the string
        while not (self.tok.type == "str" or self.tok.type == "eof" or self.tok.is_p(";")):
            if self.tok.is_p("}") and not self.peek().is_n("from"):
                self.next()
                break
            self.next()
        if self.tok.type == "str":
            self.next()
        if self.tok.is_n("with", "assert") and not self.tok.nl:
            self.next()
            self.expect_p("{")
            while not self.tok.is_p("}"):
                if self.tok.type == "eof":
                    self.fail("unterminated import attributes")
                self.next()
            self.next()
        self.semicolon()
        return N(kind, start)

    def var_decl(self, kind, no_in=False, for_head=False):
        start = self.next().start
        decls = []
        while True:
            target = self.binding_target()
            init = None
            if self.eat_p("="):
                init = self.assign(no_in)
            elif not for_head and (kind == "const" or target.type != "Identifier"):
                self.fail("missing initializer")
            decls.append(N("VariableDeclarator", target.start, id=target, init=init))
            if not self.eat_p(","):
                break
        return N("VariableDeclaration", start, kind=kind, declarations=decls)

    def statement(self):
        t = self.tok
        if t.type == "punct":
            if t.value == "{":
                return self.block()
            if t.value == ";":
                self.next()
                return N("EmptyStatement", t.start)
        if t.type == "name" and not t.escaped:
            v = t.value
            if v == "var":
                st = self.var_decl("var")
                self.semicolon()
                return st
            if v == "if":
                self.next()
                self.expect_p("(")
                test = self.expression()
                self.expect_p(")")
                cons = self.sub_statement()
                alt = self.sub_statement() if self.tok.is_n("else") and self.next() else None
                return N("IfStatement", t.start, test=test, consequent=cons, alternate=alt)
            if v in ("for", "while", "do"):
                return self.loop()
            if v in ("break", "continue"):
                self.next()
                label = None
                if self.tok.type == "name" and not self.tok.nl and not (
                        self.tok.value in RESERVED and not self.tok.escaped):
                    # (an undefined label, or break/continue outside a loop, is left to the
                    # validator's MTP_FORBIDDEN_LOOP, as the reference does)
                    label = self.next().value
                self.semicolon()
                return N("BreakStatement" if v == "break" else "ContinueStatement", t.start)
            if v == "return":
                if not self.ctx.function:
                    self.fail("return outside a function")
                self.next()
                arg = None
                if not (self.tok.is_p(";", "}") or self.tok.type == "eof" or self.tok.nl):
                    arg = self.expression()
                self.semicolon()
                return N("ReturnStatement", t.start, argument=arg)
            if v == "with":
                self.next()
                self.expect_p("(")
                obj = self.expression()
                self.expect_p(")")
                return N("WithStatement", t.start, object=obj, body=self.sub_statement())
            if v == "switch":
                return self.switch()
            if v == "throw":
                self.next()
                if self.tok.nl:
                    self.fail("newline after throw")
                arg = self.expression()
                self.semicolon()
                return N("ThrowStatement", t.start, argument=arg)
            if v == "try":
                return self.try_()
            if v == "debugger":
                self.next()
                self.semicolon()
                return N("DebuggerStatement", t.start)
            if v == "function":
                return self.function(declaration=True)
            if v in ("class", "const", "export") or (v == "import" and not self.peek().is_p("(", ".")) \
                    or (v == "let" and self.peek().is_p("[")):
                self.fail(f"{v} is not allowed here")
            if v == "async" and self.peek().is_n("function") and not self.peek().nl:
                self.fail("async function is not allowed here")
            if self.peek().is_p(":") and not (v in RESERVED):
                self.next()
                self.next()
                p = self.tok
                is_loop = p.is_n("for", "while", "do")
                self.ctx.labels.append((v, is_loop))
                try:
                    body = self.function(declaration=True) if p.is_n("function") else self.statement()
                finally:
                    self.ctx.labels.pop()
                return N("LabeledStatement", t.start, label=v, body=body)
        expr = self.expression()
        self.semicolon()
        return N("ExpressionStatement", t.start, expression=expr)

    def sub_statement(self):
        """The body of if/else/loops/with/labels: a Statement. A function declaration here is
        MTP_SYNTAX (strict mode; the reference's parser rejects it too)."""
        if self.tok.is_n("function"):
            self.fail("function declaration in statement position")
        return self.statement()

    def block(self):
        start = self.expect_p("{").start
        body = self.statement_list(end="}")
        self.expect_p("}")
        return N("BlockStatement", start, body=body)

    def loop(self):
        t = self.next()
        self.ctx.iteration += 1
        try:
            if t.value == "while":
                self.expect_p("(")
                test = self.expression()
                self.expect_p(")")
                return N("WhileStatement", t.start, test=test, body=self.sub_statement())
            if t.value == "do":
                body = self.sub_statement()
                if not self.tok.is_n("while"):
                    self.fail("expected while")
                self.next()
                self.expect_p("(")
                test = self.expression()
                self.expect_p(")")
                self.eat_p(";")
                return N("DoWhileStatement", t.start, test=test, body=body)
            # for
            if self.tok.is_n("await"):
                if not self.ctx.is_async:
                    self.fail("for await outside an async function")
                self.next()
            self.expect_p("(")
            init = None
            if self.tok.is_p(";"):
                pass
            elif self.tok.is_n("var", "const") or (self.tok.is_n("let") and self._let_starts_declaration()):
                init = self.var_decl(self.tok.value, no_in=True, for_head=True)
            else:
                init = self.expression(no_in=True)
            if self.tok.is_n("of", "in"):
                self.next()
                right = self.assign() if self.prev_is("of") else self.expression()
                self.expect_p(")")
                return N("ForInStatement", t.start, left=init, right=right, body=self.sub_statement())
            if init is not None and init.type == "VariableDeclaration":
                for d in init.declarations:
                    if d.init is None and (init.kind == "const" or d.id.type != "Identifier"):
                        self.fail("missing initializer")
            self.expect_p(";")
            test = None if self.tok.is_p(";") else self.expression()
            self.expect_p(";")
            update = None if self.tok.is_p(")") else self.expression()
            self.expect_p(")")
            return N("ForStatement", t.start, init=init, test=test, update=update,
                     body=self.sub_statement())
        finally:
            self.ctx.iteration -= 1

    def prev_is(self, word):
        return self.lx.src[self.prev_end - len(word):self.prev_end] == word

    def switch(self):
        start = self.next().start
        self.expect_p("(")
        disc = self.expression()
        self.expect_p(")")
        self.expect_p("{")
        cases = []
        self.ctx.switch += 1
        try:
            seen_default = False
            while not self.tok.is_p("}"):
                if self.tok.is_n("case"):
                    self.next()
                    test = self.expression()
                elif self.tok.is_n("default"):
                    if seen_default:
                        self.fail("two default clauses")
                    seen_default = True
                    self.next()
                    test = None
                else:
                    self.fail("expected case")
                self.expect_p(":")
                body = []
                while not (self.tok.is_n("case", "default") or self.tok.is_p("}")):
                    if self.tok.type == "eof":
                        self.fail("unterminated switch")
                    body.append(self.statement_list_item())
                cases.append(N("SwitchCase", start, test=test, consequent=body))
        finally:
            self.ctx.switch -= 1
        self.next()
        return N("SwitchStatement", start, discriminant=disc, cases=cases)

    def try_(self):
        start = self.next().start
        block = self.block()
        handler = finalizer = None
        if self.tok.is_n("catch"):
            cs = self.next().start
            param = None
            if self.eat_p("("):
                param = self.binding_target()
                self.expect_p(")")
            handler = N("CatchClause", cs, param=param, body=self.block())
        if self.tok.is_n("finally"):
            self.next()
            finalizer = self.block()
        if handler is None and finalizer is None:
            self.fail("try without catch or finally")
        return N("TryStatement", start, block=block, handler=handler, finalizer=finalizer)

    # --- functions and classes -----------------------------------------------------------------
    def function(self, declaration, start=None):
        is_async = False
        t0 = self.tok
        if self.tok.is_n("async"):
            is_async = True
            self.next()
        self.next()  # function
        generator = self.eat_p("*")
        fid = None
        if declaration or self.tok.type == "name":
            outer = self.ctx
            self.ctx = Ctx(True, generator, is_async) if not declaration else outer
            try:
                fid = self.binding_ident()
            finally:
                self.ctx = outer
        params, body = self.function_rest(generator, is_async)
        kind = "FunctionDeclaration" if declaration else "FunctionExpression"
        return N(kind, t0.start if start is None else start, id=fid, params=params, body=body,
                 generator=generator, is_async=is_async)

    def function_rest(self, generator, is_async, method=False):
        outer = self.ctx
        self.ctx = Ctx(True, generator, is_async)
        try:
            self.expect_p("(")
            params = []
            while not self.tok.is_p(")"):
                if self.tok.is_p("..."):
                    s = self.next().start
                    params.append(N("RestElement", s, argument=self.binding_target()))
                    if not self.tok.is_p(")"):
                        self.fail("rest parameter must be last")
                    break
                params.append(self.binding_element())
                if not self.tok.is_p(")"):
                    self.expect_p(",")
            self.next()
            body = self.block()
        finally:
            self.ctx = outer
        return params, body

    def binding_element(self):
        target = self.binding_target()
        if self.tok.is_p("="):
            self.next()
            return N("AssignmentPattern", target.start, left=target, right=self.assign())
        return target

    def binding_target(self):
        t = self.tok
        if t.is_p("["):
            self.next()
            elems = []
            while not self.tok.is_p("]"):
                if self.tok.is_p(","):
                    self.next()
                    elems.append(None)
                    continue
                if self.tok.is_p("..."):
                    s = self.next().start
                    elems.append(N("RestElement", s, argument=self.binding_target()))
                    break
                elems.append(self.binding_element())
                if not self.tok.is_p("]"):
                    self.expect_p(",")
            self.expect_p("]")
            return N("ArrayPattern", t.start, elements=elems)
        if t.is_p("{"):
            self.next()
            props = []
            while not self.tok.is_p("}"):
                if self.tok.is_p("..."):
                    s = self.next().start
                    props.append(N("RestElement", s, argument=self.binding_ident()))
                    break
                ks = self.tok.start
                key, computed = self.property_key()
                if self.eat_p(":"):
                    value = self.binding_element()
                elif key.type == "Identifier" and not computed:
                    value = N("Identifier", ks, name=key.name)
                    if self.tok.is_p("="):
                        self.next()
                        value = N("AssignmentPattern", ks, left=value, right=self.assign())
                else:
                    self.fail("expected ':'")
                props.append(N("Property", ks, key=key, value=value, computed=computed,
                               kind="init", method=False, shorthand=False))
                if not self.tok.is_p("}"):
                    self.expect_p(",")
            self.expect_p("}")
            return N("ObjectPattern", t.start, properties=props)
        return self.binding_ident()

    def class_(self, declaration):
        start = self.next().start
        cid = None
        if self.tok.type == "name" and not self.tok.is_n("extends"):
            cid = self.binding_ident()
        elif declaration:
            self.fail("class name required")
        sup = None
        if self.tok.is_n("extends"):
            self.next()
            sup = self.lhs()
        self.expect_p("{")
        members = []
        while not self.tok.is_p("}"):
            if self.eat_p(";"):
                continue
            members.append(self.class_member())
        self.next()
        return N("ClassDeclaration" if declaration else "ClassExpression", start, id=cid,
                 superClass=sup, body=members)

    def class_member(self):
        start = self.tok.start
        if self.tok.is_n("static") and self.peek().is_p("{"):
            self.next()
            outer = self.ctx
            self.ctx = Ctx(True)
            try:
                body = self.block()
            finally:
                self.ctx = outer
            return N("StaticBlock", start, body=body)
        for word in ("static", "async", "get", "set"):
            if self.tok.is_n(word):
                p = self.peek()
                if not (p.is_p("(", "=", ";", "}") or (p.nl and word != "static")):
                    self.next()
        generator = self.eat_p("*")
        if self.tok.type == "private":
            key = N("PrivateName", self.tok.start, name=self.next().value)
        else:
            key, _ = self.property_key()
        if self.tok.is_p("("):
            params, body = self.function_rest(generator, False, method=True)
            fn = N("FunctionExpression", key.start, id=None, params=params, body=body,
                   generator=generator, is_async=False)
            return N("MethodDefinition", start, key=key, value=fn)
        value = None
        if self.eat_p("="):
            outer = self.ctx
            self.ctx = Ctx(True)
            try:
                value = self.assign()
            finally:
                self.ctx = outer
        self.semicolon()
        return N("PropertyDefinition", start, key=key, value=value)

    # --- expressions ---------------------------------------------------------------------------
    def expression(self, no_in=False):
        e = self.assign(no_in)
        if self.tok.is_p(","):
            items = [e]
            while self.eat_p(","):
                items.append(self.assign(no_in))
            return N("SequenceExpression", S(e), expressions=items)
        return e

    def assign(self, no_in=False):
        t = self.tok
        if t.is_n("yield") and self.ctx.generator:
            self.next()
            arg = None
            if not (self.tok.nl or self.tok.is_p(")", "]", "}", ",", ";", ":") or self.tok.type == "eof"
                    or (self.tok.is_n("in") and no_in)):
                self.eat_p("*")
                arg = self.assign(no_in)
            return N("YieldExpression", t.start, argument=arg)
        # async x => ...
        if t.is_n("async"):
            p = self.peek()
            if p.type == "name" and not p.nl and not p.is_n("function"):
                save = (self.tok, self.prev_end)
                self.next()
                param = self.binding_ident()
                if self.tok.is_p("=>") and not self.tok.nl:
                    return self.arrow_body(t.start, [param], True)
                self.tok, self.prev_end = save
        # x => ...
        if t.type == "name" and not (t.value in RESERVED and not t.escaped):
            p = self.peek()
            if p.is_p("=>") and not p.nl:
                param = self.binding_ident()
                return self.arrow_body(t.start, [param], False)
        left = self.conditional(no_in)
        if self.tok.is_p("=>"):
            if self.tok.nl:
                self.fail("line terminator before =>")
            if left.type == "ArrowCover":
                return self.arrow_body(left.start, [self.to_param(x) for x in left.cover], False)
            if left.type == "CallExpression" and getattr(left, "cover", None) is not None:
                return self.arrow_body(left.start, [self.to_param(x) for x in left.cover], True)
            self.fail("unexpected =>")
        if getattr(left, "type", None) == "ArrowCover":
            self.fail("expected =>")
        if self.tok.type == "punct" and self.tok.value in ASSIGN_OPS:
            op = self.tok.value
            if left.type in ("ObjectExpression", "ArrayExpression") and op == "=" and not left.paren:
                left = self.to_pattern(left)
            elif left.type not in ("Identifier", "MemberExpression") or (
                    left.type == "Identifier" and left.name in ("eval", "arguments") and False):
                self.fail("invalid assignment target", left.start)
            self.next()
            right = self.assign(no_in)
            return N("AssignmentExpression", S(left), operator=op, left=left, right=right)
        return left

    def arrow_body(self, start, params, is_async):
        self.next()  # =>
        outer = self.ctx
        self.ctx = Ctx(True, False, is_async, arrow=True)
        self.ctx.new_target = outer.new_target
        try:
            if self.tok.is_p("{"):
                body, expression = self.block(), False
            else:
                body, expression = self.assign(), True
        finally:
            self.ctx = outer
        return N("ArrowFunctionExpression", start, params=params, body=body, expression=expression,
                 is_async=is_async)

    def to_param(self, e):
        if e.type == "Identifier" and not e.paren:
            return e
        if e.type == "AssignmentExpression" and e.operator == "=" and not e.paren:
            return N("AssignmentPattern", e.start, left=self.to_pattern(e.left), right=e.right)
        if e.type == "SpreadElement":
            return N("RestElement", e.start, argument=self.to_pattern(e.argument))
        return self.to_pattern(e)

    def to_pattern(self, e):
        """Reinterpret an object/array literal as a destructuring pattern (cover grammar)."""
        if e.paren and e.type != "Identifier" and e.type != "MemberExpression":
            self.fail("invalid destructuring target", e.start)
        if e.type in ("Identifier", "MemberExpression"):
            return e
        if e.type == "ArrayExpression":
            elems = []
            for x in e.elements:
                if x is None:
                    elems.append(None)
                elif x.type == "SpreadElement":
                    elems.append(N("RestElement", x.start, argument=self.to_pattern(x.argument)))
                elif x.type == "AssignmentExpression" and x.operator == "=":
                    elems.append(N("AssignmentPattern", x.start, left=self.to_pattern(x.left),
                                   right=x.right))
                else:
                    elems.append(self.to_pattern(x))
            return N("ArrayPattern", e.start, elements=elems)
        if e.type == "ObjectExpression":
            props = []
            for p in e.properties:
                if p.type == "SpreadElement":
                    props.append(N("RestElement", p.start, argument=self.to_pattern(p.argument)))
                    continue
                if p.kind != "init" or p.method:
                    self.fail("invalid destructuring target", p.start)
                v = p.value
                if getattr(p, "cover_init", None) is not None:
                    v = N("AssignmentPattern", p.start, left=v, right=p.cover_init)
                elif v.type == "AssignmentExpression" and v.operator == "=":
                    v = N("AssignmentPattern", v.start, left=self.to_pattern(v.left), right=v.right)
                else:
                    v = self.to_pattern(v)
                props.append(N("Property", p.start, key=p.key, value=v, computed=p.computed,
                               kind="init", method=False, shorthand=p.shorthand))
            return N("ObjectPattern", e.start, properties=props)
        if e.type == "AssignmentPattern":
            return e
        self.fail("invalid destructuring target", e.start)

    def conditional(self, no_in):
        test = self.binary(0, no_in)
        if self.tok.is_p("?"):
            self.next()
            cons = self.assign()
            self.expect_p(":")
            alt = self.assign(no_in)
            return N("ConditionalExpression", S(test), test=test, consequent=cons, alternate=alt)
        return test

    def binary_op(self, no_in):
        t = self.tok
        if t.type == "punct" and t.value in BINARY_PREC:
            return t.value
        if t.is_n("instanceof") or (t.is_n("in") and not no_in):
            return t.value
        return None

    def binary(self, min_prec, no_in):
        if self.tok.type == "private" and self.peek().is_n("in"):
            t = self.next()
            left = N("PrivateName", t.start, name=t.value)
        else:
            left = self.unary()
        while True:
            op = self.binary_op(no_in)
            if op is None:
                return left
            prec = BINARY_PREC[op]
            if prec <= min_prec:
                return left
            if op == "**" and left.type in ("UnaryExpression", "AwaitExpression") and not left.paren:
                self.fail("unary operator before **")
            self.next()
            right = self.binary(prec - 1 if op == "**" else prec, no_in)
            if op in ("&&", "||", "??"):
                for side in (left, right):
                    if side.type == "LogicalExpression" and not side.paren and (
                            (op == "??") != (side.operator == "??")):
                        self.fail("?? mixed with && or || without parentheses", side.start)
                left = N("LogicalExpression", S(left), operator=op, left=left, right=right)
            else:
                left = N("BinaryExpression", S(left), operator=op, left=left, right=right)

    def unary(self):
        t = self.tok
        if t.type == "punct" and t.value in ("+", "-", "!", "~"):
            self.next()
            return N("UnaryExpression", t.start, operator=t.value, argument=self.unary())
        if t.is_n("typeof", "void", "delete"):
            self.next()
            return N("UnaryExpression", t.start, operator=t.value, argument=self.unary())
        if t.is_n("await") and self.ctx.is_async:
            self.next()
            return N("AwaitExpression", t.start, argument=self.unary())
        if t.is_p("++", "--"):
            self.next()
            arg = self.unary()
            if arg.type not in ("Identifier", "MemberExpression"):
                self.fail("invalid update target", arg.start)
            return N("UpdateExpression", t.start, operator=t.value, prefix=True, argument=arg)
        e = self.lhs()
        if self.tok.is_p("++", "--") and not self.tok.nl:
            if e.type not in ("Identifier", "MemberExpression") or (e.paren and e.type != "Identifier"
                                                                     and e.type != "MemberExpression"):
                self.fail("invalid update target", e.start)
            op = self.next().value
            return N("UpdateExpression", S(e), operator=op, prefix=False, argument=e)
        return e

    def arguments(self):
        self.expect_p("(")
        args = []
        while not self.tok.is_p(")"):
            if self.tok.is_p("..."):
                s = self.next().start
                args.append(N("SpreadElement", s, argument=self.assign()))
            else:
                args.append(self.assign())
            if not self.tok.is_p(")"):
                self.expect_p(",")
        self.next()
        return args

    def lhs(self, no_call=False):
        t = self.tok
        if t.is_n("new"):
            self.next()
            if self.tok.is_p("."):
                self.next()
                if not self.tok.is_n("target"):
                    self.fail("expected new.target")
                self.next()
                if not self.ctx.new_target:
                    self.fail("new.target outside a function", t.start)
                e = N("MetaProperty", t.start, meta="new", property="target")
            else:
                callee = self.lhs(no_call=True)
                args = self.arguments() if self.tok.is_p("(") else []
                e = N("NewExpression", t.start, callee=callee, arguments=args)
        elif t.is_n("super"):
            self.next()
            if not self.tok.is_p("(", ".", "["):
                self.fail("unexpected super")
            e = N("Super", t.start)
        elif t.is_n("import"):
            self.next()
            if self.tok.is_p("."):
                self.next()
                self.fail("import.meta outside a module", t.start)
            else:
                if no_call:
                    self.fail("import() after new")
                self.expect_p("(")
                src = self.assign()
                if self.eat_p(","):
                    if not self.tok.is_p(")"):
                        self.assign()
                        self.eat_p(",")
                self.expect_p(")")
                e = N("ImportExpression", t.start, source=src)
        else:
            e = self.primary()
        chain = False
        while True:
            tk = self.tok
            if tk.is_p("."):
                self.next()
                if self.tok.type == "private":
                    pt = self.next()
                    prop = N("PrivateName", pt.start, name=pt.value)
                else:
                    ps = self.tok.start
                    prop = N("Identifier", ps, name=self.ident_name())
                e = N("MemberExpression", S(e), object=e, property=prop, computed=False,
                      optional=False)
            elif tk.is_p("?."):
                if no_call:
                    self.fail("optional chain after new")
                self.next()
                chain = True
                if self.tok.is_p("("):
                    e = N("CallExpression", S(e), callee=e, arguments=self.arguments(), optional=True)
                elif self.tok.is_p("["):
                    self.next()
                    prop = self.expression()
                    self.expect_p("]")
                    e = N("MemberExpression", S(e), object=e, property=prop, computed=True,
                          optional=True)
                else:
                    ps = self.tok.start
                    prop = N("Identifier", ps, name=self.ident_name())
                    e = N("MemberExpression", S(e), object=e, property=prop, computed=False,
                          optional=True)
            elif tk.is_p("["):
                self.next()
                prop = self.expression()
                self.expect_p("]")
                e = N("MemberExpression", S(e), object=e, property=prop, computed=True,
                      optional=False)
            elif tk.is_p("(") and not no_call:
                args_start = tk.start
                args = self.arguments()
                e = N("CallExpression", S(e), callee=e, arguments=args, optional=False)
                if t.is_n("async") and e.callee.type == "Identifier" and not e.callee.paren \
                        and self.tok.is_p("=>") and e.callee.start == t.start:
                    e.cover = args
                    return e
                del args_start
            elif tk.type == "template" or (tk.is_p("`")):
                if chain:
                    self.fail("tagged template in optional chain")
                q = self.template_literal()
                e = N("TaggedTemplateExpression", S(e), tag=e, quasi=q)
            else:
                break
        if chain:
            e = N("ChainExpression", S(e), expression=e)
        return e

    def _only_arrows(self):
        return False

    def template_literal(self):
        t = self.tok
        start = t.start
        exprs = []
        while not t.value:  # not the tail: ${ expr }
            self.tok = self.lx.token(t.end)
            exprs.append(self.expression())
            if not self.tok.is_p("}"):
                self.fail("expected } in template")
            t = self.lx.template(self.tok.start + 1, self.tok.start, False)
        self.prev_end = t.end
        self.tok = self.lx.token(t.end)
        return N("TemplateLiteral", start, expressions=exprs)

    def primary(self):
        t = self.tok
        if t.type == "name":
            v = t.value
            if not t.escaped:
                if v == "this":
                    self.next()
                    return N("ThisExpression", t.start)
                if v in ("null", "true", "false"):
                    self.next()
                    return N("Literal", t.start, kind="null" if v == "null" else "bool",
                             value=None if v == "null" else v == "true", raw_end=t.end)
                if v == "function":
                    return self.function(declaration=False)
                if v == "async" and self.peek().is_n("function") and not self.peek().nl:
                    return self.function(declaration=False)
                if v == "class":
                    return self.class_(declaration=False)
                if v in RESERVED:
                    self.fail(f"unexpected keyword {v}")
            if (v == "yield" and self.ctx.generator) or (v == "await" and self.ctx.is_async):
                self.fail(f"unexpected {v}")
            self.next()
            return N("Identifier", t.start, name=v)
        if t.type == "num":
            self.next()
            return N("Literal", t.start, kind="num", value=t.value, legacy=t.legacy, raw_end=t.end)
        if t.type == "bigint":
            self.next()
            return N("Literal", t.start, kind="bigint", value=t.value, raw_end=t.end)
        if t.type == "str":
            self.next()
            return N("Literal", t.start, kind="str", value=t.value, legacy=t.legacy, raw_end=t.end)
        if t.type == "template":
            return self.template_literal()
        if t.is_p("/", "/="):
            r = self.lx.regex(t.start, t.nl)
            self.tok = r
            self.next()
            return N("Literal", t.start, kind="regex", value=r.value, raw_end=r.end)
        if t.is_p("["):
            return self.array_literal()
        if t.is_p("{"):
            return self.object_literal()
        if t.is_p("("):
            return self.paren()
        self.fail("unexpected token")

    def array_literal(self):
        start = self.next().start
        elems, holes = [], []
        while not self.tok.is_p("]"):
            if self.tok.is_p(","):
                holes.append(self.tok.start)
                self.next()
                elems.append(None)
                continue
            if self.tok.is_p("..."):
                s = self.next().start
                elems.append(N("SpreadElement", s, argument=self.assign()))
            else:
                elems.append(self.assign())
            if not self.tok.is_p("]"):
                self.expect_p(",")
        self.next()
        return N("ArrayExpression", start, elements=elems, holes=holes)

    def property_key(self):
        """Returns (key node, computed)."""
        t = self.tok
        if t.is_p("["):
            self.next()
            k = self.assign()
            self.expect_p("]")
            return k, True
        if t.type == "name":
            self.next()
            return N("Identifier", t.start, name=t.value, reserved=t.value in RESERVED), False
        if t.type in ("str", "num", "bigint"):
            self.next()
            return N("Literal", t.start, kind=t.type, value=t.value, legacy=t.legacy,
                     raw_end=t.end), False
        self.fail("expected a property key")

    def object_literal(self):
        start = self.next().start
        props = []
        while not self.tok.is_p("}"):
            ps = self.tok.start
            if self.tok.is_p("..."):
                self.next()
                props.append(N("SpreadElement", ps, argument=self.assign()))
            else:
                props.append(self.object_property(ps))
            if not self.tok.is_p("}"):
                self.expect_p(",")
        self.next()
        return N("ObjectExpression", start, properties=props)

    def object_property(self, ps):
        kind, is_async, generator = "init", False, False
        t = self.tok
        if t.is_n("get", "set", "async") and not self.peek().is_p(",", ":", "(", "}", "="):
            if t.value == "async":
                is_async = True
            else:
                kind = t.value
            self.next()
        if self.eat_p("*"):
            generator = True
        key_tok = self.tok
        key, computed = self.property_key()
        if self.tok.is_p("(") :
            params, body = self.function_rest(generator, is_async, method=True)
            fn = N("FunctionExpression", key.start, id=None, params=params, body=body,
                   generator=generator, is_async=is_async)
            return N("Property", ps, key=key, value=fn, computed=computed, kind=kind,
                     method=kind == "init", shorthand=False)
        if kind != "init" or is_async or generator:
            self.fail("expected (")
        if self.eat_p(":"):
            return N("Property", ps, key=key, value=self.assign(), computed=computed, kind="init",
                     method=False, shorthand=False)
        if key.type == "Identifier" and not computed and key_tok.type == "name":
            if key.reserved and not key_tok.escaped:
                self.fail("reserved word as shorthand property", key.start)
            value = N("Identifier", key.start, name=key.name)
            p = N("Property", ps, key=key, value=value, computed=False, kind="init", method=False,
                  shorthand=True)
            if self.tok.is_p("="):  # CoverInitializedName: only valid as a pattern
                self.next()
                p.cover_init = self.assign()
            return p
        self.fail("expected ':'")

    def paren(self):
        start = self.next().start
        items = []
        rest = False
        trailing = False
        while not self.tok.is_p(")"):
            if self.tok.is_p("..."):
                s = self.next().start
                items.append(N("SpreadElement", s, argument=self.binding_target()))
                rest = True
                if not self.tok.is_p(")"):
                    self.fail("rest element must be last")
                break
            items.append(self.assign())
            if self.tok.is_p(","):
                self.next()
                if self.tok.is_p(")"):
                    trailing = True
            elif not self.tok.is_p(")"):
                self.fail("expected )")
        self.next()
        if not items or rest or trailing:
            if not self.tok.is_p("=>"):
                self.fail("expected =>")
            return N("ArrowCover", start, cover=items)
        e = items[0] if len(items) == 1 else N("SequenceExpression", S(items[0]), expressions=items)
        if self.tok.is_p("=>"):
            return N("ArrowCover", start, cover=items)
        self._check_no_cover_init(e)
        e.paren = True
        e.outer = start
        return e

    def _check_no_cover_init(self, e):
        """`{a = 1}` is only valid as a destructuring pattern."""
        todo = [e]
        while todo:
            x = todo.pop()
            if x.type == "Property" and getattr(x, "cover_init", None) is not None:
                self.fail("invalid shorthand initializer", x.start)
            if x.type in ("ObjectExpression", "ArrayExpression", "SequenceExpression", "Property",
                          "SpreadElement"):
                todo.extend(x.children())


def parse(src):
    """Parse a Script; raises SyntaxErr when it is not one."""
    p = Parser(src)
    prog = p.parse_program()
    _check_cover_inits(prog)
    return prog


def _check_cover_inits(prog):
    """A CoverInitializedName (`{a = 1}`) left in an expression (not turned into a pattern) is a
    syntax error."""
    todo = [prog]
    while todo:
        x = todo.pop()
        if x.type == "Property" and getattr(x, "cover_init", None) is not None:
            raise SyntaxErr(x.start, "invalid shorthand initializer")
        todo.extend(x.children())
