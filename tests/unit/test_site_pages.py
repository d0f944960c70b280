"""Markers in the site's pages become configured text and markup, escaped, in the page's
language; a typo in a marker stops the build."""

from __future__ import annotations

import copy

import pytest

from peluit.config import Config, parse_config
from peluit.config.models import Config as ConfigModel
from peluit.site.errors import MarkerError
from peluit.site.pages import (
    channel_page_markdown,
    expand_markers,
    expand_text_markers,
)
from peluit.site.texts import Lang
from peluit.web.headers import CONTENT_SECURITY_POLICY
from tests.support.factory import PELAYANAN, example_raw, example_text
from tests.support.sitehtml import parse

pytestmark = pytest.mark.unit

HOSTILE = "<script>alert(1)</script> *Kab.* [x](javascript:y) | #"


@pytest.fixture(scope="module")
def config() -> Config:
    return parse_config(example_text())


def hostile_config() -> Config:
    raw = example_raw()
    raw["organisation"]["name"] = {"id": HOSTILE, "en": HOSTILE}
    raw["channels"][0]["name"] = {"id": HOSTILE, "en": HOSTILE}
    raw["channels"][0]["description"] = {"id": HOSTILE, "en": HOSTILE}
    return ConfigModel.model_validate(raw)


def test_organisation_name_in_the_pages_language(config: Config) -> None:
    page = "<p>Tim <!-- peluit:org --> menjawab.</p>"
    assert expand_markers(page, config, "id", "").html == (
        "<p>Tim Pemerintah Kabupaten Batanghari menjawab.</p>"
    )
    assert "Batanghari Regency Government" in expand_markers(page, config, "en", "").html


def test_deadlines_come_from_the_channels_sla(config: Config) -> None:
    page = (
        "<!-- peluit:sla pengaduan acknowledge --> / <!-- peluit:sla pengaduan feedback --> / "
        "<!-- peluit:sla gratifikasi feedback -->"
    )
    assert expand_markers(page, config, "id", "").html == "3 / 90 / 30"


def test_deadline_of_an_unconfigured_channel_is_the_default(config: Config) -> None:
    assert expand_markers("<!-- peluit:sla nope feedback -->", config, "id", "").html == "90"


def test_text_markers_work_at_the_start_of_a_markdown_line(config: Config) -> None:
    markdown = "Tanggapan paling lambat\n<!-- peluit:sla pengaduan acknowledge --> hari kerja."
    assert expand_text_markers(markdown, config, "id") == "Tanggapan paling lambat\n3 hari kerja."


def test_text_markers_leave_block_markers_for_later(config: Config) -> None:
    markdown = "<!-- peluit:form pengaduan -->\n\n<!-- peluit:csp -->"
    assert expand_text_markers(markdown, config, "id") == markdown


def test_organisation_name_is_escaped_for_markdown_and_html() -> None:
    markdown = expand_text_markers("# <!-- peluit:org -->", hostile_config(), "id")
    assert "<script>" not in markdown
    assert r"&lt;script&gt;alert\(1\)&lt;/script&gt; \*Kab\.\* \[x\]\(javascript:y\) \| \#" in (
        markdown
    )
    html = expand_markers("<p><!-- peluit:org --></p>", hostile_config(), "id", "").html
    assert "script" not in {e.tag for e in parse(html)}


def test_channel_list_links_every_channel_from_the_page(config: Config) -> None:
    html = expand_markers("<!-- peluit:channels -->", config, "en", "../").html
    links = [e for e in parse(html) if e.tag == "a"]
    assert [a.attrs["href"] for a in links] == ["../lapor/pengaduan/", "../lapor/gratifikasi/"]
    assert [a.text for a in links] == [
        "Report: Report suspected corruption",
        "Report: Gratification report",
    ]
    assert "Report suspected corruption in the regency government." in html


def test_channel_list_escapes_configured_names() -> None:
    html = expand_markers("<!-- peluit:channels -->", hostile_config(), "id", "").html
    assert "script" not in {e.tag for e in parse(html)}
    assert "&lt;script&gt;" in html


