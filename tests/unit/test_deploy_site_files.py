"""What each published site file is served as: its Content-Type and how long it may be cached."""

from __future__ import annotations

from pathlib import Path

import pytest

from peluit.deploy.site import IMMUTABLE, NO_CACHE, ONE_DAY, cache_control, content_type, site_files

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("index.html", "text/html; charset=utf-8"),
        ("en/lapor/index.html", "text/html; charset=utf-8"),
        ("assets/stylesheets/main.8608ea7d.min.css", "text/css; charset=utf-8"),
        ("assets/javascripts/bundle.f55a23d4.min.js", "text/javascript; charset=utf-8"),
        ("assets/peluit/channels.json", "application/json"),
        ("assets/images/favicon.png", "image/png"),
        ("assets/logo.svg", "image/svg+xml"),
        ("fonts/inter.woff2", "font/woff2"),
        ("sitemap.xml.gz", "application/gzip"),
        ("unknown.bin-thing", "application/octet-stream"),
    ],
)
def test_content_type_follows_the_extension(name: str, expected: str) -> None:
    assert content_type(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("index.html", NO_CACHE),
        ("404.html", NO_CACHE),
        ("assets/peluit/channels.json", NO_CACHE),  # the roster's keys: never stale
        ("assets/peluit/form.js", NO_CACHE),  # our esbuild output has no hash in its name
        ("assets/peluit/worker.js", NO_CACHE),
        ("search/search_index.json", NO_CACHE),
        ("sitemap.xml", NO_CACHE),
        ("assets/javascripts/bundle.f55a23d4.min.js", IMMUTABLE),
        ("assets/javascripts/workers/search.973d3a69.min.js", IMMUTABLE),
        ("assets/stylesheets/palette.06af60db.min.css", IMMUTABLE),
        ("assets/images/favicon.png", ONE_DAY),
        ("fonts/inter.woff2", ONE_DAY),
    ],
)
def test_pages_and_data_revalidate_hashed_assets_are_cached_for_a_year(
    name: str, expected: str
) -> None:
    assert cache_control(name) == expected


def test_pages_are_uploaded_after_every_asset(tmp_path: Path) -> None:
    for name in ("index.html", "en/index.html", "assets/a.css", "z.png"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    keys = [f.key for f in site_files(tmp_path)]
    assert keys == ["assets/a.css", "z.png", "en/index.html", "index.html"]
