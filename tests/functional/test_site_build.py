"""`build_site` runs the real mkdocs build (strict, both languages) and the output keeps the
site's promises: no inline script or handler, nothing loaded from another origin, the same
pages in Indonesian and English, and the configured forms on the form pages."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest

from peluit.config import ConfigError, parse_config
from peluit.site.build import ENV_VAR, build_site
from peluit.site.errors import SiteBuildError
from peluit.site.forms import channels_document
from tests.support.factory import example_text
from tests.support.sitehtml import Element, parse, questions

pytestmark = pytest.mark.functional

FORM_PAGES = {
    "lapor/pengaduan/index.html": "pengaduan",
    "lapor/gratifikasi/index.html": "gratifikasi",
}
# Attributes that make the browser fetch something (a plain <a href> does not).
FETCHING = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "audio": ("src",),
    "video": ("src", "poster"),
    "embed": ("src",),
    "object": ("data",),
    "form": ("action",),
    "input": ("src", "formaction"),
    "button": ("formaction",),
}
THIRD_PARTY = re.compile(
    r"fonts\.googleapis|fonts\.gstatic|googletagmanager|google-analytics|cdn\.jsdelivr|"
    r"unpkg\.com|cdnjs|cloudflare|squidfunk\.github\.io|zensical\.org"
)
HOSTILE_ORG = 'Kab. \\"Contoh\\" <script>alert(1)</script>'
PELAYANAN_TOML = """
[[channels]]
id = "pelayanan"
name = { id = "Pengaduan pelayanan publik", en = "Public service complaint" }
description = { id = "Keluhan tentang pelayanan.", en = "Complaints about a service." }
identity = "none"
reviewers = ["rina"]

[[channels.fields]]
id = "what"
kind = "textarea"
required = true
label = { id = "Apa yang terjadi?", en = "What happened?" }
"""
EXAMPLE_ORG = (
    'name = { id = "Pemerintah Kabupaten Batanghari", en = "Batanghari Regency Government" }'
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("build") / "site"
    build_site(None, out)
    return out


@pytest.fixture(scope="module")
def custom_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A configuration with a third channel (no identity) and a hostile organisation name."""
    base = tmp_path_factory.mktemp("custom")
    text = example_text()
    assert EXAMPLE_ORG in text
    text = text.replace(EXAMPLE_ORG, f'name = {{ id = "{HOSTILE_ORG}", en = "{HOSTILE_ORG}" }}')
    config = base / "peluit.toml"
    config.write_text(text + PELAYANAN_TOML, encoding="utf-8")
    out = base / "site"
    build_site(config, out)
    return out


def pages(root: Path) -> list[Path]:
    return sorted(root.rglob("*.html"))


def elements(page: Path) -> list[Element]:
    return parse(page.read_text(encoding="utf-8"))


def language_pages(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in pages(root) if "en" not in p.relative_to(root).parts}


# -- the build -----------------------------------------------------------------------------


