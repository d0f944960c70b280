"""Whether what the case shows as the reporter's came from the reporter, and which reply key
the team may encrypt to (docs/format.md, "The reporter's signatures"; ADR 0034, ADR 0042).
Pure: given the reporter's key and signatures as the reviewer API passes them on, the SHA-256
of the ciphertext this tool fetched, the configuration's cut-over day and what this reviewer's
tool saw of the case before (`pins`), it decides.

* The report: a version-2 signature covers the case id, the report's and identity block's
  SHA-256 and the reply key (`SIGNED`); a version-1 one the report and identity block only
  (`SIGNED_V1`, an older case). A bad or missing signature where the case has a key is
  `FORGED`. A case without a key is `OLDER` — unless it must have one: it was received on or
  after `reporter_signatures_since`, or this tool saw it with a key before (`STRIPPED`, as bad
  as forged: a server that strips the key must not make a case look older).
* The reporter's key: the first one a signature verified with is pinned; a case that later
  shows another (re-signed by a forger with a key of their own) is `FORGED`, and all its
  reporter messages are refused.
* The reply key: only one the reporter's signature covers (`SIGNED`), or, for a case whose
  signature does not cover one (`SIGNED_V1`, `OLDER`), the first one this tool saw (pinned).
  Otherwise — a signed case whose reply key the signature does not cover, or a pinned key that
  changed — there is no reply key: nothing is encrypted to it, and the case says why.
* The keys inside the report (ADR 0054): a current client writes its signing key and reply key
  into the encrypted report too, where the server cannot change them. A case whose server-side
  key (`reply.json`, the lookup entry's copy) or reply key is not the one inside is `FORGED`:
  no reply key, every reporter message refused. A case whose key is missing while the report
  carries one is `STRIPPED`. Reports from before carry none; they are checked as before (pins),
  and a signed one says so.
* A reporter's message in a case that has (or must have) a key: without a valid signature it
  is refused (its text is not shown, and evidence it lists is not attached). In a version-2
  case the signature must name the case and the message's number, so the server can neither
  move it to another case nor reorder it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from peluit.api.review_models import ReporterOut
from peluit.core import reporter_signature
from peluit.core.report import ReportDocument

from .content import Message
from .pins import Pin


class Verdict(StrEnum):
    SIGNED = "signed"  # version 2: report, identity block, case and reply key
    SIGNED_V1 = "signed_v1"  # version 1: report and identity block only (an older case)
    OLDER = "unsigned_older"  # no reporter key: finalized before signatures
    FORGED = "bad_signature"  # the case has a key; the signature is missing or wrong
    STRIPPED = "signature_removed"  # no key where there must be one (ADR 0042)


REPORT_PROBLEMS = {
    Verdict.SIGNED_V1: (
        "Tanda tangan pelapor versi lama: kunci balasan tidak tercakup (disematkan saat pertama "
        "dilihat) / Older reporter signature: the reply key is not covered (pinned when first "
        "seen)"
    ),
    Verdict.OLDER: (
        "Laporan tidak ditandatangani (laporan lama): keasliannya tidak dapat diperiksa / "
        "Report unsigned (older report): its authenticity cannot be checked"
    ),
    Verdict.FORGED: (
        "TANDA TANGAN PELAPOR TIDAK SAH: laporan atau kunci balasannya mungkin telah diganti di "
        "server / REPORTER SIGNATURE INVALID: this report or its reply key may have been "
        "replaced on the server"
    ),
    Verdict.STRIPPED: (
        "KUNCI TANDA TANGAN PELAPOR HILANG: kasus ini seharusnya ditandatangani (diterima "
        "setelah tanda tangan berlaku, atau pernah terlihat bertanda tangan); mungkin dipalsukan "
        "di server / REPORTER SIGNING KEY MISSING: this case must be signed (received after "
        "signatures began, or seen signed before); it may have been forged on the server"
    ),
}

REPLY_NOT_COVERED = (
    "Kunci balasan tidak tercakup tanda tangan pelapor yang sah: tidak ada balasan yang "
    "dienkripsi kepadanya / The reply key is not covered by a valid reporter signature: no "
    "reply is encrypted to it"
)
REPLY_CHANGED = (
    "KUNCI BALASAN BERUBAH di server sejak pertama kali dilihat alat ini: tidak ada balasan yang "
    "dienkripsi kepadanya / THE REPLY KEY CHANGED on the server since this tool first saw it: no "
    "reply is encrypted to it"
)

KEY_CHANGED = (
    "KUNCI TANDA TANGAN PELAPOR BERUBAH di server sejak pertama kali dilihat alat ini: laporan "
    "dan pesannya mungkin ditandatangani ulang oleh pemalsu / THE REPORTER'S SIGNING KEY CHANGED "
    "on the server since this tool first saw the case: its report and messages may have been "
    "re-signed by a forger"
)

KEY_NOT_INSIDE = (
    "KUNCI TANDA TANGAN PELAPOR DI SERVER BUKAN KUNCI DI DALAM LAPORAN TERENKRIPSI: data kasus "
    "di server telah diganti; laporan dan pesan pelapor tidak dapat diverifikasi / THE "
    "REPORTER'S SIGNING KEY ON THE SERVER IS NOT THE ONE INSIDE THE ENCRYPTED REPORT: the case's "
    "data on the server was replaced; the report and the reporter's messages cannot be verified"
)
REPLY_NOT_INSIDE = (
    "KUNCI BALASAN DI SERVER BUKAN KUNCI DI DALAM LAPORAN TERENKRIPSI: tidak ada balasan yang "
    "dienkripsi kepadanya / THE REPLY KEY ON THE SERVER IS NOT THE ONE INSIDE THE ENCRYPTED "
    "REPORT: no reply is encrypted to it"
)
NOT_INSIDE = (
    "Laporan ini tidak memuat kunci pelapor dan kunci balasan di dalamnya (dikirim sebelum "
    "ADR 0054): kunci dari server hanya dibandingkan dengan yang pertama kali dilihat alat ini "
    "/ This report does not carry the reporter's key and reply key inside (sent before ADR "
    "0054): the server's keys are only compared with those this tool saw first"
)

MESSAGE_FORGED = (
    "Pesan ini tidak ditandatangani dengan kunci pelapor untuk kasus dan nomor ini: mungkin "
    "dibuat atau dipindahkan di server, tidak ditampilkan / This message is not signed with the "
    "reporter's key for this case and number: it may have been made or moved on the server, "
    "not shown"
)


@dataclass(frozen=True)
class InsideKeys:
    """The reporter's signing key (hex) and reply key as the encrypted report carries them
    (`ReportDocument.reporter_key`, `.reply_recipient`): the reporter's client wrote them, the
    server cannot change them."""

    reporter_key: str
    reply_recipient: str

    @classmethod
    def of(cls, document: ReportDocument | None) -> InsideKeys | None:
        """The keys a decrypted report carries; None: an older (or unreadable) report."""
        if document is None or document.reporter_key is None or document.reply_recipient is None:
            return None
        return cls(document.reporter_key, document.reply_recipient)


@dataclass(frozen=True)
class CaseCheck:
    """What the tool concludes about a case's reporter side."""

    verdict: Verdict
    reply_recipient: str | None  # the key a reply may be encrypted to; None: none
    reply_problem: str | None  # why a reply key that is there may not be used
    pin: Pin  # what to remember of the case (the caller stores it)
    key_changed: bool = False  # the reporter key is not the one this tool saw first
    key_not_inside: bool = False  # the reporter key is not the one inside the report
    keys_inside: bool = True  # False: a report from before ADR 0054 (keys from the server only)

    @property
    def problems(self) -> list[str]:
        found = [REPORT_PROBLEMS[self.verdict]] if self.verdict in REPORT_PROBLEMS else []
        found += [KEY_CHANGED] if self.key_changed else []
        found += [KEY_NOT_INSIDE] if self.key_not_inside else []
        found += [NOT_INSIDE] if self.verdict is Verdict.SIGNED and not self.keys_inside else []
        return found + ([self.reply_problem] if self.reply_problem else [])

    @property
    def key_untrusted(self) -> bool:
        """Whether the server's reporter key verifies nothing: not the one this tool first
        saw, or not the one inside the report."""
        return self.key_changed or self.key_not_inside

    @property
    def messages_need_a_key(self) -> bool:
        """Whether every reporter message is refused: the case's key was stripped, or is not
        the reporter's (nothing left can verify them)."""
        return self.verdict is Verdict.STRIPPED or self.key_untrusted


