"""The report form and channels.json rendered from the configuration: the markup form.js
relies on (docs/site-and-form.md), in the page's language, with nothing from the
configuration ever read as markup."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from peluit.api.public import PREFIX
from peluit.config import Channel, Config, parse_config
from peluit.config.models import Config as ConfigModel
from peluit.site.errors import FormError
from peluit.site.forms import (
    RESERVED_FIELD_IDS,
    channels_document,
    channels_json,
    render_form,
    root_prefix,
)
from peluit.site.texts import FORM_TEXTS, LANGS, Lang, format_size, pick
from tests.support.factory import PELAYANAN, example_raw, example_text
from tests.support.sitehtml import by_id, parse, questions

pytestmark = pytest.mark.unit

# The control each configured kind must become (docs/site-and-form.md).
CONTROL = {
    "text": "input[text]",
    "textarea": "textarea",
    "date": "input[date]",
    "money": "input[text/numeric]",
    "boolean": "input[checkbox]",
    "select": "select",
    "kpk_area": "select",
}
HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


@pytest.fixture(scope="module")
def config() -> Config:
    return parse_config(example_text())


def with_pelayanan(raw: dict[str, Any] | None = None) -> Config:
    """The example plus a channel whose identity is "none"."""
    raw = example_raw() if raw is None else raw
    raw["channels"].append(copy.deepcopy(PELAYANAN))
    return ConfigModel.model_validate(raw)


def channel(config: Config, channel_id: str) -> Channel:
    found = config.channel(channel_id)
    assert found is not None
    return found


def form(config: Config, channel_id: str, lang: Lang = "id", root: str = "../../") -> str:
    return render_form(config, channel(config, channel_id), lang, root)


# -- questions -----------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("channel_id", ["pengaduan", "gratifikasi"])
def test_every_configured_field_has_its_control_label_and_required_marker(
    config: Config, channel_id: str, lang: Lang
) -> None:
    spec = channel(config, channel_id)
    rendered = questions(form(config, channel_id, lang))
    assert list(rendered) == (
        [f.id for f in spec.fields if not f.identity and f.purpose != "consent"]
        + [f.id for f in spec.fields if f.identity]
        + [f.id for f in spec.fields if f.purpose == "consent"]
    )
    for field in spec.fields:
        question = rendered[field.id]
        assert question.kind == field.kind
        nik = field.purpose == "nik"  # a text field with a numeric keyboard
        assert question.control_kind == ("input[text/numeric]" if nik else CONTROL[field.kind])
        assert question.control.attrs["id"] == f"pf-{field.id}"
        assert question.control.attrs["name"] == field.id
        assert pick(field.label, lang) in question.label
        assert question.required is field.required
        assert question.required_mark is field.required
        # No `maxlength`: a browser cuts pasted text at it without a word (issue 13); a
        # counter with the limit stands under every text answer instead.
        assert "maxlength" not in question.control.attrs
        counter = by_id(form(config, channel_id, lang)).get(f"pf-{field.id}-count")
        if field.kind in {"text", "textarea"}:
            assert counter is not None
            assert counter.attrs["data-max"] == str(field.max_length)
            assert counter.attrs["data-count-for"] == field.id
            assert ("hidden" in counter.attrs) is (field.kind == "text")  # shown near the limit
        else:
            assert counter is None
        if field.kind in {"text", "date", "money"}:  # a phone's Enter key says "next"
            assert question.control.attrs["enterkeyhint"] == "next"


def test_labels_and_help_are_in_the_pages_language(config: Config) -> None:
    indonesian = form(config, "pengaduan", "id")
    english = form(config, "pengaduan", "en")
    assert "Apa yang terjadi?" in indonesian
    assert "What happened?" not in indonesian
    assert "What happened?" in english
    assert "Apa yang terjadi?" not in english
    assert "Describe what was done, in your own words." in english
    assert parse(english)[0].attrs["data-lang"] == "en"
    assert FORM_TEXTS["en"].submit in english
    assert FORM_TEXTS["id"].submit in indonesian


def test_help_text_is_linked_to_its_control(config: Config) -> None:
    rendered = questions(form(config, "pengaduan"))
    assert rendered["what"].control.attrs["aria-describedby"] == (
        "pf-what-help pf-what-count pf-what-error"
    )
    assert rendered["witnesses"].control.attrs["aria-describedby"] == (
        "pf-witnesses-count pf-witnesses-error"
    )
    ids = by_id(form(config, "pengaduan"))
    assert "pf-what-help" in ids
    assert "pf-witnesses-help" not in ids


def test_select_offers_configured_options_after_an_empty_choice(config: Config) -> None:
    rendered = questions(form(config, "pengaduan", "en"))
    assert rendered["other_authority"].options == [
        ("", FORM_TEXTS["en"].choose),
        ("belum", "No"),
        ("sudah", "Yes (say where in your description)"),
        ("tidak-tahu", "I don't know"),
    ]


def test_kpk_area_offers_every_configured_area(config: Config) -> None:
    area = questions(form(config, "pengaduan", "id"))["area"]
    assert area.options[0] == ("", FORM_TEXTS["id"].choose)
    assert area.options[1:] == [(a.id, a.label.id) for a in config.kpk_areas]


# -- identity ------------------------------------------------------------------------------


def test_identity_fields_sit_in_the_identity_section_only(config: Config) -> None:
    for channel_id in ("pengaduan", "gratifikasi"):
        spec = channel(config, channel_id)
        rendered = questions(form(config, channel_id))
        for field in spec.fields:
            expected = "identity" if field.identity else "report"
            if field.purpose == "consent":
                expected = "consents"
            assert rendered[field.id].section == expected, (channel_id, field.id)


def test_reward_and_publication_consents_follow_the_identity_and_start_hidden_and_disabled(
    config: Config,
) -> None:
    html = form(config, "pengaduan", "en")
    sections = [e for e in parse(html) if e.tag == "fieldset"]
    order = [e.attrs.get("data-section") for e in sections]
    assert order == ["report", "identity-choice", "identity", "consents", "files"]
    consents = sections[3]
    # Hidden and disabled while "anonymous" (the first choice) is checked: not sent.
    assert "hidden" in consents.attrs
    assert "disabled" in consents.attrs
    assert FORM_TEXTS["en"].consents_help in html
    rendered = questions(html)
    assert rendered["consent_reward"].control_kind == "input[checkbox]"
    assert rendered["consent_publication"].section == "consents"


def test_consents_on_a_channel_without_anonymity_are_shown(config: Config) -> None:
    raw = example_raw()
    gratifikasi = next(c for c in raw["channels"] if c["id"] == "gratifikasi")
    gratifikasi["fields"].append(
        {"id": "consent_reward", "kind": "boolean", "purpose": "consent",
         "label": {"id": "Penghargaan", "en": "Reward"}}
    )  # fmt: skip
    html = form(ConfigModel.model_validate(raw), "gratifikasi")
    consents = next(e for e in parse(html) if e.attrs.get("data-section") == "consents")
    assert "hidden" not in consents.attrs
    assert "disabled" not in consents.attrs


def test_nik_question_says_16_digits_when_the_configuration_gives_no_help(
    config: Config,
) -> None:
    for lang in LANGS:
        nik = questions(form(config, "gratifikasi", lang))["reporter_nik"]
        assert nik.control.attrs["aria-describedby"] == (
            "pf-reporter_nik-help pf-reporter_nik-count pf-reporter_nik-error"
        )
        ids = by_id(form(config, "gratifikasi", lang))
        assert ids["pf-reporter_nik-help"].text == FORM_TEXTS[lang].nik_help
        assert "16" in FORM_TEXTS[lang].nik_help


@pytest.mark.parametrize(
    ("lang", "rule"),
    [
        ("id", "Batas waktu melapor: 10 hari kerja ke UPG instansi atau 30 hari kerja "
               "langsung ke KPK, dihitung sejak tanggal ini."),
        ("en", "Deadline to report: 10 working days to the agency's UPG or 30 working days "
               "directly to KPK, counted from this date."),
    ],
)  # fmt: skip
def test_date_received_shows_the_channels_deadlines_in_working_days(
    config: Config, lang: Lang, rule: str
) -> None:
    html = form(config, "gratifikasi", lang)
    ids = by_id(html)
    assert ids["pf-received_on-deadline-rule"].text.startswith(rule)
    assert ids["pf-received_on-deadline-rule"].field == "received_on"
    listing = ids["pf-received_on-deadlines"]
    assert listing.attrs["data-deadlines-for"] == "received_on"
    assert listing.attrs["aria-live"] == "polite"
    date = questions(html)["received_on"].control
    assert date.attrs["aria-describedby"] == ("pf-received_on-deadline-rule pf-received_on-error")
    assert "deadline" not in form(config, "pengaduan", lang)


def test_optional_identity_offers_anonymous_first_and_hides_the_identity_fields(
    config: Config,
) -> None:
    elements = by_id(form(config, "pengaduan"))
    radios = [e for e in parse(form(config, "pengaduan")) if e.attrs.get("type") == "radio"]
    assert [r.attrs["value"] for r in radios] == ["anonymous", "confidential", "open"]
    assert {r.attrs["name"] for r in radios} == {"identity_choice"}
    assert "checked" in elements["pf-identity-anonymous"].attrs
    identity = next(
        e
        for e in parse(form(config, "pengaduan"))
        if e.tag == "fieldset" and e.attrs.get("data-section") == "identity"
    )
    assert "hidden" in identity.attrs


def test_required_identity_offers_no_anonymous_choice_and_shows_the_fields(
    config: Config,
) -> None:
    html = form(config, "gratifikasi")
    radios = [e for e in parse(html) if e.attrs.get("type") == "radio"]
    assert [r.attrs["value"] for r in radios] == ["confidential", "open"]
    assert "checked" in radios[0].attrs
    identity = next(e for e in parse(html) if e.attrs.get("data-section") == "identity")
    assert "hidden" not in identity.attrs


def test_channel_without_identity_has_no_identity_sections() -> None:
    config = with_pelayanan()
    html = form(config, "pelayanan")
    sections = [e.attrs.get("data-section") for e in parse(html) if e.tag == "fieldset"]
    assert sections == ["report", "files"]
    assert "identity_choice" not in html
    assert list(questions(html)) == ["what"]


# -- the rest of the contract --------------------------------------------------------------


def test_form_carries_channel_language_and_relative_asset_urls(config: Config) -> None:
    element = parse(form(config, "gratifikasi", "en", root="../../"))[0]
    assert element.tag == "form"
    assert element.attrs["id"] == "peluit-form"
    assert element.attrs["data-channel"] == "gratifikasi"
    assert element.attrs["data-config"] == "../../assets/peluit/channels.json"
    assert element.attrs["data-worker"] == "../../assets/peluit/worker.js"
    assert "novalidate" in element.attrs


def test_submit_is_disabled_until_the_script_enables_it(config: Config) -> None:
    ids = by_id(form(config, "pengaduan"))
    assert "disabled" in ids["pf-submit"].attrs
    assert ids["pf-submit"].attrs["type"] == "submit"
    # A plain submission (no script) would at least not put answers into a URL.
    assert parse(form(config, "pengaduan"))[0].attrs["method"] == "post"


def test_form_has_every_element_the_script_looks_up(config: Config) -> None:
    ids = by_id(form(config, "pengaduan"))
    for element_id in (
        "peluit-form", "pf-files", "pf-file-list", "pf-submit", "pf-cancel", "pf-progress",
        "pf-progress-total", "pf-status", "pf-form-error", "pf-receipt", "pf-receipt-code",
        "pf-copy", "pf-date", "pf-due", "pf-save", "pf-saved", "pf-followup",
        "pf-review", "pf-review-list", "pf-edit", "pf-send",
    ):  # fmt: skip
        assert element_id in ids, element_id
    assert ids["pf-files"].attrs["type"] == "file"
    assert "multiple" in ids["pf-files"].attrs
    for hidden in ("pf-cancel", "pf-progress", "pf-form-error", "pf-receipt", "pf-review"):
        assert "hidden" in ids[hidden].attrs, hidden


@pytest.mark.parametrize(("lang", "days"), [("id", "3 hari kerja"), ("en", "3 working days")])
def test_the_receipt_has_one_code_its_due_day_and_the_follow_up_page(
    config: Config, lang: Lang, days: str
) -> None:
    ids = by_id(form(config, "pengaduan", lang, root="../../"))
    assert "pf-case" not in ids  # the case reference cannot be used to follow up
    assert ids["pf-receipt"].attrs["data-due-days"] == str(
        channel(config, "pengaduan").sla.acknowledge_working_days
    )
    assert ids["pf-followup"].attrs["href"] == "../../tindak-lanjut/"
    assert ids["pf-saved"].attrs["type"] == "checkbox"
    assert ids["pf-send"].attrs["type"] == "button"  # only the review's button sends
    assert days in form(config, "pengaduan", lang)


def test_file_section_states_the_configured_limits(config: Config) -> None:
    html = form(config, "pengaduan", "id")
    assert "Paling banyak 10 berkas, masing-masing sampai 500 MB, seluruhnya sampai 2 GB" in html


def test_no_file_section_controls_when_the_configuration_allows_no_files() -> None:
    raw = example_raw()
    raw["limits"]["files_per_report"] = 0
    config = ConfigModel.model_validate(raw)
    ids = by_id(form(config, "pengaduan"))
    assert "disabled" in ids["pf-files"].attrs
    files = next(
        e for e in parse(form(config, "pengaduan")) if e.attrs.get("data-section") == "files"
    )
    assert "hidden" in files.attrs


def test_ids_are_unique_in_the_form(config: Config) -> None:
    for channel_id in ("pengaduan", "gratifikasi"):
        ids = [e.attrs["id"] for e in parse(form(config, channel_id)) if e.attrs.get("id")]
        assert len(ids) == len(set(ids)), channel_id


@pytest.mark.parametrize("reserved", sorted(RESERVED_FIELD_IDS))
def test_field_id_that_collides_with_the_forms_own_elements_is_refused(reserved: str) -> None:
    raw = example_raw()
    raw["channels"][0]["fields"][0]["id"] = reserved
    config = ConfigModel.model_validate(raw)
    with pytest.raises(FormError, match=reserved):
        form(config, "pengaduan")


# -- escaping ------------------------------------------------------------------------------


def test_hostile_configuration_text_renders_inert() -> None:
    raw = example_raw()
    pengaduan = raw["channels"][0]
    pengaduan["fields"][0]["label"] = {"id": HOSTILE, "en": HOSTILE}
    pengaduan["fields"][0]["help"] = {"id": HOSTILE, "en": HOSTILE}
    select = next(f for f in pengaduan["fields"] if f["kind"] == "select")
    select["options"][0]["label"] = {"id": HOSTILE, "en": HOSTILE}
    raw["kpk_areas"][0]["label"] = {"id": HOSTILE, "en": HOSTILE}
    config = ConfigModel.model_validate(raw)
    for lang in LANGS:
        html = form(config, "pengaduan", lang)
        tags = {e.tag for e in parse(html)}
        assert "script" not in tags
        assert "img" not in tags
        assert not any(k.startswith("on") for e in parse(html) for k in e.attrs)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img" in html
        rendered = questions(html)
        assert HOSTILE in rendered["what"].label  # shown as the text it is
        assert (select["options"][0]["id"], HOSTILE) in rendered["other_authority"].options


def test_page_root_cannot_break_out_of_its_attribute(config: Config) -> None:
    element = parse(form(config, "pengaduan", root='"><script>x</script>'))[0]
    assert element.attrs["data-config"] == '"><script>x</script>assets/peluit/channels.json'
    assert "script" not in {e.tag for e in parse(form(config, "pengaduan", root='"><script>'))}


def test_root_prefix_climbs_one_level_per_path_segment() -> None:
    assert root_prefix("") == ""
    assert root_prefix("cara-melapor/") == "../"
    assert root_prefix("lapor/pengaduan/") == "../../"


# -- channels.json -------------------------------------------------------------------------


def test_channels_json_lists_recipients_per_channel() -> None:
    # In the shipped example Dewi is both the gratifikasi reviewer and its custodian, so a mix-up
    # of the two lists would pass unseen; here the custodian is someone who does not review it.
    raw = example_raw()
    gratifikasi_raw = next(c for c in raw["channels"] if c["id"] == "gratifikasi")
    assert gratifikasi_raw["reviewers"] == ["dewi"]
    gratifikasi_raw["custodians"] = ["agus"]
    config = ConfigModel.model_validate(raw)
    document = channels_document(config)
    assert document["version"] == 1
    assert set(document["channels"]) == {"pengaduan", "gratifikasi"}
    people = {p.id: p.age_recipient for p in config.people}
    pengaduan = document["channels"]["pengaduan"]
    assert pengaduan["identity"] == "optional"
    assert pengaduan["report_recipients"] == [
        people["rina"], people["agus"], people["kpk-liaison"],
    ]  # fmt: skip
    assert pengaduan["identity_recipients"] == [people["agus"]]
    gratifikasi = document["channels"]["gratifikasi"]
    assert gratifikasi["report_recipients"] == [people["dewi"], people["kpk-liaison"]]
    assert gratifikasi["identity_recipients"] == [people["agus"]]
    assert all(
        r.startswith("age1pq1")
        for c in document["channels"].values()
        for r in c["report_recipients"] + c["identity_recipients"]
    )


def test_channels_json_carries_the_configured_limits_and_api(config: Config) -> None:
    document = json.loads(channels_json(config))
    assert document["api"] == PREFIX
    assert document["limits"] == {
        "report_max_bytes": 1048576,
        "file_max_bytes": 524288000,
        "files_per_report": 10,
        "total_max_bytes": 2147483648,
        "segment_bytes": 8388608,
        "pow_bits": 19,
    }


def test_channels_json_describes_each_field_for_validation(config: Config) -> None:
    fields = {f["id"]: f for f in channels_document(config)["channels"]["pengaduan"]["fields"]}
    assert fields["what"] == {
        "id": "what", "kind": "textarea", "required": True, "identity": False,
        "purpose": None, "max_length": 5000, "options": [],
    }  # fmt: skip
    assert fields["reporter_name"]["identity"] is True
    assert fields["reporter_contact"]["purpose"] == "contact"
    assert fields["consent_reward"]["purpose"] == "consent"
    assert fields["other_authority"]["options"] == ["belum", "sudah", "tidak-tahu"]
    assert fields["area"]["options"] == [a.id for a in config.kpk_areas]
    assert set(fields) == {f.id for f in channel(config, "pengaduan").fields}


def test_channels_json_carries_deadlines_and_the_holidays_they_skip(config: Config) -> None:
    document = channels_document(config)
    assert document["holidays"] == sorted(d.isoformat() for d in config.organisation.holidays)
    assert "2026-08-17" in document["holidays"]
    assert [(d["from_field"], d["working_days"]) for d in
            document["channels"]["gratifikasi"]["deadlines"]] == [
        ("received_on", 10), ("received_on", 30),
    ]  # fmt: skip
    assert document["channels"]["gratifikasi"]["deadlines"][1]["label"]["en"] == "directly to KPK"
    assert document["channels"]["pengaduan"]["deadlines"] == []


def test_channels_json_carries_each_channels_answer_deadlines(config: Config) -> None:
    """The receipt's and the follow-up page's "first answer due by" count these."""
    document = channels_document(config)
    for spec in config.channels:
        assert document["channels"][spec.id]["sla"] == {
            "acknowledge_working_days": spec.sla.acknowledge_working_days,
            "feedback_days": spec.sla.feedback_days,
        }


def test_channel_without_identity_has_no_identity_recipients() -> None:
    pelayanan = channels_document(with_pelayanan())["channels"]["pelayanan"]
    assert pelayanan["identity"] == "none"
    assert pelayanan["identity_recipients"] == []
    assert len(pelayanan["report_recipients"]) == 1


# -- sizes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "lang", "text"),
    [
        (500 * 1024**2, "id", "500 MB"),
        (2 * 1024**3, "en", "2 GB"),
        (1536 * 1024**2, "id", "1,5 GB"),
        (1536 * 1024**2, "en", "1.5 GB"),
        (64 * 1024, "en", "64 KB"),
        (10, "id", "10 bita"),
    ],
)
def test_sizes_read_as_people_write_them(size: int, lang: Lang, text: str) -> None:
    assert format_size(size, lang) == text


# -- what the configuration may say about identity and deadlines -----------------------------


def _gratifikasi_with(raw: dict[str, Any], **change: Any) -> dict[str, Any]:
    gratifikasi = next(c for c in raw["channels"] if c["id"] == "gratifikasi")
    gratifikasi.update(change)
    return raw


@pytest.mark.parametrize(
    ("field", "problem"),
    [
        ({"id": "c", "kind": "text", "purpose": "consent", "label": {"id": "c", "en": "c"}},
         "a consent is a boolean field outside the identity block"),
        ({"id": "c", "kind": "boolean", "identity": True, "purpose": "consent",
          "label": {"id": "c", "en": "c"}},
         "a consent is a boolean field outside the identity block"),
        ({"id": "n", "kind": "text", "purpose": "nik", "label": {"id": "n", "en": "n"}},
         "a nik field is a text field with identity = true"),
        ({"id": "k", "kind": "date", "identity": True, "purpose": "contact",
          "label": {"id": "k", "en": "k"}},
         "a contact field is a text field with identity = true"),
    ],
)  # fmt: skip
def test_a_purpose_that_does_not_fit_its_field_is_refused(
    field: dict[str, Any], problem: str
) -> None:
    raw = example_raw()
    raw["channels"][0]["fields"].append(field)
    with pytest.raises(ValueError, match=re.escape(problem)):
        ConfigModel.model_validate(raw)


def test_a_consent_on_a_channel_without_identity_is_refused() -> None:
    raw = example_raw()
    pelayanan = copy.deepcopy(PELAYANAN)
    pelayanan["fields"].append(
        {"id": "c", "kind": "boolean", "purpose": "consent", "label": {"id": "c", "en": "c"}}
    )
    raw["channels"].append(pelayanan)
    with pytest.raises(ValueError, match="a consent needs identity"):
        ConfigModel.model_validate(raw)


def test_a_deadline_must_count_from_a_date_question() -> None:
    label = {"id": "x", "en": "x"}
    for source in ("giver", "no_such_field"):
        raw = _gratifikasi_with(
            example_raw(), deadlines=[{"from_field": source, "working_days": 10, "label": label}]
        )
        with pytest.raises(ValueError, match=f"deadline from_field '{source}' is not a date"):
            ConfigModel.model_validate(raw)
