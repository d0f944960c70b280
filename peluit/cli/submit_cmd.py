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
from peluit.client.channels import ChannelsDocument, ChannelSpec, FieldRules, fetch_channels
from peluit.client.errors import SubmitError
from peluit.client.http import Transport
from peluit.client.submit import identity_choices
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
    p.add_argument("--channel", help="channel id, e.g. pengaduan (required to submit)")
    p.add_argument(
        "--list-fields",
        action="store_true",
        help="list the fields of --channel (or of every channel): name, kind, required, "
        "--field or --identity-field, purpose, values; submit nothing",
    )
    p.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a report field (repeatable); --list-fields names them",
    )
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


def _detail(rules: FieldRules) -> str:
    if rules.kind == "boolean":
        return "true or false" + (" (must be true)" if rules.required else "")
    if rules.purpose == "nik":
        return "16 digits, as on the KTP"
    if rules.options:
        return "one of: " + ", ".join(rules.options)
    return f"up to {rules.max_length} characters"


def fields_text(doc: ChannelsDocument, channel: str | None) -> str:
    """The fields of `channel` (or of every channel) as a table for a terminal."""
    if channel is not None and channel not in doc.channels:
        raise SubmitError(f"no channel {channel!r} (have: {', '.join(doc.channels)})")
    names = [channel] if channel is not None else list(doc.channels)
    blocks = [_channel_text(name, doc.channels[name]) for name in names]
    return "\n".join(blocks)


def _channel_text(name: str, spec: ChannelSpec) -> str:
    choices = " | ".join(identity_choices(spec.identity))
    rows = [("FIELD", "KIND", "REQUIRED", "GIVE AS", "PURPOSE", "VALUES")]
    rows += [
        (
            f.id,
            f.kind,
            "yes" if f.required else "no",
            "--identity-field" if f.identity else "--field",
            f.purpose or "-",
            _detail(f),
        )
        for f in spec.fields
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = [f"--channel {name}   --identity-choice {choices}"]
    lines += [
        "  " + "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + "  " + row[-1]
        for row in rows
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.list_fields:
        try:
            doc = fetch_channels(args.server, Transport(headers=_headers(args.header)))
            print(fields_text(doc, args.channel), end="")
        except (ClientError, ValueError, OSError) as exc:
            print(f"peluit submit: error: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.channel is None:
        parser.error("--channel is required (--list-fields lists the channels and their fields)")
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
