"""A decrypted report laid out with the configuration's labels, in its question order,
without hiding answers the configuration does not know."""

from __future__ import annotations

import json

import pytest

from peluit.review.reading import answer_rows, kpk_area, read_report
from tests.support.factory import make_team

pytestmark = pytest.mark.unit

CONFIG = make_team().config


def _report(answers: dict[str, object]) -> bytes:
    return json.dumps(
        {
            "format": "peluit-report/1",
            "channel": "pengaduan",
            "lang": "id",
            "answers": answers,
            "identity_choice": "anonymous",
        }
    ).encode()


def test_answers_come_in_question_order_with_labels_and_readable_values() -> None:
    reading = read_report(
        _report(
            {
                "loss": "1500000",
                "area": "pengadaan",
                "what": "Jalan\ndikurangi",
                "other_authority": "belum",
                "consent_reward": True,
            }
        )
    )
    assert reading.document is not None
    rows = answer_rows(CONFIG, "pengaduan", reading.document.answers, identity=False)
    assert [(r.field, r.label_id, r.value, r.value_en) for r in rows] == [
        ("what", "Apa yang terjadi?", "Jalan\ndikurangi", None),
        ("area", "Bidang", "Pengadaan barang dan jasa", "Procurement of goods and services"),
        ("loss", "Perkiraan kerugian (Rp)", "Rp 1.500.000", None),
        ("other_authority", "Apakah sudah dilaporkan ke pihak lain?", "Belum", "No"),
        ("consent_reward", rows[4].label_id, "Ya", "Yes"),
    ]
    assert rows[0].long
    area = kpk_area(CONFIG, reading.document)
    assert area is not None
    assert area.id == "pengadaan"


def test_an_answer_the_configuration_does_not_know_is_still_shown() -> None:
    reading = read_report(_report({"what": "x", "removed_field": "masih ada"}))
    assert reading.document is not None
    rows = answer_rows(CONFIG, "pengaduan", reading.document.answers, identity=False)
    assert rows[-1].field == "removed_field"
    assert rows[-1].value == "masih ada"


def test_a_plaintext_that_is_not_a_report_document_is_kept_with_the_reason() -> None:
    reading = read_report(b'{"what": "bukan dokumen"}')
    assert reading.document is None
    assert reading.problem is not None
    assert reading.plaintext == b'{"what": "bukan dokumen"}'


@pytest.mark.parametrize("hostile", ["²", "9" * 5000, "١٢٣"])
def test_a_money_answer_that_is_not_plain_digits_is_shown_as_typed(hostile: str) -> None:
    reading = read_report(_report({"loss": hostile}))
    assert reading.document is not None
    [row] = answer_rows(CONFIG, "pengaduan", reading.document.answers, identity=False)
    assert row.value == hostile
