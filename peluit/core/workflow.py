"""The case workflow: statuses, the transitions between them, and what each records.

    diterima ──> diverifikasi ──> ditelaah ──> diteruskan (APIP / KPK / APH) ──> selesai
        │              │              │              │
        └──────────────┴──────────────┴──────────────┴──> ditolak

`ditolak` (refused) is reachable from every status that is not final; `selesai` (done)
and `ditolak` are final. Only `diteruskan` takes a target. Every change records the day
(in the organisation's time zone), the reviewer's roster id and the SHA-256 of the
encrypted reason (`note`; the ciphertext is `cases/{case}/notes/{note}.age`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from .casestate import CaseState
from .errors import InvalidTransitionError, TransitionInputError

DITERIMA: Final = "diterima"
DIVERIFIKASI: Final = "diverifikasi"
DITELAAH: Final = "ditelaah"
DITERUSKAN: Final = "diteruskan"
SELESAI: Final = "selesai"
DITOLAK: Final = "ditolak"

STATUSES: Final = (DITERIMA, DIVERIFIKASI, DITELAAH, DITERUSKAN, SELESAI, DITOLAK)
FINAL: Final = frozenset({SELESAI, DITOLAK})
TARGETS: Final = ("apip", "kpk", "aph")
# Tags a reviewer may set on a case (state.json `tags`). `uji`: a test report (`peluit smoke`
# files one after each deploy), which lists and statistics leave out. Only a signed reviewer
# of the channel sets or clears one (ADR 0015); a reporter cannot mark their report.
TEST_TAG: Final = "uji"
TAGS: Final = (TEST_TAG,)

TRANSITIONS: Final[dict[str, frozenset[str]]] = {
    DITERIMA: frozenset({DIVERIFIKASI, DITOLAK}),
    DIVERIFIKASI: frozenset({DITELAAH, DITOLAK}),
    DITELAAH: frozenset({DITERUSKAN, DITOLAK}),
    DITERUSKAN: frozenset({SELESAI, DITOLAK}),
    SELESAI: frozenset(),
    DITOLAK: frozenset(),
}


@dataclass(frozen=True)
class Transition:
    to: str
    target: str | None
    actor: str
    day: date
    note: str  # hex SHA-256 of the encrypted reason


def next_statuses(current: str) -> tuple[str, ...]:
    """The statuses a case that is `current` can move to, in the workflow's order."""
    allowed = TRANSITIONS.get(current, frozenset())
    return tuple(status for status in STATUSES if status in allowed)


def check_transition(current: str, to: str, target: str | None) -> None:
    """Raise unless the workflow allows `current` -> `to` with this `target`."""
    if to not in TRANSITIONS:
        raise TransitionInputError("unknown status")
    if current not in TRANSITIONS:
        raise InvalidTransitionError(f"the case has an unknown status {current!r}")
    if to not in TRANSITIONS[current]:
        if current in FINAL:
            raise InvalidTransitionError(f"the case is {current}: its status is final")
        raise InvalidTransitionError(
            f"a case that is {current} cannot become {to}; it can become: "
            + ", ".join(next_statuses(current))
        )
    if to == DITERUSKAN and target not in TARGETS:
        raise TransitionInputError(f"forwarding (diteruskan) needs a target: {', '.join(TARGETS)}")
    if to != DITERUSKAN and target is not None:
        raise TransitionInputError("only forwarding (diteruskan) takes a target")


def apply_transition(state: CaseState, transition: Transition) -> CaseState:
    """The state after `transition`, which must be allowed (`check_transition`)."""
    check_transition(state.status, transition.to, transition.target)
    entry: dict[str, object] = {
        "status": transition.to,
        "on": transition.day.isoformat(),
        "by": transition.actor,
        "note": transition.note,
    }
    if transition.target is not None:
        entry["target"] = transition.target
    changes: dict[str, object] = {
        "status": transition.to,
        "history": [*state.raw["history"], entry],
    }
    if transition.to == DITERUSKAN:
        changes["target"] = transition.target
    return state.replaced(**changes)
