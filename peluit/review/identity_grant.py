"""Whether the identity block a custodian is about to grant is the one the reporter sent with
the case the reviewer asked about, and whether that reviewer asked (ADR 0059).

The block comes from the server, which could put another case's block (another reporter's name,
encrypted to the same custodians) under the case whose identity was requested, claim another
channel, or invent a request. So, before anything is re-encrypted to the requester:

* the request must carry the requester's signature (core/request_signature.py), checked with
  their roster key from this tool's own configuration: it names the case, the requester, the
  reason and the SHA-256 of the block the requester's tool verified against the reporter's
  signature; the block must have that hash;
* the decrypted block names its channel, which must be the case's and the request's, one this
  custodian guards in their configuration, where the requester is a reviewer; a block written
  since ADR 0059 names its case too, which must be this one;
* a custodian who also reads the channel checks the reporter's signature themselves
  (`grant_problem`, on top).

Pure: the desk fetches, decrypts and calls these.
"""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

from peluit.api.review_models import IdentityRequestOut, ReporterOut
from peluit.config import Config
from peluit.core import request_signature, team_signature
from peluit.core.report import IdentityDocument
from peluit.keys import parse_public_key

from .authenticity import CaseCheck, Verdict
from .errors import ReviewInputError

NOT_THE_REPORTERS = (
    "BLOK IDENTITAS INI BUKAN YANG DIKIRIM PELAPOR untuk kasus ini (tidak cocok dengan yang "
    "ditandatangani pelapor atau peminta): mungkin diganti di server. Tidak ada yang diberikan "
    "/ THIS IDENTITY BLOCK IS NOT THE ONE THE REPORTER SENT for this case (it does not match what "
    "the reporter or the requester signed): it may have been replaced on the server. Nothing was "
    "granted"
)
NOT_AN_IDENTITY = (
    "Berkas ini bukan blok identitas Peluit yang dapat dibaca: tidak ada yang diberikan / This "
    "file is not a readable Peluit identity block: nothing was granted"
)
CASE_NOT_TRUSTED = (
    "Tanda tangan pelapor kasus ini tidak sah atau hilang, sehingga blok identitasnya tidak dapat "
    "dipastikan milik pelapor kasus ini. Tidak ada yang diberikan / This case's reporter "
    "signature is invalid or missing, so its identity block cannot be shown to be this case's "
    "reporter's. Nothing was granted"
)
REQUEST_NOT_SIGNED = (
    "Permintaan ini tidak ditandatangani dengan kunci roster peminta (atau diubah di server). "
    "Tolak dengan alasan 'mohon ajukan ulang', agar peminta mengajukannya lagi dengan alat "
    "terbaru. Tidak ada yang diberikan / This request is not signed with the requester's roster "
    "key (or was changed on the server). Deny it with the reason 'please ask again', so that the "
    "requester asks again with a current tool. Nothing was granted"
)
REQUEST_STALE = (
    "Permintaan ini ditandatangani lebih dari 30 hari yang lalu (atau dengan tanggal di masa "
    "depan): mungkin permintaan lama yang dimunculkan lagi di server. Tolak dengan alasan 'mohon "
    "ajukan ulang'. Tidak ada yang diberikan / This request was signed more than 30 days ago (or "
    "for a day still to come): it may be an old request brought back on the server. Deny it "
    "with the reason 'please ask again'. Nothing was granted"
)
REASON_ALTERED = (
    "ALASAN PERMINTAAN INI TELAH DIUBAH di server (bukan yang ditandatangani peminta), atau tidak "
    "ada. Tidak ada yang diberikan / THIS REQUEST'S REASON WAS CHANGED on the server (it is not "
    "the one the requester signed), or is missing. Nothing was granted"
)
NO_BLOCK_HASH = (
    "Peminta tidak dapat memastikan blok identitas kasus ini (kasus lama tanpa tanda tangan "
    "pelapor): periksa bahwa ini memang kasus yang dimaksud sebelum menyetujui / The requester "
    "could not verify this case's identity block (an older case without a reporter signature): "
    "make sure this is the case meant before approving"
)
WRONG_CHANNEL = (
    "Kanal kasus, blok identitas dan permintaan tidak cocok, atau menurut konfigurasi Anda "
    "peminta bukan penelaah kanal itu atau Anda bukan kustodiannya. Tidak ada yang diberikan / "
    "The case's, the identity block's and the request's channels differ, or by your "
    "configuration the requester is not a reviewer of that channel or you are not its custodian. "
    "Nothing was granted"
)


