"""The port the verification reads the site through: a GET of a path on the site's origin,
answered with a status, headers and body (never redirected), asked for as the verifier
(`Accept-Encoding: identity`) or as a browser. `http.SiteClient` is the
adapter over the network; tests may give a fake, and the functional tier crosses the real
seam against `peluit serve`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from peluit import tlog


class FetchError(Exception):
    """The site could not be read: no answer, an answer too large, a bad URL."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case; repeated headers joined with ", "
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class Fetcher(Protocol):
    def get(self, path: str, browser: bool = False) -> Answer:
        """GET `path` (starting with "/") on the site's origin; FetchError if no answer.
        `browser`: ask as a browser does (its User-Agent, `Accept-Encoding: gzip, deflate,
        br, zstd`), so a CDN that serves browsers other bytes (ADR 0053) serves them to this
        request too; the body comes as sent (compressed), `peluit.verify.decode` opens it."""
        ...


class LogOverFetcher:
    """The site's `/log/` as the release log's files port (read only; 404 is None)."""

    def __init__(self, fetcher: Fetcher, prefix: str = "/log/") -> None:
        self.fetcher = fetcher
        self.prefix = prefix
        self._kept: dict[str, bytes | None] = {}  # tiles, bundles, archives: immutable

    def read(self, path: str) -> bytes | None:
        if path in self._kept:
            return self._kept[path]
        answer = self.fetcher.get(self.prefix + path)
        if answer.status not in {200, 404}:
            raise tlog.TileError(f"{self.prefix}{path}: HTTP {answer.status}")
        data = answer.body if answer.status == 200 else None
        if path != tlog.CHECKPOINT:
            self._kept[path] = data
        return data

    def write(self, path: str, data: bytes) -> None:
        raise tlog.TileError("a verifier does not write to the log")
