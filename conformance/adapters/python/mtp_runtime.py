"""MTPScript run-time objects shared by the interpreter (mtp_interp.py) and the builtins
(mtp_builtins.py): the outcomes a run can end with, environments, functions, namespaces and the
tail-call and return markers (spec/mtpscript.md §3, §4)."""

import os

DEPTH_LIMIT = 128  # MTP-052
MAX_STRING = 1 << 28  # a guard against exhausting this process; never reached by vectors


class RunError(Exception):
    """A run ended with an MTP-073 error body."""

    def __init__(self, name, code, **members):
        super().__init__(name)
        self.name, self.code, self.members = name, code, members


class GasExhausted(RunError):
    def __init__(self, limit, used):
        super().__init__("GasExhausted", "MTP_GAS_EXHAUSTED", gasLimit=limit, gasUsed=used)


class RuntimeErr(Exception):
    """MTP-030; the interpreter turns it into a RunError with gasUsed."""


class EffectErr(Exception):
    """MTP-075's EffectInvalid."""


class DepthErr(Exception):
    """MTP-052's DepthExceeded."""


class DeadlineErr(Exception):
    """The wall-clock backstop (MTP-092's DeadlineExceeded): never the metering. Needed because a
    loop of tail calls whose arguments cost nothing charges no gas at all."""


# Below the runner's default 10 s per case; MTP_PY_DEADLINE raises it for slow machines.
DEADLINE_SECONDS = float(os.environ.get("MTP_PY_DEADLINE", "8"))


class MemoryErr(Exception):
    """A value too large for this process (engine-dependent MemoryExhausted, MTP-092)."""


class _TDZ:
    __slots__ = ()


TDZ = _TDZ()


class Env:
    __slots__ = ("vars", "parent")

    def __init__(self, parent):
        self.vars = {}
        self.parent = parent


class Closure:
    __slots__ = ("node", "env")

    def __init__(self, node, env):
        self.node, self.env = node, env


class Builtin:
    __slots__ = ("name", "fn")

    def __init__(self, name, fn):
        self.name, self.fn = name, fn


class Namespace:
    __slots__ = ("name", "members")

    def __init__(self, name, members):
        self.name, self.members = name, members


class TailCall:
    __slots__ = ("fn", "args")

    def __init__(self, fn, args):
        self.fn, self.args = fn, args


class Ret:
    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


def is_function(v):
    return isinstance(v, (Closure, Builtin))
