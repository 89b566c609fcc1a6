"""The expression half of the MTPScript parser (mtp_parse.py): ECMAScript expressions, with the
cover grammars of arrow parameters and destructuring assignment, so that forbidden forms parse
and are reported by mtp_validate.py with their own codes (MTP-010)."""

from mtp_ast import ASSIGN_OPS, BINARY_PREC, RESERVED, N, S, Ctx


class Expressions:
    """Mixed into mtp_parse.Parser, which provides the token helpers and function bodies."""

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
