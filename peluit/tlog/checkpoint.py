"""Checkpoints (c2sp.org/tlog-checkpoint): a note text of origin, tree size and root hash.

peluit.example.go.id/log
3
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from .errors import CheckpointFormatError
from .hashing import HASH_SIZE

_SIZE = re.compile(r"0|[1-9][0-9]{0,19}")


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root).decode("ascii")]
        return "\n".join([*lines, *self.extensions]) + "\n"


def parse_checkpoint(text: str) -> Checkpoint:
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or any(line == "" for line in lines[:-1]):
        raise CheckpointFormatError("a checkpoint is three or more non-empty lines")
    origin, size, root = lines[0], lines[1], lines[2]
    if not _SIZE.fullmatch(size) or int(size) >= 1 << 64:
        raise CheckpointFormatError(f"a checkpoint's tree size is a decimal number, not {size!r}")
    try:
        raw = base64.b64decode(root, validate=True)
    except binascii.Error:
        raise CheckpointFormatError("a checkpoint's root hash is base64") from None
    if len(raw) != HASH_SIZE or base64.b64encode(raw).decode("ascii") != root:
        raise CheckpointFormatError("a checkpoint's root hash is 32 bytes in canonical base64")
    return Checkpoint(origin, int(size), raw, tuple(lines[3:-1]))
