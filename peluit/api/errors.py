"""The one place where exceptions become HTTP responses: a stable code and a message in
Indonesian and English for each. Nothing from the request is echoed or logged."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from peluit.core import errors as core
from peluit.store import errors as store

log = logging.getLogger("peluit.api")


@dataclass(frozen=True)
class Problem:
    status: int
    code: str
    id: str
    en: str


PROBLEMS: dict[type[Exception], Problem] = {
    RequestValidationError: Problem(
        400,
        "invalid_request",
        "Permintaan tidak dapat dibaca: formatnya salah atau ada isian yang tidak sah.",
        "The request could not be read: it is malformed or a field is invalid.",
    ),
    core.UnknownChannelError: Problem(
        404,
        "unknown_channel",
        "Saluran pelaporan ini tidak ada.",
        "This reporting channel does not exist.",
    ),
    core.LimitExceededError: Problem(
        413,
        "limit_exceeded",
        "Laporan atau lampiran melebihi batas ukuran atau jumlah yang diizinkan.",
        "The report or its attachments exceed the allowed size or number.",
    ),
    core.InvalidUploadPlanError: Problem(
        400,
        "invalid_upload_plan",
        "Susunan unggahan tidak sah. Muat ulang halaman dan coba lagi.",
        "The upload plan is not valid. Reload the page and try again.",
    ),
    core.NotCiphertextError: Problem(
        400,
        "not_ciphertext",
        "Data yang dikirim bukan berkas terenkripsi yang sah. Tidak ada yang disimpan.",
        "What was sent is not a valid encrypted file. Nothing was stored.",
    ),
    core.WrongRecipientsError: Problem(
        400,
        "wrong_recipients",
        "Laporan tidak dienkripsi untuk tim penelaah saluran ini. Muat ulang halaman, kirim lagi.",
        "The report is not encrypted to this channel's reviewers. Reload the page and send again.",
    ),
    core.IdentityBlockError: Problem(
        400,
        "identity_block",
        "Isian identitas tidak sesuai dengan ketentuan saluran ini.",
        "The identity section does not match this channel's rules.",
    ),
    core.InvalidReplyKeyError: Problem(
        400,
        "invalid_reply_key",
        "Kunci balasan tidak sah.",
        "The reply key is not valid.",
    ),
    core.SegmentMissingError: Problem(
        409,
        "segment_missing",
        "Sebagian lampiran belum terunggah. Unggahan akan dilanjutkan.",
        "Part of an attachment has not been uploaded yet. The upload will resume.",
    ),
    core.SegmentMismatchError: Problem(
        409,
        "segment_mismatch",
        "Sebagian lampiran yang tersimpan tidak sama dengan yang dikirim.",
        "Part of an attachment that was stored differs from what was sent.",
    ),
    core.SubmissionConflictError: Problem(
        409,
        "submission_conflict",
        "Laporan dengan nomor kiriman ini sudah diterima dengan isi yang berbeda.",
        "A report with this submission number was already received with different content.",
    ),
    store.UploadRejectedError: Problem(
        403,
        "upload_rejected",
        "Unggahan ditolak: tautan kedaluwarsa atau data tidak sesuai. Unggahan akan diulang.",
        "Upload refused: the link expired or the data does not match. It will be retried.",
    ),
    store.ObjectExistsError: Problem(
        409,
        "already_uploaded",
        "Bagian ini sudah terunggah sebelumnya.",
        "This part was already uploaded.",
    ),
    store.InvalidKeyError: Problem(
        400,
        "invalid_key",
        "Alamat penyimpanan tidak sah.",
        "Invalid storage address.",
    ),
}

NOT_FOUND = Problem(404, "not_found", "Alamat tidak ditemukan.", "Not found.")
INTERNAL = Problem(
    500,
    "internal_error",
    "Terjadi kesalahan di server. Laporan Anda belum terkirim; silakan coba lagi.",
    "Something went wrong on the server. Your report was not sent; please try again.",
)


def problem_for(exc: Exception) -> Problem | None:
    for cls in type(exc).__mro__:
        if cls in PROBLEMS:
            return PROBLEMS[cls]
    return None


def problem_body(problem: Problem, detail: str | None = None) -> bytes:
    error: dict[str, object] = {
        "code": problem.code,
        "message": {"id": problem.id, "en": problem.en},
    }
    if detail:
        error["detail"] = detail
    return json.dumps({"error": error}, ensure_ascii=False).encode()


def respond(problem: Problem, detail: str | None = None) -> Response[str]:
    return Response(
        status_code=problem.status,
        content_type="application/json; charset=utf-8",
        body=problem_body(problem, detail).decode(),
        headers={"Cache-Control": "no-store"},
    )


_FIELD_PART = re.compile(r"[a-z_][a-z0-9_]{0,39}|[0-9]{1,6}")


def _invalid_fields(exc: RequestValidationError) -> str | None:
    """Names the invalid fields, but only names that look like ours: never echo input."""
    if any(e.get("type") == "json_invalid" for e in exc.errors()):
        return "the body is not valid JSON"
    fields = set()
    for error in exc.errors():
        if error.get("type") == "extra_forbidden":
            fields.add("(unknown field)")  # its name is the client's, not ours: not echoed
            continue
        parts = [str(p) for p in error.get("loc", ())[1:]]
        if parts and all(_FIELD_PART.fullmatch(p) for p in parts):
            fields.add(".".join(parts))
    return "invalid fields: " + ", ".join(sorted(fields)) if fields else None


def install(app: APIGatewayHttpResolver) -> None:
    """Route every exception of the app through the table above."""

    # Powertools' decorators are untyped; the handlers' own signatures are checked.
    @app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
    def _invalid(exc: RequestValidationError) -> Response[str]:
        return respond(PROBLEMS[RequestValidationError], _invalid_fields(exc))

    @app.exception_handler(Exception)  # type: ignore[untyped-decorator]
    def _any(exc: Exception) -> Response[str]:
        problem = problem_for(exc)
        if problem is not None:
            # Messages of our own errors carry no request data: they name counts and fields.
            return respond(problem, str(exc) or None)
        log.error("unhandled %s", type(exc).__name__)  # the type only: messages may hold data
        return respond(INTERNAL)

    @app.not_found
    def _not_found(_: Exception) -> Response[str]:
        return respond(NOT_FOUND)
