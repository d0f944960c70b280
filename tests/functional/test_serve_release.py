"""`peluit serve` makes and signs the demo's release and serves it: the release fetched over
HTTP verifies against the demo configuration's release signers, is the very site served, and
the headers served meet WEBCAT's rules."""

from __future__ import annotations

import hashlib
import threading
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from peluit.config import Config
from peluit.release import parse_manifest, parse_note, require_threshold, source_commit
from peluit.release.checks import check_release
from peluit.release.webcat import header_findings, site_findings
from peluit.serve.app import ServeOptions, build_server
from peluit.site.build import SOURCE_DIR

pytestmark = pytest.mark.functional


@dataclass
class Served:
    base: str
    config: Config
    site: Path


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    data = tmp_path_factory.mktemp("serve-release") / "var"
    server, config, _, demo = build_server(ServeOptions("127.0.0.1", 0, data, None, None))
    assert demo
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Served(f"http://127.0.0.1:{server.server_address[1]}", config, data / "site")
    finally:
        server.shutdown()
        server.server_close()


def get(url: str) -> tuple[dict[str, str], bytes]:
    assert url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(url, timeout=30) as response:
        return dict(response.headers), response.read()


def test_the_served_release_is_signed_by_the_demos_threshold(served: Served) -> None:
    _, body = get(served.base + "/.well-known/peluit/release.json")
    note = parse_note(body)
    assert served.config.release is not None
    assert require_threshold(served.config, note).signed_by == ["kpk-liaison", "agus"]
    document = parse_manifest(note.text)
    assert document["commit"] == source_commit(SOURCE_DIR)
    assert document["release"] == {"signers": ["agus", "kpk-liaison"], "threshold": 2}


def test_the_served_release_is_the_site_served(served: Served) -> None:
    _, body = get(served.base + "/.well-known/peluit/release.json")
    note = parse_note(body)
    check_release(served.config, note, served.site, source_commit(SOURCE_DIR))
    document = parse_manifest(note.text)
    for name in ("index.html", "assets/peluit/form.js", "assets/peluit/channels.json"):
        _, served_bytes = get(f"{served.base}/{name}")
        assert hashlib.sha256(served_bytes).hexdigest() == document["files"][name]


def test_the_headers_served_are_the_manifests_and_meet_webcat(served: Served) -> None:
    headers, _ = get(served.base + "/lapor/pengaduan/")
    _, body = get(served.base + "/.well-known/peluit/release.json")
    document = parse_manifest(parse_note(body).text)
    for name, value in document["headers"].items():
        assert headers[name] == value
    assert header_findings(headers) == []
    assert site_findings(served.site) == []
