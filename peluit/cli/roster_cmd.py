"""`peluit roster`: add, remove and list the people of a configuration file.

    peluit roster add [ENTRY-FILE | -] [--config peluit.toml]
    peluit roster remove ID [--config peluit.toml]
    peluit roster list [--config peluit.toml]

`add` takes the entry `peluit keygen` printed and prints its fingerprint to compare aloud
with the person. Every change is checked against the whole configuration; an invalid
result is refused and the file left as it was. The file is replaced atomically.
"""

from __future__ import annotations

import argparse
import os
import stat
import sys
from collections.abc import Callable
from pathlib import Path

from peluit.config import ConfigError, load_config
from peluit.config.roster import add_person, parse_entry, remove_person
from peluit.keys import fingerprint, numeric_fingerprint

from .atomic import atomic_output


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="peluit roster", description="Edit the roster.")
    p.add_argument("--config", type=Path, default=Path("peluit.toml"), help="configuration file")
    sub = p.add_subparsers(dest="action", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help_text)
        # --config may also follow the action (as for `peluit cases`); no default here, so
        # that one given before it stays.
        parser.add_argument(
            "--config", type=Path, default=argparse.SUPPRESS, help="configuration file"
        )
        return parser

    add = action("add", "add the entry printed by `peluit keygen`")
    add.add_argument("entry", nargs="?", default="-", help="entry file, or - for standard input")
    remove = action("remove", "remove a person (not while a channel names them)")
    remove.add_argument("id")
    listing = action("list", "list people, roles and fingerprints")
    listing.add_argument("--digits", action="store_true", help="numeric fingerprints")
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.action == "list":
            _list(args.config, args.digits)
        elif args.action == "add":
            text = sys.stdin.read() if args.entry == "-" else Path(args.entry).read_text("utf-8")
            person = parse_entry(text)
            _rewrite(args.config, lambda old: add_person(old, person))
            print(f"added {person.id} ({person.name}), roles: {', '.join(person.roles)}")
            print(f"fingerprint: {fingerprint(person.age_recipient, person.signing_key or '')}")
            print("Compare it aloud with the person before relying on this entry.")
        else:
            _rewrite(args.config, lambda old: remove_person(old, args.id))
            print(f"removed {args.id}")
    except (ConfigError, OSError, UnicodeDecodeError) as exc:
        print(f"peluit roster: error: {exc}", file=sys.stderr)
        return 1
    return 0


def _list(config_path: Path, digits: bool) -> None:
    config = load_config(config_path)
    for person in config.people:
        if person.signing_key is None:
            shown = "(no signing key)"
        elif digits:
            shown = numeric_fingerprint(person.age_recipient, person.signing_key)
        else:
            shown = fingerprint(person.age_recipient, person.signing_key)
        print(f"{person.id}\t{person.name}\t{','.join(person.roles)}\t{shown}")


def _rewrite(path: Path, change: Callable[[str], str]) -> None:
    """Apply `change` (old text -> new text) and replace the file, keeping its mode;
    refuse if someone else changed the file meanwhile."""
    old = path.read_text(encoding="utf-8")
    new = change(old)
    mode = stat.S_IMODE(os.stat(path).st_mode)
    with atomic_output(path, mode=mode) as out:
        if path.read_text(encoding="utf-8") != old:
            raise ConfigError(f"{path} changed while it was being edited; run the command again")
        out.write(new.encode("utf-8"))
