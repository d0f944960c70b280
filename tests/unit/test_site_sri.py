"""Subresource Integrity on built pages: each script and stylesheet gets the sha384 of the
file it names (relative or root-absolute), nothing else is touched, and a page naming a file
the build lacks fails the build."""

from __future__ import annotations

import base64
import hashlib

import pytest

from peluit.site.errors import SiteBuildError
from peluit.site.sri import add_integrity, integrity, resolve

pytestmark = pytest.mark.unit

FILES = {"assets/app.js": b"run()", "assets/site.css": b"p{}"}


def read(name: str) -> bytes | None:
    return FILES.get(name)


def test_integrity_is_sha384_in_base64() -> None:
    digest = base64.b64encode(hashlib.sha384(b"run()").digest()).decode()
    assert integrity(b"run()") == f"sha384-{digest}"


def test_scripts_and_stylesheets_get_the_hash_of_the_file_they_load() -> None:
    page = (
        '<link rel="stylesheet" href="../../assets/site.css">'
        '<link rel="icon" href="../../assets/site.css">'
        '<script id="__config" type="application/json">{}</script>'
        '<script src="../../assets/app.js" defer></script>'
    )
    out = add_integrity(page, "lapor/pengaduan/index.html", read)
    assert out == (
        f'<link rel="stylesheet" href="../../assets/site.css" integrity="{integrity(b"p{}")}">'
        '<link rel="icon" href="../../assets/site.css">'
        '<script id="__config" type="application/json">{}</script>'
        f'<script src="../../assets/app.js" defer integrity="{integrity(b"run()")}"></script>'
    )
    assert add_integrity(out, "lapor/pengaduan/index.html", read) == out  # once only


def test_root_absolute_urls_resolve_from_the_site_root() -> None:
    assert resolve("404.html", "/assets/app.js") == "assets/app.js"
    assert resolve("en/a/index.html", "../../assets/app.js") == "assets/app.js"
    assert resolve("index.html", "../above.js") == "above.js"  # as a browser resolves it
    assert resolve("index.html", "https://cdn.example/x.js") is None


def test_a_script_the_build_does_not_hold_fails_the_build() -> None:
    with pytest.raises(SiteBuildError, match=r"index\.html loads assets/gone\.js"):
        add_integrity('<script src="assets/gone.js"></script>', "index.html", read)
