"""The language a person chose for their console session: Indonesian, English, or both.

Kept here, by session id, in memory only: no cookie of its own (the session cookie is the
only one the console sets), gone when the console stops. The table is bounded; a session it
forgot is shown in both languages again, which is the default.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict

from .guard import MAX_SESSIONS, Session
from .html import LANGUAGES

_BACK = re.compile(r"/(?:[A-Za-z0-9._~!$&'()*+,;=:@%/?-]*)")


def safe_back(back: str | None) -> str:
    """Where to return after switching: a path of the console itself, never another site
    (`//host`, a scheme or a backslash), else the case list."""
    if back and _BACK.fullmatch(back) and not back.startswith("//"):
        return back
    return "/cases"


class Languages:
    def __init__(self, capacity: int = 4 * MAX_SESSIONS) -> None:
        self._capacity = capacity
        self._chosen: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, session: Session) -> str | None:
        """`id`, `en`, or None (both)."""
        with self._lock:
            return self._chosen.get(session.id)

    def choose(self, session: Session, choice: str | None) -> None:
        with self._lock:
            self._chosen.pop(session.id, None)
            if choice in LANGUAGES:
                self._chosen[session.id] = choice
                while len(self._chosen) > self._capacity:
                    self._chosen.popitem(last=False)

    def carry(self, before: Session, after: Session) -> None:
        """Unlocking replaces the session id: the choice goes with it, the old id is dropped."""
        with self._lock:
            choice = self._chosen.pop(before.id, None)
        if choice is not None:
            self.choose(after, choice)
