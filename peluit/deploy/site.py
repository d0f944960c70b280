"""Publishing the built site: each file with its Content-Type and Cache-Control, then a
CloudFront invalidation.

Caching: pages, JSON (`channels.json` carries the roster's keys: a stale copy would encrypt to
the wrong people), scripts and styles without a content hash are `no-cache` — browsers and the
CDN revalidate every time. Files whose name carries a content hash (mkdocs-material's
`bundle.1a2b3c4d.min.js`) never change, so they are cached for a year. Images and fonts are
cached for a day.
"""

from __future__ import annotations

import mimetypes
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from botocore.exceptions import BotoCoreError, ClientError  # type: ignore[import-untyped]

from .aws import AwsClient
from .errors import DeployError

NO_CACHE = "no-cache"
IMMUTABLE = "public, max-age=31536000, immutable"
ONE_DAY = "public, max-age=86400"
# The release log (docs/adr/0039): its checkpoint is revalidated each time and uploaded last,
# after the tiles it names; tiles, entry bundles and archived releases are immutable.
LOG_CHECKPOINT = "log/checkpoint"
LOG_IMMUTABLE = ("log/tile/", "log/releases/")

_HASHED = re.compile(r"\.[0-9a-f]{8,}\.(?:min\.)?[a-z0-9]+$")
_ALWAYS_REVALIDATE = frozenset(
    {".html", ".json", ".js", ".mjs", ".css", ".xml", ".txt", ".webmanifest", ".map", ""}
)
_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".webmanifest": "application/manifest+json",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".ico": "image/vnd.microsoft.icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".ttf": "font/ttf",
    ".gz": "application/gzip",
    ".pdf": "application/pdf",
}

# Builds the site for a configuration into a directory (peluit.site.build.build_site).
SiteBuilder = Callable[[Path, Path], object]


@dataclass(frozen=True)
class SiteFile:
    key: str
    path: Path
    content_type: str
    cache_control: str


def content_type(name: str) -> str:
    if name == LOG_CHECKPOINT:
        return "text/plain; charset=utf-8"
    suffix = Path(name).suffix.lower()
    if suffix in _TYPES:
        return _TYPES[suffix]
    guessed, _ = mimetypes.guess_type(name)
    return guessed or "application/octet-stream"


def cache_control(name: str) -> str:
    if name.startswith(LOG_IMMUTABLE):
        return IMMUTABLE  # a tile, partial or full, and an archived release never change
    base = name.rsplit("/", 1)[-1].lower()
    if _HASHED.search(base):
        return IMMUTABLE
    if Path(base).suffix in _ALWAYS_REVALIDATE:
        return NO_CACHE
    return ONE_DAY


def site_files(root: Path) -> list[SiteFile]:
    """Every file under `root`, pages last: a new page never refers to an asset not yet up;
    the log's checkpoint after them all (it names tiles that must be there)."""
    files = [
        SiteFile(key, path, content_type(key), cache_control(key)) for key, path in _walk(root)
    ]
    return sorted(files, key=lambda f: (f.key == LOG_CHECKPOINT, f.key.endswith(".html"), f.key))


def _walk(root: Path) -> Iterator[tuple[str, Path]]:
    for path in sorted(root.rglob("*")):
        if path.is_file():
            yield path.relative_to(root).as_posix(), path


def publish_site(s3: AwsClient, bucket: str, root: Path) -> list[SiteFile]:
    """Upload the site under `root` to `bucket`, then delete what the new build no longer has."""
    files = site_files(root)
    if not any(f.key == "index.html" for f in files):
        raise DeployError(f"the built site in {root} has no index.html")
    try:
        for f in files:
            s3.put_object(
                Bucket=bucket,
                Key=f.key,
                Body=f.path.read_bytes(),
                ContentType=f.content_type,
                CacheControl=f.cache_control,
            )
        _delete_stale(s3, bucket, {f.key for f in files})
    except (BotoCoreError, ClientError) as exc:
        raise DeployError(f"uploading the site to {bucket} failed: {exc}") from None
    return files


def _delete_stale(s3: AwsClient, bucket: str, keep: set[str]) -> None:
    paginator = s3.get_paginator("list_objects_v2")
    stale = [
        {"Key": item["Key"]}
        for page in paginator.paginate(Bucket=bucket)
        for item in page.get("Contents", [])
        if item["Key"] not in keep
    ]
    for start in range(0, len(stale), 1000):
        s3.delete_objects(Bucket=bucket, Delete={"Objects": stale[start : start + 1000]})


def invalidate(cloudfront: AwsClient, distribution_id: str) -> str:
    """Ask CloudFront to drop every cached path; returns the invalidation's id."""
    try:
        answer = cloudfront.create_invalidation(
            DistributionId=distribution_id,
            InvalidationBatch={
                "Paths": {"Quantity": 1, "Items": ["/*"]},
                "CallerReference": f"peluit-{time.time_ns()}",
            },
        )
    except (BotoCoreError, ClientError) as exc:
        raise DeployError(f"invalidating CloudFront {distribution_id} failed: {exc}") from None
    return str(answer["Invalidation"]["Id"])
