"""File names from a report's manifest, made safe to write anywhere.

A reporter (or whoever encrypted the report) chooses attachment names. Before one becomes
a path in a ZIP bundle or a download's file name it loses every directory part (`/`, `\\`),
`..`, control and format characters, characters Windows refuses, leading dots (hidden
files) and trailing dots and spaces; Windows device names (`CON`, `NUL`, `COM1`…) get a
suffix; it is cut to 120 characters, keeping its extension; an empty result becomes
`lampiran`.
"""

from __future__ import annotations

import re
import unicodedata

MAX_CHARS = 120
FALLBACK = "lampiran"
_FORBIDDEN = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')
_DEVICES = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


def safe_name(name: str) -> str:
    text = unicodedata.normalize("NFC", name)
    text = text.replace("\\", "/").split("/")[-1]  # the last path part only
    text = "".join(ch for ch in text if unicodedata.category(ch) not in {"Cc", "Cf", "Zl", "Zp"})
    text = _FORBIDDEN.sub("_", text).strip().lstrip(".").rstrip(". ")
    if not text:
        return FALLBACK
    first, dot, rest = text.partition(".")
    if first.rstrip().lower() in _DEVICES:
        text = f"{first}_{dot}{rest}"
    stem, dot, ext = text.rpartition(".")
    if not dot or len(ext) > 16:
        stem, ext = text, ""
    ext = f".{ext}" if ext else ""
    stem = stem[: MAX_CHARS - len(ext)]
    return (stem + ext) or FALLBACK


def numbered_name(index: int, name: str) -> str:
    """`00-foto.jpg`: unique within a case whatever the names, and in manifest order."""
    return f"{index:02d}-{safe_name(name)}"
