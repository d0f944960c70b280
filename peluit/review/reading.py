"""A decrypted report or identity block, laid out for people: the channel's questions in
their configured order, with their labels (Indonesian and English) and readable values.

The labels come from the local configuration, never from the document: a report says only
which field id holds which answer. Answers the configuration does not know (a field removed
since) are still shown, under their field id, so nothing the reporter wrote is hidden.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import ValidationError

from peluit.config import Channel, Config, FieldSpec
from peluit.config.models import KpkArea
from peluit.core import padding
from peluit.core.ids import REPORTER_SENDER
from peluit.core.report import AnswerValue, IdentityDocument, ReportDocument

REPORTER = REPORTER_SENDER  # the thread's sender id for the reporter
NOT_GIVEN = ("—", "—")
YES = ("Ya", "Yes")
NO = ("Tidak", "No")


@dataclass(frozen=True)
class Answer:
    field: str
    label_id: str
    label_en: str
    value: str
    value_en: str | None = None  # when the value is itself a label (a choice, yes/no)
    long: bool = False  # a textarea: keep its line breaks


@dataclass(frozen=True)
class ReportReading:
    """What `report.age` decrypted to: the document, or why it is not one."""

    plaintext: bytes
    document: ReportDocument | None
    problem: str | None = None


def read_report(plaintext: bytes) -> ReportReading:
    try:
        document = padding.unpad(plaintext)
    except padding.PaddingError:
        return ReportReading(
            plaintext,
            None,
            "not a peluit-report/1 document (not JSON, or not only padding after it)",
        )
    try:
        return ReportReading(plaintext, ReportDocument.model_validate_json(document))
    except ValidationError as exc:
        return ReportReading(
            plaintext, None, f"not a peluit-report/1 document ({exc.error_count()} problems)"
        )


def read_identity(plaintext: bytes) -> IdentityDocument | None:
    try:
        return IdentityDocument.model_validate_json(padding.unpad(plaintext))
    except (ValidationError, padding.PaddingError):
        return None


def _channel(config: Config, channel_id: str) -> Channel | None:
    return config.channel(channel_id)


def _money(text: str) -> str:
    digits = text.strip()
    # ASCII digits only (isdigit() also accepts "²"), and no more than any real amount has
    if not (digits.isascii() and digits.isdigit()) or len(digits) > 30:
        return text
    return "Rp " + f"{int(digits):,}".replace(",", ".")


def _value(config: Config, spec: FieldSpec | None, value: AnswerValue) -> tuple[str, str | None]:
    if value is None or value == "":
        return NOT_GIVEN
    if isinstance(value, bool):
        return YES if value else NO
    if spec is None:
        return value, None
    if spec.kind == "select":
        option = next((o for o in spec.options if o.id == value), None)
        return (option.label.id, option.label.en) if option else (value, None)
    if spec.kind == "kpk_area":
        area = next((a for a in config.kpk_areas if a.id == value), None)
        return (area.label.id, area.label.en) if area else (value, None)
    if spec.kind == "money":
        return _money(value), None
    return value, None


def answer_rows(
    config: Config, channel_id: str, values: Mapping[str, AnswerValue], identity: bool
) -> list[Answer]:
    """`values` in the order of the channel's questions (`identity`: the identity fields,
    else the report's), then any the configuration does not know."""
    channel = _channel(config, channel_id)
    specs = [f for f in (channel.fields if channel else []) if f.identity == identity]
    rows = []
    for spec in specs:
        if spec.id in values:
            value, value_en = _value(config, spec, values[spec.id])
            long = spec.kind == "textarea"
            rows.append(Answer(spec.id, spec.label.id, spec.label.en, value, value_en, long))
    known = {f.id for f in (channel.fields if channel else [])}
    for name, raw in values.items():
        if name not in known:
            value, value_en = _value(config, None, raw)
            rows.append(Answer(name, name, name, value, value_en, long=True))
    return rows


def kpk_area(config: Config, report: ReportDocument) -> KpkArea | None:
    """The KPK area the reporter chose, if the channel asks for one."""
    channel = _channel(config, report.channel)
    for spec in channel.fields if channel else []:
        if spec.kind == "kpk_area":
            chosen = report.answers.get(spec.id)
            return next((a for a in config.kpk_areas if a.id == chosen), None)
    return None
