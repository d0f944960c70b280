"""Serving the built site from a directory without ever leaving it."""

from __future__ import annotations

import functools
import gzip
import mimetypes
import posixpath
from pathlib import Path
from urllib.parse import unquote

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
    ".xml": "application/xml",
    ".webmanifest": "application/manifest+json",
}

PLACEHOLDER = """<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Peluit</title></head>
<body>
<h1>Peluit berjalan</h1>
<p>Layanan ini sudah aktif, tetapi situs publik belum dibangun. Jalankan <code>make run</code>
setelah situs tersedia, atau lihat <a href="/api/v1/openapi.json">dokumen API</a>.</p>
<hr>
<h1 lang="en">Peluit is running</h1>
<p lang="en">The service is up, but the public site has not been built yet. See the
<a href="/api/v1/openapi.json">API document</a>.</p>
</body></html>
"""


def resolve(root: Path, url_path: str) -> Path | None:
    """The file under `root` for a URL path, or None for anything outside or missing."""
    path = posixpath.normpath(unquote(url_path))
    if "\x00" in path or not path.startswith("/"):
        return None
    candidate = (root / path.lstrip("/")).resolve()
    base = root.resolve()
    if candidate != base and not candidate.is_relative_to(base):
        return None
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


def content_type(path: Path) -> str:
    return (
        TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )


def cache_control(path: Path) -> str:
    if path.suffix == ".html" or (path.name == "checkpoint" and path.parent.name == "log"):
        return "no-cache"  # pages, and the release log's checkpoint (it moves on each release)
    return "public, max-age=3600"


_COMPRESSIBLE = (".html", ".js", ".mjs", ".css", ".json", ".svg", ".txt", ".xml", ".webmanifest")


@functools.lru_cache(maxsize=256)
def _gzipped(path: Path, mtime_ns: int, size: int) -> bytes:
    # mtime and size are part of the key: a rebuilt site is compressed again
    return gzip.compress(path.read_bytes(), compresslevel=6, mtime=0)


def body_for(path: Path, accept_encoding: str) -> tuple[bytes, dict[str, str]]:
    """The file's bytes, gzipped when the browser accepts it and it is text (as the CDN does:
    the form page must load on a slow rural link)."""
    if path.suffix not in _COMPRESSIBLE:
        return path.read_bytes(), {}
    vary = {"Vary": "Accept-Encoding"}
    if "gzip" not in accept_encoding.lower():
        return path.read_bytes(), vary
    stat = path.stat()
    return _gzipped(path, stat.st_mtime_ns, stat.st_size), {**vary, "Content-Encoding": "gzip"}
