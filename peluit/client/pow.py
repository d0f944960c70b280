"""Finding the proof of work a public POST carries (peluit/core/pow.py; js/src/pow.js).

Like the browser, the search starts from a random first word, so two requests with the same
body never repeat each other's work."""

from __future__ import annotations

import hashlib
import secrets
import time

from peluit.core.pow import BUCKET_SECONDS, MAX_BITS, QUERY, challenge


def current_bucket() -> int:
    return int(time.time()) // BUCKET_SECONDS


def solve(method: str, path: str, body: bytes, bits: int, bucket: int | None = None) -> str:
    """The query value `<bucket>-<16 hex digits>-<body's SHA-256 in hex>` for this exact
    request (the digest lets the edge check the work without the body)."""
    if not 0 <= bits <= MAX_BITS:
        raise ValueError(f"bits must be between 0 and {MAX_BITS}")
    chosen = current_bucket() if bucket is None else bucket
    base = hashlib.sha256(challenge(method, path, body, chosen))
    high = secrets.randbits(32)
    shift = 64 - bits
    for low in range(1 << 32):
        nonce = (high << 32 | low).to_bytes(8, "big")
        h = base.copy()
        h.update(nonce)
        if int.from_bytes(h.digest()[:8], "big") >> shift == 0:
            return f"{chosen}-{nonce.hex()}-{hashlib.sha256(body).hexdigest()}"
    raise ValueError("no proof of work found")  # pragma: no cover - 2^32 tries


def with_pow(url: str, value: str) -> str:
    """`url` (without a query) with the proof-of-work parameter."""
    return f"{url}?{QUERY}={value}"
