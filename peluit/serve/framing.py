"""How `peluit serve` refuses a request it cannot frame or read: the JSON problems for an
ambiguous body length, a body cut short or too large, and what http.server answers itself
(an unknown method, a request line or headers too long), instead of its HTML page."""

from __future__ import annotations

from email.message import Message

from peluit.api import errors
from peluit.web.length import content_length

MAX_API_BODY = 8 * 1024 * 1024
PAYLOAD_TOO_LARGE = errors.Problem(
    413, "payload_too_large", "Permintaan terlalu besar.", "The request is too large."
)
SHORT_BODY = errors.Problem(
    400,
    "short_body",
    "Unggahan terputus sebelum selesai.",
    "The upload ended before it was complete.",
)
METHOD_NOT_ALLOWED = errors.Problem(
    405,
    "method_not_allowed",
    "Metode permintaan ini tidak dilayani.",
    "This request method is not served.",
)
SERVER_ERRORS = {
    501: METHOD_NOT_ALLOWED,
    405: METHOD_NOT_ALLOWED,
    414: errors.Problem(414, "uri_too_long", "Alamat terlalu panjang.", "The address is too long."),
    431: errors.Problem(
        431, "headers_too_large", "Header permintaan terlalu besar.", "The headers are too large."
    ),
}
LENGTH_REQUIRED = errors.Problem(
    411, "length_required", "Panjang isi permintaan wajib ada.", "Content-Length is required."
)
BAD_LENGTH = errors.Problem(
    400,
    "invalid_content_length",
    "Panjang isi permintaan (Content-Length) tidak sah.",
    "The Content-Length header is not a decimal number.",
)
CONFLICTING_LENGTH = errors.Problem(
    400,
    "conflicting_content_length",
    "Permintaan membawa lebih dari satu panjang isi (Content-Length) yang berbeda.",
    "The request carries Content-Length more than once, with different values.",
)


def server_error(code: int) -> errors.Problem:
    """The problem for a status http.server answers by itself."""
    return SERVER_ERRORS.get(code) or errors.Problem(
        code, "bad_request", "Permintaan tidak dapat dibaca.", "The request could not be read."
    )


def framing_problem(headers: Message) -> errors.Problem | None:
    """A request whose body length is ambiguous is refused before anything reads it: a
    chunked body (nothing here takes one; `Transfer-Encoding` with `Content-Length` is how
    requests are smuggled past a proxy), a `Content-Length` that is not a decimal number, or
    one given twice with different values. Repeated identical values are one length (RFC 9110,
    8.6). Checked first, as a proxy would: before the edge's function or any handler."""
    if headers.get("Transfer-Encoding") is not None:
        return LENGTH_REQUIRED
    lengths = {v.strip() for v in headers.get_all("Content-Length") or ()}
    if any(content_length(v) is None for v in lengths):
        return BAD_LENGTH
    if len(lengths) > 1:
        return CONFLICTING_LENGTH
    return None