def test_both_languages_are_built_with_the_same_pages(site: Path) -> None:
    indonesian = language_pages(site)
    english = {str(p.relative_to(site / "en")) for p in pages(site / "en")}
    assert indonesian == english | {"404.html"}  # one error page, at the root
    assert {"index.html", *FORM_PAGES, "tindak-lanjut/index.html"} <= indonesian
    assert '<html lang="id"' in (site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="en"' in (site / "en" / "index.html").read_text(encoding="utf-8")


def test_every_page_has_both_language_versions_linked(site: Path) -> None:
    for relative in language_pages(site) - {"404.html"}:
        for root, other in ((site, "en"), (site / "en", "id")):
            page = root / relative
            link = next(
                e for e in elements(page) if e.tag == "a" and e.attrs.get("hreflang") == other
            )
            target = urlsplit(
                urljoin(f"http://x/{page.relative_to(site).as_posix()}", link.attrs["href"] or "")
            )
            expected = f"/{relative}".removesuffix("index.html")
            expected = expected if other == "id" else f"/en{expected}"
            assert target.path == expected, (page, link.attrs["href"])


def test_build_leaves_the_environment_as_it_was(site: Path) -> None:
    assert ENV_VAR not in os.environ


def test_each_language_has_its_own_search_index(site: Path) -> None:
    indonesian = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    english = json.loads((site / "en" / "search" / "search_index.json").read_text(encoding="utf-8"))
    titles_id = {d["title"] for d in indonesian["docs"]}
    titles_en = {d["title"] for d in english["docs"]}
    assert "Cara melapor" in titles_id
    assert "Cara melapor" not in titles_en
    assert "How to report" in titles_en
    assert "How to report" not in titles_id
    assert indonesian["config"]["pipeline"] == ["trimmer"]  # no English stemmer on Indonesian


# -- what the pages may not do (CSP: script-src 'self', style-src 'self') ------------------


def test_no_page_has_an_inline_script(site: Path, custom_site: Path) -> None:
    for page in pages(site) + pages(custom_site):
        for script in (e for e in elements(page) if e.tag == "script" and "src" not in e.attrs):
            # The theme's configuration is a JSON data block; browsers never execute it.
            assert script.attrs == {"id": "__config", "type": "application/json"}, page
            json.loads(script.text)


def test_no_page_has_an_event_handler_or_style_attribute(site: Path) -> None:
    for page in pages(site):
        for element in elements(page):
            assert not [a for a in element.attrs if a.startswith("on")], (page, element)
            assert "style" not in element.attrs, (page, element)
            assert element.tag != "style", page


def test_nothing_is_fetched_from_another_origin(site: Path) -> None:
    for page in pages(site):
        for element in elements(page):
            for attribute in FETCHING.get(element.tag, ()):
                value = (element.attrs.get(attribute) or "").strip().lower()
                assert not value.startswith(("http:", "https:", "//")), (page, element)
    for path in site.rglob("*"):
        if path.suffix in {".html", ".css", ".js", ".json", ".xml", ".svg"}:
            text = path.read_text(encoding="utf-8")
            assert not THIRD_PARTY.search(text), path
            if path.suffix == ".css":
                assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), path
                assert "@import" not in text, path


def test_theme_generator_link_and_web_fonts_are_off(site: Path) -> None:
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "Made with" not in home
    assert "fonts.g" not in home


# -- forms ---------------------------------------------------------------------------------


def test_form_pages_hold_their_form_and_load_its_script(site: Path) -> None:
    for root, lang in ((site, "id"), (site / "en", "en")):
        for relative, channel in FORM_PAGES.items():
            page = root / relative
            found = elements(page)
            form = next(e for e in found if e.tag == "form" and e.attrs.get("id") == "peluit-form")
            assert form.attrs["data-channel"] == channel
            assert form.attrs["data-lang"] == lang
            assert (page.parent / (form.attrs["data-config"] or "")).resolve() == (
                root / "assets" / "peluit" / "channels.json"
            ).resolve()
            script = next(
                e for e in found if e.tag == "script" and "form.js" in (e.attrs.get("src") or "")
            )
            assert "defer" in script.attrs
            # no site search on a form page: its index and worker would compete with the form
            assert not any(e.attrs.get("data-md-component") == "search" for e in found)
            assert not any(e.tag == "form" and e.attrs.get("name") == "search" for e in found)
            assert (page.parent / (script.attrs["src"] or "")).resolve() == (
                root / "assets" / "peluit" / "form.js"
            ).resolve()
            assert any(e.tag == "link" and "form.css" in (e.attrs.get("href") or "") for e in found)
            assert questions(page.read_text(encoding="utf-8"))


