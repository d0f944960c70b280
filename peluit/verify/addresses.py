"""The addresses browsers load that are not a released file's own path (ADR 0053): the site
function (peluit/edge/site_function.py) answers a directory's address (`/`, `/lapor/`) with
its `index.html`, redirects the address without the slash (`/lapor`) to it, and answers any
missing page with the 404 page of its language. A CDN that serves `/` other bytes than
`/index.html` changes what every visitor runs, so each of these is asked for too."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

INDEX = "index.html"
NOT_FOUND = "404.html"
REDIRECTS = {301, 302, 307, 308}


@dataclass(frozen=True)
class Address:
    path: str  # as asked for, percent-decoded (the client quotes it)
    name: str  # the released file it must serve ("" for a redirect)
    status: int  # 200 for a directory, 404 for a missing page, 301 for a redirect
    location: str | None = None  # a redirect's target (the site function's: the path + "/")


def browser_addresses(names: Iterable[str], missing: str) -> list[Address]:
    """Every directory address (with its redirect) and one missing page per 404 page, named
    `missing` (a fresh name each run, so a CDN cannot answer it specially)."""
    found: list[Address] = []
    for name in sorted(names):
        last = name.rsplit("/", 1)[-1]
        if last == INDEX:
            directory = "/" + name.removesuffix(INDEX)
            found.append(Address(directory, name, 200))
            if directory != "/":
                found.append(Address(directory[:-1], "", 301, directory))
        elif last == NOT_FOUND:
            found.append(Address("/" + name.removesuffix(NOT_FOUND) + missing + "/", name, 404))
    return found
