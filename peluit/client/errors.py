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
