"""Make, sign and check the public statistics document (`peluit-stats/1`).

Small counts are suppressed: a count of 1 to 4 becomes "<5". Where a breakdown (per channel,
status, month, area) would then have a single suppressed cell, a second one is hidden too, so
the first cannot be worked out from the total: a zero cell (shown "<5", which is true), else
the smallest other cell (shown "≥5", also true). A percentage or a
median over fewer than 5 cases is left out (null).

Signing and checking: `peluit.stats.signature`.
"""

from __future__ import annotations

from peluit.config import Config
from peluit.review.console.labels import STATUS

from .compute import Deadline, Statistics
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


def suppress_breakdown(counts: dict[str, int]) -> dict[str, int | Suppressed]:
    """Each count of 1 to 4 as "<5"; with exactly one such cell, a second cell hidden too
    (a zero as "<5", else the smallest other as "≥5"), so the total does not give it away."""
    shown: dict[str, int | Suppressed] = {k: suppress(v) for k, v in counts.items()}
    hidden = [k for k, v in shown.items() if v == SUPPRESSED]
    if len(hidden) != 1:
        return shown
    zeros = [k for k, v in counts.items() if v == 0]
    others = sorted((k for k in counts if k not in hidden and counts[k]), key=lambda k: counts[k])
    if zeros:
        shown[zeros[0]] = SUPPRESSED
    elif others:
        shown[others[0]] = AT_LEAST
    return shown


def _deadline(deadline: Deadline) -> DeadlineDoc:
    enough = deadline.decided >= THRESHOLD
    return DeadlineDoc(
        decided=suppress(deadline.decided),
        on_time_percent=deadline.on_time_percent if enough else None,
    )


def _median(value: float | None, cases: int) -> float | None:
    return value if cases >= THRESHOLD else None


def document(config: Config, stats: Statistics, signer: str, channels: list[str]) -> StatsDocument:
    """The public document of `stats` (over `channels`), to be signed by `signer`."""
    organisation = config.organisation.name
    return StatsDocument(
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
