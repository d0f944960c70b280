"""Whether the shown numbers of a public statistics document let anyone work out a hidden
count (docs/adr/0055). Pure.

A breakdown (per channel, status, month, area; the forwarded cases per target) is a partition
of a total T that a reader knows or can work out (the cases are shown, and any breakdown with
nothing hidden adds up to them). A shown cell is exact, a `"<5"` cell is 1 to 4 (zeros are
always shown as 0), a `"≥5"` cell is at least 5. With one sum and one interval per cell, the
values a hidden cell can take given what is shown are exactly the integers from

    lo_j = max(L_j, R - sum of U_i over the other hidden cells)
    hi_j = min(U_j, R - sum of L_i over the other hidden cells)

where R = T - (the shown cells) is the hidden sum. A breakdown is *safe* when it hides nothing,
or when R is at least 5 (nobody learns that only a handful of cases sit in the hidden cells)
and every hidden cell can still take at least two values (none is pinned).
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .document import AT_LEAST, SUPPRESSED, THRESHOLD, Count, DeadlineDoc, StatsDocument

SMALL = (1, THRESHOLD - 1)  # what a "<5" cell can be


class StatsDisclosureError(ValueError):
    """A document whose shown numbers let a hidden count be worked out."""


def shown_sum(cells: Mapping[str, Count]) -> int:
    return sum(v for v in cells.values() if isinstance(v, int))


def hidden_ranges(
    cells: Mapping[str, Count], total: int, cap: int | None = None
) -> dict[str, tuple[int, int]]:
    """For each hidden cell, the smallest and largest value it can have given the shown cells
    and the total. `cap` bounds a "≥5" cell from above (the suppressor hides the smallest
    cells first, so a reader who knows that knows a hidden "≥5" is at most the smallest shown
    one); without it the hidden sum does."""
    rest = total - shown_sum(cells)
    bounds = {
        k: (SMALL if v == SUPPRESSED else (THRESHOLD, rest if cap is None else min(cap, rest)))
        for k, v in cells.items()
        if isinstance(v, str)
    }
    lows = sum(lo for lo, _ in bounds.values())
    highs = sum(hi for _, hi in bounds.values())
    return {
        k: (max(lo, rest - (highs - hi)), min(hi, rest - (lows - lo)))
        for k, (lo, hi) in bounds.items()
    }


def safe(cells: Mapping[str, Count], total: int, cap: int | None = None) -> bool:
    """Nothing hidden (and the cells add up), or a hidden sum of at least 5 with no hidden
    cell pinned to one value."""
    rest = total - shown_sum(cells)
    if not any(isinstance(v, str) for v in cells.values()):
        return rest == 0
    if rest < THRESHOLD:
        return False
    return all(lo < hi for lo, hi in hidden_ranges(cells, total, cap).values())


def _small(n: int) -> bool:
    return 0 < n < THRESHOLD


def on_time_counts(decided: int, percent: float) -> list[int]:
    """Every number of deadlines met that shows as `percent` of `decided` (one decimal): those
    near percent * decided / 100, as a rounding of 0.05 points moves it by decided / 2000."""
    centre = percent * decided / 100
    low = max(0, math.floor(centre - decided / 1000) - 1)
    high = min(decided, math.ceil(centre + decided / 1000) + 1)
    return [m for m in range(low, high + 1) if round(100 * m / decided, 1) == percent]


def given_counts(doc: StatsDocument) -> dict[str, int | None]:
    """How many acknowledgements and feedbacks were given, where the statuses show it: the
    workflow only moves forward, so the acknowledged are the cases past `diterima` and the
    fed back the final ones (`selesai`, `ditolak`)."""
    cases, status = doc.counts.cases, doc.counts.by_status or {}
    waiting, done, refused = status.get("diterima"), status.get("selesai"), status.get("ditolak")
    acknowledged = cases - waiting if isinstance(cases, int) and isinstance(waiting, int) else None
    final = done + refused if isinstance(done, int) and isinstance(refused, int) else None
    return {"acknowledgement": acknowledged, "feedback": final}


def check_document(doc: StatsDocument) -> None:
    """Raise `StatsDisclosureError` if the document's shown numbers pin a hidden count or
    reveal one from 1 to 4: what the server checks before storing a publication (it can check
    only what the document shows; the suppressor works from the true counts)."""
    counts = doc.counts
    partitions = {
        "by_channel": counts.by_channel,
        "by_status": counts.by_status,
        "by_month": counts.by_month,
        "by_area": counts.by_area,
    }
    if not isinstance(counts.cases, int):
        withheld = {**partitions, "forwarded_to": counts.forwarded_to}
        shown = [name for name, cells in withheld.items() if cells]
        if shown:
            raise StatsDisclosureError(
                f"with fewer than {THRESHOLD} cases no breakdown is shown ({', '.join(shown)})"
            )
    else:
        for name, cells in partitions.items():
            if cells is not None and not safe(cells, counts.cases):
                raise StatsDisclosureError(
                    f"{name}: its hidden cells can be worked out from the total"
                )
    given = given_counts(doc)
    for name, deadline in (("acknowledgement", doc.acknowledgement), ("feedback", doc.feedback)):
        _check_deadline(name, deadline, counts.cases, given[name])


def _check_deadline(name: str, deadline: DeadlineDoc, cases: Count, given: int | None) -> None:
    decided = deadline.decided
    if isinstance(decided, int):
        if isinstance(cases, int) and _small(cases - decided):
            raise StatsDisclosureError(f"{name}: the cases still running are under {THRESHOLD}")
        if given is not None and _small(decided - given):
            raise StatsDisclosureError(f"{name}: the overdue are under {THRESHOLD}")
    if deadline.on_time_percent is None:
        return
    if not isinstance(decided, int) or decided < THRESHOLD:
        raise StatsDisclosureError(f"{name}: a percentage needs at least {THRESHOLD} decided")
    met = on_time_counts(decided, deadline.on_time_percent)
    late = [given - m for m in met] if given is not None else []
    if not met or any(_small(n) or _small(decided - n) for n in met) or any(map(_small, late)):
        raise StatsDisclosureError(f"{name}: the percentage gives away a count under 5")


__all__ = [
    "AT_LEAST",
    "StatsDisclosureError",
    "check_document",
    "hidden_ranges",
    "on_time_counts",
    "safe",
]
