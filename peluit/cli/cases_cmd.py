"""`peluit cases`: the review console's operations from the command line.

    peluit cases list   [--channel C] [--status S] [--all] [--no-areas] [--no-tests]
    peluit cases show   CASE
    peluit cases export CASE -o BUNDLE.zip
    peluit cases download CASE NUMBER [-o FILE | -d DIR]     (a file of the case, decrypted)
    peluit cases reply  CASE [--text TEXT | --text-file F] [--file ATTACHMENT]...
                        (text from standard input if neither; --file attaches a file for the
                        reporter, encrypted here: ADR 0021)
    peluit cases status CASE STATUS [--target apip|kpk|aph] (--reason TEXT | --reason-file F)
                        [--tell-reporter TEXT]   (required for ditolak: the reporter learns why)
    peluit cases tag    CASE uji [--clear]                   (uji: a test report, ADR 0015)
    peluit cases rekey  CASE... | --channel C   (give cases to the current roster, ADR 0044)

each with --key KEYFILE [--server URL] [--config peluit.toml] [--passphrase-file FILE].
CASE is a case id or its reference (`ABCD-EFGH-JKMN-PQRS`). The passphrase is read from the
terminal unless --passphrase-file is given. On failure: a one-line error, exit status 1.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from peluit import age
from peluit.config import ConfigError
from peluit.core import workflow
from peluit.keys import KeyFileError
from peluit.review.content import printable_line
from peluit.review.desk import ReviewDesk, case_id
from peluit.review.errors import ReviewClientError
from peluit.review.export import export_time, write_bundle
from peluit.review.names import numbered_name

from . import cases_text
from .atomic import atomic_output
from .passphrase import PassphraseError
from .reviewer_args import add_common, open_desk, require_key


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="peluit cases", description="Work on cases.")
    add_common(p, passphrase_file=True, key_required=False)  # before the action, or after it
    sub = p.add_subparsers(dest="action", required=True)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help_text)
        add_common(parser, passphrase_file=True, after_command=True)
        return parser

    listing = command("list", "cases with status, KPK area, age and due dates")
    listing.add_argument("--channel")
    listing.add_argument("--status", choices=workflow.STATUSES)
    listing.add_argument("--all", action="store_true", help="every page, not only the newest 50")
    listing.add_argument(
        "--no-tests", action="store_true", help="leave out test reports (tagged uji: peluit smoke)"
    )
    listing.add_argument(
        "--no-areas", action="store_true", help="do not decrypt reports for their KPK area"
    )
    show = command("show", "a case, decrypted: report, attachments, thread, history")
    show.add_argument("case")
    export = command("export", "a ZIP bundle for forwarding, with a SHA-256 manifest")
    export.add_argument("case")
    export.add_argument("-o", "--output", type=Path, required=True)
    download = command("download", "one file of the case (report's or added later), decrypted")
    download.add_argument("case")
    download.add_argument("number", type=int, help="the file's number, as `show` lists it")
    where = download.add_mutually_exclusive_group()
    where.add_argument("-o", "--output", type=Path, help="write to this file")
    where.add_argument(
        "-d", "--directory", type=Path, default=Path(), help="into this folder, under its safe name"
    )
    reply = command("reply", "write to the reporter (encrypted here)")
    reply.add_argument("case")
    source = reply.add_mutually_exclusive_group()
    source.add_argument("--text")
    source.add_argument("--text-file", type=Path, help="read the message from a file")
    reply.add_argument(
        "--file",
        action="append",
        default=[],
        type=Path,
        metavar="PATH",
        help="attach a file for the reporter (repeatable)",
    )
    status = command("status", "change a case's status, with a reason")
    status.add_argument("case")
    status.add_argument("status", choices=workflow.STATUSES)
    status.add_argument(
        "--target",
        choices=workflow.TARGETS,
        help="with diteruskan (required there, refused elsewhere): where the case is forwarded, "
        "apip, kpk or aph (law enforcement)",
    )
    reason = status.add_mutually_exclusive_group(required=True)
    reason.add_argument("--reason")
    reason.add_argument("--reason-file", type=Path)
    status.add_argument(
        "--tell-reporter",
        metavar="TEXT",
        help="a message to the reporter sent with the change (required for ditolak)",
    )
    tag = command("tag", "mark a case as a test report (uji), or --clear the mark")
    tag.add_argument("case")
    tag.add_argument("tag", choices=workflow.TAGS)
    tag.add_argument("--clear", action="store_true")
    rekey = command("rekey", "give cases to the current roster (new key headers, audited)")
    rekey.add_argument("cases", nargs="*", metavar="CASE")
    rekey.add_argument("--channel", help="every case of this channel")
    return p


def _text(inline: str | None, path: Path | None) -> str:
    if inline is not None:
        return inline
    if path is not None:
        return path.read_text(encoding="utf-8")
    return sys.stdin.read()


def _run(desk: ReviewDesk, args: argparse.Namespace) -> None:
    if args.action == "list":
        if args.all:
            rows = desk.all_cases(args.channel, args.status)
        else:
            rows = desk.list_cases(args.channel, args.status, areas=not args.no_areas).rows
        if args.no_tests:
            rows = [r for r in rows if not r.test]
        print(cases_text.table(desk.config, rows), end="")
    elif args.action == "show":
        print(cases_text.case(desk.config, desk.open_case(case_id(args.case))), end="")
    elif args.action == "export":
        case = case_id(args.case)
        with atomic_output(args.output, mode=0o600) as out:
            files = write_bundle(desk, case, out, export_time(desk.config))
        print(f"{args.output}: {len(files)} files, MANIFEST.sha256 inside", file=sys.stderr)
    elif args.action == "download":
        entry, chunks = desk.attachment(case_id(args.case), args.number)
        path = args.output or args.directory / numbered_name(args.number, entry.name)
        size = 0
        with atomic_output(path, mode=0o600, exclusive=args.output is None) as out:
            for chunk in chunks:  # written only once every segment authenticated
                out.write(chunk)
                size += len(chunk)
        print(f"{printable_line(str(path))}: {size} B", file=sys.stderr)
    elif args.action == "reply":
        text = args.text
        if text is None and (args.text_file is not None or not args.file):
            text = _text(None, args.text_file)
        key = desk.reply(case_id(args.case), text or "", tuple(args.file))
        print(f"sent: {printable_line(key)}")
    elif args.action == "rekey":
        from . import rekey_cmd

        for line in rekey_cmd.run(desk, args.cases, args.channel):
            print(printable_line(line))
    elif args.action == "tag":
        state = desk.client.set_tag(case_id(args.case), args.tag, present=not args.clear)
        print(f"tags: {printable_line(' '.join(state.tags) or '-')}")
    else:
        text = _text(args.reason, args.reason_file)
        state = desk.change_status(
            case_id(args.case), args.status, text, args.target, tell_reporter=args.tell_reporter
        )
        print(f"status: {printable_line(state.status)}")


def main(argv: list[str]) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    require_key(parser, args)
    if args.action == "status" and (args.status == workflow.DITERUSKAN) != (
        args.target is not None
    ):
        parser.error(
            f"--target {{{','.join(workflow.TARGETS)}}} goes with diteruskan, and only with it"
        )
    try:
        desk = open_desk(args)
        _run(desk, args)
    except (
        ReviewClientError,
        KeyFileError,
        ConfigError,
        PassphraseError,
        age.AgeError,
        OSError,
    ) as exc:
        print(f"peluit cases: error: {printable_line(str(exc))}", file=sys.stderr)
        return 1
    return 0
