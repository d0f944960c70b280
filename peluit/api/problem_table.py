"""Each error the API can meet and the problem it answers with (api/problem.py): a stable
code, the status, and what a person is told, Indonesian first. A subclass answers as its
nearest listed class (`problem_for`)."""

from __future__ import annotations

from aws_lambda_powertools.event_handler.openapi.exceptions import (
    RequestUnsupportedContentType,
    RequestValidationError,
)

from peluit.core import errors as core
from peluit.httpsig import errors as httpsig
from peluit.stats import published as stats
from peluit.store import errors as store

from .problem import Problem

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
    core.PartialSegmentError: Problem(
        400,
        "partial_segment",
        "Lampiran tidak dipotong menjadi bagian berukuran penuh. Muat ulang halaman, coba lagi.",
        "An attachment was not cut into full-size parts. Reload the page and try again.",
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
    core.NotPaddedError: Problem(
        400,
        "not_padded",
        "Data terenkripsi tidak dilapisi ke ukuran baku. Muat ulang halaman, lalu kirim lagi.",
        "What was encrypted is not padded to a size bucket. Reload the page and send again.",
    ),
    core.StaleRecipientsError: Problem(
        409,
        "stale_recipients",
        "Kunci tim penelaah telah berganti sejak halaman ini dibuka. Muat ulang halaman "
        "(isian Anda tidak dikirim), lalu kirim lagi.",
        "The review team's keys changed since this page was opened. Reload the page "
        "(nothing was sent) and send again.",
    ),
    core.ReporterSignatureError: Problem(
        400,
        "bad_signature",
        "Tanda tangan pelapor tidak sah. Muat ulang halaman, lalu kirim lagi.",
        "The reporter's signature is not valid. Reload the page and send again.",
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
    core.StagingClaimedError: Problem(
        409,
        "staging_claimed",
        "Berkas yang diunggah dengan nomor ini sudah dipakai untuk laporan lain. "
        "Muat ulang halaman, lalu kirim lagi.",
        "The files uploaded under this number already belong to another report. "
        "Reload the page and send them again.",
    ),
    # -- proof of work (every public POST): the answer also says `pow: {bits, bucket}` ------
    core.PowRequiredError: Problem(
        400,
        "pow_required",
        "Permintaan ini harus disertai bukti kerja dari peramban. Muat ulang halaman, coba lagi.",
        "This request must carry a proof of work from the browser. Reload the page and try again.",
    ),
    core.PowInvalidError: Problem(
        400,
        "pow_invalid",
        "Bukti kerja dari peramban tidak sah untuk permintaan ini. Muat ulang halaman, coba lagi.",
        "The browser's proof of work is not valid for this request. Reload the page and try again.",
    ),
    core.PowExpiredError: Problem(
        400,
        "pow_expired",
        "Bukti kerja sudah kedaluwarsa, atau jam perangkat Anda tidak tepat. Coba lagi.",
        "The proof of work has expired, or your device's clock is wrong. Try again.",
    ),
    # -- the reporter's follow-up ----------------------------------------------------------
    core.ReceiptNotFoundError: Problem(
        404,
        "receipt_not_found",
        "Kode tanda terima tidak dikenali. Periksa kembali kode Anda, lalu coba lagi.",
        "This receipt code is not recognised. Check your code and try again.",
    ),
    core.CaseClosedError: Problem(
        409,
        "case_closed",
        "Laporan ini sudah selesai ditangani; pesan dan bukti baru tidak dapat ditambahkan.",
        "This report has been closed; new messages and evidence cannot be added.",
    ),
    core.ThreadFullError: Problem(
        409,
        "thread_full",
        "Laporan ini tidak dapat menerima pesan atau berkas lagi.",
        "This report cannot take any more messages or files.",
    ),
    core.ManifestInUseError: Problem(
        409,
        "manifest_in_use",
        "Pesan ini sudah menjadi daftar bukti yang lain. Tulis pesan baru untuk berkas ini.",
        "This message already lists other evidence. Write a new message for these files.",
    ),
    core.ReplyFileNotFoundError: Problem(
        404,
        "reply_file_not_found",
        "Berkas dari tim penelaah ini tidak ditemukan pada laporan Anda. Muat ulang, coba lagi.",
        "This file from the review team was not found on your report. Reload and try again.",
    ),
    core.AdditionsBusyError: Problem(
        503,
        "additions_busy",
        "Banyak bukti sedang ditambahkan ke laporan ini pada saat yang sama. Coba lagi sebentar.",
        "Much evidence is being added to this report at the same moment. Try again shortly.",
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
    # -- the reviewer API: authentication (401) -------------------------------------------
    httpsig.SignatureMissingError: Problem(
        401,
        "signature_missing",
        "Permintaan tidak ditandatangani. Gunakan alat penelaah Peluit.",
        "The request is not signed. Use the Peluit reviewer tool.",
    ),
    httpsig.SignatureMalformedError: Problem(
        401,
        "signature_malformed",
        "Tanda tangan permintaan tidak sesuai ketentuan Peluit.",
        "The request signature does not meet Peluit's requirements.",
    ),
    httpsig.UnknownKeyError: Problem(
        401,
        "unknown_key",
        "Kunci penanda tangan tidak terdaftar di roster.",
        "The signing key is not on the roster.",
    ),
    httpsig.SignatureExpiredError: Problem(
        401,
        "signature_expired",
        "Tanda tangan kedaluwarsa, atau jam komputer Anda tidak tepat (lebih dari 5 menit "
        "di belakang atau 30 detik di depan jam server).",
        "The signature has expired, or your computer's clock is wrong (more than 5 minutes "
        "behind or 30 seconds ahead of the server's).",
    ),
    httpsig.DigestMismatchError: Problem(
        401,
        "digest_mismatch",
        "Isi permintaan tidak cocok dengan tanda tangannya.",
        "The request body does not match its signature.",
    ),
    httpsig.SignatureInvalidError: Problem(
        401,
        "signature_invalid",
        "Tanda tangan permintaan tidak sah.",
        "The request signature is not valid.",
    ),
    core.ReplayedRequestError: Problem(
        401,
        "replayed_request",
        "Permintaan ini sudah pernah dipakai. Kirim ulang dari alat penelaah.",
        "This request was already used. Send it again from the reviewer tool.",
    ),
    # -- the reviewer API: roles and the workflow ---------------------------------------
    core.SelfApprovalError: Problem(
        403,
        "self_approval",
        "Anda tidak boleh memutus permintaan identitas Anda sendiri.",
        "You may not decide your own identity request.",
    ),
    core.NotPermittedError: Problem(
        403,
        "forbidden",
        "Anda tidak berwenang melakukan ini pada saluran atau kasus ini.",
        "You are not allowed to do this on this channel or case.",
    ),
    core.CaseNotFoundError: Problem(
        404,
        "case_not_found",
        "Kasus tidak ditemukan.",
        "Case not found.",
    ),
    core.ObjectUnavailableError: Problem(
        404,
        "object_not_found",
        "Berkas ini tidak ada, atau Anda tidak berwenang membacanya.",
        "This file does not exist, or you may not read it.",
    ),
    core.InvalidTransitionError: Problem(
        409,
        "invalid_transition",
        "Status kasus tidak dapat diubah seperti itu dari status saat ini.",
        "The case cannot move to that status from its current one.",
    ),
    core.TransitionInputError: Problem(
        400,
        "invalid_status",
        "Status atau tujuan penerusan tidak sah.",
        "The status or the forwarding target is not valid.",
    ),
    core.PreconditionRequiredError: Problem(
        428,
        "if_match_required",
        "Sebutkan versi kasus yang Anda ubah (If-Match).",
        "Name the version of the case you are changing (If-Match).",
    ),
    core.StateConflictError: Problem(
        409,
        "state_conflict",
        "Kasus telah diubah orang lain sejak Anda membukanya. Muat ulang, lalu coba lagi.",
        "Someone changed the case since you opened it. Reload it, then try again.",
    ),
    core.ThreadMovedError: Problem(
        409,
        "thread_moved",
        "Pesan lain masuk ke percakapan ini saat Anda menulis. Kirim lagi.",
        "Another message entered this thread while you wrote. Send again.",
    ),
    core.TeamSignatureError: Problem(
        400,
        "bad_team_signature",
        "Tanda tangan pesan tim tidak sah (kunci roster penulis, hari ini). Periksa jam komputer.",
        "The team message's signature is not valid (the writer's roster key, today). Check the "
        "computer's clock.",
    ),
    core.RekeyError: Problem(
        400,
        "bad_rekey",
        "Catatan kunci ulang tidak sah (tanda tangan, kasus, atau berkas asli tidak cocok).",
        "The rekey record is not valid (its signature, case or original file does not match).",
    ),
    core.InvalidCiphertextError: Problem(
        400,
        "invalid_ciphertext",
        "Berkas terenkripsi tidak sah atau tidak untuk penerima yang seharusnya.",
        "The encrypted file is not valid, or not for the recipients it must be for.",
    ),
    core.ReplyKeyMissingError: Problem(
        409,
        "no_reply_key",
        "Kasus ini tidak memiliki kunci balasan; pelapor tidak dapat dikirimi pesan.",
        "This case has no reply key; the reporter cannot be sent messages.",
    ),
    core.NoIdentityBlockError: Problem(
        409,
        "no_identity_block",
        "Pelapor tidak menyertakan identitas pada kasus ini.",
        "The reporter gave no identity in this case.",
    ),
    core.IdentityRequestStateError: Problem(
        409,
        "identity_request_state",
        "Permintaan identitas ini tidak dalam keadaan yang memungkinkan tindakan ini.",
        "This identity request is not in a state that allows this.",
    ),
    core.UnknownMessageError: Problem(
        400,
        "unknown_message",
        "Pesan dengan nomor itu tidak ada di percakapan kasus ini.",
        "The case's thread has no message with that number.",
    ),
    core.InvalidCursorError: Problem(
        400,
        "invalid_cursor",
        "Penanda halaman tidak sah. Mulai lagi dari halaman pertama.",
        "The page cursor is not valid. Start again from the first page.",
    ),
    stats.StatsSignatureError: Problem(
        422,
        "stats_signature_invalid",
        "Statistik tidak ditandatangani dengan kunci roster penelaah yang mengirimnya, atau "
        "mencakup saluran yang tidak ditelaahnya.",
        "The statistics are not signed with the sending reviewer's roster key, or cover a "
        "channel they do not review.",
    ),
    stats.StatsDisclosureError: Problem(
        422,
        "stats_disclosure",
        "Angka yang ditampilkan statistik ini memungkinkan angka yang disembunyikan dihitung. "
        "Buat ulang dengan peluit stats publish versi terbaru.",
        "The numbers these statistics show let a hidden number be worked out. Make them again "
        "with the current peluit stats publish.",
    ),
    stats.StatsPeriodError: Problem(
        422,
        "stats_period_not_closed",
        "Statistik publik hanya mencakup satu bulan, triwulan, atau tahun penuh yang sudah "
        "berakhir.",
        "Public statistics cover only one whole month, quarter or year that has ended.",
    ),
    stats.StatsPeriodOverlapError: Problem(
        409,
        "stats_period_overlaps",
        "Periode ini tumpang-tindih dengan periode lain yang sudah diterbitkan. Hanya periode "
        "yang sama persis yang dapat diterbitkan ulang.",
        "This period overlaps another one already published. Only that very period can be "
        "published again.",
    ),
    stats.StatsNotPublishedError: Problem(
        404,
        "stats_not_published",
        "Belum ada statistik yang diterbitkan.",
        "No statistics have been published yet.",
    ),
    stats.StatsBusyError: Problem(
        503,
        "stats_busy",
        "Statistik sedang diterbitkan oleh orang lain. Coba lagi sebentar lagi.",
        "Someone else is publishing statistics. Try again in a moment.",
    ),
    core.AuditBusyError: Problem(
        503,
        "audit_busy",
        "Server sedang sibuk mencatat jejak audit. Coba lagi sebentar lagi.",
        "The server is busy writing the audit log. Try again in a moment.",
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
}


def problem_for(exc: Exception) -> Problem | None:
    for cls in type(exc).__mro__:
        if cls in PROBLEMS:
            return PROBLEMS[cls]
    return None
