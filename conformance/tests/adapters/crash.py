#!/usr/bin/env python3
"""Exits without answering on the case whose id is argv[1] (default fnv-a, the 2nd case sent),
or on every case with --always."""
import sys

import _common

target = sys.argv[1] if len(sys.argv) > 1 else "fnv-a"


def on_run(request):
    if target == "--always" or request["case"]["id"] == target:
        sys.exit(3)
    return False


_common.serve(on_run)
