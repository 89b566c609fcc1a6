#!/usr/bin/env python3
"""A correct adapter for the fixture suite. Options make it misbehave in judged ways:
--wrong ID (a wrong ok answer), --skip ID, --errored ID, --refuse (no common protocol
version), --name NAME (implementation name)."""
import sys

import _common

args = sys.argv[1:]


def option(name):
    return args[args.index(name) + 1] if name in args else None


def on_run(request):
    case_id, seq = request["case"]["id"], request["seq"]
    if case_id == option("--wrong"):
        _common.send({"seq": seq, "result": {"ok": "0000000000000000"}})
    elif case_id == option("--skip"):
        _common.send({"seq": seq, "result": {"skipped": "not today"}})
    elif case_id == option("--errored"):
        _common.send({"seq": seq, "result": {"errored": "ZeroDivisionError"}})
    else:
        return False
    return True


def on_hello(request):
    if "--refuse" in args:
        _common.send({"error": {"code": "PROTO_VERSION_UNSUPPORTED", "message": "speaks only 7"}})
        sys.exit(0)
    _common.send(_common.hello_answer(option("--name") or "quorate-test-adapter"))
    return True


_common.serve(on_run, on_hello)
