"""Make, sign and check the public statistics document (`peluit-stats/1`).

Small counts are suppressed: a count of 1 to 4 becomes "<5". In each breakdown (per channel,
status, month, area, and the forwarded cases per target) further cells are then hidden as
"≥5", smallest first, until the hidden cells add up to at least 5 and none of them can be
worked out from the total (`peluit.stats.disclosure`); a breakdown that cannot be made so is
withheld (null). A deadline's number decided is hidden when it, the overdue or the running are
1 to 4, and its percentage is shown only when neither the met nor the late are 1 to 4. A
median over fewer than 5 cases is left out (null). docs/adr/0041, 0055.

Signing and checking: `peluit.stats.signature`.
"""

from __future__ import annotations

from peluit.config import Config
from peluit.review.console.labels import STATUS

from .compute import Deadline, Statistics
from .disclosure import check_document, on_time_counts, safe
from .document import (
    AT_LEAST,
    FORMAT,
    SUPPRESSED,
    THRESHOLD,
    Counts,
    DeadlineDoc,
    Labels,
    Medians,
    PeriodDoc,
    StatsDocument,
    Suppressed,
    Words,
)
from .records import NO_AREA, UNKNOWN_AREA

AREA_WORDS = {
    NO_AREA: Words(id="Tanpa bidang (tidak ditanyakan)", en="No area (not asked)"),
    UNKNOWN_AREA: Words(id="Tidak diketahui", en="Unknown"),
}


def suppress(count: int) -> int | Suppressed:
    return SUPPRESSED if 0 < count < THRESHOLD else count


def suppress_breakdown(counts: dict[str, int]) -> dict[str, int | Suppressed] | None:
    """Each count of 1 to 4 as "<5"; then the smallest shown counts as "≥5", one by one, until
    the hidden cells are safe against the total (the sum of `counts`, which a reader knows or
    works out); None when even hiding every count is not."""
    total = sum(counts.values())
    shown: dict[str, int | Suppressed] = {k: suppress(v) for k, v in counts.items()}
    while True:
        visible = sorted(
            (k for k, v in shown.items() if isinstance(v, int) and v), key=lambda k: counts[k]
        )
        if safe(shown, total, cap=counts[visible[0]] if visible else None):
            return shown
        if not visible:
            return None
        shown[visible[0]] = AT_LEAST


def _small(count: int) -> bool:
    return 0 < count < THRESHOLD


def _deadline(deadline: Deadline) -> DeadlineDoc:
    """A deadline's cases fall into met, late, overdue and running, and the statuses shown
    beside it give away how many were given (met + late: the cases past `diterima` for the
    acknowledgement, the final ones for feedback; the workflow only moves forward). So
    `decided` is shown only when neither the overdue nor the running are 1 to 4 (else hidden:
    "<5" or "≥5"), and the percentage only when neither the met nor the late are either, for
    every count of met that rounds to it."""
    decided = deadline.decided
    small_rest = _small(deadline.overdue) or _small(deadline.running)
    if not small_rest or decided == 0 or _small(decided):
        shown: int | Suppressed = suppress(decided)
    else:
        shown = AT_LEAST
    percent = deadline.on_time_percent
    if not isinstance(shown, int) or decided < THRESHOLD or percent is None:
        return DeadlineDoc(decided=shown, on_time_percent=None)
    given = deadline.met + deadline.late
    # every count of met a reader could take from the rounded percentage, and its late
    met = on_time_counts(decided, percent)
    if any(_small(m) or _small(given - m) or _small(decided - m) for m in met):
        return DeadlineDoc(decided=shown, on_time_percent=None)
    return DeadlineDoc(decided=shown, on_time_percent=percent)


def _median(value: float | None, cases: int) -> float | None:
    return value if cases >= THRESHOLD else None


def document(config: Config, stats: Statistics, signer: str, channels: list[str]) -> StatsDocument:
    """The public document of `stats` (over `channels`), to be signed by `signer`. Whether its
    period may be published is `peluit.stats.periods`' business (`run.public_document`)."""
    organisation = config.organisation.name
    doc = StatsDocument(
        format=FORMAT,
        organisation=Words(id=organisation.id, en=organisation.en),
        period=PeriodDoc(
            start=stats.period.start.isoformat() if stats.period.start else None,
            end=stats.period.end.isoformat() if stats.period.end else None,
        ),
        as_of=stats.as_of.isoformat(),
        signer=signer,
        channels=channels,
        counts=Counts(
            cases=suppress(stats.cases),
            by_channel=suppress_breakdown(stats.by_channel),
            by_status=suppress_breakdown(stats.by_status),
            by_month=suppress_breakdown(stats.by_month),
            by_area=suppress_breakdown(stats.by_area),
            forwarded_to=suppress_breakdown(stats.forwarded_to),
            overdue=suppress(stats.overdue),
        ),
        acknowledgement=_deadline(stats.acknowledgement),
        feedback=_deadline(stats.feedback),
        median_working_days=Medians(
            acknowledge=_median(stats.median_days_to_acknowledge, stats.acknowledged),
            close=_median(stats.median_days_to_close, stats.closed),
        ),
        labels=Labels(
            channels={
                c.id: Words(id=c.name.id, en=c.name.en) for c in config.channels if c.id in channels
            },
            areas={a.id: Words(id=a.label.id, en=a.label.en) for a in config.kpk_areas}
            | AREA_WORDS,
            statuses={s: Words(id=i, en=e) for s, (i, e) in STATUS.items()},
        ),
    )
    check_document(doc)  # what the server checks; the suppression above always passes it
    return doc
