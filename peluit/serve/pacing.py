"""The follow-up's minimum answer time in `peluit serve`, waited out after the API lane."""

from __future__ import annotations

import time
from collections.abc import Callable


class Pacing:
    """The follow-up's minimum answer time, waited out after the API lane is given back.

    `FollowupService` (peluit/core/followup.py) makes every answer wait until `floor` after
    the request began, found or not. Its sleep would run inside `resolve`, holding the
    request's lane (peluit/serve/server.py `Lane`: resolvers used by one request at a time),
    and keep other API requests from using it for as long. So `peluit serve` gives the service
    `defer` as its sleep: it only notes the moment the answer may leave, and the handler waits
    for that moment after giving the lane back and before sending anything. The service's
    store calls are unchanged; only where the wait happens moves.

    Each lane has a `Pacing` of its own. The noted moment is one value, read and written only
    by the request holding the lane (the service runs inside `resolve`), and taken by it.
    """

    def __init__(
        self,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._monotonic = monotonic  # the clock FollowupService measures with (its default)
        self._sleep = sleep
        self._deadline: float | None = None

    def defer(self, seconds: float) -> None:
        """FollowupService's `sleep`: the answer may leave `seconds` from now, not sooner."""
        deadline = self._monotonic() + seconds
        if self._deadline is None or deadline > self._deadline:
            self._deadline = deadline

    def take(self) -> float | None:
        """The moment noted while the lock was held (None: no wait), and forget it."""
        deadline, self._deadline = self._deadline, None
        return deadline

    def wait_until(self, deadline: float | None) -> None:
        if deadline is None:
            return
        rest = deadline - self._monotonic()
        if rest > 0:
            self._sleep(rest)
