#!/usr/bin/env python3
"""Prints a line that is not JSON for the case whose id is argv[1] (default fnv-a)."""
import sys

import _common

target = sys.argv[1] if len(sys.argv) > 1 else "fnv-a"


def on_run(request):
    if request["case"]["id"] == target:
        sys.stdout.write("this is not json\n")
        sys.stdout.flush()
        return True
    return False


_common.serve(on_run)
