"""WEBCAT's application requirements, checked over a built site and its header policy, so
that enrolling the site in WEBCAT (Freedom of the Press Foundation's web-application
integrity scheme) needs no code change.

The requirements, from freedomofpress/webcat docs/DeveloperGuide.md (commit e6dd2617): the
CSP's `default-src` is 'self' or 'none'; `script-src` only 'none', 'self' or
'wasm-unsafe-eval' (so no 'unsafe-eval', no 'unsafe-inline', no hashes, no blob:); `style-src`
only 'none', 'self', hashes, 'unsafe-inline' or 'unsafe-hashes'; with a `default-src` other
than 'none', `object-src 'none'`, a `worker-src` of 'self' or 'none' (no workers from blob:
URLs) and a `frame-src` or `child-src`; the pages and scripts are static files, not generated
per request; no `Refresh` or `Link` response header (nor a `<meta http-equiv>` that does the
same in a page). Each function returns findings, one line each; none means the rule holds.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

_DEFAULT = {"'self'", "'none'"}
_SCRIPT = {"'none'", "'self'", "'wasm-unsafe-eval'"}
_STYLE_WORDS = {"'none'", "'self'", "'unsafe-inline'", "'unsafe-hashes'"}
_HASH = re.compile(r"^'sha(256|384|512)-[A-Za-z0-9+/=]+'$")
_WORKER = {"'none'", "'self'"}
_FRAME = re.compile(r"^('none'|'self'|blob:|data:|https://[^\s;,]+)$")
# Served files are data, styles, pages, scripts, images and fonts: nothing a server executes.
STATIC_SUFFIXES = frozenset(
    {".html", ".js", ".mjs", ".css", ".json", ".svg", ".png", ".ico", ".jpg", ".webp"}
    | {".woff", ".woff2", ".txt", ".xml", ".webmanifest", ".wasm"}
)
FORBIDDEN_HEADERS = ("refresh", "link")
_META_EQUIV = re.compile(r"<meta\b[^>]*\bhttp-equiv\s*=", re.IGNORECASE)


def directives(csp: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for part in csp.split(";"):
        words = part.split()
        if words:
            out.setdefault(words[0].lower(), words[1:])
    return out


def csp_findings(csp: str) -> list[str]:
    found: list[str] = []
    policy = directives(csp)

    def only(name: str, allowed: set[str], pattern: re.Pattern[str] | None = None) -> None:
        for value in policy.get(name, []):
            if value not in allowed and not (pattern and pattern.match(value)):
                found.append(f"CSP {name} allows {value}")

    if "default-src" not in policy:
        found.append("CSP has no default-src")
    only("default-src", _DEFAULT)
    if "script-src" not in policy and "default-src" not in policy:
        found.append("CSP has no script-src")
    only("script-src", _SCRIPT)
    only("style-src", _STYLE_WORDS, _HASH)
    only("worker-src", _WORKER)
    only("frame-src", set(), _FRAME)
    only("child-src", set(), _FRAME)
    if policy.get("default-src") != ["'none'"]:
        if policy.get("object-src") != ["'none'"]:
            found.append("CSP object-src is not 'none'")
        if "worker-src" not in policy:
            found.append("CSP has no worker-src")
        if "frame-src" not in policy and "child-src" not in policy:
            found.append("CSP has neither frame-src nor child-src")
    return found


def header_findings(headers: Mapping[str, str]) -> list[str]:
    lower = {name.lower(): value for name, value in headers.items()}
    found = [f"the {name.title()} header is sent" for name in FORBIDDEN_HEADERS if name in lower]
    csp = lower.get("content-security-policy")
    if csp is None:
        return [*found, "no Content-Security-Policy header"]
    return found + csp_findings(csp)


def site_findings(site_dir: Path) -> list[str]:
    """Every served file static, no page that refreshes, redirects or sets headers itself."""
    found: list[str] = []
    for path in sorted(site_dir.rglob("*")):
        if not path.is_file():
            continue
        name = path.relative_to(site_dir).as_posix()
        if name.startswith("log/"):
            continue  # the release log: C2SP checkpoint, tiles and bundles, static by design
        if path.suffix.lower() not in STATIC_SUFFIXES:
            found.append(f"{name}: not a static asset type ({path.suffix or 'no suffix'})")
        elif path.suffix == ".html" and _META_EQUIV.search(path.read_text(encoding="utf-8")):
            found.append(f"{name}: a <meta http-equiv> (a header set by the page)")
    return found
