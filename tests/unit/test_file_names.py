"""How a file's name and type enter a manifest, whoever writes it (`peluit submit`, the
reviewers' reply attachments): one rule, the browser's (js/src/report.js)."""

from __future__ import annotations

import pytest

from peluit.core.report import DEFAULT_FILE_TYPE, MAX_FILE_NAME, fit_file_name, fit_file_type

pytestmark = pytest.mark.unit


def test_a_short_name_is_kept_and_an_empty_one_gets_a_neutral_name() -> None:
    assert fit_file_name("kuitansi.pdf") == "kuitansi.pdf"
    assert fit_file_name("") == "lampiran"


def test_a_long_name_is_cut_to_255_code_points_keeping_its_extension() -> None:
    fitted = fit_file_name("a" * 400 + ".pdf")
    assert len(fitted) == MAX_FILE_NAME
    assert fitted.endswith("…" + ".pdf")
    # an "extension" longer than 16 characters is not one: cut plainly
    assert fit_file_name("b" * 300 + "." + "c" * 20).endswith("…")


def test_an_unknown_or_overlong_type_becomes_the_default() -> None:
    assert fit_file_type("image/jpeg") == "image/jpeg"
    assert fit_file_type(None) == DEFAULT_FILE_TYPE
    assert fit_file_type("x/" + "y" * 300) == DEFAULT_FILE_TYPE
