"""The problems of the reviewer API: what a reviewer's request can be refused for (cases,
identity requests, signatures, statistics); api/problem_table.py merges them with the rest."""

from __future__ import annotations

from peluit.core import errors as core
from peluit.httpsig import errors as httpsig
from peluit.stats import published as stats

from .problem import Problem

REVIEW: dict[type[Exception], Problem] = {
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
    core.RequestSignatureError: Problem(
        400,
        "bad_request_signature",
        "Tanda tangan permintaan identitas tidak sah (kunci roster peminta).",
        "The identity request's signature is not valid (the requester's roster key).",
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
}