def _bytes(text: str | None) -> bytes | None:
    try:
        return bytes.fromhex(text) if text is not None else None
    except ValueError:
        return None


def must_be_signed(received: str, since: date | None, pin: Pin | None) -> bool:
    """Whether a case must carry a reporter key: this tool saw it with one, or the
    configuration says every case received from `since` on is signed."""
    if pin is not None and pin.signed:
        return True
    if since is None:
        return False
    try:
        return date.fromisoformat(received) >= since
    except ValueError:
        return True  # a day that does not parse says nothing old about the case


def report_verdict(
    case: str,
    reporter: ReporterOut | None,
    report_sha256: str,
    reply_recipient: str | None,
    *,
    required: bool = False,
) -> Verdict:
    """The report's verdict; `required`: the case must have a key (`must_be_signed`)."""
    if reporter is None:
        return Verdict.STRIPPED if required else Verdict.OLDER
    key, signature = _bytes(reporter.key), _bytes(reporter.report_signature)
    if key is None or signature is None:
        return Verdict.FORGED
    if reporter.statement == 2:
        if reply_recipient is None:
            return Verdict.FORGED
        try:
            statement = reporter_signature.finalize_statement_of(
                case, report_sha256, reporter.identity_sha256, reply_recipient
            )
        except ValueError:  # not a case id, or a reply key that is not one word
            return Verdict.FORGED
        ok = reporter_signature.verify(key, signature, statement)
        return Verdict.SIGNED if ok else Verdict.FORGED
    statement = reporter_signature.report_statement_of(report_sha256, reporter.identity_sha256)
    ok = reporter_signature.verify(key, signature, statement)
    return Verdict.SIGNED_V1 if ok else Verdict.FORGED


