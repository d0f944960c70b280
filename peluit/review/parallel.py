"""A bounded parallel map for the review tools: when one page needs several objects, at most
`PARALLEL` requests are in flight (one item: no thread at all)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

PARALLEL = 4  # requests in flight when one page needs several objects
T = TypeVar("T")
R = TypeVar("R")


def parallel(fn: Callable[[T], R], items: Iterable[T], name: str = "peluit-desk") -> list[R]:
    """`fn` of each item, in order."""
    items = list(items)
    if len(items) <= 1:
        return [fn(item) for item in items]
    with ThreadPoolExecutor(max_workers=PARALLEL, thread_name_prefix=name) as pool:
        return list(pool.map(fn, items))
