"""Hostile headers are refused with the right error, and cheaply.

Each case is built around a real stanza and, where it matters, a MAC that
verifies, so the refusal comes from the rule under test and not from something
incidental. Every refusal must take well under half a second.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable

import pytest

from peluit import age
from peluit.age import b64
from peluit.age.format import encode_stanza
from tests.support import agefiles
from tests.support.agefiles import EndlessReader, MeteredReader

pytestmark = pytest.mark.unit

QUICK = 0.5  # seconds
X_IDENTITY = age.X25519Identity(bytes(range(32)))
PQ_IDENTITY = age.HybridIdentity(bytes(range(32, 64)))
(X_STANZA,) = X_IDENTITY.recipient().wrap(agefiles.FILE_KEY)
(PQ_STANZA,) = PQ_IDENTITY.recipient().wrap(agefiles.FILE_KEY)
X_SHARE = X_STANZA.args[1].encode()
X_BODY = b64.encode(X_STANZA.body)
GOOD = encode_stanza(X_STANZA)
VALID_FILE = agefiles.age_file(GOOD, b"payload")


def _refused_quickly(call: Callable[[], object], error: type[age.AgeError]) -> age.AgeError:
    start = time.perf_counter()
    with pytest.raises(error) as caught:
        call()
    assert time.perf_counter() - start < QUICK
    return caught.value


def _non_canonical(text: bytes) -> bytes:
    """The same bytes in base64 with non-zero trailing bits: the last character plus one."""
    alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    assert len(text) % 4 != 0
    return text[:-1] + bytes([alphabet[alphabet.index(text[-1]) + 1]])


def _with_mac_line(mac_line: bytes) -> bytes:
    return agefiles.mac_input(GOOD)[:-3] + mac_line + b"\n" + agefiles.payload(b"x")


def test_reference_file_for_these_cases_is_valid() -> None:
    assert age.decrypt(VALID_FILE, [X_IDENTITY]) == b"payload"
    assert _non_canonical(X_SHARE) != X_SHARE
    assert b64.encode(b64.decode(X_SHARE)) == X_SHARE


# --- the size limits ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "prefix",
    [b"", b"age-encryption.org/v1\n", b"age-encryption.org/v1\n-> X25519 "],
    ids=["no version line", "endless stanza line", "endless argument"],
)
def test_100_mib_header_without_newline_is_refused_after_reading_only_the_limit(
    prefix: bytes,
) -> None:
    src = EndlessReader(prefix)  # would be 100 MiB and more, never allocated
    limit = age.HeaderLimits().max_bytes
    error = _refused_quickly(lambda: age.decrypt_stream(src, io.BytesIO(), []), age.HeaderError)
    assert src.bytes_read <= limit
    if prefix:
        assert "larger than" in str(error)


@pytest.mark.parametrize("magic", [b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04"])
def test_endless_non_age_stream_is_refused_long_before_the_header_limit(magic: bytes) -> None:
    src = EndlessReader(magic, fill=b"\x00\n")
    error = _refused_quickly(lambda: age.inspect(src), age.HeaderError)
    assert "not an age file" in str(error)
    assert src.bytes_read < age.HeaderLimits().max_bytes // 2


def test_endless_run_of_stanzas_is_refused_after_a_custom_byte_limit() -> None:
    src = EndlessReader(agefiles.VERSION, fill=b"-> grease\n\n")
    limits = age.HeaderLimits(max_bytes=4096, max_stanzas=10**9)
    error = _refused_quickly(lambda: age.inspect(src, limits), age.HeaderError)
    assert "larger than" in str(error)
    assert src.bytes_read <= 4096


def test_endless_stanza_body_of_full_64_column_lines_is_refused_within_the_limit() -> None:
    # every full line says "more follows": a body that never ends
    src = EndlessReader(agefiles.VERSION + b"-> X25519 " + X_SHARE + b"\n", fill=b"A" * 64 + b"\n")
    error = _refused_quickly(lambda: age.inspect(src), age.HeaderError)
    assert "larger than" in str(error)
    assert src.bytes_read <= age.HeaderLimits().max_bytes


@pytest.mark.parametrize(
    "one",
    [GOOD, b"-> a\n\n"],
    ids=["real X25519 stanzas", "tiny grease stanzas"],
)
def test_header_with_ten_thousand_stanzas_is_refused_quickly(one: bytes) -> None:
    src = MeteredReader(agefiles.age_file(one * 10_000))
    error = _refused_quickly(
        lambda: age.decrypt_stream(src, io.BytesIO(), [X_IDENTITY]), age.HeaderError
    )
    assert "stanzas" in str(error)
    assert src.bytes_read <= age.HeaderLimits().max_bytes


def test_stanza_count_limit_is_exact() -> None:
    limit = age.HeaderLimits().max_stanzas
    at_limit = agefiles.age_file(b"-> a\n\n" * (limit - 1) + GOOD, b"ok")
    assert age.decrypt(at_limit, [X_IDENTITY]) == b"ok"
    over = agefiles.age_file(b"-> a\n\n" * limit + GOOD, b"ok")
    _refused_quickly(lambda: age.decrypt(over, [X_IDENTITY]), age.HeaderError)
    _refused_quickly(lambda: age.inspect(over), age.HeaderError)


def test_custom_stanza_limit_is_honoured() -> None:
    data = agefiles.age_file(GOOD * 3, b"ok")
    assert age.decrypt(data, [X_IDENTITY], age.HeaderLimits(max_stanzas=3)) == b"ok"
    _refused_quickly(
        lambda: age.decrypt(data, [X_IDENTITY], age.HeaderLimits(max_stanzas=2)), age.HeaderError
    )


def test_header_byte_limit_is_exact() -> None:
    length = age.inspect(VALID_FILE).header_length
    assert age.decrypt(VALID_FILE, [X_IDENTITY], age.HeaderLimits(max_bytes=length)) == b"payload"
    _refused_quickly(
        lambda: age.decrypt(VALID_FILE, [X_IDENTITY], age.HeaderLimits(max_bytes=length - 1)),
        age.HeaderError,
    )


def test_header_a_little_over_the_default_limit_is_refused() -> None:
    grease = agefiles.stanza(b"grease", b"A" * 64 * 2100)  # ~136 kB in one stanza
    _refused_quickly(lambda: age.inspect(agefiles.age_file(grease + GOOD)), age.HeaderError)


# --- header syntax: refused by inspect and by decrypt alike -----------------------------------

V = agefiles.VERSION


def _file(stanzas: bytes) -> bytes:
    return agefiles.age_file(stanzas, b"x")


SYNTAX_CASES: dict[str, bytes] = {
    # stanza body lines
    "body line of 65 columns": _file(b"-> X25519 " + X_SHARE + b"\n" + b"A" * 65 + b"\n"),
    # 65 + 3 columns would be valid base64 (51 bytes) if the line length went unchecked
    "65 columns then a short line": _file(b"-> grease\n" + b"A" * 65 + b"\nAAA\n" + GOOD),
    "63 then 64 columns": _file(b"-> grease\n" + b"A" * 63 + b"\n" + b"A" * 64 + b"\n\n" + GOOD),
    "full line then 65 columns": _file(
        agefiles.stanza(b"grease", b"A" * 64)[:-1] + b"A" * 65 + b"\n"
    ),
    "body not base64": _file(b"-> X25519 " + X_SHARE + b"\n!" + X_BODY[1:] + b"\n"),
    "body with padding": _file(b"-> X25519 " + X_SHARE + b"\n" + X_BODY + b"=\n"),
    "body non-canonical trailing bits": _file(
        b"-> X25519 " + X_SHARE + b"\n" + _non_canonical(X_BODY) + b"\n"
    ),
    "body of impossible length": _file(b"-> X25519 " + X_SHARE + b"\n" + X_BODY + b"AA\n"),
    "body missing": V + b"-> X25519 " + X_SHARE + b"\n--- " + b"A" * 43 + b"\n",
    "body last line full, no empty line": _file(agefiles.stanza(b"grease", b"A" * 64)[:-1]),
    "body two short lines": _file(b"-> grease\nAAAA\nAAAA\n"),
    # argument lines
    "no arguments": _file(b"-> \n\n"),
    "arrow without space": _file(b"->\n\n"),
    "arrow then argument without space": _file(b"->X25519 " + X_SHARE + b"\n" + X_BODY + b"\n"),
    "double space between arguments": _file(b"-> X25519  " + X_SHARE + b"\n" + X_BODY + b"\n"),
    "double space after arrow": _file(b"->  X25519 " + X_SHARE + b"\n" + X_BODY + b"\n"),
    "trailing space": _file(b"-> X25519 " + X_SHARE + b" \n" + X_BODY + b"\n"),
    "tab in arguments": _file(b"-> X25519\t" + X_SHARE + b"\n" + X_BODY + b"\n"),
    "non-ASCII argument": _file(b"-> grease caf\xc3\xa9\n\n"),
    "DEL in argument": _file(b"-> grease \x7f\n\n"),
    "NUL in argument": _file(b"-> grease \x00\n\n"),
    "not a stanza line": _file(b"X25519 " + X_SHARE + b"\n" + X_BODY + b"\n"),
    # carriage returns
    "CR after version": V[:-1] + b"\r\n" + VALID_FILE[len(V) :],
    "CR after arguments": _file(b"-> X25519 " + X_SHARE + b"\r\n" + X_BODY + b"\n"),
    "CR after body": _file(b"-> X25519 " + X_SHARE + b"\n" + X_BODY + b"\r\n"),
    "CR after MAC": agefiles.header(GOOD)[:-1] + b"\r\n" + agefiles.payload(b"x"),
    "CRLF everywhere": agefiles.header(GOOD).replace(b"\n", b"\r\n") + agefiles.payload(b"x"),
    # the MAC line
    "no MAC line, file ends": V + GOOD,
    "no MAC line, payload follows": V + GOOD + agefiles.payload(b"x" * 1000),
    "no stanzas": agefiles.age_file(b""),
    "MAC 42 characters": _with_mac_line(b"--- " + b"A" * 42),
    "MAC 44 characters": _with_mac_line(b"--- " + b"A" * 44),
    "MAC missing": _with_mac_line(b"---"),
    "MAC without space": _with_mac_line(b"---" + b"A" * 43),
    "MAC after two spaces": _with_mac_line(b"---  " + b"A" * 43),
    "MAC trailing space": _with_mac_line(b"--- " + b"A" * 43 + b" "),
    "MAC not base64": _with_mac_line(b"--- " + b"!" * 43),
    "MAC non-canonical": _with_mac_line(b"--- " + _non_canonical(b"A" * 43)),
    "MAC with padding": _with_mac_line(b"--- " + b"A" * 43 + b"="),
    "four dashes": _with_mac_line(b"---- " + b"A" * 43),
    # not age at all
    "empty input": b"",
    "JPEG": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01" + bytes(2000),
    "PNG": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(2000),
    "ZIP": b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(2000),
    "PDF": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n",
    "plain text": b"Kepada Yth. Inspektorat,\nsaya ingin melaporkan...\n",
    "plain text without newline": b"hello",
    "armored age file": age.armor(VALID_FILE),
    "version line only": V,
    "version line without newline": V[:-1],
    "leading blank line": b"\n" + VALID_FILE,
    "leading BOM": b"\xef\xbb\xbf" + VALID_FILE,
    "old age-tool format": b"This is a file encrypted with age-tool.com, version 1\n",
    # versions
    "version 2": b"age-encryption.org/v2\n" + VALID_FILE[len(V) :],
    "version 1.1": b"age-encryption.org/v1.1\n" + VALID_FILE[len(V) :],
    "upper-case V1": b"age-encryption.org/V1\n" + VALID_FILE[len(V) :],
    "version with trailing space": b"age-encryption.org/v1 \n" + VALID_FILE[len(V) :],
    "no version number": b"age-encryption.org/\n" + VALID_FILE[len(V) :],
    "other domain": b"rage-encryption.org/v1\n" + VALID_FILE[len(V) :],
}


@pytest.mark.parametrize("data", SYNTAX_CASES.values(), ids=SYNTAX_CASES.keys())
def test_malformed_header_is_refused_quickly_by_decrypt_and_inspect(data: bytes) -> None:
    identities: list[age.Identity] = [X_IDENTITY, PQ_IDENTITY]
    _refused_quickly(lambda: age.decrypt(data, identities), age.HeaderError)
    _refused_quickly(lambda: age.inspect(data), age.HeaderError)


@pytest.mark.parametrize("version", [b"age-encryption.org/v2", b"age-encryption.org/v1.1"])
def test_unsupported_version_is_named_as_such(version: bytes) -> None:
    error = _refused_quickly(lambda: age.inspect(version + b"\n" + GOOD), age.HeaderError)
    assert "version" in str(error)


@pytest.mark.parametrize("magic", [b"\xff\xd8\xff\xe0", b"\x89PNG\r\n\x1a\n", b"PK\x03\x04"])
def test_other_file_formats_are_called_not_age(magic: bytes) -> None:
    error = _refused_quickly(lambda: age.inspect(magic + b"\n" + bytes(100)), age.HeaderError)
    assert "not an age file" in str(error)


def test_wrong_mac_of_the_right_shape_is_an_hmac_error() -> None:
    at = VALID_FILE.index(b"\n--- ") + len(b"\n--- ")
    other = b"B" if VALID_FILE[at] != ord("B") else b"C"
    damaged = VALID_FILE[:at] + other + VALID_FILE[at + 1 :]
    _refused_quickly(lambda: age.decrypt(damaged, [X_IDENTITY]), age.HmacError)


# --- stanza contents: well-formed syntax, refused by the identity of that type --------------


def _x(arg_line: bytes, body_text: bytes = X_BODY) -> bytes:
    return _file(agefiles.stanza(arg_line, body_text))


def _pq(arg_line: bytes, body_text: bytes | None = None) -> bytes:
    return _file(
        agefiles.stanza(arg_line, b64.encode(PQ_STANZA.body) if body_text is None else body_text)
    )


PQ_ENC = b64.decode(PQ_STANZA.args[1].encode())
SALT = b64.encode(bytes(16))

STANZA_CASES: dict[str, tuple[bytes, age.Identity]] = {
    "X25519 share of 31 bytes": (_x(b"X25519 " + b64.encode(bytes(range(1, 32)))), X_IDENTITY),
    "X25519 share of 33 bytes": (
        _x(b"X25519 " + b64.encode(b64.decode(X_SHARE) + b"\x00")),
        X_IDENTITY,
    ),
    "X25519 share padded": (_x(b"X25519 " + X_SHARE + b"="), X_IDENTITY),
    "X25519 share non-canonical": (_x(b"X25519 " + _non_canonical(X_SHARE)), X_IDENTITY),
    "X25519 share not base64": (_x(b"X25519 " + b"*" * 43), X_IDENTITY),
    "X25519 share low order": (_x(b"X25519 " + b64.encode(bytes(32))), X_IDENTITY),
    "X25519 body of 31 bytes": (
        _x(b"X25519 " + X_SHARE, b64.encode(X_STANZA.body[:31])),
        X_IDENTITY,
    ),
    "X25519 body of 33 bytes": (
        _x(b"X25519 " + X_SHARE, b64.encode(X_STANZA.body + b"\x00")),
        X_IDENTITY,
    ),
    "X25519 empty body": (_x(b"X25519 " + X_SHARE, b""), X_IDENTITY),
    "X25519 without share": (_x(b"X25519"), X_IDENTITY),
    "X25519 extra argument": (_x(b"X25519 " + X_SHARE + b" extra"), X_IDENTITY),
    "hybrid enc of 1119 bytes": (_pq(b"mlkem768x25519 " + b64.encode(PQ_ENC[:-1])), PQ_IDENTITY),
    "hybrid enc of 1121 bytes": (
        _pq(b"mlkem768x25519 " + b64.encode(PQ_ENC + b"\x00")),
        PQ_IDENTITY,
    ),
    "hybrid enc of X25519 size": (_pq(b"mlkem768x25519 " + X_SHARE), PQ_IDENTITY),
    "hybrid enc non-canonical": (
        _pq(b"mlkem768x25519 " + _non_canonical(b64.encode(PQ_ENC))),
        PQ_IDENTITY,
    ),
    "hybrid enc low-order X25519 half": (
        _pq(b"mlkem768x25519 " + b64.encode(PQ_ENC[:-32] + bytes(32))),
        PQ_IDENTITY,
    ),
    "hybrid body of 31 bytes": (
        _pq(
            PQ_STANZA.args[0].encode() + b" " + PQ_STANZA.args[1].encode(),
            b64.encode(PQ_STANZA.body[:31]),
        ),
        PQ_IDENTITY,
    ),
    "hybrid body of 33 bytes": (
        _pq(
            b" ".join(a.encode() for a in PQ_STANZA.args),
            b64.encode(PQ_STANZA.body + b"\x00"),
        ),
        PQ_IDENTITY,
    ),
    "hybrid without enc": (_pq(b"mlkem768x25519"), PQ_IDENTITY),
    "hybrid extra argument": (
        _pq(b" ".join(a.encode() for a in PQ_STANZA.args) + b" extra"),
        PQ_IDENTITY,
    ),
    "scrypt work factor 40": (_x(b"scrypt " + SALT + b" 40"), age.ScryptIdentity("p")),
    "scrypt work factor 21 over default limit": (
        _x(b"scrypt " + SALT + b" 21"),
        age.ScryptIdentity("p"),
    ),
    "scrypt work factor 11 over custom limit": (
        _x(b"scrypt " + SALT + b" 11"),
        age.ScryptIdentity("p", max_work_factor=10),
    ),
    "scrypt work factor 2**63 + 10": (
        _x(b"scrypt " + SALT + b" 9223372036854775818"),
        age.ScryptIdentity("p"),
    ),
    "scrypt work factor zero": (_x(b"scrypt " + SALT + b" 0"), age.ScryptIdentity("p")),
    "scrypt work factor leading zero": (_x(b"scrypt " + SALT + b" 01"), age.ScryptIdentity("p")),
    "scrypt work factor plus sign": (_x(b"scrypt " + SALT + b" +2"), age.ScryptIdentity("p")),
    "scrypt work factor negative": (_x(b"scrypt " + SALT + b" -2"), age.ScryptIdentity("p")),
    "scrypt work factor hex": (_x(b"scrypt " + SALT + b" 0x2"), age.ScryptIdentity("p")),
    "scrypt work factor exponent": (_x(b"scrypt " + SALT + b" 1e1"), age.ScryptIdentity("p")),
    "scrypt work factor underscore": (_x(b"scrypt " + SALT + b" 1_0"), age.ScryptIdentity("p")),
    "scrypt work factor missing": (_x(b"scrypt " + SALT), age.ScryptIdentity("p")),
    "scrypt salt of 15 bytes": (
        _x(b"scrypt " + b64.encode(bytes(15)) + b" 2"),
        age.ScryptIdentity("p"),
    ),
    "scrypt salt of 17 bytes": (
        _x(b"scrypt " + b64.encode(bytes(17)) + b" 2"),
        age.ScryptIdentity("p"),
    ),
    "scrypt body of 33 bytes": (
        _x(b"scrypt " + SALT + b" 2", b64.encode(bytes(33))),
        age.ScryptIdentity("p"),
    ),
    "scrypt extra argument": (_x(b"scrypt " + SALT + b" 2 extra"), age.ScryptIdentity("p")),
}


@pytest.mark.parametrize(("data", "identity"), STANZA_CASES.values(), ids=STANZA_CASES.keys())
def test_malformed_stanza_is_refused_quickly_by_its_identity(
    data: bytes, identity: age.Identity
) -> None:
    assert age.inspect(data).recipient_count == 1  # the header syntax itself is fine
    _refused_quickly(lambda: age.decrypt(data, [identity]), age.HeaderError)


def test_scrypt_work_factor_40_is_refused_without_running_scrypt() -> None:
    # 2**40 * 1 KiB of memory: running it would not finish, let alone in 0.5 s
    data = _x(b"scrypt " + SALT + b" 40")
    error = _refused_quickly(lambda: age.decrypt(data, [age.ScryptIdentity("p")]), age.HeaderError)
    assert "40" in str(error)


def test_scrypt_work_factor_of_thousands_of_digits_is_a_header_error() -> None:
    data = _x(b"scrypt " + SALT + b" 1" + b"0" * 5000)
    _refused_quickly(lambda: age.decrypt(data, [age.ScryptIdentity("p")]), age.HeaderError)


SCRYPT_STANZA = agefiles.stanza(b"scrypt " + SALT + b" 2", b64.encode(bytes(32)))


@pytest.mark.parametrize(
    "stanzas",
    [SCRYPT_STANZA + GOOD, GOOD + SCRYPT_STANZA, SCRYPT_STANZA + SCRYPT_STANZA],
    ids=["scrypt first", "scrypt last", "two scrypt"],
)
@pytest.mark.parametrize(
    "identity",
    [X_IDENTITY, age.ScryptIdentity("p")],
    ids=["X25519 identity", "scrypt identity"],
)
def test_scrypt_stanza_mixed_with_other_stanzas_is_refused(
    stanzas: bytes, identity: age.Identity
) -> None:
    data = _file(stanzas)
    error = _refused_quickly(lambda: age.decrypt(data, [identity]), age.HeaderError)
    assert "only stanza" in str(error)
