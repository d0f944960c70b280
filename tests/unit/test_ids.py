"""One identifier grammar (peluit/core/ids.py): what it accepts, that no module keeps its own
copy, and that the reporter's sender id `pelapor` is no one's roster id."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from peluit.cli import keys_cmd
from peluit.config import ConfigError, Person, parse_config
from peluit.config.errors import RosterEditError
from peluit.config.roster import parse_entry, person_block
from peluit.core import ids
from peluit.core.thread import REPORTER
from peluit.httpsig import verify
from peluit.keys import KeyFile, keyfile
from tests.support.factory import example_text

pytestmark = pytest.mark.unit

PELUIT = Path(__file__).resolve().parents[2] / "peluit"
# The two grammars as they were spelled in each module before core/ids.py held them.
SPELLINGS = (ids.CASE_ID_PATTERN, ids.ROSTER_ID_PATTERN, ids.SUBMISSION_ID_PATTERN)
# Leaves that import nothing of Peluit (pyproject.toml's import-linter contracts) keep a copy.
LEAF_COPIES = {"httpsig/verify.py": verify._KEY_ID, "keys/keyfile.py": keyfile._PERSON_ID}


@pytest.mark.parametrize("value", ["1vtvetjheekrmgb2", "xf9vzn8tb5z6krt6", "0000000000000000"])
def test_case_ids_of_sixteen_crockford_characters_are_accepted(value: str) -> None:
    assert ids.is_case_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "1vtvetjheekrmgb",  # 15
        "1vtvetjheekrmgb22",  # 17
        "1VTVETJHEEKRMGB2",  # upper case is the reference's, not the id's
        "1vtvetjheekrmgbi",  # i, l, o, u are not in Crockford's alphabet
        "1vtvetjheekrmgbl",
        "1vtvetjheekrmgbo",
        "1vtvetjheekrmgbu",
        "1vtv-etjh-eekr-mgb2",
        "1vtvetjheekrmgb2\n",
    ],
)
def test_anything_else_is_not_a_case_id(value: str) -> None:
    assert not ids.is_case_id(value)


def test_non_strings_are_neither_case_nor_roster_ids() -> None:
    assert not ids.is_case_id(None)
    assert not ids.is_roster_id(7)


@pytest.mark.parametrize("value", ["a", "rina", "kpk-liaison", "a" + "b" * 31, "a1-"])
def test_roster_ids_start_with_a_letter_and_have_at_most_32_characters(value: str) -> None:
    assert ids.is_roster_id(value)


@pytest.mark.parametrize("value", ["", "1rina", "-rina", "Rina", "rina_wati", "a" * 33, "rina\n"])
def test_anything_else_is_not_a_roster_id(value: str) -> None:
    assert not ids.is_roster_id(value)


def test_no_module_spells_an_id_pattern_but_core_ids() -> None:
    copies = [
        f"{path.relative_to(PELUIT)} spells {spelling}"
        for path in sorted(PELUIT.rglob("*.py"))
        if path.relative_to(PELUIT).as_posix() not in {"core/ids.py", *LEAF_COPIES}
        for spelling in SPELLINGS
        if spelling in path.read_text(encoding="utf-8")
    ]
    assert copies == [], "import the pattern from peluit.core.ids instead"


def test_the_leaves_copies_are_the_roster_grammar() -> None:
    for module, pattern in LEAF_COPIES.items():
        assert pattern.pattern == ids.ROSTER_ID_PATTERN, module
        assert ids.ROSTER_ID_PATTERN in (PELUIT / module).read_text(encoding="utf-8")


def test_the_reporter_sender_is_reserved_and_is_the_threads() -> None:
    assert REPORTER == ids.REPORTER_SENDER == "pelapor"
    assert ids.REPORTER_SENDER in ids.RESERVED_PERSON_IDS
    assert re.fullmatch(
        rf"thread/[0-9]{{5}}-{ids.ROSTER_ID_PATTERN}\.age", "thread/00007-pelapor.age"
    )


@pytest.mark.parametrize("reserved", ["pelapor", "operator"])
def test_a_person_with_the_reporters_id_is_refused_with_the_reason(reserved: str) -> None:
    text = example_text()
    first_person = text.index("[[people]]")
    head, tail = text[:first_person], text[first_person:]
    person_id = re.search(r'^id = "([a-z][a-z0-9-]*)"$', tail, re.MULTILINE)
    assert person_id is not None, "the example's first person has no id line any more"
    renamed = tail.replace(person_id.group(0), f'id = "{reserved}"', 1)
    with pytest.raises(ConfigError) as caught:
        parse_config(head + renamed, "peluit.toml")
    message = str(caught.value)
    assert "people[0].id" in message
    assert f"'{reserved}' is reserved" in message
    assert "would speak as them" in message


def test_the_example_with_its_own_ids_still_loads() -> None:
    assert "pelapor" not in {p.id for p in parse_config(example_text()).people}


@pytest.mark.parametrize("flags", [["--id", "pelapor"], ["--name", "Pelapor"]])
def test_keygen_refuses_the_reporters_id_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str]
) -> None:
    key = tmp_path / "k.key"
    name = [] if "--name" in flags else ["--name", "Budi"]
    assert keys_cmd.main([*name, *flags, "-o", str(key), "--work-factor", "4"]) == 1
    assert "'pelapor' is reserved" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_roster_entry_with_the_reporters_id_is_refused_by_roster_add() -> None:
    key = KeyFile.generate("budi", "Budi", ("reviewer",))
    entry = person_block(
        Person(
            id="budi",
            name="Budi",
            roles=["reviewer"],
            age_recipient=key.age_recipient,
            signing_key=key.signing_public_key,
        )
    ).replace('id = "budi"', 'id = "pelapor"')
    with pytest.raises(RosterEditError, match="'pelapor' is reserved"):
        parse_entry(entry)


def test_the_operators_audit_actor_is_reserved_so_no_person_reads_as_the_operator() -> None:
    from peluit.core.revocation import OPERATOR

    assert OPERATOR == ids.OPERATOR_ACTOR == "operator"
    assert ids.OPERATOR_ACTOR in ids.RESERVED_PERSON_IDS