def test_form_marker_becomes_the_form_and_names_the_channel(config: Config) -> None:
    page = expand_markers("<h1>x</h1>\n<!-- peluit:form gratifikasi -->", config, "id", "../../")
    assert page.form_channel == "gratifikasi"
    form = next(e for e in parse(page.html) if e.tag == "form")
    assert form.attrs["data-channel"] == "gratifikasi"
    assert form.attrs["data-config"] == "../../assets/peluit/channels.json"


def test_page_without_a_form_names_no_channel(config: Config) -> None:
    assert expand_markers("<p>x</p>", config, "id", "").form_channel is None


def test_form_for_an_unconfigured_channel_is_a_notice(config: Config) -> None:
    page = expand_markers("<!-- peluit:form pelayanan -->", config, "id", "")
    assert page.form_channel is None
    assert page.html == (
        '<p class="peluit-notice">Saluran ini tidak dibuka oleh Pemerintah Kabupaten '
        "Batanghari.</p>"
    )


def test_two_forms_on_one_page_are_refused(config: Config) -> None:
    with pytest.raises(MarkerError, match="one form per page"):
        expand_markers(
            "<!-- peluit:form pengaduan -->\n<!-- peluit:form gratifikasi -->", config, "id", ""
        )


@pytest.mark.parametrize(
    "marker",
    [
        "<!-- peluit:forms pengaduan -->",
        "<!-- peluit:form -->",
        "<!-- peluit:org extra -->",
        "<!-- peluit:sla pengaduan -->",
        "<!-- peluit:sla pengaduan soon -->",
    ],
)
def test_malformed_marker_is_an_error(config: Config, marker: str) -> None:
    with pytest.raises(MarkerError):
        expand_markers(marker, config, "id", "")


def test_other_comments_are_left_alone(config: Config) -> None:
    page = "<!-- a comment --><!-- peluitx -->"
    assert expand_markers(page, config, "id", "").html == page


def test_csp_block_shows_the_policy_the_server_sends(config: Config) -> None:
    html = expand_markers("<!-- peluit:csp -->", config, "en", "").html
    code = next(e for e in parse(html) if e.tag == "code").text
    assert code.replace(";\n", "; ") == CONTENT_SECURITY_POLICY


def test_generated_channel_page_holds_its_description_and_form() -> None:
    raw = example_raw()
    raw["channels"].append(copy.deepcopy(PELAYANAN))
    pelayanan = ConfigModel.model_validate(raw).channel("pelayanan")
    assert pelayanan is not None
    markdown = channel_page_markdown(pelayanan, "en")
    assert markdown.startswith('---\ntitle: "Public service complaint"\n---\n')
    assert "<!-- peluit:description pelayanan -->" in markdown
    assert "<!-- peluit:form pelayanan -->" in markdown


def test_generated_channel_page_title_is_escaped() -> None:
    raw = example_raw()
    channel = copy.deepcopy(PELAYANAN)
    channel["name"] = {"id": 'a"\n<b>', "en": "x"}
    raw["channels"].append(channel)
    pelayanan = ConfigModel.model_validate(raw).channel("pelayanan")
    assert pelayanan is not None
    assert channel_page_markdown(pelayanan, "id").startswith(
        '---\ntitle: "a&quot;\\n&lt;b&gt;"\n---'
    )


def test_followup_marker_becomes_the_follow_up_markup(config: Config) -> None:
    cases: tuple[tuple[Lang, str], ...] = (("id", "Kode tanda terima"), ("en", "Receipt code"))
    for lang, label in cases:
        rendered = expand_markers("<p>x</p>\n<!-- peluit:followup -->\n", config, lang, "../")
        assert rendered.followup is True
        assert rendered.form_channel is None
        assert label in rendered.html
        assert 'data-worker="../assets/peluit/followup-worker.js"' in rendered.html
        assert 'data-config="../assets/peluit/channels.json"' in rendered.html
        assert 'id="fu-send" class="md-button md-button--primary" disabled' in rendered.html
    assert expand_markers("<p>x</p>", config, "id", "").followup is False


def test_followup_beside_a_form_is_refused(config: Config) -> None:
    with pytest.raises(MarkerError, match="follow-up"):
        expand_markers(
            "<!-- peluit:followup -->\n<!-- peluit:form pengaduan -->\n", config, "id", "../"
        )
    with pytest.raises(MarkerError):
        expand_markers("<!-- peluit:followup x -->", config, "id", "")
