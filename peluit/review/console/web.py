"""The console's requests and responses, independent of the HTTP server that carries them.

A response body is one of three kinds:
* `body`: bytes, sent with their length;
* `file`: an open file of known length (a finished export), sent with its length, then
  closed;
* `stream`: an iterator of chunks. With `length` (an attachment: its size is in the
  manifest) it is sent with `Content-Length`, so the browser shows the download's progress;
  without, with chunked transfer encoding. If the iterator raises, or gives other than
  `length` bytes, the connection is cut before the body is complete (no final empty chunk),
  so the browser marks the download as failed instead of complete. A chunk may be a view of
  a buffer the iterator writes again for the next one: the server sends it, or copies it,
  before it asks for the next.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import BinaryIO
from urllib.parse import quote

from peluit.web.headers import SECURITY_HEADERS

from .html import Html


@dataclass(frozen=True)
class UploadedFile:
    """A file chosen in a form (`multipart/form-data`): its name as the browser gave it."""

    name: str
    data: bytes


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: Mapping[str, str] = field(default_factory=dict)
    headers: Mapping[str, str] = field(default_factory=dict)  # names in lower case
    form: Mapping[str, str] = field(default_factory=dict)
    cookies: Mapping[str, str] = field(default_factory=dict)
    files: Mapping[str, tuple[UploadedFile, ...]] = field(default_factory=dict)


@dataclass
class Response:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    file: tuple[BinaryIO, int] | None = None
    stream: Iterator[bytes | memoryview] | None = None
    length: int | None = None  # of `stream`, when known in advance

    def all_headers(self) -> dict[str, str]:
        """The security headers of `peluit serve`, no caching, then this response's own."""
        return {**SECURITY_HEADERS, "Cache-Control": "no-store", **self.headers}


def page(status: int, content: Html) -> Response:
    return Response(status, {"Content-Type": "text/html; charset=utf-8"}, content.encode())


def redirect(location: str) -> Response:
    """303 See Other: after a POST, the browser GETs `location` (a path of the console)."""
    return Response(303, {"Location": location})


def text(status: int, message: str) -> Response:
    return Response(status, {"Content-Type": "text/plain; charset=utf-8"}, message.encode())


def attachment_headers(filename: str, content_type: str) -> dict[str, str]:
    """Headers that make the browser save the body under `filename` (already made safe)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return {
        "Content-Type": content_type,
        "Content-Disposition": (
            f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
        ),
    }
