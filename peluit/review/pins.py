"""What this reviewer's tool saw of each case before: the first reply key, and whether the case
had a reporter signing key (ADR 0042). The server cannot change it.

A case whose reporter signature does not cover its reply key (a case from before statement
version 2, or from before signatures) keeps the reply key this tool saw first: a reply key
changed on the server afterwards is refused. A case seen once with a signing key must keep
one: a key stripped later makes it forged, not older; and it must keep that key: a case
re-signed on the server with another key (a forged report with a key of the forger's own) is
forged too.

Kept in `$XDG_STATE_HOME/peluit/case-pins.json` (default `~/.local/state/…`), one section per
site (the configuration's `site_url`), readable by its owner only. It holds case ids and public
reply keys, nothing decrypted and nothing about a reporter.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from peluit.config import Config

from .errors import ReviewInputError

FILE_NAME = "case-pins.json"


@dataclass(frozen=True)
class Pin:
    reply: str | None  # the first reply key seen; None: none seen yet
    signed: bool  # the case was seen with a reporter signing key
    key: str | None = None  # the reporter's signing key (hex) first seen with a valid signature


class PinStoreError(ReviewInputError):
    """The pin file cannot be read or written: the tool stops rather than forget a pin."""


class Pins(Protocol):
    def get(self, case: str) -> Pin | None: ...

    def remember(self, case: str, pin: Pin) -> None: ...


class MemoryPins:
    """Pins for one desk's lifetime (tests, and tools that keep no state)."""

    def __init__(self) -> None:
        self._pins: dict[str, Pin] = {}
        self._lock = threading.Lock()

    def get(self, case: str) -> Pin | None:
        with self._lock:
            return self._pins.get(case)

    def remember(self, case: str, pin: Pin) -> None:
        with self._lock:
            self._pins[case] = pin


def default_path() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "peluit" / FILE_NAME


def for_config(config: Config, path: Path | None) -> Pins:
    """The pins of `config`'s site, kept in `path`; None: for this process only."""
    if path is None:
        return MemoryPins()
    return FilePins(path, str(config.organisation.site_url))


class FilePins:
    """Pins in a JSON file, section `site`; written whole (temporary file, then rename) when a
    pin changes."""

    def __init__(self, path: Path, site: str) -> None:
        self._path = path
        self._site = site
        self._lock = threading.Lock()

    def get(self, case: str) -> Pin | None:
        with self._lock:
            entry = self._section(self._load()).get(case)
        if not isinstance(entry, dict):
            return None
        reply, key = entry.get("reply"), entry.get("key")
        return Pin(
            reply if isinstance(reply, str) else None,
            entry.get("signed") is True,
            key if isinstance(key, str) else None,
        )

    def remember(self, case: str, pin: Pin) -> None:
        with self._lock:
            data = self._load()
            section = self._section(data)
            entry = {"reply": pin.reply, "signed": pin.signed, "key": pin.key}
            if section.get(case) == entry:
                return
            section[case] = entry
            sites = data.get("sites")
            data["sites"] = (dict(sites) if isinstance(sites, dict) else {}) | {self._site: section}
            self._write(data)

    def _section(self, data: dict[str, object]) -> dict[str, object]:
        sites = data.get("sites")
        section = sites.get(self._site) if isinstance(sites, dict) else None
        return dict(section) if isinstance(section, dict) else {}

    def _load(self) -> dict[str, object]:
        try:
            data = json.loads(self._path.read_bytes())
        except FileNotFoundError:
            return {"version": 1, "sites": {}}
        except (OSError, ValueError) as exc:
            raise PinStoreError(
                f"{self._path}: berkas pin tidak terbaca / the pin file cannot be read ({exc})"
            ) from None
        if not isinstance(data, dict) or data.get("version") != 1:
            raise PinStoreError(f"{self._path}: bukan berkas pin Peluit / not a Peluit pin file")
        return data

    def _write(self, data: dict[str, object]) -> None:
        try:
            self._path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(prefix=f".{FILE_NAME}.", dir=self._path.parent)
            try:
                os.fchmod(fd, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as out:
                    json.dump(data, out, sort_keys=True, indent=1)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(tmp, self._path)
            except BaseException:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
                raise
        except OSError as exc:
            raise PinStoreError(
                f"{self._path}: berkas pin tidak dapat ditulis / the pin file cannot be written "
                f"({exc})"
            ) from None
