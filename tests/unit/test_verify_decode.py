"""What a browser is sent, decoded as it decodes it (ADR 0053): gzip (one member or several),
deflate (zlib-wrapped or raw) and br give back the bytes; a body that expands past the cap,
is cut short or is in an encoding nothing here reads is a DecodeError, never bytes; and the
addresses browsers load are derived from the released files as the site function routes."""

from __future__ import annotations

import gzip
import zlib

import brotli  # type: ignore[import-untyped, unused-ignore]
import pytest

from peluit.edge.site_function import route
from peluit.verify.addresses import Address, browser_addresses
from peluit.verify.decode import DecodeError, decode, encodings

pytestmark = pytest.mark.unit
BODY = b"<html>peluit</html>\n" * 100


def test_each_encoding_a_browser_accepts_decodes_to_the_bytes() -> None:
    assert decode(gzip.compress(BODY), "gzip") == BODY
    assert decode(gzip.compress(BODY[:7]) + gzip.compress(BODY[7:]), "gzip") == BODY
    assert decode(zlib.compress(BODY), "deflate") == BODY
    raw = zlib.compressobj(wbits=-15)
    assert decode(raw.compress(BODY) + raw.flush(), "deflate") == BODY
    assert decode(brotli.compress(BODY), "br") == BODY
    assert decode(BODY, None) == decode(BODY, "identity") == BODY
    assert decode(brotli.compress(gzip.compress(BODY)), "gzip, br") == BODY
    assert encodings(" GZIP , identity,br") == ["gzip", "br"]


@pytest.mark.parametrize(
    ("body", "coding", "reason"),
    [
        (gzip.compress(b"\0" * 5000), "gzip", "gzip: decodes to more than 4096 bytes"),
        (brotli.compress(b"\0" * 5000), "br", "br: decodes to more than 4096 bytes"),
        (zlib.compress(b"\0" * 5000), "deflate", "deflate: decodes to more than 4096 bytes"),
        (gzip.compress(BODY)[:-12], "gzip", "gzip: the compressed body is cut short"),
        (brotli.compress(BODY)[:-3], "br", "br: the compressed body is cut short"),
        (BODY, "gzip", "gzip: not a gzip body"),
        (BODY, "zstd", "Content-Encoding 'zstd': no decoder here, so unchecked"),
    ],
)
def test_a_body_that_cannot_be_read_as_sent_is_an_error(
    body: bytes, coding: str, reason: str
) -> None:
    with pytest.raises(DecodeError) as refused:
        decode(body, coding, cap=4096)
    assert str(refused.value).startswith(reason)


def test_without_a_brotli_decoder_a_br_answer_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("peluit.verify.decode._brotli", lambda: None)
    with pytest.raises(DecodeError, match="no brotli decoder installed"):
        decode(brotli.compress(BODY), "br")


def test_the_addresses_browsers_load_are_the_site_functions() -> None:
    names = ["index.html", "lapor/pengaduan/index.html", "404.html", "en/404.html", "a.js"]
    found = browser_addresses(names, "peluit-verify-x1")
    assert found == [
        Address("/peluit-verify-x1/", "404.html", 404),
        Address("/en/peluit-verify-x1/", "en/404.html", 404),
        Address("/", "index.html", 200),
        Address("/lapor/pengaduan/", "lapor/pengaduan/index.html", 200),
        Address("/lapor/pengaduan", "", 301, "/lapor/pengaduan/"),
    ]
    pages = {"/", "/lapor/pengaduan/", "/404.html", "/en/404.html"}
    for address in found:  # each as the site function (peluit/edge) answers it
        routed = route(address.path, pages)
        if address.location is not None:
            assert routed.redirect == address.location
        else:
            assert routed.uri == "/" + address.name
