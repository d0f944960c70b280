"""Proof of work for tests that call the public API directly (peluit/core/pow.py).

Test configurations set a low `limits.pow_bits` (4: sixteen tries on average), so solving
costs nothing; the demo configuration's default (19) takes about a second in Python."""

from __future__ import annotations

from datetime import datetime

from peluit.core.pow import QUERY, bucket_of, solve


def pow_query(
    path: str,
    body: bytes,
    bits: int,
    now: datetime,
    method: str = "POST",
    bucket: int | None = None,
) -> str:
    """The query string (`pow=…`) that makes this request acceptable at `now`."""
    proof = solve(method, path, body, bits, bucket_of(now) if bucket is None else bucket)
    return f"{QUERY}={proof}"


def with_pow(url: str, body: bytes, bits: int, now: datetime) -> str:
    """`url` (absolute or a path, without a query) with a proof of work for `body`."""
    path = url.split("://", 1)[-1]
    path = path[path.index("/") :] if "://" in url else url
    return f"{url}?{pow_query(path, body, bits, now)}"
