"""MTPScript parser (spec/mtpscript.md MTP-001, MTP-002): an ECMAScript Script parser to ESTree-
shaped nodes.

It accepts far more than MTP-002 (every statement and expression form of ECMAScript: loops,
classes, generators, templates, destructuring, ...) because MTP-010 requires a forbidden
construct to be reported with its own code at its own location, while text that is not a Script
at all is MTP_SYNTAX. mtp_validate.py then walks the tree. Nodes carry `start` (an index into
the source; mtp_validate turns it into line:column) and `paren` (written in parentheses).
"""


from mtp_ast import RESERVED, Ctx, N
from mtp_lex import Lexer, SyntaxErr
from mtp_parse_expr import Expressions


class Parser(Expressions):
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
