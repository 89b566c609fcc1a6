"""Shared code of the deliberately broken test adapters (tests for the runner, not Quorate's
Python adapter). They implement only canon.fnv1a64 and canon.sha256.

Each script calls serve() with hooks that misbehave on one case id. If the environment variable
QUORATE_TEST_LOG names a file, every request is logged to it as one line ("hello", "run <id>",
"shutdown") so tests can see restarts and replayed handshakes.
"""
import hashlib
import json
import os
import re
import sys

FEATURES = ["canon.fnv1a64", "canon.sha256"]
HEX = re.compile(r"^(?:[0-9a-f]{2})*$")


def log(event):
    path = os.environ.get("QUORATE_TEST_LOG")
    if path:
        with open(path, "a") as f:
            f.write(event + "\n")


def send(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def fnv1a64(data):
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) % (1 << 64)
    return "%016x" % h


def answer(case):
    op, inp = case.get("op"), case.get("input") or {}
    if op not in FEATURES or not isinstance(inp.get("bytes"), str):
        return {"error": "PROTO_CASE_INVALID"}
    if not HEX.match(inp["bytes"]):
        return {"error": "CANON_HEX_INVALID"}
    data = bytes.fromhex(inp["bytes"])
    if op == "canon.fnv1a64":
        return {"ok": fnv1a64(data)}
    return {"ok": hashlib.sha256(data).hexdigest()}


def hello_answer(name="quorate-test-adapter"):
    return {"protocol": 1, "features": FEATURES,
            "implementation": {"name": name, "version": "0.0.0", "language": "python",
                               "os": sys.platform, "arch": "any"}}


def serve(on_run=None, on_hello=None):
    """on_run(request) returns True when it has handled (or sabotaged) the request itself."""
    for line in iter(sys.stdin.readline, ""):
        request = json.loads(line)
        cmd = request.get("cmd")
        if cmd == "hello":
            log("hello")
            if on_hello is None or not on_hello(request):
                send(hello_answer())
        elif cmd == "run":
            log("run " + request["case"]["id"])
            if on_run is None or not on_run(request):
                send({"seq": request["seq"], "result": answer(request["case"])})
        elif cmd == "shutdown":
            log("shutdown")
            sys.exit(0)