def test_only_form_pages_load_the_form_script(site: Path) -> None:
    for page in pages(site):
        relative = str(page.relative_to(site)).removeprefix("en/")
        loads = "assets/peluit/form.js" in page.read_text(encoding="utf-8")
        assert loads is (relative in FORM_PAGES), page
        # and every other page has the site search
        searchable = any(e.attrs.get("data-md-component") == "search" for e in elements(page))
        assert searchable is (relative not in FORM_PAGES), page


def test_channels_json_describes_the_configuration(site: Path) -> None:
    expected = channels_document(parse_config(example_text()))
    for root in (site, site / "en"):
        path = root / "assets" / "peluit" / "channels.json"
        assert json.loads(path.read_text(encoding="utf-8")) == expected


def test_markers_are_all_replaced(site: Path) -> None:
    for page in pages(site):
        assert "peluit:" not in page.read_text(encoding="utf-8"), page


def test_configured_channel_without_a_page_gets_one(custom_site: Path) -> None:
    for root in (custom_site, custom_site / "en"):
        page = root / "lapor" / "pelayanan" / "index.html"
        html = page.read_text(encoding="utf-8")
        assert set(questions(html)) == {"what"}
        assert 'data-section="identity' not in html
        home = elements(root / "index.html")
        assert [e.attrs["href"] for e in home if e.has_class("peluit-channel__button")] == [
            "lapor/pengaduan/", "lapor/gratifikasi/", "lapor/pelayanan/",
        ]  # fmt: skip


def test_organisation_name_is_shown_escaped(custom_site: Path) -> None:
    home = (custom_site / "index.html").read_text(encoding="utf-8")
    assert "Kab. &quot;Contoh&quot; &lt;script&gt;alert(1)&lt;/script&gt;" in home
    assert "<script>alert(1)" not in home


# -- failures ------------------------------------------------------------------------------


def test_failed_build_keeps_the_previous_site(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "previous.txt").write_text("kept", encoding="utf-8")
    config = tmp_path / "peluit.toml"
    config.write_text(example_text().replace('id = "who"', 'id = "files"', 1), encoding="utf-8")
    with pytest.raises(SiteBuildError, match="files"):
        build_site(config, out)
    assert {p.name for p in tmp_path.iterdir()} == {"site", "peluit.toml"}  # no staging left
    assert (out / "previous.txt").read_text(encoding="utf-8") == "kept"


def test_bad_configuration_fails_before_anything_is_built(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        build_site(tmp_path / "missing.toml", tmp_path / "site")
    assert not (tmp_path / "site").exists()


# -- the follow-up page -------------------------------------------------------------------


FOLLOWUP_PAGE = "tindak-lanjut/index.html"


def test_the_follow_up_page_holds_its_markup_and_loads_only_its_own_script(site: Path) -> None:
    for root, lang in ((site, "id"), (site / "en", "en")):
        page = root / FOLLOWUP_PAGE
        found = elements(page)
        box = next(e for e in found if e.attrs.get("id") == "peluit-followup")
        assert box.attrs["data-lang"] == lang
        for attribute, target in (
            ("data-config", "channels.json"),
            ("data-worker", "followup-worker.js"),
        ):
            assert (page.parent / (box.attrs[attribute] or "")).resolve() == (
                root / "assets" / "peluit" / target
            ).resolve()
        ids = {e.attrs.get("id") for e in found}
        assert {"fu-code", "fu-open", "fu-case", "fu-thread", "fu-text", "fu-files"} <= ids
        scripts = [e.attrs.get("src") or "" for e in found if e.tag == "script"]
        assert any(s.endswith("assets/peluit/followup.js") for s in scripts)
        assert not any(
            "form.js" in s or "worker.js" in s.replace("followup-worker", "") for s in scripts
        )
        assert any(e.tag == "link" and "form.css" in (e.attrs.get("href") or "") for e in found)
    for page in pages(site):
        relative = str(page.relative_to(site)).removeprefix("en/")
        loads = "assets/peluit/followup.js" in page.read_text(encoding="utf-8")
        assert loads is (relative == FOLLOWUP_PAGE), page
