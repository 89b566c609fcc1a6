"""Shared pieces of the Quorate Python adapter: the error type and hex decoding."""

import re


class CanonError(Exception):
    """An operation failed with a spec error code (spec/canon.md, spec/protocol.md)."""

    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code


# CANON-060: lowercase hex with an even number of digits. (Python's bytes.fromhex would accept
# uppercase and spaces, so the text is checked first.)
_HEX = re.compile(r"(?:[0-9a-f]{2})*")


def parse_hex(s, code="CANON_HEX_INVALID"):
    if not _HEX.fullmatch(s):
        raise CanonError(code, "not lowercase even-length hex")
    return bytes.fromhex(s)
