"""Subresource Integrity: every `<script src>` and stylesheet `<link>` of a built page gets an
`integrity="sha384-…"` attribute with the hash of the file it loads (W3C SRI).

Run over the built output, after the last change to any asset (the hook's bundle rewrite), so
the hashes are of the bytes served. A page that loads a file the build does not hold is an
error: the build would otherwise publish a page whose script cannot load.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
import re
from collections.abc import Callable
from pathlib import Path

from .errors import SiteBuildError

# `<script … src="…" …>` and `<link rel="stylesheet" … href="…" …>` as mkdocs and the theme
# write them (double quotes; the tests check no other form appears).
_SCRIPT = re.compile(r'<script\b[^>]*?\ssrc="([^"]+)"[^>]*>')
_STYLESHEET = re.compile(r'<link\b(?=[^>]*\srel="stylesheet")[^>]*?\shref="([^"]+)"[^>]*>')
_HAS_INTEGRITY = re.compile(r"\sintegrity=")


def integrity(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def resolve(page: str, url: str) -> str | None:
    """The site path a page's (relative or root-absolute) URL names, or None for another
    origin or a path leaving the site."""
    if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//", url):
        return None
    path = url.split("#", 1)[0].split("?", 1)[0]
    joined = path if path.startswith("/") else posixpath.join(posixpath.dirname("/" + page), path)
    normal = posixpath.normpath(joined)
    return None if normal.startswith("/..") else normal.lstrip("/")


def add_integrity(html: str, page: str, read: Callable[[str], bytes | None]) -> str:
    """`html` (the page at site path `page`) with integrity on each script and stylesheet;
    `read` gives a site file's bytes, or None if the build has no such file."""

    def tag(match: re.Match[str]) -> str:
        text = match.group(0)
        if _HAS_INTEGRITY.search(text):
            return text
        target = resolve(page, match.group(1))
        data = read(target) if target is not None else None
        if data is None:
            raise SiteBuildError(f"{page} loads {match.group(1)}, which the build does not hold")
        return f'{text[:-1]} integrity="{integrity(data)}">'

    return _STYLESHEET.sub(tag, _SCRIPT.sub(tag, html))


def add_integrity_to_site(site_dir: Path) -> int:
    """Rewrite every page under `site_dir`; the number of pages."""
    root = site_dir.resolve()

    def read(name: str) -> bytes | None:
        path = (root / name).resolve()
        if not path.is_relative_to(root) or not path.is_file():
            return None
        return path.read_bytes()

    pages = sorted(site_dir.rglob("*.html"))
    for path in pages:
        page = path.relative_to(site_dir).as_posix()
        text = path.read_text(encoding="utf-8")
        path.write_text(add_integrity(text, page, read), encoding="utf-8")
    return len(pages)
