"""Each error the API can meet and the problem it answers with (api/problem.py): a stable
code, the status, and what a person is told, Indonesian first. A subclass answers as its
nearest listed class (`problem_for`)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from peluit.store import errors as store

from .problem import Problem
from .problems_public import PUBLIC
from .problems_review import REVIEW

PROBLEMS: dict[type[Exception], Problem] = {
    RequestValidationError: Problem(
        400,
        "invalid_request",
        "Permintaan tidak dapat dibaca: formatnya salah atau ada isian yang tidak sah.",
        "The request could not be read: it is malformed or a field is invalid.",
    ),
    RequestUnsupportedContentType: Problem(
        415,
        "unsupported_media_type",
        "Isi permintaan harus berformat JSON (Content-Type: application/json).",
        "The request body must be JSON (Content-Type: application/json).",
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
    store.DownloadRejectedError: Problem(
        403,
        "download_rejected",
        "Tautan unduhan kedaluwarsa atau tidak sah. Buka kasusnya lagi.",
        "The download link has expired or is not valid. Open the case again.",
    ),
    store.PreconditionFailedError: Problem(
        409,
        "conflict",
        "Data telah berubah sementara itu. Muat ulang, lalu coba lagi.",
        "The data changed meanwhile. Reload, then try again.",
    ),
    **PUBLIC,
    **REVIEW,
}


def problem_for(exc: Exception) -> Problem | None:
    for cls in type(exc).__mro__:
        if cls in PROBLEMS:
            return PROBLEMS[cls]
    return None
