"""Editing the roster (`[[people]]`) of a configuration file, without a TOML writer.

The file is people's own: comments, order and layout stay as they are. An entry is added
as a whole `[[people]]` block after the last one, or removed as a whole block; then the
new text is parsed back and must equal the old configuration with exactly that one change,
and pass `parse_config`, or nothing is written.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from pydantic import ValidationError

from peluit.keys import fingerprint

from .errors import ConfigError, RosterEditError
from .load import parse_config
from .models import Person

_PEOPLE_HEADER = re.compile(r"\s*\[\[\s*people\s*\]\]\s*(#.*)?")
_ANY_HEADER = re.compile(r"\s*\[")


def toml_string(value: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in value:
        if char in {'"', "\\"}:
            out.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def person_block(person: Person) -> str:
    """The `[[people]]` block for `person`, with its fingerprint as a comment."""
    lines = ["[[people]]"]
    if person.signing_key is not None:
        lines.append(f"# fingerprint: {fingerprint(person.age_recipient, person.signing_key)}")
    lines.append(f"id = {toml_string(person.id)}")
    lines.append(f"name = {toml_string(person.name)}")
    lines.append("roles = [" + ", ".join(toml_string(r) for r in person.roles) + "]")
    lines.append(f"age_recipient = {toml_string(person.age_recipient)}")
    if person.signing_key is not None:
        lines.append(f"signing_key = {toml_string(person.signing_key)}")
    return "\n".join(lines) + "\n"


def parse_entry(text: str) -> Person:
    """One `[[people]]` entry as `peluit keygen` prints it; a signing key is required."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RosterEditError(f"the entry is not valid TOML: {exc}") from None
    people = raw.get("people")
    if set(raw) != {"people"} or not isinstance(people, list) or len(people) != 1:
        raise RosterEditError("the entry must be exactly one [[people]] table and nothing else")
    try:
        person = Person.model_validate(people[0])
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise RosterEditError(f"the entry is not a valid roster entry: {problems}") from None
    if person.signing_key is None:
        raise RosterEditError("the entry has no signing_key: make it with `peluit keygen`")
    return person


def add_person(config_text: str, person: Person) -> str:
    """The configuration text with `person` added after the last `[[people]]` block."""
    old = _load(config_text)
    if any(p.get("id") == person.id for p in old["people"]):
        raise RosterEditError(f"the roster already has a person with id {person.id!r}")
    lines = config_text.splitlines(keepends=True)
    blocks = _blocks(lines, old)
    end = blocks[-1][1]
    before = lines[:end]
    if before and not before[-1].endswith("\n"):
        before[-1] += "\n"
    new_text = "".join([*before, "\n", person_block(person), *_separated(lines[end:])])
    entry = {k: v for k, v in person.model_dump().items() if v is not None}
    _check(config_text, new_text, [*old["people"], entry])
    return new_text


def remove_person(config_text: str, person_id: str) -> str:
    """The configuration text without the `[[people]]` block of `person_id`."""
    old = _load(config_text)
    ids = [p.get("id") for p in old["people"]]
    if person_id not in ids:
        raise RosterEditError(f"the roster has no person with id {person_id!r}")
    lines = config_text.splitlines(keepends=True)
    start, end = _blocks(lines, old)[ids.index(person_id)]
    while end < len(lines) and not lines[end].strip():
        end += 1  # the blank lines that separated it from what follows
    new_text = "".join(lines[:start] + lines[end:])
    _check(config_text, new_text, [p for p in old["people"] if p.get("id") != person_id])
    return new_text


def _separated(rest: list[str]) -> list[str]:
    return ["\n", *rest] if rest and rest[0].strip() else rest


def _load(text: str) -> dict[str, Any]:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RosterEditError(f"the configuration is not valid TOML: {exc}") from None
    if not isinstance(raw.get("people"), list):
        raise RosterEditError("the configuration has no [[people]] roster")
    return raw


def _blocks(lines: list[str], raw: dict[str, Any]) -> list[tuple[int, int]]:
    """(first line, end) of each `[[people]]` block; trailing blank and comment lines
    belong to whatever follows. Each block must parse alone as the person at its place."""
    blocks = []
    for index, line in enumerate(lines):
        if _PEOPLE_HEADER.fullmatch(line.rstrip("\r\n")):
            end = index + 1
            while end < len(lines) and not _ANY_HEADER.match(lines[end]):
                end += 1
            while end > index + 1 and (not lines[end - 1].strip() or _is_comment(lines[end - 1])):
                end -= 1
            blocks.append((index, end))
    if len(blocks) != len(raw["people"]):
        raise RosterEditError(
            "the roster is not written as one [[people]] block per person; edit it by hand"
        )
    for (start, end), person in zip(blocks, raw["people"], strict=True):
        try:
            alone = tomllib.loads("".join(lines[start:end]))
        except tomllib.TOMLDecodeError:
            alone = {}
        if alone.get("people") != [person]:
            raise RosterEditError("a [[people]] block could not be told apart; edit it by hand")
    return blocks


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _check(old_text: str, new_text: str, people: list[dict[str, Any]]) -> None:
    """The new text must be the old configuration with `people` as the roster, and valid."""
    try:
        new = tomllib.loads(new_text)
    except tomllib.TOMLDecodeError:
        new = {}
    expected = {**tomllib.loads(old_text), "people": people}
    if new != expected:
        raise RosterEditError("the change could not be made safely; edit the file by hand")
    try:
        parse_config(new_text)
    except ConfigError as exc:
        raise RosterEditError(f"the configuration would not be valid:\n{exc}") from None
