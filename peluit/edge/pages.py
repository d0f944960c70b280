"""The built site's pages, as the site's CloudFront Function knows them.

A page is an HTML file of the build, named by the URI a viewer asks for: a directory index
(`lapor/pengaduan/index.html`) by its directory (`/lapor/pengaduan/`), any other HTML file
(`404.html`) by its own path (`/404.html`). URIs are percent-encoded as browsers send them.

`peluit deploy` lists them from the site it has just built and gives the list to the stack as
the `SitePages` parameter, which the template substitutes into the function's code;
`peluit serve` lists them from the site it serves.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import quote

from .errors import SitePagesError

PARAMETER = "SitePages"
SEPARATOR = "|"
# A CloudFormation parameter value holds at most 4,096 bytes; the function code (the list
# included) at most 10 KB (CloudFront Functions quota).
PARAMETER_LIMIT = 4096
FUNCTION_CODE_LIMIT = 10 * 1024
# What a percent-encoded URI path can hold: nothing that would end the JavaScript string the
# list is placed in ('), escape in it (\), start a !Sub reference (${) or split the list (|).
URI_CHARACTERS = re.compile(r"/[A-Za-z0-9_.~%/-]*")
INDEX = "index.html"


def page_uri(key: str) -> str:
    """The URI of a page from its file's path in the build (`a/b/index.html` → `/a/b/`)."""
    uri = "/" + quote(key.removesuffix(INDEX) if key.rsplit("/", 1)[-1] == INDEX else key)
    if not URI_CHARACTERS.fullmatch(uri):
        raise SitePagesError(f"the page {key!r} has a name the edge cannot list")
    return uri


def page_uris(keys: Iterable[str]) -> tuple[str, ...]:
    """The page URIs among a site's file paths (relative, with '/'), sorted."""
    return tuple(sorted(page_uri(key) for key in keys if key.endswith(".html")))


def site_pages(root: Path) -> tuple[str, ...]:
    """The pages of the site built into `root`."""
    keys = (p.relative_to(root).as_posix() for p in root.rglob("*.html") if p.is_file())
    return page_uris(keys)


def parameter_value(pages: Iterable[str]) -> str:
    """The page list as the `SitePages` parameter (and as the function's code holds it)."""
    value = SEPARATOR.join(pages)
    if len(value.encode("ascii")) > PARAMETER_LIMIT:
        raise SitePagesError(
            f"the site's page list is {len(value)} bytes; a CloudFormation parameter holds "
            f"{PARAMETER_LIMIT}: the site has too many pages for the edge function"
        )
    return value


def from_parameter(value: str) -> tuple[str, ...]:
    """The pages in a `SitePages` value."""
    return tuple(value.split(SEPARATOR)) if value else ()
