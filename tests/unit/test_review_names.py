"""Attachment names from a report become safe file names: no directories, no device names,
no hidden files, no control characters, bounded length."""

from __future__ import annotations

import pytest

from peluit.review.names import MAX_CHARS, numbered_name, safe_name

pytestmark = pytest.mark.unit

CASES = {
    "../../etc/passwd": "passwd",
    "..\\..\\Windows\\system32\\evil.dll": "evil.dll",
    "C:\\Users\\x\\foto.jpg": "foto.jpg",
    "/absolute/path.pdf": "path.pdf",
    "..": "lampiran",
    "": "lampiran",
    ".bashrc": "bashrc",
    "CON": "CON_",
    "nul.txt": "nul_.txt",
    "com1.tar.gz": "com1_.tar.gz",
    'a<b>c:d"e|f?g*h.txt': "a_b_c_d_e_f_g_h.txt",
    "rekaman\x00.mp3\x1b[31m": "rekaman.mp3[31m",
    "laporan\u202egnp.exe": "laporangnp.exe",
    "trailing dots... ": "trailing dots",
    "Bukti rapat (asli).pdf": "Bukti rapat (asli).pdf",
}


@pytest.mark.parametrize(("name", "expected"), CASES.items(), ids=list(CASES))
def test_a_hostile_or_odd_name_becomes_a_plain_file_name(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_a_long_name_is_cut_and_keeps_its_extension() -> None:
    cut = safe_name("x" * 400 + ".pdf")
    assert len(cut) == MAX_CHARS
    assert cut.endswith(".pdf")


def test_numbered_names_are_unique_even_for_equal_names() -> None:
    assert numbered_name(0, "a.txt") != numbered_name(1, "a.txt")
    assert numbered_name(3, "../x") == "03-x"
