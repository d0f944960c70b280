"""The reporter's follow-up client (peluit/client/followup.py) against a recorded fake of the
public API: only the lookup token leaves the machine, the team's messages are decrypted with the
reply key, and what the reporter sends is a `peluit-message/1` document sealed for the review
team only — never for the reply key."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from urllib.parse import urlsplit

import pytest

from peluit import age
from peluit.client.channels import ChannelsDocument
from peluit.client.errors import ApiError, SubmitError
from peluit.client.followup import FollowupSession, ReceiptError
from peluit.client.http import Response, Transport
from peluit.core.receipt import ReceiptCode
from peluit.core.report import MessageDocument
from tests.support.factory import make_team

pytestmark = pytest.mark.unit

TEAM = make_team()
SERVER = "http://127.0.0.1:9"


def _channels() -> ChannelsDocument:
    recipients = [r.encode() for r in TEAM.report_recipients("pengaduan")]
    return ChannelsDocument.model_validate(
        {
            "version": 1,
            "api": "/api/v1",
            "limits": {
                "report_max_bytes": 65536,
                "file_max_bytes": 262144,
                "files_per_report": 3,
                "total_max_bytes": 524288,
                "segment_bytes": 65536,
                "pow_bits": 0,
            },
            "channels": {
                "pengaduan": {
                    "identity": "optional",
                    "report_recipients": recipients,
                    "identity_recipients": recipients[:1],
                }
            },
        }
    )


class FakeApi(Transport):
    """Answers the follow-up endpoints; records every request."""

    def __init__(
        self, code: ReceiptCode, thread: list[dict[str, object]], numbered: bool = True
    ) -> None:
        super().__init__()
        self.code = code
        self.thread = thread
        self.numbered = numbered  # False: a status answer without next_seq
        self.sent: list[tuple[str, bytes]] = []

    def send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: Mapping[str, str],
        timeout: float,
    ) -> Response:
        self.sent.append((url, body or b""))
        path = urlsplit(url).path
        request = json.loads(body or b"{}")
        if request.get("token") != self.code.lookup_token().hex():
            return Response(
                404, b'{"error": {"code": "receipt_not_found", "message": {"id": "x", "en": "y"}}}'
            )
        if path == "/api/v1/followup/status":
            answer = {
                "case": "K3V9-2M7Q-X0AB-4FZT",
                "channel": "pengaduan",
                "status": "ditelaah",
                "since": "2026-12-01",
                "messages": self.thread,
                "more": False,
            } | ({"next_seq": len(self.thread) + 1} if self.numbered else {})
            return Response(200, json.dumps(answer).encode())
        if path == "/api/v1/followup/messages":
            self.thread.append(
                {"seq": len(self.thread) + 1, "sender": "pelapor", "data": request["message"]}
            )
            return Response(201, json.dumps({"seq": len(self.thread)}).encode())
        return Response(404, b"{}")


def _sealed(text: str, code: ReceiptCode) -> str:
    to = [code.reply_identity().recipient(), *TEAM.report_recipients("pengaduan")]
    return base64.b64encode(age.encrypt(text.encode(), to)).decode()


def test_status_decrypts_the_teams_messages_and_sends_only_the_token() -> None:
    code = ReceiptCode.generate()
    api = FakeApi(
        code,
        [
            {"seq": 1, "sender": "penelaah", "data": _sealed("Apakah ada fotonya?", code)},
            {
                "seq": 2,
                "sender": "pelapor",
                "data": _sealed("milik pelapor", ReceiptCode.generate()),
            },
            {
                "seq": 3,
                "sender": "penelaah",
                "data": _sealed("bukan untuk Anda", ReceiptCode.generate()),
            },
        ],
    )
    view = FollowupSession(SERVER, str(code).lower().replace("-", " "), api, _channels()).status()
    assert (view.reference, view.status, view.since) == (
        "K3V9-2M7Q-X0AB-4FZT",
        "ditelaah",
        "2026-12-01",
    )
    assert [(m.seq, m.sender, m.text, m.readable) for m in view.messages] == [
        (1, "penelaah", "Apakah ada fotonya?", True),
        (2, "pelapor", None, True),
        (3, "penelaah", None, False),
    ]
    everything = b"".join(url.encode() + body for url, body in api.sent)
    assert str(code).encode() not in everything
    assert str(code).replace("-", "").encode() not in everything
    assert code.secret.hex().encode() not in everything
    assert all("?pow=" in url for url, _ in api.sent)


def test_a_message_is_a_peluit_message_sealed_for_the_team_and_not_the_reply_key() -> None:
    code = ReceiptCode.generate()
    api = FakeApi(code, [])
    sent = FollowupSession(SERVER, str(code), api, _channels()).send(
        "  Ada, di kantor camat.\r\n", lang="en"
    )
    assert (sent.seq, sent.files) == (1, [])
    sealed = base64.b64decode(str(api.thread[0]["data"]))
    for reader in [*TEAM.reviewers("pengaduan"), *TEAM.oversight("pengaduan")]:
        document = MessageDocument.model_validate_json(age.decrypt(sealed, [reader]))
        assert (document.format, document.lang, document.text, document.files) == (
            "peluit-message/1",
            "en",
            "Ada, di kantor camat.",
            [],
        )
    with pytest.raises(age.NoMatchError):
        age.decrypt(sealed, [code.reply_identity()])


def test_a_message_is_not_signed_when_the_status_leaves_out_the_next_number() -> None:
    code = ReceiptCode.generate()
    api = FakeApi(code, [], numbered=False)
    with pytest.raises(ApiError, match="no_thread_position") as refused:
        FollowupSession(SERVER, str(code), api, _channels()).send("Ada, di kantor camat.")
    assert "tidak dapat ditandatangani" in refused.value.messages["id"]
    assert {urlsplit(url).path for url, _ in api.sent} == {"/api/v1/followup/status"}
    assert api.thread == []  # nothing posted, with the older statement or any other


def test_a_typo_or_an_empty_message_is_refused_before_any_request() -> None:
    code = str(ReceiptCode.generate())
    api = FakeApi(ReceiptCode.generate(), [])
    typo = code[:-1] + ("0" if code[-1] != "0" else "1")
    with pytest.raises(
        ReceiptError, match=r"Check every character carefully\. Nothing has been sent"
    ):
        FollowupSession(SERVER, typo, api, _channels())
    assert api.sent == []
    real = ReceiptCode.parse(code)
    api = FakeApi(real, [])
    with pytest.raises(SubmitError, match="Write a message or choose a file first"):
        FollowupSession(SERVER, code, api, _channels()).send("   ")
    assert [urlsplit(url).path for url, _ in api.sent] == ["/api/v1/followup/status"]