def request_problem(
    config: Config, case: str, request: IdentityRequestOut, today: date
) -> str | None:
    """Why `request` is not one its reviewer signed for `case` (their roster key, this tool's
    configuration) at most `FRESH_DAYS` before `today`."""
    person = next((p for p in config.people if p.id == request.reviewer), None)
    if person is None or person.signing_key is None or request.signature is None:
        return REQUEST_NOT_SIGNED
    try:
        text = request_signature.statement(
            case,
            request.reviewer,
            request.signed_on or "",
            request.identity_sha256,
            request.reason or "",
        )
        signature = bytes.fromhex(request.signature)
        signed_on = date.fromisoformat(request.signed_on or "")
    except ValueError:
        return REQUEST_NOT_SIGNED
    if request.case != case or not team_signature.verify(
        parse_public_key(person.signing_key), signature, text
    ):
        return REQUEST_NOT_SIGNED
    if not timedelta(0) <= today - signed_on <= timedelta(days=request_signature.FRESH_DAYS):
        return REQUEST_STALE
    return None


def reason_problem(request: IdentityRequestOut, sealed: bytes) -> str | None:
    """Why the encrypted reason fetched for `request` is not the one its requester signed."""
    if request.reason is None or hashlib.sha256(sealed).hexdigest() != request.reason:
        return REASON_ALTERED
    return None


def block_problem(
    config: Config,
    custodian: str,
    case: str,
    claimed_channel: str,
    request: IdentityRequestOut,
    block: bytes,
    document: IdentityDocument | None,
) -> str | None:
    """Why the decrypted block may not be granted to `request`'s reviewer as `case`'s (the
    request's signature checked first, `request_problem`)."""
    signed = request.identity_sha256
    if signed is not None and signed != hashlib.sha256(block).hexdigest():
        return NOT_THE_REPORTERS
    if document is None:
        return NOT_AN_IDENTITY
    channel = config.channel(document.channel)
    if (
        channel is None
        or document.channel != claimed_channel
        or request.channel != claimed_channel
        or custodian not in channel.custodians
        or request.reviewer not in channel.reviewers
    ):
        return WRONG_CHANNEL
    if document.case is not None and document.case != case:
        return NOT_THE_REPORTERS
    return None


def verified_identity(check: CaseCheck, reporter: ReporterOut | None) -> str | None:
    """The identity block's SHA-256 the reporter's verified signature names, for a request to
    sign; None for an older unsigned case (nothing to verify). A case whose signature is bad or
    missing, or whose key is not the reporter's, gets no request (`CASE_NOT_TRUSTED`)."""
    if check.verdict in (Verdict.FORGED, Verdict.STRIPPED) or check.key_untrusted:
        raise ReviewInputError(CASE_NOT_TRUSTED)
    if check.verdict is Verdict.OLDER or reporter is None:
        return None
    return reporter.identity_sha256


def grant_problem(check: CaseCheck, reporter: ReporterOut | None, block: bytes) -> str | None:
    """Why the identity block (`identity.age` as fetched) may not be granted by the reporter's
    signature as this tool checks it; None if the signature covers it, or if the case is an
    older unsigned one, whose block nothing can check (as its report)."""
    if check.verdict in (Verdict.FORGED, Verdict.STRIPPED) or check.key_untrusted:
        return CASE_NOT_TRUSTED
    if check.verdict is Verdict.OLDER:
        return None
    # SIGNED, SIGNED_V1: the verified statement named this identity hash ("-" for none)
    if reporter is None or reporter.identity_sha256 != hashlib.sha256(block).hexdigest():
        return NOT_THE_REPORTERS
    return None
