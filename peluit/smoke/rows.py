"""The rows a smoke run prints: one per check, with its result and how long it took."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Result = Literal["pass", "fail", "skip"]
RESULT_TEXT = {"pass": "lulus/pass", "fail": "GAGAL/FAIL", "skip": "dilewati/skipped"}
COLUMNS = ("PEMERIKSAAN/CHECK", "HASIL/RESULT", "WAKTU/TIME", "KETERANGAN/DETAIL")


class CheckFailedError(Exception):
    """A check found something wrong; `str()` is one line saying what."""


@dataclass(frozen=True)
class Row:
    id: str
    name_id: str
    name_en: str
    result: Result
    seconds: float
    detail: str

    def json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": {"id": self.name_id, "en": self.name_en},
            "result": self.result,
            "seconds": round(self.seconds, 3),
            "detail": self.detail,
        }


# What a failing step may raise and still be a row rather than a crash: a refusal or a
# network failure (the client's, the review client's), a decryption failure, bad data.
Failure = tuple[type[Exception], ...]


@dataclass
class Checks:
    """Runs checks in order, timing each; a check whose prerequisite did not pass is skipped
    (and counts as not passed)."""

    failures: Failure
    clock: Callable[[], float] = time.monotonic
    rows: list[Row] = field(default_factory=list)

    def passed(self, check: str) -> bool:
        return any(r.id == check and r.result == "pass" for r in self.rows)

    def run(
        self,
        check: str,
        name_id: str,
        name_en: str,
        step: Callable[[], str],
        needs: Sequence[str] = (),
    ) -> bool:
        """`step` returns a short detail on success, raises CheckFailedError otherwise."""
        missing = [n for n in needs if not self.passed(n)]
        if missing:
            detail = f"perlu/needs {missing[0]}"
            self.rows.append(Row(check, name_id, name_en, "skip", 0.0, detail))
            return False
        start = self.clock()
        result: Result = "fail"
        try:
            detail, result = step(), "pass"
        except CheckFailedError as exc:
            detail = str(exc)
        except self.failures as exc:
            detail = f"{type(exc).__name__}: {exc}"
        row = Row(check, name_id, name_en, result, self.clock() - start, " ".join(detail.split()))
        self.rows.append(row)
        return row.result == "pass"

    @property
    def ok(self) -> bool:
        return bool(self.rows) and all(r.result == "pass" for r in self.rows)


def table(rows: Sequence[Row]) -> str:
    """The rows as aligned columns; the detail column is last and not padded."""
    cells = [COLUMNS] + [
        (f"{r.name_id} / {r.name_en}", RESULT_TEXT[r.result], f"{r.seconds:.2f} s", r.detail)
        for r in rows
    ]
    widths = [max(len(c[i]) for c in cells) for i in range(3)]
    lines = ["  ".join([*(c[i].ljust(widths[i]) for i in range(3)), c[3]]).rstrip() for c in cells]
    return "\n".join(lines) + "\n"


def summary(rows: Sequence[Row]) -> str:
    failed = sum(1 for r in rows if r.result == "fail")
    skipped = sum(1 for r in rows if r.result == "skip")
    passed = len(rows) - failed - skipped
    total = sum(r.seconds for r in rows)
    verdict = "SEMUA LULUS / ALL PASSED" if failed == skipped == 0 else "GAGAL / FAILED"
    return (
        f"{verdict}: {passed} lulus/passed, {failed} gagal/failed, {skipped} dilewati/skipped "
        f"({total:.1f} s)\n"
    )
