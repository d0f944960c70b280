"""The browser's submission pipeline (js/src/submit.js + api.js, run under node exactly as the
worker runs it) against a real `peluit serve`: relative upload URLs, the signed PUTs, segment
planning, finalization, and what lands in the store is what the reviewers can read.

The real-browser test (Chromium) drives the same code through the page; this one pins the
contract between the JavaScript and the server without a browser.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from peluit import age
from peluit.config import Config
from peluit.config.demo import open_demo_key
from peluit.core import layout
from peluit.core.ids import case_reference
from peluit.core.receipt import ReceiptCode
from peluit.core.report import IdentityDocument, ReportDocument
from peluit.serve.app import ServeOptions, build_server
from tests.support.js import node

pytestmark = pytest.mark.functional

MiB = 1024 * 1024


@dataclass
class Running:
    config: Config
    data: Path
    base: str

    def keys(self, person: str) -> list[age.AnyIdentity]:
        return [open_demo_key(self.data, person).identity]

    def object(self, key: str) -> bytes:
        return (self.data / "store" / "objects" / key).read_bytes()


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    options = ServeOptions("127.0.0.1", 0, tmp_path / "var", None, None)
    server, config, _, _ = build_server(options)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        yield Running(config, options.data, f"http://127.0.0.1:{port}/laporan/")
    finally:
        server.shutdown()
        server.server_close()


def _channel_json(config: Config, channel_id: str) -> dict[str, Any]:
    """The channel's entry of channels.json, as the site build writes it."""
    channel = config.channel(channel_id)
    assert channel is not None
    return {
        "identity": channel.identity,
        "report_recipients": config.report_recipients(channel),
        "identity_recipients": config.identity_recipients(channel),
    }


def _submit(running: Running, request: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(
        node("submit.mjs", running.base, "/api/v1", stdin=json.dumps(request).encode())
    )
    return result


def _case_of(running: Running, receipt: str) -> str:
    """Find the case through the lookup entry of the receipt code, as the follow-up will."""
    code = ReceiptCode.parse(receipt)
    entry = json.loads(running.object(layout.lookup(code.lookup_hash())))
    assert entry["reply_recipient"] == code.reply_identity().recipient().encode()
    case: str = entry["case"]
    return case


def test_a_report_with_files_goes_through_and_the_reviewers_read_what_was_chosen(
    running: Running, tmp_path: Path
) -> None:
    big = os.urandom(9 * MiB)  # two segments: 8 MiB and 1 MiB
    small = b"catatan rapat\n"
    (tmp_path / "big.bin").write_bytes(big)
    (tmp_path / "small.txt").write_bytes(small)
    answers = {"what": "Volume pekerjaan jalan dikurangi.", "area": "pengadaan", "loss": "1500000"}
    result = _submit(
        running,
        {
            "channel": "pengaduan",
            "spec": _channel_json(running.config, "pengaduan"),
            "limits": running.config.limits.model_dump(),
            "lang": "id",
            "answers": answers,
            "identityChoice": "confidential",
            "identity": {"reporter_name": "Ani", "reporter_contact": "ani@example.org"},
            "files": [
                {"path": str(tmp_path / "big.bin"), "name": "rekaman.bin", "type": ""},
                {"path": str(tmp_path / "small.txt"), "name": "catatan.txt", "type": "text/plain"},
            ],
        },
    )
    assert result["events"] == {"segments": 3, "retries": 0}
    case = _case_of(running, result["receipt"])
    assert result["case"] == case_reference(case)
    state = json.loads(running.object(layout.case_state(case)))
    assert result["acknowledgedOn"] == state["received"]
    assert state["files"] == 2
    assert state["identity"] is True

    rina = running.keys("rina")
    report = ReportDocument.model_validate_json(
        age.decrypt(running.object(layout.case_report(case)), rina)
    )
    assert report.answers == answers
    assert report.identity_choice == "confidential"
    assert report.identity is None
    assert [(f.name, f.type, f.size, len(f.segments)) for f in report.files] == [
        ("rekaman.bin", "application/octet-stream", len(big), 2),
        ("catatan.txt", "text/plain", len(small), 1),
    ]
    for number, (entry, content) in enumerate(zip(report.files, [big, small], strict=True)):
        plaintext = b""
        for index, segment in enumerate(entry.segments):
            stored = running.object(layout.case_segment(case, number, index))
            assert (len(stored), hashlib.sha256(stored).hexdigest()) == (
                segment.size,
                segment.sha256,
            )
            plaintext += age.decrypt(stored, rina)
        assert plaintext == content

    identity = running.object(layout.case_identity(case))
    with pytest.raises(age.NoMatchError):
        age.decrypt(identity, rina)
    block = IdentityDocument.model_validate_json(age.decrypt(identity, running.keys("agus")))
    assert block.fields == {"reporter_name": "Ani", "reporter_contact": "ani@example.org"}


def test_an_open_identity_on_a_channel_that_requires_one_also_goes_to_the_custodians(
    running: Running,
) -> None:
    identity = {"reporter_name": "Budi", "reporter_nik": "1504010101010001"}
    result = _submit(
        running,
        {
            "channel": "gratifikasi",
            "spec": _channel_json(running.config, "gratifikasi"),
            "limits": running.config.limits.model_dump(),
            "lang": "en",
            "answers": {"giver": "PT Contoh", "value": "2500000", "received_on": "2025-11-20"},
            "identityChoice": "open",
            "identity": identity,
            "files": [],
        },
    )
    case = _case_of(running, result["receipt"])
    report = ReportDocument.model_validate_json(
        age.decrypt(running.object(layout.case_report(case)), running.keys("dewi"))
    )
    assert (report.lang, report.identity_choice, report.identity) == ("en", "open", identity)
    assert report.files == []
    block = IdentityDocument.model_validate_json(
        age.decrypt(running.object(layout.case_identity(case)), running.keys("dewi"))
    )
    assert block.fields == identity


def test_a_channel_whose_recipients_are_classic_sends_nothing(
    running: Running, tmp_path: Path
) -> None:
    spec = _channel_json(running.config, "pengaduan")
    spec["report_recipients"] = [age.X25519Identity.generate().recipient().encode()]
    with pytest.raises(RuntimeError, match="RecipientPolicyError"):
        _submit(
            running,
            {
                "channel": "pengaduan",
                "spec": spec,
                "limits": running.config.limits.model_dump(),
                "lang": "id",
                "answers": {"what": "x"},
                "identityChoice": "anonymous",
                "identity": None,
                "files": [],
            },
        )
    objects = running.data / "store" / "objects"
    assert not any(p.is_file() for p in objects.rglob("*"))
