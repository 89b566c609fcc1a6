#!/usr/bin/env python3
"""Differential fuzz of the `sigil.*` operations: the reference driver against this adapter.

    python3 sigil_difffuzz.py --driver "target/release/quorate driver" [--seed 1] [--runs 3000]

Every case input of vectors/sigil/ is mutated at one or two random places (a member removed, or
replaced by an odd JSON value: wrong types, boundary numbers, hex of the wrong case, levels,
`flips` objects); both implementations answer over the adapter protocol, and every answer must be
the same result object (spec/protocol.md §2). Prints each disagreement and "runs N diffs M"; exit
status 1 when M > 0. Deterministic for a given seed.
"""

import argparse
import copy
import json
import random
import shlex
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]

ODD = [None, True, 0, -1, 1, 2, 1.5, -0.0, 0.5, 1e-7, 1e300, -700.5, 5e-324, 2.2250738585072014e-308,
       1.0000000000000002, 0.9999999999999999, 2**53, "", "x", "00" * 32, "AB" * 32, [], [1], {},
       {"a": 1}, "Guest", "system", "sigil.genesis", [0.0] * 21, "\u00e9",
       {"start": 0, "count": 3, "xor": 1}, {"start": 5, "count": 0, "xor": 1},
       {"start": 0, "count": 2, "xor": 256}]
REMOVE = object()


class Adapter:
    def __init__(self, command):
        self.proc = subprocess.Popen(shlex.split(command), stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self.seq = 0
        self._send({"cmd": "hello", "protocol": [1, 1], "suite_version": "0.1.0"})

    def _send(self, message):
        self.proc.stdin.write(json.dumps(message) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def run(self, op, inp):
        self.seq += 1
        case = {"suite": "fuzz", "id": str(self.seq), "op": op, "input": inp}
        return self._send({"cmd": "run", "seq": self.seq, "case": case})["result"]

    def close(self):
        self.proc.stdin.write(json.dumps({"cmd": "shutdown"}) + "\n")
        self.proc.stdin.close()
        self.proc.wait(timeout=5)


def paths(value, prefix=()):
    if prefix:
        yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from paths(v, prefix + (i,))


def mutate(value, path, new):
    parent = value
    for k in path[:-1]:
        parent = parent[k]
    if new is REMOVE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = copy.deepcopy(new)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--driver", required=True, help="the reference adapter command line")
    parser.add_argument("--adapter", default=f"{sys.executable} {HERE / 'adapter.py'}")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--runs", type=int, default=3000)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cases = []
    for path in sorted((ROOT / "vectors" / "sigil").glob("*.json")):
        cases.extend((c["op"], c["input"]) for c in json.loads(path.read_text())["cases"])
    reference, candidate = Adapter(args.driver), Adapter(args.adapter)
    diffs = 0
    for _ in range(args.runs):
        op, inp = rng.choice(cases)
        inp = copy.deepcopy(inp)
        for _ in range(rng.randint(1, 2)):
            places = list(paths(inp))
            if places:
                mutate(inp, rng.choice(places), rng.choice(ODD + [REMOVE]))
        a, b = reference.run(op, inp), candidate.run(op, inp)
        if a != b:
            diffs += 1
            print(f"DIFF {op} {json.dumps(inp)[:300]}\n  reference: {a}\n  adapter:   {b}")
    reference.close()
    candidate.close()
    print(f"runs {args.runs} diffs {diffs}")
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
