"""Deleting what a disposal removes: every version of every key under a prefix.

Not part of the store port on purpose: the functions never delete (their roles and the bucket
policy forbid it), and only the operator's `peluit retention dispose` does, with the operator's
own credentials. Two adapters: the local store's files, and S3's versions (Object Lock refuses
a version still under retention; with `bypass_governance`, a GOVERNANCE lock is overridden by
a principal allowed `s3:BypassGovernanceRetention`, never a COMPLIANCE one)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

from peluit.store.keys import validate_key, validate_prefix


@dataclass
class Purged:
    deleted: int = 0  # object versions deleted
    kept: list[tuple[str, str]] = field(default_factory=list)  # (key, why), e.g. still locked

    def add(self, other: Purged) -> None:
        self.deleted += other.deleted
        self.kept.extend(other.kept)


class Purger(Protocol):
    def keys(self, prefix: str) -> list[str]:
        """Every key with a stored version under `prefix` (also one whose newest is deleted)."""

    def purge(self, key: str) -> Purged:
        """Delete every version of `key`; what could not be deleted is in `kept`."""


class LocalPurger:
    """The local store (`peluit serve`): one file per key under `root/objects/`."""

    def __init__(self, root: Path) -> None:
        self._objects = root / "objects"

    def keys(self, prefix: str) -> list[str]:
        validate_prefix(prefix)
        found = []
        for path in sorted(self._objects.rglob("*")):
            key = path.relative_to(self._objects).as_posix()
            if path.is_file() and not path.name.startswith(".") and key.startswith(prefix):
                found.append(key)
        return found

    def purge(self, key: str) -> Purged:
        path = self._objects / validate_key(key)
        try:
            path.unlink()
        except FileNotFoundError:
            return Purged()
        parent = path.parent
        while parent != self._objects and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
        return Purged(deleted=1)


class S3Purger:
    """One bucket's versions (the case bucket, or its replica)."""

    def __init__(self, client: Any, bucket: str, bypass_governance: bool = False) -> None:
        self._client = client
        self._bucket = bucket
        self._bypass = bypass_governance

    def _versions(self, prefix: str) -> list[tuple[str, str]]:
        found = []
        pages = self._client.get_paginator("list_object_versions")
        for page in pages.paginate(Bucket=self._bucket, Prefix=prefix):
            for item in [*page.get("Versions", []), *page.get("DeleteMarkers", [])]:
                found.append((str(item["Key"]), str(item["VersionId"])))
        return found

    def keys(self, prefix: str) -> list[str]:
        validate_prefix(prefix)
        return sorted({key for key, _ in self._versions(prefix)})

    def purge(self, key: str) -> Purged:
        validate_key(key)
        result = Purged()
        for found, version in self._versions(key):
            if found != key:
                continue
            extra = {"BypassGovernanceRetention": True} if self._bypass else {}
            try:
                self._client.delete_object(Bucket=self._bucket, Key=key, VersionId=version, **extra)
                result.deleted += 1
            except ClientError as exc:
                result.kept.append((key, self._why(key, version, exc)))
            except BotoCoreError as exc:
                result.kept.append((key, type(exc).__name__))
        return result

    def _why(self, key: str, version: str, exc: ClientError) -> str:
        """Why S3 kept a version: its lock, from a HEAD of it (GetObjectRetention would need
        another permission, and moto does not answer it)."""
        code = str(exc.response.get("Error", {}).get("Code", "error"))
        try:
            head = self._client.head_object(Bucket=self._bucket, Key=key, VersionId=version)
        except (ClientError, BotoCoreError):
            return code
        until, mode = head.get("ObjectLockRetainUntilDate"), head.get("ObjectLockMode")
        if until is None:
            return code
        return f"{code}: locked ({mode}) until {until:%Y-%m-%d}"
