"""What the client fails with: the server's stable code and bilingual message, or its own."""

from __future__ import annotations

from dataclasses import dataclass

NETWORK_ERROR = {
    "id": "Koneksi ke server terputus dan tidak pulih setelah beberapa kali dicoba.",
    "en": "The connection to the server failed and did not recover after several tries.",
}
UNEXPECTED = {
    "id": "Server memberi jawaban yang tidak dikenal. Laporan belum terkirim.",
    "en": "The server gave an unexpected answer. The report was not sent.",
}

NO_POSITION = {  # a status answer without next_seq: the message is not signed (ADR 0054)
    "id": "Server tidak menyebutkan nomor pesan berikutnya, sehingga pesan tidak dapat "
    "ditandatangani untuk kasus ini. Pesan belum terkirim; silakan coba lagi nanti.",
    "en": "The server did not say the number the next message takes, so the message cannot "
    "be signed for this case. It was not sent; please try again later.",
}


class ClientError(Exception):
    """Anything that stops a submission; `str()` is one line for people."""


@dataclass(frozen=True)
class PowTerms:
    """The server's proof-of-work terms, from a refusal."""

    bits: int
    bucket: int


class ApiError(ClientError):
    """A request that failed for good (status 0: the network)."""

    def __init__(
        self,
        status: int,
        code: str,
        messages: dict[str, str],
        detail: str | None = None,
        pow: PowTerms | None = None,
    ) -> None:
        super().__init__(f"{code}: {messages['en']}" + (f" ({detail})" if detail else ""))
        self.status = status
        self.code = code
        self.messages = messages
        self.detail = detail
        self.pow = pow


class SubmitError(ClientError):
    """Refused before anything was sent: a bad field, file, channel or recipient."""
