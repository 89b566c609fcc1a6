"""MTPScript syntax trees: the node type, its start position rule and the parser's context
(shared by mtp_parse.py and mtp_parse_expr.py)."""

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
