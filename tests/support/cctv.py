"""The C2SP CCTV age test vectors, read from the pinned npm package `cctv-age`."""

from __future__ import annotations

import functools
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from .js import node


@dataclass(frozen=True)
class Vector:
    name: str
    expect: str
    payload_sha256: str | None
    identities: tuple[str, ...]
    passphrases: tuple[str, ...]
    armored: bool
    body: bytes


def _parse(name: str, raw: bytes) -> Vector:
    head, _, body = raw.partition(b"\n\n")
    fields: dict[str, list[str]] = {}
    for line in head.decode().splitlines():
        key, _, value = line.partition(": ")
        fields.setdefault(key, []).append(value)
    if fields.get("compressed") == ["zlib"]:
        body = zlib.decompress(body)
    return Vector(
        name=name,
        expect=fields["expect"][0],
        payload_sha256=fields.get("payload", [None])[0],
        identities=tuple(fields.get("identity", [])),
        passphrases=tuple(fields.get("passphrase", [])),
        armored=fields.get("armored") == ["yes"],
        body=body,
    )


@functools.cache
def load_vectors() -> dict[str, Vector]:
    with tempfile.TemporaryDirectory() as tmp:
        node("dump-cctv.mjs", tmp)
        return {p.name: _parse(p.name, p.read_bytes()) for p in sorted(Path(tmp).iterdir())}
