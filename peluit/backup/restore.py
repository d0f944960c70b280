"""Restoring a case bucket from its backup: every object's current version, copied create-only
into a fresh store, checked by SHA-256.

The backup (S3 replication of every version, or any copy of the bucket) and the fresh bucket
are both `ObjectStore`s, so the same code restores from S3 to S3 across accounts (read with
the backup account's credentials, written with the new deployment's), or to and from a local
or S3-compatible store on premises. Nothing is ever overwritten: an object already in the
fresh store with the same bytes is skipped (a second run after an interruption), one with
other bytes is reported as a conflict and left alone. Short-lived keys (staging uploads,
nonces) are never in a backup and are not restored. Only ciphertext and workflow metadata
move; nothing is decrypted, so the operator can run it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from peluit.store.errors import ObjectExistsError
from peluit.store.keys import is_short_lived
from peluit.store.port import ObjectStore


@dataclass
class Restored:
    copied: int = 0
    skipped: int = 0  # already there with the same bytes
    conflicts: list[str] = field(default_factory=list)  # already there with other bytes
    bytes: int = 0


def restore(source: ObjectStore, target: ObjectStore, prefix: str = "") -> Restored:
    """Copy every object of `source` under `prefix` into `target`; see the module docstring."""
    result = Restored()
    for info in source.list(prefix):
        if is_short_lived(info.key):
            continue
        with source.open(info.key) as body:
            data = body.read()
        try:
            target.put_new(info.key, data)
        except ObjectExistsError:
            if target.sha256(info.key) == hashlib.sha256(data).digest():
                result.skipped += 1
            else:
                result.conflicts.append(info.key)
            continue
        result.copied += 1
        result.bytes += len(data)
    return result
