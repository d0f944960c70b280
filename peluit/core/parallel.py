"""Independent store calls of one request, run at the same time.

A store call mostly waits: for S3 over the network, for the disk's fsync locally. Calls that do
not depend on each other (the objects of one finalization, the checks of its staged segments)
are handed to a small shared pool of threads and awaited together: a request then costs about
as many round trips as it has steps that depend on each other, not as many as it has calls.

`run_all` waits for every call before it returns or raises, so no write of a request is still
under way once the request has answered; the error it raises is that of the first failing call
in the order given, as if they had run one after the other. Each call sees the caller's context
variables (`contextvars`), as it would in the caller's thread. A call given to `run_all` must not
call `run_all` itself (it would wait on the pool from inside it).
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar, cast

T = TypeVar("T")
U = TypeVar("U")

WORKERS = 16  # store calls in flight across the process's requests

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _shared_pool() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="peluit-store")
        return _pool


def run_all(calls: Sequence[Callable[[], T]]) -> list[T]:
    """Each call's result, in order; the first failure in that order is raised once all are
    done. One call (or none) runs in the caller's thread."""
    if len(calls) <= 1:
        return [call() for call in calls]
    pool = _shared_pool()
    # each call sees the caller's context variables (the reviewer API's nonce admission, say)
    futures: list[Future[T]] = [
        pool.submit(contextvars.copy_context().run, call) for call in calls[1:]
    ]
    results: list[T] = []
    first: BaseException | None = None
    try:
        results.append(calls[0]())
    except BaseException as exc:  # noqa: BLE001 -- re-raised below, once the others are done
        first = exc  # even an interrupt waits for them: the caller's clean-up must come after
    for future in futures:
        try:
            results.append(future.result())
        except Exception as exc:  # noqa: BLE001 -- as above
            first = first or exc
    if first is not None:
        raise first
    return results


def reads_wait(store: object) -> bool:
    """Whether the store's reads wait (on the network: S3), so that running them side by side
    pays. A store says otherwise with `reads_wait = False`: `LocalStore`'s reads are system
    calls on a local disk, which threads only slow down (they take turns at the interpreter)."""
    return bool(getattr(store, "reads_wait", True))


def run_reads(store: object, calls: Sequence[Callable[[], T]]) -> list[T]:
    """`run_all` of calls that only read `store`, or one after the other in the caller's thread
    if its reads do not wait (`reads_wait`); the same results and the same first error."""
    if reads_wait(store):
        return run_all(calls)
    return [call() for call in calls]


def run_both(
    first: Callable[[], T], second: Callable[[], U], reads_of: object | None = None
) -> tuple[T, U]:
    """`run_all` of two calls of different result types; with `reads_of`, two calls that only
    read that store, as `run_reads`."""
    if reads_of is not None and not reads_wait(reads_of):
        return first(), second()
    a, b = run_all([cast(Callable[[], object], first), cast(Callable[[], object], second)])
    return cast(T, a), cast(U, b)
