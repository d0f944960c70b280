"""What the reporter chose about their identity, for the custodian deciding a request to see
it: anonymous, confidential or open, and each consent (reward, public recognition) with its
answer. Read from the report, which a custodian who is not also a reader of the channel
cannot decrypt: then the page says so."""

from __future__ import annotations

from peluit import age
from peluit.config import Config
from peluit.core.report import ReportDocument
from peluit.review.desk import ReviewDesk
from peluit.review.errors import ReviewApiError

from .html import Html, bi, join
from .labels import IDENTITY_CHOICE, word

NOT_READABLE = ("laporan tidak dapat Anda baca", "you cannot read the report")


def _consents(config: Config, report: ReportDocument) -> list[Html]:
    channel = config.channel(report.channel)
    rows = []
    for spec in channel.fields if channel else []:
        if spec.purpose != "consent":
            continue
        value = report.answers.get(spec.id)
        answer = bi("Ya", "Yes") if value is True else bi("Tidak", "No")
        rows.append(Html(f"<li>{bi(spec.label.id, spec.label.en)}: {answer}</li>"))
    return rows


def reporter_choice(config: Config, report: ReportDocument | None) -> Html:
    """The choice and the consents as a short list."""
    if report is None:
        return bi(*NOT_READABLE)
    items = [Html(f"<li>{word(IDENTITY_CHOICE, report.identity_choice)}</li>")]
    return Html(f'<ul class="choice">{join(items + _consents(config, report))}</ul>')


def case_choice(desk: ReviewDesk, case: str) -> Html:
    """`reporter_choice` of a case, decrypting its report with the desk's key if it can."""
    try:
        reading = desk.report(case)
    except (ReviewApiError, age.AgeError):
        return bi(*NOT_READABLE)
    return reporter_choice(desk.config, reading.document)
