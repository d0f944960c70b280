"""Canonical JSON: the exact bytes Peluit writes for metadata, so a hash of them is stable."""

from __future__ import annotations

import json


def canonical(value: object) -> bytes:
    """Sorted keys, no spaces, ASCII only (every other character escaped)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()
