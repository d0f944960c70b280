"""The configuration file: the shipped example parses, and each rule fails with a message
that says where the problem is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from peluit import age
from peluit.config import Config, ConfigError, load_config, parse_config
from peluit.keys import KeyFile
from tests.support.factory import example_path, example_raw, example_text, make_team

pytestmark = pytest.mark.unit


def edited(old: str, new: str, text: str | None = None) -> str:
    """The example with the first `old` replaced; fails loudly if the example changed."""
    text = example_text() if text is None else text
    assert old in text, f"the example no longer contains {old!r}"
    return text.replace(old, new, 1)


def config_error(text: str, source: str = "peluit.toml") -> str:
    with pytest.raises(ConfigError) as caught:
        parse_config(text, source)
    return str(caught.value)


def field_index(channel: str, field: str) -> int:
    channels = example_raw()["channels"]
    fields = next(c for c in channels if c["id"] == channel)["fields"]
    return next(i for i, f in enumerate(fields) if f["id"] == field)


# -- the example -------------------------------------------------------------------------


def test_shipped_example_loads_with_both_channels() -> None:
    config = load_config(example_path())
    assert [c.id for c in config.channels] == ["pengaduan", "gratifikasi"]
    pengaduan = config.channel("pengaduan")
    gratifikasi = config.channel("gratifikasi")
    assert pengaduan is not None
    assert gratifikasi is not None
    assert pengaduan.identity == "optional"
    assert gratifikasi.identity == "required"
    assert len(config.report_recipients(pengaduan)) == 3  # rina, agus, kpk-liaison
    assert len(config.identity_recipients(gratifikasi)) == 1  # dewi
    assert config.limits.segment_bytes % (64 * 1024) == 0


def test_example_keys_are_all_post_quantum_recipients() -> None:
    config = parse_config(example_text())
    for person in config.people:
        assert age.HybridRecipient.parse(person.age_recipient).encode() == person.age_recipient


def test_unknown_channel_id_is_none() -> None:
    assert parse_config(example_text()).channel("nope") is None


# -- each rule, with where it was broken ---------------------------------------------------


def test_unknown_person_in_a_channel_is_named_with_the_channel() -> None:
    message = config_error(edited('reviewers = ["rina", "agus"]', 'reviewers = ["rina", "budi"]'))
    assert "channel pengaduan" in message
    assert "unknown person 'budi'" in message


def test_person_listed_in_a_role_the_roster_does_not_give_them_is_refused() -> None:
    message = config_error(edited('oversight = ["kpk-liaison"]', 'oversight = ["rina"]'))
    assert "channel pengaduan" in message
    assert "'rina' is listed as oversight" in message


def test_custodian_without_the_custodian_role_is_refused() -> None:
    text = edited('custodians = ["dewi"]', 'custodians = ["kpk-liaison"]')
    message = config_error(text)
    assert "channel gratifikasi" in message
    assert "'kpk-liaison' is listed as custodian" in message


def test_classic_age1_key_is_refused_at_the_persons_entry() -> None:
    raw = example_raw()
    classic = age.X25519Identity.generate().recipient().encode()
    assert not classic.startswith("age1pq1")
    message = config_error(edited(raw["people"][1]["age_recipient"], classic))
    assert "people[1].age_recipient" in message
    assert "age1pq1" in message


def test_garbage_key_is_refused_at_the_persons_entry() -> None:
    raw = example_raw()
    message = config_error(edited(raw["people"][0]["age_recipient"], "age1pq1notakey"))
    assert "people[0].age_recipient" in message


@pytest.mark.parametrize(
    ("old", "new", "kind"),
    [
        ('id = "agus"', 'id = "rina"', "people"),
        ('id = "gratifikasi"', 'id = "pengaduan"', "channels"),
        ('id = "pengadaan"', 'id = "perencanaan-penganggaran"', "kpk_areas"),
    ],
)
def test_duplicate_ids_are_refused_naming_the_list(old: str, new: str, kind: str) -> None:
    message = config_error(edited(old, new))
    assert f"{kind} ids must be unique" in message


def test_duplicate_field_ids_within_a_channel_are_refused_at_the_channel() -> None:
    message = config_error(edited('id = "who"', 'id = "what"'))
    assert "channels[0]" in message
    assert "field ids must be unique" in message


def test_select_without_options_is_refused_at_the_field() -> None:
    text = example_text()
    block = re.search(r"\noptions = \[\n.*?\n\]\n", text, re.DOTALL)
    assert block is not None, "the example has no select options block any more"
    message = config_error(text.replace(block.group(0), "\n", 1))
    assert f"channels[0].fields[{field_index('pengaduan', 'other_authority')}]" in message
    assert "select field needs options" in message


def test_options_on_a_field_that_is_not_a_select_are_refused() -> None:
    old = 'id = "other_authority"\nkind = "select"'
    message = config_error(edited(old, old.replace("select", "text")))
    assert f"channels[0].fields[{field_index('pengaduan', 'other_authority')}]" in message


def test_identity_channel_without_custodians_is_refused_at_the_channel() -> None:
    message = config_error(edited('custodians = ["agus"]', "custodians = []"))
    assert "channels[0]" in message
    assert "needs custodians" in message


def test_identity_field_on_a_channel_that_takes_no_identity_is_refused() -> None:
    message = config_error(edited('identity = "optional"', 'identity = "none"'))
    assert "channels[0]" in message
    assert "identity fields need identity = 'optional' or 'required'" in message


@pytest.mark.parametrize("segment", [100_000, 64 * 1024 + 1, 3 * 64 * 1024 - 1024])
def test_segment_size_that_is_not_a_multiple_of_64_kib_is_refused(segment: int) -> None:
    message = config_error(edited("segment_bytes = 8388608", f"segment_bytes = {segment}"))
    assert "limits" in message
    assert "multiple of 64 KiB" in message


def test_segment_size_below_one_chunk_is_refused_at_the_limit() -> None:
    message = config_error(edited("segment_bytes = 8388608", "segment_bytes = 1024"))
    assert "limits.segment_bytes" in message


def test_s3_store_without_bucket_is_refused() -> None:
    message = config_error(edited('kind = "local"', 'kind = "s3"'))
    assert "store" in message
    assert "needs a bucket" in message


def test_s3_store_with_bucket_is_accepted() -> None:
    text = edited('kind = "local"', 'kind = "s3"\nbucket = "peluit-cases"')
    assert parse_config(text).store.bucket == "peluit-cases"


def test_invalid_toml_names_the_file() -> None:
    message = config_error("[organisation\nname = ", source="/etc/peluit.toml")
    assert message.startswith("/etc/peluit.toml: not valid TOML")


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(ConfigError, match="configuration file not found") as caught:
        load_config(path)
    assert str(path) in str(caught.value)


def test_file_that_is_not_utf8_is_refused_not_crashed(tmp_path: Path) -> None:
    path = tmp_path / "peluit.toml"
    path.write_bytes(b"\xff\xfe[organisation]\n")
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(path)


def test_unknown_key_in_a_table_is_refused_with_its_location() -> None:
    message = config_error(
        edited('timezone = "Asia/Jakarta"', 'timezone = "Asia/Jakarta"\ncolour = "red"')
    )
    assert "organisation.colour" in message
    assert "Extra inputs are not permitted" in message


def test_unknown_top_level_table_is_refused() -> None:
    message = config_error(example_text() + '\n[theme]\nprimary = "red"\n')
    assert "theme" in message


def test_misspelt_field_key_inside_a_channel_is_refused_with_its_location() -> None:
    index = field_index("pengaduan", "what")
    message = config_error(edited("required = true", "requierd = true"))
    assert f"channels[0].fields[{index}].requierd" in message


def test_every_problem_is_listed_not_only_the_first() -> None:
    text = edited("segment_bytes = 8388608", "segment_bytes = 100000")
    message = config_error(edited('kind = "local"', 'kind = "s3"', text))
    assert "multiple of 64 KiB" in message
    assert "needs a bucket" in message


def test_errors_name_the_source_file() -> None:
    message = config_error(edited('kind = "local"', 'kind = "s3"'), source="conf/batanghari.toml")
    assert message.startswith("conf/batanghari.toml: invalid configuration")


def test_unknown_time_zone_is_refused_at_load() -> None:
    message = config_error(edited('timezone = "Asia/Jakarta"', 'timezone = "Asia/Jakrta"'))
    assert "organisation.timezone" in message


# -- who reads what ---------------------------------------------------------------------


def test_report_recipients_list_a_reviewer_who_is_also_oversight_once() -> None:
    raw = example_raw()
    liaison = next(p for p in raw["people"] if p["id"] == "kpk-liaison")
    liaison["roles"] = ["reviewer", "oversight"]
    pengaduan = next(c for c in raw["channels"] if c["id"] == "pengaduan")
    pengaduan["reviewers"].append("kpk-liaison")
    config = Config.model_validate(raw)
    channel = config.channel("pengaduan")
    assert channel is not None
    recipients = config.report_recipients(channel)
    assert len(recipients) == 3
    assert recipients == [config.person(p).age_recipient for p in ("rina", "agus", "kpk-liaison")]


def test_report_recipients_list_a_person_named_twice_once() -> None:
    raw = example_raw()
    gratifikasi = next(c for c in raw["channels"] if c["id"] == "gratifikasi")
    gratifikasi["reviewers"] = ["dewi", "dewi"]
    gratifikasi["custodians"] = ["dewi", "dewi"]
    config = Config.model_validate(raw)
    channel = config.channel("gratifikasi")
    assert channel is not None
    assert len(config.report_recipients(channel)) == 2  # dewi, kpk-liaison
    assert len(config.identity_recipients(channel)) == 1


def test_identity_goes_to_custodians_only() -> None:
    team = make_team()
    channel = team.config.channel("pengaduan")
    assert channel is not None
    agus = team.identity("agus").recipient().encode()
    assert team.config.identity_recipients(channel) == [agus]
    pelayanan = team.config.channel("pelayanan")
    assert pelayanan is not None
    assert team.config.identity_recipients(pelayanan) == []


def test_a_signing_key_must_be_an_ed25519_public_key() -> None:
    public = KeyFile.generate("rina", "Rina", ("reviewer",)).signing_public_key
    line = 'roles = ["reviewer"]\n'
    good = parse_config(edited(line, f'{line}signing_key = "{public}"\n'))
    assert good.person("rina").signing_key == public

    for bad in ("ssh-ed25519 AAAA", public + "A", "ed25519:" + public[12:]):
        message = config_error(edited(line, f'{line}signing_key = "{bad}"\n'))
        assert "people[0].signing_key" in message
        assert "ed25519" in message
