"""Editing `[[people]]` in place: whole blocks in, whole blocks out, the rest untouched,
and nothing written unless the result is exactly the intended, valid configuration."""

from __future__ import annotations

import tomllib

import pytest

from peluit.config import Person, parse_config
from peluit.config.errors import RosterEditError
from peluit.config.roster import (
    add_person,
    parse_entry,
    person_block,
    remove_person,
    toml_string,
)
from peluit.keys import KeyFile
from tests.support.factory import example_text

pytestmark = pytest.mark.unit


def person_of(key: KeyFile) -> Person:
    return Person.model_validate(
        {
            "id": key.person,
            "name": key.name,
            "roles": list(key.roles),
            "age_recipient": key.age_recipient,
            "signing_key": key.signing_public_key,
        }
    )


@pytest.fixture(scope="module")
def newcomer() -> Person:
    return person_of(KeyFile.generate("budi", 'Budi "BB" Santoso\\ (Itjen) 🇮🇩', ("reviewer",)))


def test_adding_appends_one_block_after_the_last_person_and_changes_nothing_else(
    newcomer: Person,
) -> None:
    old = example_text()
    new = add_person(old, newcomer)

    config = parse_config(new)
    assert [p.id for p in config.people] == ["rina", "agus", "dewi", "kpk-liaison", "budi"]
    assert config.person("budi") == newcomer
    assert new.replace(person_block(newcomer), "").replace("\n\n\n", "\n\n") == old
    assert new.index('id = "budi"') < new.index("# Channel 1")
    raw_old, raw_new = tomllib.loads(old), tomllib.loads(new)
    assert {k: v for k, v in raw_new.items() if k != "people"} == {
        k: v for k, v in raw_old.items() if k != "people"
    }


def test_removing_a_person_nobody_references_restores_the_file_exactly(
    newcomer: Person,
) -> None:
    old = example_text()
    assert remove_person(add_person(old, newcomer), "budi") == old


def test_adding_an_id_that_exists_is_refused(newcomer: Person) -> None:
    twice = add_person(example_text(), newcomer)
    with pytest.raises(RosterEditError, match="already has"):
        add_person(twice, newcomer)


def test_removing_someone_a_channel_still_names_is_refused_with_the_reason() -> None:
    with pytest.raises(RosterEditError, match="unknown person 'rina'"):
        remove_person(example_text(), "rina")


def test_removing_an_unknown_id_is_refused() -> None:
    with pytest.raises(RosterEditError, match="no person"):
        remove_person(example_text(), "siapa")


def test_removing_the_last_of_several_blocks_keeps_the_following_section_intact(
    newcomer: Person,
) -> None:
    text = example_text().replace('oversight = ["kpk-liaison"]\n', "oversight = []\n")
    removed = remove_person(text, "kpk-liaison")
    config = parse_config(removed)
    assert "kpk-liaison" not in [p.id for p in config.people]
    assert "# Channel 1: corruption complaint" in removed
    assert add_person(removed, newcomer).count("[[people]]") == 4


def test_the_printed_entry_parses_back_to_the_same_person(newcomer: Person) -> None:
    assert parse_entry(person_block(newcomer)) == newcomer


@pytest.mark.parametrize(
    "text",
    [
        "not toml = = =",
        "[store]\nkind = 'local'\n",
        "",
    ],
)
def test_an_entry_that_is_not_one_people_table_is_refused(text: str) -> None:
    with pytest.raises(RosterEditError):
        parse_entry(text)


def test_an_entry_that_smuggles_another_table_is_refused(newcomer: Person) -> None:
    with pytest.raises(RosterEditError, match="exactly one"):
        parse_entry(person_block(newcomer) + '\n[store]\nkind = "s3"\nbucket = "x"\n')
    with pytest.raises(RosterEditError, match="exactly one"):
        parse_entry(person_block(newcomer) * 2)


def test_an_entry_without_a_signing_key_is_refused(newcomer: Person) -> None:
    without = "\n".join(
        line for line in person_block(newcomer).splitlines() if "signing_key" not in line
    )
    with pytest.raises(RosterEditError, match="no signing_key"):
        parse_entry(without)


def test_an_entry_with_an_invalid_key_is_refused(newcomer: Person) -> None:
    bad = person_block(newcomer).replace("ed25519:", "ed25519:AA")
    with pytest.raises(RosterEditError, match="signing_key"):
        parse_entry(bad)


def test_a_roster_not_written_as_blocks_is_left_for_a_person_to_edit(newcomer: Person) -> None:
    text = example_text()
    start = text.index("[[people]]")
    end = text.index("# ---", start)
    entries = []
    for person in tomllib.loads(text)["people"]:
        fields = [f"{k} = {toml_string(v)}" for k, v in person.items() if k != "roles"]
        roles = ", ".join(toml_string(r) for r in person["roles"])
        entries.append("{ " + ", ".join([*fields, f"roles = [{roles}]"]) + " }")
    inline = "people = [" + ", ".join(entries) + "]\n" + text[:start] + text[end:]
    parse_config(inline)  # a valid configuration, just not one made of blocks
    with pytest.raises(RosterEditError, match="by hand"):
        add_person(inline, newcomer)


def test_toml_strings_escape_quotes_backslashes_and_controls() -> None:
    for value in ['a"b', "a\\b", "tab\there", "nl\nx", "del\x7f", "emoji 🇮🇩", "ąčę"]:
        assert tomllib.loads(f"v = {toml_string(value)}")["v"] == value
