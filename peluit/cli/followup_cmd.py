"""`peluit followup`: the reporter's side of a case from the command line, exactly as the
follow-up page does it — the receipt code stays here (only its lookup token is sent), the
review team's messages are decrypted here with the reply key, and a message with new evidence
is encrypted here to the channel's reviewers and oversight.

    peluit followup --server URL --receipt CODE status            [--json]
    peluit followup --server URL --receipt CODE send --text T [--file F]... [--lang id|en]
    peluit followup --server URL --receipt CODE download [-d DIR]             [--json]

`download` saves every file the review team attached to its messages into DIR (default: the
current folder) as `pesan-{seq}-{nn}-{safe name}`, each written only once all of it was
checked against the team's manifest and decrypted; a file already there is left alone.

`--receipt-file FILE` reads the code from a file instead (a code on the command line can be
seen by other users of this computer); without either, it is asked for on the terminal.
Errors: one line, Indonesian then English, exit status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from peluit.client.errors import ApiError, ClientError
from peluit.client.followup import CaseView, FollowupSession, ReplyFile, Sent
from peluit.client.http import RetryPolicy, Transport
from peluit.review.content import printable, printable_line
from peluit.review.names import numbered_name

from .atomic import atomic_output
from .passphrase import PassphraseError, ask_hidden
from .submit_cmd import _headers

STATUS: dict[str, tuple[str, str]] = {  # js/src/messages.js status_*
    "diterima": (
        "Diterima: laporan Anda sudah masuk dan menunggu pemeriksaan awal.",
        "Received: your report has arrived and awaits a first check.",
    ),
    "diverifikasi": (
        "Diverifikasi: laporan Anda sudah diperiksa kelengkapannya.",
        "Verified: your report has been checked for completeness.",
    ),
    "ditelaah": (
        "Ditelaah: tim penelaah sedang menelaah laporan Anda.",
        "Under review: the review team is examining your report.",
    ),
    "diteruskan": (
        "Diteruskan: laporan Anda diteruskan kepada pihak yang berwenang menanganinya.",
        "Forwarded: your report has been passed to the authority competent to handle it.",
    ),
    "selesai": (
        "Selesai: penanganan laporan Anda sudah selesai.",
        "Closed: the handling of your report is complete.",
    ),
    "ditolak": (
        "Tidak dilanjutkan: laporan Anda tidak dapat ditindaklanjuti.",
        "Not pursued: your report could not be taken further.",
    ),
}
OWN_SEALED = (
    "(Pesan Anda terenkripsi untuk tim penelaah saja, sehingga tidak dapat ditampilkan lagi "
    "di sini. / Your message is encrypted for the review team only, so it cannot be shown "
    "here again.)"
)
UNREADABLE = (
    "(Pesan ini tidak dapat dibuka dengan kode Anda. / "
    "This message cannot be opened with your code.)"
)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="peluit followup",
        description="Follow up a report with its receipt code, as the follow-up page does.",
    )
    p.add_argument("--server", required=True, help="the Peluit site, e.g. http://127.0.0.1:8000")
    code = p.add_mutually_exclusive_group()
    code.add_argument("--receipt", metavar="CODE", help="the receipt code (27 characters)")
    code.add_argument("--receipt-file", type=Path, metavar="FILE", help="read the code from FILE")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--retries", type=int, default=5, metavar="N", help="retries of a failed request (5)"
    )
    p.add_argument("--header", action="append", default=[], metavar="NAME:VALUE")
    sub = p.add_subparsers(dest="action", required=True)
    sub.add_parser("status", help="the case's status and the conversation, decrypted here")
    send = sub.add_parser("send", help="write to the review team, with new evidence if any")
    send.add_argument("--text", default="", help="the message")
    send.add_argument("--file", action="append", default=[], type=Path, metavar="PATH")
    send.add_argument("--lang", choices=["id", "en"], default="id")
    download = sub.add_parser("download", help="save the files the review team attached")
    download.add_argument(
        "-d", "--directory", type=Path, default=Path(), help="into this folder (the current one)"
    )
    return p


def _receipt(args: argparse.Namespace) -> str:
    if args.receipt is not None:
        return str(args.receipt)
    if args.receipt_file is not None:
        return str(args.receipt_file.read_text(encoding="utf-8").strip())
    return ask_hidden("Kode tanda terima / receipt code: ", "--receipt-file FILE")


# A team message without a valid signature of the channel's reviewers (docs/format.md, "The
# team's signatures"): the words of js/src/messages.js team_unverified*.
NOT_VERIFIED = "TIDAK TERVERIFIKASI / NOT VERIFIED"
NOT_VERIFIED_WARNING = (
    "PERINGATAN: pesan ini tidak terbukti berasal dari tim penelaah. Jangan ikuti petunjuknya "
    "(menelepon, membuka berkas) sebelum memastikannya melalui jalur lain. / "
    "WARNING: this message is not proven to come from the review team. Do not follow its "
    "instructions (calling a number, opening a file) before confirming them another way."
)


def status_text(view: CaseView) -> str:
    """The case as the follow-up page shows it, for a terminal."""
    words = STATUS.get(view.status)
    lines = [
        f"Laporan / Report {view.reference}",
        f"Saluran / Channel: {printable_line(view.channel)}",
        f"Status: {view.status}" + (f" — {words[0]} / {words[1]}" if words else ""),
        f"Sejak / Since: {printable_line(view.since)}",
        "",
        "== Percakapan / Thread ==",
    ]
    if not view.messages:
        lines.append("  (Belum ada pesan. / No messages yet.)")
    for message in view.messages:
        mine = message.sender == "pelapor"
        suspect = not mine and message.readable and not message.verified
        who = "Anda / You" if mine else (NOT_VERIFIED if suspect else "Tim penelaah / Review team")
        lines.append(f"  #{message.seq} {printable_line(message.on or '—')} {who}:")
        if suspect:
            lines.append(f"    {NOT_VERIFIED_WARNING}")
        if message.text is not None:
            if message.text:
                lines.extend(f"    {part}" for part in printable(message.text).split("\n"))
        elif message.problem is not None:
            lines.append(f"    ({printable_line(message.problem)})")
        else:
            lines.append(f"    {OWN_SEALED if mine else UNREADABLE}")
        for number, entry in enumerate(message.files):
            lines.append(
                f"    [berkas / file {number}] {printable_line(entry.name)} ({entry.size} B)"
                f" -> {file_name(ReplyFile(message.seq, number, entry, ''))}"
            )
    if view.status in {"selesai", "ditolak"}:
        lines.append("")
        lines.append(
            "Laporan ini sudah selesai ditangani; pesan dan bukti baru tidak dapat ditambahkan. / "
            "This report has been closed; new messages and evidence cannot be added."
        )
    return printable("\n".join(lines) + "\n")  # the whole text once more: nothing slips by


def sent_text(sent: Sent) -> str:
    files = ", ".join(str(n) for n in sent.files)
    more = f"; berkas / files {files}" if sent.files else ""
    return (
        f"Terkirim dan terenkripsi untuk tim penelaah: pesan #{sent.seq}{more}. / "
        f"Sent, encrypted for the review team: message #{sent.seq}{more}.\n"
    )


def file_name(item: ReplyFile) -> str:
    """Where `download` saves a file: unique per message and number, the name made safe."""
    return f"pesan-{item.seq}-{numbered_name(item.number, item.entry.name)}"


def download(session: FollowupSession, view: CaseView, directory: Path) -> list[dict[str, object]]:
    """Save every attached file not already in `directory`; what was done with each."""
    done: list[dict[str, object]] = []
    for item in view.files():
        path = directory / file_name(item)
        if not item.verified:  # never fetched: the list of files is only as good as its message
            done.append({"seq": item.seq, "file": item.number, "path": str(path), "saved": False,
                         "refused": "not_verified"})  # fmt: skip
            continue
        if path.exists():
            done.append({"seq": item.seq, "file": item.number, "path": str(path), "saved": False})
            continue
        size = 0
        with atomic_output(path, mode=0o600, exclusive=True) as out:
            for chunk in session.download(item):  # written only once every segment checked
                out.write(chunk)
                size += len(chunk)
        done.append(
            {"seq": item.seq, "file": item.number, "path": str(path), "saved": True, "size": size}
        )
    return done


def download_text(done: list[dict[str, object]]) -> str:
    if not done:
        return "Tim penelaah belum melampirkan berkas. / The review team has attached no files.\n"
    lines = []
    for item in done:
        where = printable_line(str(item["path"]))
        if item.get("refused") == "not_verified":
            lines.append(
                "Tidak diunduh, pesannya tidak terverifikasi / "
                f"Not downloaded, its message is not verified: {where}"
            )
        elif item["saved"]:
            lines.append(f"Tersimpan / Saved: {where} ({item['size']} B)")
        else:
            lines.append(f"Sudah ada, dilewati / Already there, skipped: {where}")
    return "\n".join(lines) + "\n"


def _error(exc: Exception) -> str:
    if isinstance(exc, ApiError):
        return f"{exc.messages['id']} / {exc.messages['en']} ({exc.code})"
    return str(exc)


def main(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    try:
        transport = Transport(
            headers=_headers(args.header), retry=RetryPolicy(attempts=max(1, args.retries + 1))
        )
        session = FollowupSession(args.server, _receipt(args), transport)
        if args.action == "status":
            view = session.status()
            out = json.dumps(view.json()) + "\n" if args.json else status_text(view)
        elif args.action == "download":
            done = download(session, session.status(), args.directory)
            out = json.dumps({"files": done}) + "\n" if args.json else download_text(done)
        else:
            sent = session.send(args.text, tuple(args.file), args.lang)
            out = json.dumps(sent.json()) + "\n" if args.json else sent_text(sent)
    except (ClientError, ValueError, OSError, PassphraseError) as exc:
        print(f"peluit followup: galat / error: {printable_line(_error(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("peluit followup: dihentikan / interrupted", file=sys.stderr)
        return 130
    sys.stdout.write(out)
    return 0
