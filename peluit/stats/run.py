"""What `peluit stats` and the console's statistics page share: gather, count, export, publish."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from peluit.review.desk import ReviewDesk

from . import mcp, periods, publish, signature
from .collect import collect, rules
from .compute import Period, Rules, Statistics, compute
from .document import SignedStats
from .records import CaseRecord


@dataclass(frozen=True)
class Made:
    records: list[CaseRecord]
    rules: Rules
    stats: Statistics
    channels: list[str]


def make(desk: ReviewDesk, period: Period, today: date | None = None) -> Made:
    channels = desk.reader_channels()
    records = collect(desk)
    found = rules(desk.config, channels)
    stats = compute(records, found, period, today or desk.today())
    return Made(records, found, stats, channels)


@dataclass(frozen=True)
class Export:
    summary_csv: str
    register_csv: str
    html: str

    def write(self, directory: Path, stem: str) -> list[Path]:
        directory.mkdir(parents=True, exist_ok=True)
        written = []
        for suffix, text in (
            ("-ringkasan.csv", self.summary_csv),
            ("-perkara.csv", self.register_csv),
            (".html", self.html),
        ):
            path = directory / f"{stem}{suffix}"
            path.write_text(text, encoding="utf-8", newline="")
            written.append(path)
        return written


def export(desk: ReviewDesk, made: Made) -> Export:
    rows = mcp.register(made.records, made.rules, made.stats)
    return Export(
        mcp.summary_csv(made.stats),
        mcp.register_csv(rows),
        mcp.page(desk.config, made.stats, rows, desk.key.person),
    )


def export_stem(period: Period, today: date) -> str:
    start = period.start.isoformat() if period.start else "awal"
    end = period.end.isoformat() if period.end else today.isoformat()
    return f"peluit-mcp-{start}-{end}"


def public_document(desk: ReviewDesk, made: Made) -> SignedStats:
    """Signed by this person: a reviewer, over the channels they review (oversight reads
    more channels but does not publish)."""
    reviewed = [c for c in made.channels if desk.reviews(c)]
    if not reviewed:
        raise signature.StatsSignatureError("only a reviewer of a channel publishes statistics")
    period = made.stats.period
    periods.check_publishable(period.start, period.end, made.stats.as_of)
    own = Made(
        made.records,
        rules(desk.config, reviewed),
        compute(made.records, rules(desk.config, reviewed), made.stats.period, made.stats.as_of),
        reviewed,
    )
    doc = publish.document(desk.config, own.stats, desk.key.person, reviewed)
    return signature.sign(doc, desk.key)


def send(desk: ReviewDesk, signed: SignedStats) -> SignedStats:
    response = desk.client.call("POST", "/stats", body=signed.model_dump(mode="json"))
    return SignedStats.model_validate_json(response.body)
