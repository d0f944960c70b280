"""The resolvers `peluit serve` answers API requests with, one set per request at a time (a
lane), as one Lambda instance handles one event at a time; more are built on demand."""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from .pacing import Pacing

API_LANES = 4  # API requests resolved at the same time, each on resolvers of its own


@dataclass(frozen=True)
class Lane:
    """The resolvers one API request uses, alone, as one Lambda instance handles one event at
    a time: a Powertools resolver keeps the request it is handling on itself (current_event,
    context: the reviewer API's actor), and the follow-up's `Pacing` notes one moment."""

    app: APIGatewayHttpResolver
    reviewer: APIGatewayHttpResolver | None
    pacing: Pacing


class LanePool:
    """The lanes: `first`, then more from `more` when every lane is busy, up to `most`;
    without `more`, API requests are resolved one at a time. Free lanes are a stack, so
    requests one after the other all use the first."""

    def __init__(
        self, first: Lane, more: Callable[[], Lane] | None = None, most: int = API_LANES
    ) -> None:
        self.lanes = [first]
        self._more = more
        self._most = most
        self._free: queue.LifoQueue[Lane] = queue.LifoQueue()
        self._free.put(first)
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def take(self) -> Iterator[Lane]:
        """A lane for one API request, given back when it is done."""
        lane = self._take()
        try:
            yield lane
        finally:
            self._free.put(lane)

    def _take(self) -> Lane:
        with contextlib.suppress(queue.Empty):
            return self._free.get_nowait()
        with self._lock:
            if self._more is not None and len(self.lanes) < self._most:
                lane = self._more()
                self.lanes.append(lane)
                return lane
        return self._free.get()
