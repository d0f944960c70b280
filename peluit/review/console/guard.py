"""What keeps everyone but the person's own browser tab out of the console.

| threat                                            | defence                                    |
|---------------------------------------------------|--------------------------------------------|
| another machine on the network                    | bound to 127.0.0.1 only                    |
| a web page using DNS rebinding to reach the port  | `Host` must be exactly `127.0.0.1:PORT`    |
| a page on another port of 127.0.0.1 (same-site,  | every request, GET too, is refused unless  |
| so the SameSite cookie is sent) loading a case    | `Sec-Fetch-Site` is `same-origin` or       |
| page to mark it read or write audit events        | `none` (typed, bookmarked, opened by       |
|                                                   | `peluit review`); a request without it     |
|                                                   | (not a current browser) is refused too     |
| a web page posting a form to the console (CSRF)   | `Sec-Fetch-Site: same-origin` and `Origin` |
|                                                   | checks; a per-session random token in      |
|                                                   | every POST form; the session cookie is     |
|                                                   | SameSite=Strict                            |
| another local user or program reaching the port   | nothing works without the session cookie,  |
|                                                   | given out only with the right passphrase   |
| a browser left open                               | sessions lock after `IDLE` without use     |

The session id and its form token are 256 random bits each, compared in constant time.
A new session id is issued when a session is unlocked, so an id seen before unlocking
(session fixation) is worthless afterwards.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from peluit.review.desk import ReviewDesk

IDLE_SECONDS = 30 * 60
MAX_SESSIONS = 16
COOKIE_PREFIX = "peluit_review_"  # + port: cookies are shared across ports of one host


@dataclass
class Session:
    id: str
    csrf: str
    last_seen: float
    desk: ReviewDesk | None = None
    notice: str | None = field(default=None)  # one message for the next page

    @property
    def unlocked(self) -> bool:
        return self.desk is not None


def _token() -> str:
    return secrets.token_urlsafe(32)


def _same(known: str, given: str) -> bool:
    """Constant-time comparison that also takes any text a client sends."""
    return secrets.compare_digest(known.encode(), given.encode("utf-8", "replace"))


class Sessions:
    def __init__(
        self, idle_seconds: float = IDLE_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._idle = idle_seconds
        self._clock = clock
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def get(self, session_id: str | None) -> Session | None:
        """The live session with this id; an idle one is dropped (its keys forgotten)."""
        if not session_id:
            return None
        with self._lock:
            now = self._clock()
            self._drop_idle(now)
            found = next(
                (s for k, s in self._sessions.items() if _same(k, session_id)),
                None,
            )
            if found is not None:
                found.last_seen = now
            return found

    def expire(self) -> None:
        """Forget idle sessions' keys now, even if no request ever comes again."""
        with self._lock:
            self._drop_idle(self._clock())

    def _drop_idle(self, now: float) -> None:
        for stale in [s for s in self._sessions.values() if now - s.last_seen > self._idle]:
            self._drop(stale)

    def new(self) -> Session:
        with self._lock:
            while len(self._sessions) >= MAX_SESSIONS:
                # the least recently used, locked ones first: a flood of new visitors must
                # not log the person out
                self._drop(min(self._sessions.values(), key=lambda s: (s.unlocked, s.last_seen)))
            session = Session(_token(), _token(), self._clock())
            self._sessions[session.id] = session
            return session

    def unlock(self, session: Session, desk: ReviewDesk) -> Session:
        """The session, unlocked, under a new id (and a new form token)."""
        with self._lock:
            self._sessions.pop(session.id, None)
            fresh = Session(_token(), _token(), self._clock(), desk)
            self._sessions[fresh.id] = fresh
            return fresh

    def drop(self, session: Session) -> None:
        with self._lock:
            self._drop(session)

    def _drop(self, session: Session) -> None:
        self._sessions.pop(session.id, None)
        if session.desk is not None:
            session.desk.forget()
            session.desk = None


def host_allowed(headers: Mapping[str, str], origin: str) -> bool:
    """`Host` names the console exactly (`127.0.0.1:PORT`): refuses DNS rebinding."""
    return headers.get("host", "") == origin.removeprefix("http://")


def fetch_allowed(headers: Mapping[str, str]) -> bool:
    """Any request, GET included, comes from the console's own pages (`same-origin`) or from
    the person directly (`none`: typed, bookmarked, opened by `peluit review`).

    Reading a case has side effects (it marks messages read, the server writes audit events),
    and the session cookie is `SameSite=Strict`, which a page on another port of 127.0.0.1
    still gets it sent with: every port of a host is the same *site*. So `same-site`, like
    `cross-site`, is refused. So is a request without `Sec-Fetch-Site`: every browser the
    console supports sends it (Chromium 76, Firefox 90, Safari 16.4 and later), and without it
    nothing tells the console's own page from another's; the console's GETs carry no form
    token (a token in links would sit in the history), so refusing is the one rule that holds
    for every GET with side effects."""
    return headers.get("sec-fetch-site") in {"same-origin", "none"}


def same_origin_post(headers: Mapping[str, str], origin: str) -> bool:
    """A POST must say it comes from the console's own pages.

    `Sec-Fetch-Site` (sent by current browsers, and never settable by a page) must be
    `same-origin`. `Origin` must be the console's own, or `null`: under the console's
    `Referrer-Policy: no-referrer`, Chromium sends `Origin: null` even for its own forms, so
    `null` is accepted only together with `Sec-Fetch-Site: same-origin`. A browser that sends
    no `Sec-Fetch-Site` must send the exact `Origin`."""
    site = headers.get("sec-fetch-site")
    sent = headers.get("origin")
    if site is None:
        return sent == origin
    return site == "same-origin" and sent in {origin, "null"}


def token_matches(session: Session, submitted: str | None) -> bool:
    return submitted is not None and _same(session.csrf, submitted)


def cookie_name(port: int) -> str:
    return f"{COOKIE_PREFIX}{port}"


def session_cookie(port: int, session: Session) -> str:
    return f"{cookie_name(port)}={session.id}; Path=/; HttpOnly; SameSite=Strict"


def parse_cookies(header: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for part in header.split(";"):
        name, sep, value = part.strip().partition("=")
        if sep and name and name not in found:
            found[name] = value
    return found
