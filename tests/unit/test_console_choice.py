"""The custodian's view of what a reporter chose: the identity choice and each consent."""

from __future__ import annotations

import re

import pytest

from peluit.config import Config, parse_config
from peluit.core.report import ReportDocument
from peluit.review.console.choice import reporter_choice
from tests.support.factory import example_text

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def config() -> Config:
    return parse_config(example_text())


def text(html: str) -> str:
    """The Indonesian words only (English sits in `<span class="en">`), tags removed."""
    return re.sub(r"<[^>]+>", "|", re.sub(r'<span class="en" lang="en">[^<]*</span>', "", html))


def report(answers: dict[str, str | bool | None], choice: str) -> ReportDocument:
    return ReportDocument.model_validate(
        {"format": "peluit-report/1", "channel": "pengaduan", "lang": "id",
         "answers": answers, "identity_choice": choice}
    )  # fmt: skip


def test_shows_the_choice_and_each_consent_with_its_answer(config: Config) -> None:
    shown = text(
        reporter_choice(
            config, report({"consent_reward": True, "consent_publication": False}, "confidential")
        )
    )
    assert "Identitas dirahasiakan (hanya kustodian)" in shown
    assert "Saya ingin dipertimbangkan untuk penghargaan menurut PP 43/2018. : Ya" in shown
    assert (
        "Saya setuju nama saya disebut jika laporan ini berhasil (pengakuan publik). : Tidak"
        in (shown)
    )


def test_a_consent_the_report_does_not_carry_reads_as_no(config: Config) -> None:
    shown = text(reporter_choice(config, report({}, "open")))
    assert "Identitas terbuka" in shown
    assert "PP 43/2018. : Tidak" in shown
    assert ": Ya" not in shown


def test_a_report_the_custodian_cannot_read_says_so(config: Config) -> None:
    assert "laporan tidak dapat Anda baca" in reporter_choice(config, None)
