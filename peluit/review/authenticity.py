"""Whether what the case shows as the reporter's came from the reporter (docs/format.md,
"The reporter's signatures"; ADR 0034). Pure: given the reporter's key and signatures as the
reviewer API passes them on, and the SHA-256 of the ciphertext this tool fetched, it decides.

* The report: its signature must verify over the SHA-256 of `report.age` (computed here) and
  the identity block's SHA-256 (from the server: a reviewer may not fetch `identity.age`; a
  wrong one fails the signature just the same). A bad or missing signature where the case
  has a key is `FORGED` and shown as a case problem; a case without a key is `OLDER`, shown as
  "unsigned (older report)": a server that strips the key makes a case look older, never
  signed.
* A reporter's message in a case with a key: without a valid signature it is refused (its
  text is not shown, and evidence it lists is not attached); in a case without one, it is as
  unsigned as the report, which the case problem says.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from peluit.api.review_models import ReporterOut
from peluit.core import reporter_signature

from .content import Message


class Verdict(StrEnum):
    SIGNED = "signed"
    OLDER = "unsigned_older"  # the case has no reporter key: finalized before signatures
    FORGED = "bad_signature"  # the case has a key; the signature is missing or wrong


REPORT_PROBLEMS = {
    Verdict.OLDER: (
        "Laporan tidak ditandatangani (laporan lama): keasliannya tidak dapat diperiksa / "
        "Report unsigned (older report): its authenticity cannot be checked"
    ),
    Verdict.FORGED: (
        "TANDA TANGAN PELAPOR TIDAK SAH: laporan ini mungkin telah diganti di server / "
        "REPORTER SIGNATURE INVALID: this report may have been replaced on the server"
    ),
}

MESSAGE_FORGED = (
    "Pesan ini tidak ditandatangani dengan kunci pelapor: mungkin dibuat di server, tidak "
    "ditampilkan / This message is not signed with the reporter's key: it may have been "
    "made on the server, not shown"
)


def _bytes(text: str | None) -> bytes | None:
    try:
        return bytes.fromhex(text) if text is not None else None
    except ValueError:
        return None


def report_verdict(reporter: ReporterOut | None, report_sha256: str) -> Verdict:
    if reporter is None:
        return Verdict.OLDER
    key, signature = _bytes(reporter.key), _bytes(reporter.report_signature)
    statement = reporter_signature.report_statement_of(report_sha256, reporter.identity_sha256)
    if key is None or signature is None:
        return Verdict.FORGED
    ok = reporter_signature.verify(key, signature, statement)
    return Verdict.SIGNED if ok else Verdict.FORGED


def message_verdict(reporter: ReporterOut | None, signature: str | None, sha256: str) -> Verdict:
    if reporter is None:
        return Verdict.OLDER
    key, sig = _bytes(reporter.key), _bytes(signature)
    if key is None or sig is None:
        return Verdict.FORGED
    ok = reporter_signature.verify(key, sig, reporter_signature.message_statement_of(sha256))
    return Verdict.SIGNED if ok else Verdict.FORGED


def checked(
    message: Message, reporter: ReporterOut | None, signature: str | None, sha256: str | None
) -> Message:
    """`message`, refused (no text, no manifest, a problem) if it is the reporter's and its
    signature does not verify in a case with a reporter key."""
    if not message.from_reporter or message.problem is not None or sha256 is None:
        return message
    if message_verdict(reporter, signature, sha256) is not Verdict.FORGED:
        return message
    return replace(message, text=None, manifest=(), problem=MESSAGE_FORGED)
