"""The problems of the public API: what a report, its uploads and a reporter's follow-up can
be refused for (api/problem_table.py merges them with the rest)."""

from __future__ import annotations

from peluit.core import errors as core

from .problem import Problem

PUBLIC: dict[type[Exception], Problem] = {
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
}
