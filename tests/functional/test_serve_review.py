"""`peluit serve` with a real roster: the review tool over real HTTP on 127.0.0.1, signed
requests, presigned attachment downloads, and a replay refused."""

from __future__ import annotations

import http.client
import json
import os
import threading
import time
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest

from peluit.config import Config
from peluit.core.dates import utc_now
from peluit.core.submission import SubmissionService
from peluit.keys import KeyFile
from peluit.review import compose
from peluit.review.client import ReviewClient
from peluit.review.errors import ReviewApiError
from peluit.review.transport import UrllibTransport
from peluit.serve.app import ServeOptions, build_server
from peluit.serve.server import PeluitServer
from tests.support.factory import Team, example_text, finalization, submission_id

pytestmark = pytest.mark.functional


@dataclass
class Running:
    server: PeluitServer
    config: Config
    keys: dict[str, KeyFile]
    base: str


def roster_config(path: Path) -> dict[str, KeyFile]:
    """The example configuration with fresh keys and signing keys for everyone."""
    text = example_text().replace('kind = "local"\npath = "var"', 'kind = "local"')
    keys = {}
    for person in tomllib.loads(text)["people"]:
        key = KeyFile.generate(person["id"], person["name"], tuple(person["roles"]))
        keys[person["id"]] = key
        text = text.replace(
            f'age_recipient = "{person["age_recipient"]}"',
            f'age_recipient = "{key.age_recipient}"\nsigning_key = "{key.signing_public_key}"',
        )
    path.write_text(text, encoding="utf-8")
    return keys


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    config_path = tmp_path / "peluit.toml"
    keys = roster_config(config_path)
    options = ServeOptions("127.0.0.1", 0, tmp_path / "var", config_path, None)
    server, config, _, demo = build_server(options)
    assert not demo
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Running(server, config, keys, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


def test_a_reviewer_reads_a_case_and_its_attachment_through_peluit_serve(
    running: Running,
) -> None:
    team = Team(running.config, {p: k.identity for p, k in running.keys.items()})
    store = running.server.store
    submission = submission_id()
    parts = team.attachment("pengaduan", 0, b"foto " * 30_000)
    for part in parts:
        store.put_new(f"staging/{submission}/00/{part.segment.index:05d}.age", part.data)
    request = finalization("pengaduan", team.report("pengaduan"), segments=parts)
    case = SubmissionService(running.config, store, utc_now).finalize(submission, request).case

    client = ReviewClient(running.base, running.keys["rina"], UrllibTransport(timeout=30))
    view = client.get_case(case)
    files = [o for o in view.objects if o.key.startswith("files/")]
    assert files
    assert all((o.url or "").startswith("/_download/") for o in files)
    plain = b"".join(
        compose.open_file(running.keys["rina"], client.download(case, o)) for o in files
    )
    assert plain == b"foto " * 30_000

    answer = client.change_status(
        case, view.etag, "diverifikasi", compose.status_reason(running.config, "pengaduan", "ok")
    )
    assert answer.status == "diverifikasi"


def test_a_replayed_request_over_http_is_refused(running: Running) -> None:
    transport = UrllibTransport(timeout=30)
    client = ReviewClient(running.base, running.keys["rina"], transport)
    request = client.prepare("GET", "/me")
    assert transport.send(request).status == 200
    replay = transport.send(request)
    assert replay.status == 401
    assert replay.json()["error"]["code"] == "replayed_request"
    with pytest.raises(ReviewApiError) as caught:
        ReviewClient(running.base, running.keys["dewi"], transport).list_cases(channel="pengaduan")
    assert caught.value.status == 403


def test_a_presigned_download_over_http_is_the_stored_bytes_and_a_bad_link_gets_none(
    running: Running,
) -> None:
    """`peluit serve` hands the object to the kernel (sendfile): the body is exactly the
    stored bytes with their length, answer after answer on one kept-alive connection; an
    altered, expired or dangling link gets a problem and not a byte of the object."""
    store = running.server.store
    data = os.urandom(3 * 1024 * 1024 + 7)
    store.put_new("cases/k3v92m7qx0ab4fzt/files/00/00000.age", data)
    url = store.presign_get("cases/k3v92m7qx0ab4fzt/files/00/00000.age", timedelta(minutes=15))
    port = running.server.server_address[1]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(target: str) -> tuple[int, dict[str, str], bytes]:
        connection.request("GET", target)
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()

    for _ in range(2):
        status, headers, body = get(url)
        assert (status, body) == (200, data)
        assert headers["Content-Length"] == str(len(data))
        assert headers["Cache-Control"] == "no-store"
    altered = url.replace("sig=", "sig=A")
    status, _, body = get(altered)
    assert status == 403
    assert json.loads(body)["error"]["code"] == "download_rejected"
    dangling = store.presign_get("cases/k3v92m7qx0ab4fzt/files/00/00001.age", timedelta(minutes=1))
    assert get(dangling)[0] == 404
    assert get(url)[2] == data  # the connection still serves after the refusals

    brief = store.presign_get("cases/k3v92m7qx0ab4fzt/files/00/00000.age", timedelta(seconds=1))
    time.sleep(2.1)
    status, _, body = get(brief)
    assert status == 403
    assert data[:64] not in body
    connection.close()