def check_case(
    case: str,
    reporter: ReporterOut | None,
    report_sha256: str,
    reply_recipient: str | None,
    received: str,
    since: date | None,
    pin: Pin | None,
    inside: InsideKeys | None = None,
) -> CaseCheck:
    """The report's verdict and the reply key the team may use, with what to pin. `inside`:
    the keys the decrypted report carries (None: a report from before ADR 0054)."""
    checked_case = _check_case(
        case, reporter, report_sha256, reply_recipient, received, since, pin, inside
    )
    if inside is None:
        return replace(checked_case, keys_inside=False)
    if reporter is not None and reporter.key != inside.reporter_key:
        # reply.json re-signed with a key that is not the reporter's (R1): nothing it signs counts
        kept = replace(checked_case.pin, reply=pin.reply if pin is not None else None)
        kept = replace(kept, key=pin.key if pin is not None else None)
        problem = (
            REPLY_NOT_INSIDE if reply_recipient != inside.reply_recipient else REPLY_NOT_COVERED
        )
        return CaseCheck(
            Verdict.FORGED, None, problem, kept, checked_case.key_changed, key_not_inside=True
        )
    if reply_recipient != inside.reply_recipient:
        kept = replace(checked_case.pin, reply=pin.reply if pin is not None else None)
        verdict = (
            checked_case.verdict if checked_case.verdict is not Verdict.SIGNED else Verdict.FORGED
        )
        return replace(
            checked_case,
            verdict=verdict,
            reply_recipient=None,
            reply_problem=REPLY_NOT_INSIDE,
            pin=kept,
        )
    return checked_case


