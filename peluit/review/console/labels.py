"""Words of the console that are not in the configuration: Indonesian first, then English."""

from __future__ import annotations

from .html import Html, bi

STATUS: dict[str, tuple[str, str]] = {
    "diterima": ("Diterima", "Received"),
    "diverifikasi": ("Diverifikasi", "Verified"),
    "ditelaah": ("Ditelaah", "Under review"),
    "diteruskan": ("Diteruskan", "Forwarded"),
    "selesai": ("Selesai", "Closed"),
    "ditolak": ("Ditolak", "Rejected"),
}
TARGET: dict[str, tuple[str, str]] = {
    "apip": ("APIP", "APIP (internal audit)"),
    "kpk": ("KPK", "KPK (Corruption Eradication Commission)"),
    "aph": ("APH (aparat penegak hukum)", "Law enforcement"),
}
IDENTITY_CHOICE: dict[str, tuple[str, str]] = {
    "anonymous": ("Anonim", "Anonymous"),
    "confidential": ("Identitas dirahasiakan (hanya kustodian)", "Confidential (custodians only)"),
    "open": ("Identitas terbuka", "Open identity"),
}
REQUEST: dict[str, tuple[str, str]] = {
    "pending": ("Menunggu keputusan kustodian", "Waiting for a custodian"),
    "approved": ("Disetujui", "Approved"),
    "denied": ("Ditolak", "Denied"),
}
DONE: dict[str, tuple[str, str]] = {
    "reply": ("Pesan terenkripsi untuk pelapor sudah dikirim.", "The encrypted message was sent."),
    "status": ("Status sudah diubah.", "The status was changed."),
    "identity": ("Permintaan identitas sudah dikirim.", "The identity request was sent."),
    "approved": (
        "Permintaan disetujui; identitas dienkripsi ulang untuk penelaah.",
        "Approved; the identity was re-encrypted to the reviewer.",
    ),
    "denied": ("Permintaan ditolak.", "The request was denied."),
}


def word(table: dict[str, tuple[str, str]], key: str | None) -> Html:
    """The label of `key` in `table`, or `key` itself if the table does not know it."""
    if key is None:
        return bi("—", "—")
    indonesian, english = table.get(key, (key, key))
    return bi(indonesian, english)
