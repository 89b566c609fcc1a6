#!/usr/bin/env python3
"""Never answers hello."""
import time

import _common


def on_hello(request):
    while True:
        time.sleep(3600)


_common.serve(on_hello=on_hello)
