"""Whether the identity block a custodian is about to decrypt and grant is the one the reporter
sent with this case (ADR 0059).

The reporter's finalize signature covers the SHA-256 of `identity.age`
(`ReporterOut.identity_sha256`, docs/format.md, "The reporter's signatures"), but the block
itself comes from the server. Without this check a compromised server could put another case's
identity block (another reporter's name, encrypted to the same custodians) under a case whose
identity was requested: the custodian approving "this case's identity" would hand that other
reporter's identity to the requester.

Pure: given the tool's verdict on the case's reporter side (`authenticity.CaseCheck`) and the
block, it says why the block may not be granted, or None.
"""

from __future__ import annotations

import hashlib

from peluit.api.review_models import ReporterOut
from peluit.core.report import IdentityDocument

from .authenticity import CaseCheck, Verdict

NOT_THE_REPORTERS = (
    "BLOK IDENTITAS INI BUKAN YANG DIKIRIM PELAPOR untuk kasus ini (hash SHA-256-nya tidak cocok "
    "dengan yang ditandatangani pelapor): mungkin diganti di server. Tidak ada yang didekripsi "
    "atau diberikan / THIS IDENTITY BLOCK IS NOT THE ONE THE REPORTER SENT for this case (its "
    "SHA-256 differs from the one the reporter signed): it may have been replaced on the server. "
    "Nothing was decrypted or granted"
)
NOT_AN_IDENTITY = (
    "Berkas ini bukan blok identitas Peluit yang dapat dibaca: tidak ada yang diberikan / This "
    "file is not a readable Peluit identity block: nothing was granted"
)
CASE_NOT_TRUSTED = (
    "Tanda tangan pelapor kasus ini tidak sah atau hilang, sehingga blok identitasnya tidak dapat "
    "dipastikan milik pelapor kasus ini. Tidak ada yang didekripsi atau diberikan / This case's "
    "reporter signature is invalid or missing, so its identity block cannot be shown to be this "
    "case's reporter's. Nothing was decrypted or granted"
)


def content_problem(document: IdentityDocument | None, case: str) -> str | None:
    """Why the decrypted block may not be granted as `case`'s: it is no identity document, or
    it names another case (a block written before ADR 0059 names none)."""
    if document is None:
        return NOT_AN_IDENTITY
    if document.case is not None and document.case != case:
        return NOT_THE_REPORTERS
    return None


def grant_problem(check: CaseCheck, reporter: ReporterOut | None, block: bytes) -> str | None:
    """Why the identity block (`identity.age` as fetched) may not be granted; None if the
    reporter's verified signature covers it, or if the case is an older unsigned one, whose
    block nothing can check (as its report)."""
    if check.verdict in (Verdict.FORGED, Verdict.STRIPPED) or check.key_untrusted:
        return CASE_NOT_TRUSTED
    if check.verdict is Verdict.OLDER:
        return None
    # SIGNED, SIGNED_V1: the verified statement named this identity hash ("-" for none)
    if reporter is None or reporter.identity_sha256 != hashlib.sha256(block).hexdigest():
        return NOT_THE_REPORTERS
    return None
