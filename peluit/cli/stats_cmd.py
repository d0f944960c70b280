"""`peluit stats`: statistics of the cases you read, counted on your machine.

    peluit stats   [--from DAY] [--to DAY] [--json]        (your view: exact numbers)
    peluit stats export  [--from DAY] [--to DAY] -d DIR    (KPK MCP evidence: 2 CSV + HTML)
    peluit stats publish --period 2026-11|2026-Q3|2026 [--dry-run]
                         (signed, counts under 5 as "<5", for the site's statistics page;
                         one whole month, quarter or year that is over, docs/adr/0055)
    peluit stats verify  FILE|URL                          (check a published document)

each with --key KEYFILE [--server URL] [--config peluit.toml] [--passphrase-file FILE]
(`verify` needs only --config). DAY is YYYY-MM-DD, the day a case was received; both ends
are included. Test reports (tagged uji) are left out everywhere. The KPK area is read from
reports decrypted here: no number that needs a report's content is made on the server.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.request
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from peluit import age
from peluit.config import ConfigError, load_config
from peluit.keys import KeyFileError
from peluit.review.content import printable_line
from peluit.review.errors import ReviewClientError
from peluit.review.locate import DEFAULT_CONFIG
from peluit.stats import periods, run, text
from peluit.stats.compute import Period, PeriodError
from peluit.stats.document import SignedStats
from peluit.stats.signature import StatsSignatureError, check_signer

from .passphrase import PassphraseError
from .reviewer_args import add_common, open_desk, require_key


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a day (YYYY-MM-DD)") from None


def _period(value: str) -> Period:
    try:
        return periods.parse(value)
    except periods.StatsPeriodError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _period_options(parser: argparse.ArgumentParser, after: bool) -> None:
    unset = argparse.SUPPRESS if after else None
    parser.add_argument(
        "--from",
        dest="start",
        type=_day,
        default=unset,
        metavar="DAY",
        help="first day received (default: the first case)",
    )
    parser.add_argument(
        "--to",
        dest="end",
        type=_day,
        default=unset,
        metavar="DAY",
        help="last day received (default: today)",
    )


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="peluit stats", description="Statistics of your cases.")
    add_common(p, passphrase_file=True, key_required=False)
    _period_options(p, after=False)
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    sub = p.add_subparsers(dest="action")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help_text)
        add_common(parser, passphrase_file=True, after_command=True)
        _period_options(parser, after=True)
        return parser

    exporting = command("export", "KPK MCP evidence: summary and register CSV, printable HTML")
    exporting.add_argument("-d", "--directory", type=Path, required=True)
    publishing = command("publish", "sign the public statistics and send them to the server")
    publishing.add_argument(
        "--period",
        type=_period,
        required=True,
        metavar="PERIOD",
        help="a month (2026-11), quarter (2026-Q3) or year (2026) that is over",
    )
    publishing.add_argument(
        "--dry-run", action="store_true", help="print the signed document instead of sending it"
    )
    verifying = sub.add_parser("verify", help="check a published statistics document")
    verifying.add_argument("source", help="a file, or the site's /api/v1/stats URL")
    verifying.add_argument("--config", type=Path, default=argparse.SUPPRESS)
    return p


def _read(source: str) -> bytes:
    if source.startswith(("https://", "http://")):
        with urllib.request.urlopen(source, timeout=30) as answer:  # noqa: S310 - http(s) only
            data: bytes = answer.read(1_000_000)
            return data
    return Path(source).read_bytes()


def _verify(args: argparse.Namespace) -> int:
    explicit = getattr(args, "config", None)
    config = load_config(explicit if explicit is not None else DEFAULT_CONFIG)
    try:
        signed = SignedStats.model_validate_json(_read(args.source))
    except ValidationError as exc:
        raise StatsSignatureError(
            f"{args.source} is not a published statistics document (peluit-stats/1): "
            f"{exc.error_count()} problems"
        ) from None
    check_signer(config, signed)
    doc = signed.document
    print(
        f"OK: {doc.format}, {doc.period.start or '…'} to {doc.period.end or doc.as_of}, "
        f"signed by {doc.signer} (roster key), channels {', '.join(doc.channels)}"
    )
    return 0


def _run(args: argparse.Namespace) -> None:
    period = Period(args.start, args.end)
    if args.action == "publish":
        if args.start is not None or args.end is not None:
            raise periods.StatsPeriodError("publish takes --period, not --from or --to")
        period = args.period
    desk = open_desk(args)
    made = run.make(desk, period)
    if args.action == "export":
        stem = run.export_stem(period, made.stats.as_of)
        for path in run.export(desk, made).write(args.directory, stem):
            print(printable_line(str(path)))
    elif args.action == "publish":
        signed = run.public_document(desk, made)
        if args.dry_run:
            print(json.dumps(signed.model_dump(mode="json"), indent=2, ensure_ascii=False))
            return
        stored = run.send(desk, signed)
        doc = stored.document
        print(
            f"published: {doc.counts.cases} perkara / cases, {doc.period.start or '…'} to "
            f"{doc.period.end or doc.as_of}, signed by {doc.signer}"
        )
    elif args.json:
        print(json.dumps(text.as_json(made.stats), indent=2, ensure_ascii=False))
    else:
        print(text.render(desk.config, made.stats), end="")


def main(argv: list[str]) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.action == "verify":
            return _verify(args)
        require_key(parser, args)
        _run(args)
    except (
        ReviewClientError,
        KeyFileError,
        ConfigError,
        PassphraseError,
        PeriodError,
        periods.StatsPeriodError,
        StatsSignatureError,
        ValidationError,
        age.AgeError,
        OSError,
    ) as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"peluit stats: error: {printable_line(detail)}", file=sys.stderr)
        return 1
    return 0
