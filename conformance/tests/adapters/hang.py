#!/usr/bin/env python3
"""Never answers the case whose id is argv[1] (default fnv-a)."""
import sys
import time

import _common

target = sys.argv[1] if len(sys.argv) > 1 else "fnv-a"


def on_run(request):
    if request["case"]["id"] == target:
        while True:
            time.sleep(3600)
    return False


_common.serve(on_run)
