"""core/parallel.py: independent calls run together; results and errors as if in order."""

from __future__ import annotations

import contextvars
import functools
import threading
import time
from collections.abc import Callable

import pytest

from peluit.core import parallel

pytestmark = pytest.mark.unit


def _late(n: int) -> int:
    time.sleep(0.01 * (5 - n))  # the first calls end last
    return n


def test_results_come_in_the_order_of_the_calls() -> None:
    calls = [functools.partial(_late, n) for n in range(5)]
    assert parallel.run_all(calls) == [0, 1, 2, 3, 4]


def test_calls_run_at_the_same_time() -> None:
    barrier = threading.Barrier(3, timeout=5)  # broken (an error) unless all three meet
    assert parallel.run_all([barrier.wait, barrier.wait, barrier.wait]) is not None


def test_the_first_failure_in_order_is_raised_once_every_call_is_done() -> None:
    finished: list[str] = []

    def slow_ok() -> None:
        time.sleep(0.05)
        finished.append("slow")

    def fails(message: str) -> None:
        raise ValueError(message)

    with pytest.raises(ValueError, match="first"):
        parallel.run_all([lambda: fails("first"), slow_ok, lambda: fails("second")])
    assert finished == ["slow"]


def test_two_calls_of_different_types() -> None:
    assert parallel.run_both(lambda: True, lambda: "day") == (True, "day")


def test_calls_see_the_callers_context_variables() -> None:
    current: contextvars.ContextVar[str] = contextvars.ContextVar("current", default="none")
    current.set("request 7")
    assert parallel.run_all([current.get, current.get, current.get]) == ["request 7"] * 3


class _LocalReads:
    reads_wait = False


def test_reads_of_a_store_whose_reads_do_not_wait_run_in_the_callers_thread() -> None:
    here = threading.current_thread()
    calls: list[Callable[[], threading.Thread]] = [threading.current_thread] * 4
    assert parallel.run_reads(_LocalReads(), calls) == [here] * 4
    assert parallel.run_both(calls[0], calls[1], reads_of=_LocalReads()) == (here, here)
    elsewhere = parallel.run_reads(object(), calls)  # a store that says nothing: its reads wait
    assert elsewhere[0] is here
    assert any(t is not here for t in elsewhere[1:])


def test_an_interrupt_in_the_callers_call_still_waits_for_the_others() -> None:
    """What the caller cleans up after (a finalization's prepared writes) must not still be
    being made on the pool when the interrupt reaches it."""
    finished = threading.Event()

    def interrupted() -> None:
        raise KeyboardInterrupt

    def slow() -> None:
        time.sleep(0.05)
        finished.set()

    with pytest.raises(KeyboardInterrupt):
        parallel.run_all([interrupted, slow])
    assert finished.is_set()
