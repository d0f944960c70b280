"""`peluit-stats/1`: the public statistics document a reviewer signs and the site shows.

Every count is a whole number of at least `THRESHOLD`, zero, or the text `"<5"` (a count of 1
to 4) or `"≥5"` (a count of 5 or more hidden so that the "<5" cells beside it cannot be worked
out from the total); a breakdown whose hidden cells could not be protected is null. A count of
1 to 4 cannot be written into it, and the server refuses a document whose shown numbers pin a
hidden one (`peluit.stats.disclosure`), so no document it accepts can narrow a report down to
a handful of people (docs/adr/0041, 0055). A document covers one whole, closed month, quarter
or year (`peluit.stats.periods`). It holds no case id, no text and no name, only
the organisation's and the configuration's own labels.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from peluit.core.ids import ROSTER_ID_PATTERN

FORMAT: Final = "peluit-stats/1"
THRESHOLD = 5
SUPPRESSED: Final = "<5"
AT_LEAST: Final = "≥5"  # a count of 5 or more hidden so that the "<5" beside it stay hidden
Suppressed = Literal["<5", "≥5"]
MAX_KEYS = 400  # months, channels or areas in one breakdown


def _not_small(value: int) -> int:
    if 0 < value < THRESHOLD:
        raise ValueError(f"a count under {THRESHOLD} must be written as {SUPPRESSED!r}")
    return value


Count = Annotated[int, Field(ge=0, le=10_000_000), AfterValidator(_not_small)] | Suppressed
Ident = Annotated[str, StringConstraints(pattern=f"^{ROSTER_ID_PATTERN}$")]
Month = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])$")]
Day = Annotated[str, StringConstraints(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")]
Label = Annotated[str, StringConstraints(min_length=1, max_length=300)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Words(_Strict):
    id: Label
    en: Label


class PeriodDoc(_Strict):
    start: Day | None = Field(description="first day received; null: from the beginning")
    end: Day | None = Field(description="last day received; null: up to `as_of`")


WITHHELD = "null: withheld, its hidden cells could not be kept from being worked out"


class Counts(_Strict):
    cases: Count
    by_channel: Annotated[dict[Ident, Count], Field(max_length=MAX_KEYS)] | None = Field(
        description=WITHHELD
    )
    by_status: Annotated[dict[Ident, Count], Field(max_length=MAX_KEYS)] | None = Field(
        description=WITHHELD
    )
    by_month: Annotated[dict[Month, Count], Field(max_length=MAX_KEYS)] | None = Field(
        description=WITHHELD
    )
    by_area: Annotated[dict[Ident, Count], Field(max_length=MAX_KEYS)] | None = Field(
        description=WITHHELD
    )
    forwarded_to: Annotated[dict[Ident, Count], Field(max_length=MAX_KEYS)] | None = Field(
        description=WITHHELD
    )
    overdue: Count


class DeadlineDoc(_Strict):
    decided: Count = Field(description="cases whose deadline was met, missed or is overdue")
    on_time_percent: Annotated[float, Field(ge=0, le=100)] | None = Field(
        description="null: fewer than 5 decided"
    )


class Medians(_Strict):
    acknowledge: Annotated[float, Field(ge=0, le=100_000)] | None
    close: Annotated[float, Field(ge=0, le=100_000)] | None


class Labels(_Strict):
    channels: Annotated[dict[Ident, Words], Field(max_length=MAX_KEYS)]
    areas: Annotated[dict[Ident, Words], Field(max_length=MAX_KEYS)]
    statuses: Annotated[dict[Ident, Words], Field(max_length=MAX_KEYS)]


class StatsDocument(_Strict):
    format: Literal["peluit-stats/1"]
    organisation: Words
    period: PeriodDoc
    as_of: Day
    signer: Ident
    channels: Annotated[list[Ident], Field(min_length=1, max_length=MAX_KEYS)]
    counts: Counts
    acknowledgement: DeadlineDoc
    feedback: DeadlineDoc
    median_working_days: Medians
    labels: Labels


class SignedStats(_Strict):
    """What the reviewer API stores and the public API serves."""

    document: StatsDocument
    signature: Annotated[
        str, StringConstraints(pattern=r"^[A-Za-z0-9+/]{86}==$"), Field(description="Ed25519")
    ]
    key: Annotated[
        str,
        StringConstraints(pattern=r"^ed25519:[A-Za-z0-9+/]{43}=$"),
        Field(description="the signer's roster signing key"),
    ]
