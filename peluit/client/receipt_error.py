"""A receipt code with a typo, refused in the reporter's words before any request is made
(the follow-up client, `peluit.client.followup`). The reasons are `peluit.core.receipt`'s, told
as the follow-up page tells them (js/src/messages.js code_*)."""

from __future__ import annotations

from .errors import ClientError

_CODE_PROBLEMS = (  # peluit.core.receipt's reasons, in the words of js/src/messages.js code_*
    (
        "27 characters",
        "Kode tanda terima terdiri dari 27 huruf dan angka. Periksa lagi.",
        "A receipt code has 27 letters and digits. Please check it.",
    ),
    (
        "only digits and letters",
        "Kode tanda terima hanya berisi angka dan huruf A-Z (tanpa U). Periksa lagi.",
        "A receipt code has only digits and the letters A-Z (no U). Please check it.",
    ),
    (
        "typo",
        "Ada salah ketik di kode ini: karakter terakhir (karakter pemeriksa) tidak cocok dengan "
        "yang lain. Periksa setiap karakter dengan teliti. Belum ada yang dikirim.",
        "There is a typo in this code: its last character (the check character) does not match "
        "the rest. Check every character carefully. Nothing has been sent.",
    ),
)


class ReceiptError(ClientError):
    """A receipt code with a typo: refused before any request."""

    def __init__(self, reason: str) -> None:
        found = next((p for p in _CODE_PROBLEMS if p[0] in reason), None)
        _, indonesian, english = found or (
            "",
            "Ini bukan kode tanda terima Peluit. Periksa karakter pertama.",
            "This is not a Peluit receipt code. Check the first character.",
        )
        super().__init__(f"{indonesian} / {english}")
