"""Connections kept open between downloads, so that an attachment's segments (one presigned
GET each, several at once: `peluit.review.attachments.AHEAD`) do not each pay a TCP and,
over HTTPS, a TLS handshake.

A connection is used by one request at a time: it is taken from the pool, used, and given
back only once its answer was read to the end and the server did not ask to close it;
anything else closes it. At most `MAX_IDLE` connections per origin wait in the pool.
HTTPS certificates are verified (the standard library's default context, as urllib does).
"""

from __future__ import annotations

import http.client
import ssl
import threading

MAX_IDLE = 4  # per origin: the segments fetched at once, and one more

Origin = tuple[str, str, int]  # scheme, host, port


class ConnectionPool:
    def __init__(self, timeout: float) -> None:
        self._timeout = timeout
        self._idle: dict[Origin, list[http.client.HTTPConnection]] = {}
        self._lock = threading.Lock()
        self._tls: ssl.SSLContext | None = None

    def take(self, origin: Origin, fresh: bool = False) -> tuple[http.client.HTTPConnection, bool]:
        """A connection to `origin` and whether it served a request before (`fresh`: a new
        one, never one from the pool)."""
        if not fresh:
            with self._lock:
                idle = self._idle.get(origin)
                if idle:
                    return idle.pop(), True
        scheme, host, port = origin
        if scheme == "https":
            return http.client.HTTPSConnection(
                host, port, timeout=self._timeout, context=self._context()
            ), False
        return http.client.HTTPConnection(host, port, timeout=self._timeout), False

    def give_back(self, origin: Origin, connection: http.client.HTTPConnection) -> None:
        with self._lock:
            idle = self._idle.setdefault(origin, [])
            if len(idle) < MAX_IDLE:
                idle.append(connection)
                return
        connection.close()

    def close(self) -> None:
        with self._lock:
            idle = [c for waiting in self._idle.values() for c in waiting]
            self._idle.clear()
        for connection in idle:
            connection.close()

    def _context(self) -> ssl.SSLContext:
        with self._lock:
            if self._tls is None:
                self._tls = ssl.create_default_context()
            return self._tls
