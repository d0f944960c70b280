"""`peluit submit`: file a report from the command line, exactly as the browser form does
(encrypted here, to the channel's recipients from the site's channels.json); prints the case
reference and the receipt code as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import cast

from peluit.client import ClientError, SubmitRequest, submit
from peluit.client.http import Transport
from peluit.core.report import IdentityChoice


def _pairs(values: list[str], what: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        name, sep, text = value.partition("=")
        if not sep or not name:
            raise ValueError(f"{what} takes name=value, not {value!r}")
        if name in out:
            raise ValueError(f"{what} {name!r} given twice")
        out[name] = text
    return out


def _headers(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        name, sep, text = value.partition(":")
        if not sep or not name.strip():
            raise ValueError(f"--header takes Name: value, not {value!r}")
        out[name.strip()] = text.strip()
    return out


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="peluit submit", description=__doc__)
    p.add_argument("--server", required=True, help="the Peluit site, e.g. http://127.0.0.1:8000")
    p.add_argument("--channel", required=True, help="channel id, e.g. pengaduan")
    p.add_argument("--field", action="append", default=[], metavar="NAME=VALUE")
    p.add_argument(
        "--identity-choice", choices=["anonymous", "confidential", "open"], default="anonymous"
    )
    p.add_argument(
        "--identity-field",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="with confidential or open: the name and at least one way to reach you; a NIK "
        "is 16 digits. A consent to a reward or to being named (a --field) needs one of these.",
    )
    p.add_argument("--file", action="append", default=[], type=Path, metavar="PATH")
    p.add_argument("--lang", choices=["id", "en"], default="id", help="the report's language")
    p.add_argument(
        "--header",
        action="append",
        default=[],
        metavar="NAME:VALUE",
        help="an extra HTTP header on every request (e.g. for a proxy)",
    )
    return p


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        request = SubmitRequest(
            channel=args.channel,
            fields=_pairs(args.field, "--field"),
            identity_choice=cast(IdentityChoice, args.identity_choice),
            identity_fields=_pairs(args.identity_field, "--identity-field"),
            files=tuple(args.file),
            lang=args.lang,
        )
        transport = Transport(headers=_headers(args.header))
        result = submit(args.server, request, transport)
    except (ClientError, ValueError, OSError) as exc:
        print(f"peluit submit: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("peluit submit: interrupted", file=sys.stderr)
        return 130
    print(json.dumps(result.json()))
    return 0
