"""`peluit access`: take a person off the reviewer API at once, before the roster change is
released and deployed (ADR 0045).

    peluit access revoke ID    [--config peluit.toml] [--data var | --profile P]
    peluit access restore ID   ...
    peluit access list         ...

Run by the operator. `revoke` puts the roster id on the case bucket's revocation list; from
the next request on the reviewer API answers that person's signed requests 401 `unknown_key`,
as if they were off the roster. Each change is an audit event (actor `operator`). The list is
no substitute for the roster change: remove the person, release and deploy as usual (operator
guide, section 7), then `restore` is no longer needed (an id off the roster is refused anyway).
"""

from __future__ import annotations

import argparse
import sys

from peluit.config import ConfigError, load_config
from peluit.core import revocation
from peluit.core.audit import AuditLog
from peluit.core.dates import utc_now
from peluit.store.errors import StoreError

from .operator_store import OperatorStoreError, add_store_arguments, open_store


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="peluit access", description="The emergency revocation list.")
    sub = p.add_subparsers(dest="action", required=True)
    for name, text in [
        ("revoke", "refuse this person's signed requests from now on"),
        ("restore", "take this person off the revocation list"),
    ]:
        action = sub.add_parser(name, help=text)
        action.add_argument("id", help="roster id")
        add_store_arguments(action)
    add_store_arguments(sub.add_parser("list", help="who is revoked now"))
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        config = load_config(args.config)
        store = open_store(config, args.data, args.profile)
        if args.action == "list":
            for person in sorted(revocation.revoked(store)):
                print(person)
            return 0
        if args.action == "revoke" and all(p.id != args.id for p in config.people):
            print(f"peluit access: note: {args.id} is not on this roster", file=sys.stderr)
        audit = AuditLog(store, utc_now, config.organisation.timezone)
        now = revocation.change(store, audit, args.id, revoke=args.action == "revoke")
    except (
        ConfigError,
        OperatorStoreError,
        revocation.RevocationListError,
        StoreError,
        ValueError,
        OSError,
    ) as exc:
        print(f"peluit access: error: {exc}", file=sys.stderr)
        return 1
    state = "dicabut/revoked" if args.id in now else "tidak dicabut/not revoked"
    print(f"{args.id}: {state}; daftar/list: {', '.join(sorted(now)) or '-'}")
    return 0
