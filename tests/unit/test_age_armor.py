"""ASCII armor round trips; the strictness cases live in the CCTV vectors (functional tier)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peluit import age
from peluit.age.armor import BEGIN, END

pytestmark = pytest.mark.unit


@settings(max_examples=100, deadline=None)
@given(st.one_of(st.binary(max_size=200), st.integers(0, 5).map(lambda n: bytes(45 + n))))
def test_armor_round_trips_any_bytes_in_64_column_lines(data: bytes) -> None:
    text = age.armor(data)
    lines = text.split(b"\n")
    assert lines[0] == BEGIN
    assert lines[-2:] == [END, b""]
    assert all(0 < len(line) <= 64 for line in lines[1:-2])
    assert age.is_armored(text)
    assert age.dearmor(text) == data


def test_armored_age_file_decrypts_after_dearmor() -> None:
    identity = age.HybridIdentity.generate()
    data = age.encrypt(b"report" * 1000, [identity.recipient()])
    assert not age.is_armored(data)
    assert age.decrypt(age.dearmor(age.armor(data)), [identity]) == b"report" * 1000


def test_armor_with_crlf_and_surrounding_whitespace_is_accepted() -> None:
    text = b"\r\n  " + age.armor(b"x" * 100).replace(b"\n", b"\r\n") + b"\t\n"
    assert age.is_armored(text)
    assert age.dearmor(text) == b"x" * 100


def _short_first_line() -> bytes:
    """96 bytes armor to two 64-column lines; move one character from the first to the second."""
    begin, first, second, *rest = age.armor(bytes(96)).split(b"\n")
    return b"\n".join([begin, first[:-1], first[-1:] + second, *rest])


REFUSED: dict[str, bytes] = {
    "short line before the last": _short_first_line(),
    "garbage after the end line": age.armor(b"x" * 10) + b"more\n",
    "missing end line": age.armor(b"x" * 10).replace(END + b"\n", b""),
    "stray CR inside a line": age.armor(b"x" * 10).replace(b"eHh4", b"eH\rh4", 1),
}


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_non_strict_armor_is_refused(text: bytes) -> None:
    with pytest.raises(age.ArmorError):
        age.dearmor(text)
