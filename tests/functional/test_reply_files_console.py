"""The console's reply form with files (`multipart/form-data`): what a reviewer attaches is
encrypted on their machine to the reporter's reply key and the team, and stored as the reply's
files; the case page lists it under the message with the message's day (ADR 0023)."""

from __future__ import annotations

import os
import re

import pytest

from peluit import age
from peluit.config.demo import DEMO_PASSPHRASE
from peluit.core import layout
from peluit.review.content import decode_reply
from tests.support.cases import submit_case
from tests.support.console import ConsoleClient, ConsoleUnderTest, DemoServer

pytestmark = pytest.mark.functional

FORM = os.urandom(100_000) + b"\r\n--boundary-like--\r\n" + os.urandom(1000)


@pytest.fixture
def browser(rina: ConsoleUnderTest) -> ConsoleClient:
    client = rina.client()
    assert client.unlock(DEMO_PASSPHRASE).status == 303
    assert client.get("/cases").status == 200
    return client


def test_a_file_chosen_in_the_reply_form_reaches_the_reporter_encrypted(
    served: DemoServer, browser: ConsoleClient
) -> None:
    case = submit_case(served.config, served.server.store, {"what": "lampiran balasan"})
    page = browser.get(f"/cases/{case.case}")
    assert 'enctype="multipart/form-data"' in page.text
    assert 'type="file"' in page.text

    answer = browser.post_files(
        f"/cases/{case.case}/reply",
        {"text": "Formulir terlampir."},
        [("files", "formulir keberatan.pdf", FORM)],
    )
    assert (answer.status, answer.headers["Location"]) == (303, f"/cases/{case.case}")

    # Stored: the message (a reply document with the manifest) and the file's segments, each
    # opened with the reporter's reply key and matching the manifest's SHA-256.
    thread = served.objects(layout.case_thread_prefix(case.case))
    [message] = [data for key, data in thread.items() if key.endswith(".age")]
    reply = decode_reply(age.decrypt(message, [case.reply]))
    assert reply.text == "Formulir terlampir."
    [entry] = reply.files
    assert (entry.name, entry.size) == ("formulir keberatan.pdf", len(FORM))
    assert reply.upload is not None
    stored = served.objects(layout.case_reply_prefix(case.case, reply.upload))
    segments = [stored[k] for k in sorted(stored)]
    assert [len(s) for s in segments] == [s.size for s in entry.segments]
    assert b"".join(age.decrypt(s, [case.reply]) for s in segments) == FORM

    # The case page lists it under the message, with the message's day.
    shown = browser.get(f"/cases/{case.case}").text
    assert "formulir keberatan.pdf" in shown
    assert re.search(r'<span class="day">[0-9]{4}-[0-9]{2}-[0-9]{2}</span>', shown)
