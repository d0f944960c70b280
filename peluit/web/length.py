"""Reading a request's Content-Length: one rule for `peluit serve` and the review console."""

from __future__ import annotations

import re

# ASCII digits only (str.isdigit() also takes "²", which int() refuses), and no more of them
# than any real length has (int() refuses more than 4,300).
_DECIMAL = re.compile(r"[0-9]{1,20}")


def content_length(value: str) -> int | None:
    """A Content-Length header's value, or None if it is not a plain decimal number."""
    return int(value) if _DECIMAL.fullmatch(value) else None