def _check_case(
    case: str,
    reporter: ReporterOut | None,
    report_sha256: str,
    reply_recipient: str | None,
    received: str,
    since: date | None,
    pin: Pin | None,
    inside: InsideKeys | None,
) -> CaseCheck:
    """`check_case` from the server's keys and the pins; a report that carries keys must be
    signed."""
    verdict = report_verdict(
        case,
        reporter,
        report_sha256,
        reply_recipient,
        required=inside is not None or must_be_signed(received, since, pin),
    )
    first = pin.reply if pin is not None and pin.reply is not None else reply_recipient
    first_key = pin.key if pin is not None else None
    if verdict in (Verdict.SIGNED, Verdict.SIGNED_V1) and first_key is None and reporter:
        first_key = reporter.key  # pinned only once a signature verified with it
    remembered = Pin(
        reply=first,
        signed=reporter is not None or (pin is not None and pin.signed),
        key=first_key,
    )
    if reporter is not None and first_key is not None and reporter.key != first_key:
        # re-signed with another key: whatever verifies with it proves nothing
        refused = REPLY_NOT_COVERED if reply_recipient is not None else None
        kept = replace(remembered, reply=pin.reply if pin is not None else None)
        return CaseCheck(Verdict.FORGED, None, refused, kept, key_changed=True)
    if verdict is Verdict.SIGNED:
        return CaseCheck(verdict, reply_recipient, None, remembered)
    if verdict in (Verdict.FORGED, Verdict.STRIPPED):  # nothing of it is worth pinning
        refused = REPLY_NOT_COVERED if reply_recipient is not None else None
        kept = replace(remembered, reply=pin.reply if pin is not None else None)
        return CaseCheck(verdict, None, refused, kept)
    # SIGNED_V1, OLDER: nothing signed covers the reply key; the first one seen holds
    if reply_recipient is not None and first != reply_recipient:
        return CaseCheck(verdict, None, REPLY_CHANGED, remembered)
    return CaseCheck(verdict, reply_recipient, None, remembered)


def message_verdict(
    case: str,
    seq: int,
    reporter: ReporterOut | None,
    signature: str | None,
    sha256: str,
    *,
    required: bool = False,
) -> Verdict:
    """A reporter message's verdict. Version-2 cases take only signatures that name the case
    and the message's number; version-1 cases take those or the older ones."""
    if reporter is None:
        return Verdict.STRIPPED if required else Verdict.OLDER
    key, sig = _bytes(reporter.key), _bytes(signature)
    if key is None or sig is None:
        return Verdict.FORGED
    try:
        placed = reporter_signature.placed_message_statement_of(case, seq, sha256)
    except ValueError:
        return Verdict.FORGED
    if reporter_signature.verify(key, sig, placed):
        return Verdict.SIGNED
    if reporter.statement == 2:
        return Verdict.FORGED
    older = reporter_signature.message_statement_of(sha256)
    return Verdict.SIGNED_V1 if reporter_signature.verify(key, sig, older) else Verdict.FORGED


def checked(
    message: Message,
    case: str,
    reporter: ReporterOut | None,
    signature: str | None,
    sha256: str | None,
    *,
    required: bool = False,
) -> Message:
    """`message`, refused (no text, no manifest, a problem) if it is the reporter's and its
    signature does not verify in a case that has (or must have) a reporter key."""
    if not message.from_reporter or message.problem is not None or sha256 is None:
        return message
    verdict = message_verdict(case, message.seq, reporter, signature, sha256, required=required)
    if verdict not in (Verdict.FORGED, Verdict.STRIPPED):
        return message
    return replace(message, text=None, manifest=(), problem=MESSAGE_FORGED)
