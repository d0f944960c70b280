"""`cases/{case}/state.json`: the plaintext workflow metadata of a case.

Written first at finalization (`SubmissionService`), then replaced at each status change
with a conditional write. Fields Peluit does not know are kept as they are.

    {"version": 1, "channel": "pengaduan", "status": "diterima", "received": "2025-03-03",
     "files": 2, "identity": true, "tags": [], "target": null,
     "history": [{"status": "diterima", "on": "2025-03-03"},
                 {"status": "diverifikasi", "on": "2025-03-04", "by": "rina",
                  "note": "<sha256 of the encrypted reason>"}]}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .canonical import canonical


class StateFormatError(ValueError):
    """A stored state.json that is not what Peluit writes (a server fault, not a client's)."""


@dataclass(frozen=True)
class CaseState:
    raw: dict[str, Any]

    @classmethod
    def parse(cls, data: bytes) -> CaseState:
        try:
            raw = json.loads(data)
        except ValueError:
            raise StateFormatError("state.json is not JSON") from None
        if not isinstance(raw, dict):
            raise StateFormatError("state.json is not an object")
        checks = {
            "channel": str,
            "status": str,
            "received": str,
            "files": int,
            "identity": bool,
            "tags": list,
            "history": list,
        }
        for name, kind in checks.items():
            if not isinstance(raw.get(name), kind):
                raise StateFormatError(f"state.json has no valid {name!r}")
        return cls(raw)

    def to_bytes(self) -> bytes:
        return canonical(self.raw)

    def replaced(self, **changes: Any) -> CaseState:
        return CaseState({**self.raw, **changes})

    @property
    def channel(self) -> str:
        return str(self.raw["channel"])

    @property
    def status(self) -> str:
        return str(self.raw["status"])

    @property
    def received(self) -> str:
        return str(self.raw["received"])

    @property
    def files(self) -> int:
        return int(self.raw["files"])

    @property
    def identity(self) -> bool:
        return bool(self.raw["identity"])

    @property
    def tags(self) -> list[str]:
        return [str(t) for t in self.raw["tags"]]

    @property
    def target(self) -> str | None:
        target = self.raw.get("target")
        return str(target) if target is not None else None

    @property
    def history(self) -> list[dict[str, Any]]:
        return [dict(entry) for entry in self.raw["history"] if isinstance(entry, dict)]
