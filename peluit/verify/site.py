"""One verification of a site against a trust: the release, the log, then what is served.
Pure over the `Fetcher` port; the caller keeps the state (the last checkpoint seen)."""

from __future__ import annotations

import time

from peluit import tlog
from peluit.release.log import record_of

from . import findings as f
from .fetch import Fetcher, FetchError, LogOverFetcher
from .findings import Outcome
from .log_check import check_log
from .release_check import check_release
from .served import check_files, check_headers, check_recipients
from .trust import Trust


def verify_site(
    fetcher: Fetcher, trust: Trust, state: bytes | None, now: float | None = None
) -> Outcome:
    """Every finding about the site `fetcher` reads; `state` is the log checkpoint seen last
    (None the first time); `now` the time the witnesses' cosignatures are judged at (this
    machine's clock by default). An unreachable site is a finding, never an exception."""
    out = Outcome()
    try:
        released = check_release(fetcher, trust, out)
        record = record_of(released[0]) if released is not None else None
        clock = time.time() if now is None else now
        check_log(LogOverFetcher(fetcher), trust, state, record, out, clock)
        if released is not None:
            document = released[1]
            answers = check_files(fetcher, document, out)
            check_headers(document, answers, out)
            check_recipients(document, answers, out)
    except FetchError as exc:
        out.fail(f.UNREACHABLE, "site", str(exc))
    except tlog.TlogError as exc:  # e.g. /log/checkpoint answered 500: the log cannot be read
        out.fail(f.LOG_TILES, "log", str(exc))
    return out
