"""A body as a browser reads it: the answer's `Content-Encoding` undone (ADR 0053), so the
bytes a browser runs are hashed, not only the bytes the verifier asked for. gzip and deflate
with the standard library, br with the `brotli` package (`pip install 'peluit[verify]'`);
an encoding that cannot be undone here is a DecodeError, which the verification reports:
what browsers get is then unchecked, never assumed. Each decoded body is capped (a small
compressed answer can expand to gigabytes)."""

from __future__ import annotations

import zlib
from types import ModuleType

MAX_DECODED = 32 << 20  # as http.MAX_ANSWER: no site file is near it


class DecodeError(Exception):
    """A body that cannot be decoded as its Content-Encoding says (or larger than the cap)."""


def _brotli() -> ModuleType | None:
    try:
        import brotli  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        return None
    return brotli  # type: ignore[no-any-return, unused-ignore]


def encodings(content_encoding: str | None) -> list[str]:
    """The codings applied, in the order applied (`identity` is none)."""
    if content_encoding is None:
        return []
    named = [c.strip().lower() for c in content_encoding.split(",")]
    return [c for c in named if c and c != "identity"]


def decode(body: bytes, content_encoding: str | None, cap: int | None = None) -> bytes:
    """The body with its codings undone, at most `cap` bytes (MAX_DECODED) at each step."""
    cap = MAX_DECODED if cap is None else cap
    for coding in reversed(encodings(content_encoding)):
        body = _undo(coding, body, cap)
    return body


def _undo(coding: str, body: bytes, cap: int) -> bytes:
    if coding in {"gzip", "x-gzip"}:
        return _zlib(body, 31, cap, coding)
    if coding == "deflate":  # zlib-wrapped as HTTP says; raw deflate as browsers also accept
        wrapped = len(body) >= 2 and body[0] & 0x0F == 8 and (body[0] << 8 | body[1]) % 31 == 0
        return _zlib(body, 15 if wrapped else -15, cap, coding)
    if coding == "br":
        return _br(body, cap)
    raise DecodeError(f"Content-Encoding {coding!r}: no decoder here, so unchecked")


def _zlib(body: bytes, wbits: int, cap: int, coding: str) -> bytes:
    out = bytearray()
    rest = body
    try:
        while rest:  # gzip may hold several members, one after another
            inflate = zlib.decompressobj(wbits)
            out += inflate.decompress(rest, cap + 1 - len(out))
            if len(out) > cap:
                raise DecodeError(f"{coding}: decodes to more than {cap} bytes")
            if not inflate.eof:
                raise DecodeError(f"{coding}: the compressed body is cut short")
            rest = inflate.unused_data
            if rest and wbits != 31:
                raise DecodeError(f"{coding}: bytes after the compressed body")
    except zlib.error as exc:
        raise DecodeError(f"{coding}: not a {coding} body ({exc})") from None
    return bytes(out)


def _br(body: bytes, cap: int) -> bytes:
    brotli = _brotli()
    if brotli is None:
        raise DecodeError(
            "Content-Encoding 'br' and no brotli decoder installed "
            "(pip install 'peluit[verify]'), so unchecked"
        )
    inflate = brotli.Decompressor()
    try:
        out: bytes = inflate.process(body, output_buffer_limit=cap + 1)
        if len(out) > cap or not inflate.is_finished():
            raise DecodeError(
                f"br: decodes to more than {cap} bytes"
                if len(out) > cap
                else "br: the compressed body is cut short"
            )
    except brotli.error as exc:
        raise DecodeError(f"br: not a br body ({exc})") from None
    return out
