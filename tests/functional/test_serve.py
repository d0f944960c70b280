"""`peluit serve` over real HTTP: the demo set-up, the site, the API and local uploads."""

from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import json
import logging
import os
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from peluit import age
from peluit.config import Config
from peluit.config.demo import DEMO_PASSPHRASE, open_demo_key
from peluit.core.followup import DEFAULT_FLOOR
from peluit.serve.app import ServeOptions, build_server
from peluit.serve.server import PeluitServer
from tests.support.pow import with_pow

pytestmark = pytest.mark.functional

SUBMISSION = "0123456789abcdef0123456789abcdef"


@dataclass
class Running:
    server: PeluitServer
    config: Config
    data: Path
    base: str

    def keys(self, person: str) -> list[age.AnyIdentity]:
        return [open_demo_key(self.data, person).identity]


@pytest.fixture
def running(tmp_path: Path) -> Iterator[Running]:
    options = ServeOptions("127.0.0.1", 0, tmp_path / "var", None, tmp_path / "no-site")
    server, config, _, demo = build_server(options)
    assert demo
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Running(server, config, options.data, f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


def call(
    method: str, url: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    assert url.startswith("http://127.0.0.1:")
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def announce_huge_body(running: Running, path: str) -> int:
    """Announce a 9 MiB body and read the answer before sending it, as a careful client would."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", running.server.server_address[1], timeout=30
    )
    connection.putrequest("POST", path)
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", str(9 * 1024 * 1024))
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    return status


def post_json(running: Running, path: str, payload: object) -> tuple[int, dict[str, Any]]:
    data = json.dumps(payload).encode()
    url = with_pow(running.base + path, data, running.config.limits.pow_bits, datetime.now(UTC))
    status, _, body = call("POST", url, data, {"Content-Type": "application/json"})
    return status, json.loads(body)


def stored(running: Running) -> list[str]:
    root = running.data / "store" / "objects"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_demo_serve_creates_sealed_demo_key_files_that_match_the_roster(running: Running) -> None:
    for person in running.config.people:
        key = open_demo_key(running.data, person.id)
        assert (key.person, key.age_recipient) == (person.id, person.age_recipient)
        assert key.signing_public_key == person.signing_key
    sealed = (running.data / "demo-keys" / "rina.key").read_bytes()
    assert age.is_armored(sealed)
    assert age.inspect(age.dearmor(sealed)).stanza_types == ("scrypt",)
    assert oct((running.data / "demo-keys" / "rina.key").stat().st_mode)[-3:] == "600"
    readme = (running.data / "demo-keys" / "README.txt").read_text()
    assert DEMO_PASSPHRASE in readme
    assert "NOT acceptable for a real key file" in readme


def test_pages_carry_the_security_headers_and_traversal_finds_nothing(running: Running) -> None:
    status, headers, body = call("GET", running.base + "/")
    assert status == 200
    assert b"Peluit" in body
    assert headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self'")
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"
    for path in ("/../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd", "/var/upload-secret"):
        assert call("GET", running.base + path)[0] == 404


def test_a_report_with_an_attachment_goes_through_and_reviewers_can_read_it(
    running: Running,
) -> None:
    channel = running.config.channel("pengaduan")
    assert channel is not None
    readers = [age.parse_recipient(r) for r in running.config.report_recipients(channel)]
    custodians = [age.parse_recipient(r) for r in running.config.identity_recipients(channel)]
    attachment = os.urandom(300_000)
    segment = age.encrypt(attachment, readers)
    digest = hashlib.sha256(segment).hexdigest()

    status, plan = post_json(
        running,
        f"/api/v1/submissions/{SUBMISSION}/uploads",
        {
            "channel": "pengaduan",
            "segments": [{"file": 0, "index": 0, "size": len(segment), "sha256": digest}],
        },
    )
    assert status == 200
    [upload] = plan["uploads"]
    assert upload["url"].startswith("/_upload/staging/")
    put_status, _, _ = call(
        upload["method"], running.base + upload["url"], segment, upload["headers"]
    )
    assert put_status == 200

    report = json.dumps({"what": "Volume pekerjaan jalan dikurangi", "area": "pengadaan"}).encode()
    reply = age.HybridIdentity.generate().recipient().encode()
    status, receipt = post_json(
        running,
        f"/api/v1/submissions/{SUBMISSION}/finalize",
        {
            "channel": "pengaduan",
            "report": base64.b64encode(age.encrypt(report, readers)).decode(),
            "identity": __import__("base64")
            .b64encode(age.encrypt(b'{"name":"A"}', custodians))
            .decode(),
            "segments": [{"file": 0, "index": 0, "size": len(segment), "sha256": digest}],
            "lookup_hash": hashlib.sha256(b"lookup token").hexdigest(),
            "reply_recipient": reply,
        },
    )
    assert status == 200, receipt
    assert set(receipt) == {"case", "acknowledged_on"}

    case_dir = running.data / "store" / "objects" / "cases"
    [case] = list(case_dir.iterdir())
    rina = running.keys("rina")
    assert age.decrypt((case / "report.age").read_bytes(), rina) == report
    assert age.decrypt((case / "files" / "00" / "00000.age").read_bytes(), rina) == attachment
    with pytest.raises(age.NoMatchError):
        age.decrypt((case / "identity.age").read_bytes(), rina)
    assert (
        age.decrypt((case / "identity.age").read_bytes(), running.keys("agus")) == b'{"name":"A"}'
    )


def test_an_upload_that_breaks_its_signed_terms_is_refused_and_stores_nothing(
    running: Running,
) -> None:
    channel = running.config.channel("pengaduan")
    assert channel is not None
    readers = [age.parse_recipient(r) for r in running.config.report_recipients(channel)]
    segment = age.encrypt(b"bukti", readers)
    segments = [
        {"file": 0, "index": 0, "size": len(segment), "sha256": hashlib.sha256(segment).hexdigest()}
    ]
    _, plan = post_json(
        running,
        f"/api/v1/submissions/{SUBMISSION}/uploads",
        {"channel": "pengaduan", "segments": segments},
    )
    [upload] = plan["uploads"]
    before = stored(running)
    tampered = segment[:-1] + bytes([segment[-1] ^ 1])
    status, _, body = call("PUT", running.base + upload["url"], tampered, upload["headers"])
    assert status == 403
    assert json.loads(body)["error"]["code"] == "upload_rejected"
    forged = upload["url"].replace("/00000.age", "/00001.age")
    assert call("PUT", running.base + forged, segment, upload["headers"])[0] == 403
    assert stored(running) == before


def test_bad_api_input_gets_a_4xx_with_a_stable_code(running: Running) -> None:
    url = f"{running.base}/api/v1/submissions/{SUBMISSION}/finalize"
    headers = {"Content-Type": "application/json"}
    status, _, body = call("POST", url, b"{not json", headers)
    assert status == 400
    assert json.loads(body)["error"]["code"] == "pow_required"
    bits = running.config.limits.pow_bits
    status, _, body = call(
        "POST", with_pow(url, b"{not json", bits, datetime.now(UTC)), b"{not json", headers
    )
    assert status == 400
    assert json.loads(body)["error"]["code"] == "invalid_request"
    assert b"not json" not in body
    # the edge's check passes (it sees the digest the stamp names, never the body), so the
    # size is what refuses it
    stamped = with_pow(f"/api/v1/submissions/{SUBMISSION}/finalize", b"{}", bits, datetime.now(UTC))
    assert announce_huge_body(running, stamped) == 413
    status, _, body = call("GET", running.base + "/api/v1/nothing-here")
    assert status == 404
    assert json.loads(body)["error"]["code"] == "not_found"


def send_with_length(running: Running, method: str, path: str, length: str) -> tuple[int, bytes]:
    """A request whose Content-Length header is exactly `length` (sent as Latin-1)."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", running.server.server_address[1], timeout=30
    )
    connection.putrequest(method, path)
    connection.putheader("Content-Type", "application/json")
    connection.putheader("Content-Length", length)
    connection.endheaders()
    response = connection.getresponse()
    answer = response.status, response.read()
    connection.close()
    return answer


@pytest.mark.parametrize("length", ["\u00b2", "1\u00b3", "+2", "-1", "2" * 5000])
def test_a_content_length_that_is_not_ascii_decimal_is_a_clear_400(
    running: Running, length: str, caplog: pytest.LogCaptureFixture
) -> None:
    """A "²" passes str.isdigit() but not int(); 5,000 digits are too many for int()."""
    caplog.set_level(logging.DEBUG)
    for method, path in (
        ("POST", f"/api/v1/submissions/{SUBMISSION}/finalize"),
        ("PUT", f"/_upload/staging/{SUBMISSION}/00/00000.age"),
    ):
        status, body = send_with_length(running, method, path, length)
        assert status == 400, (method, body)
        error = json.loads(body)["error"]
        assert error["code"] == "invalid_content_length"
        assert set(error["message"]) == {"id", "en"}
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert stored(running) == []


def test_paced_followup_lookups_do_not_hold_up_each_other(running: Running) -> None:
    """Every follow-up answer waits until the floor after its request began, but not with the
    API lock held: two lookups at once are done in about one floor, not two (in a row, they
    would take two at least, so a few tries are allowed for a slow machine)."""
    path = "/api/v1/followup/status"
    data = json.dumps({"token": os.urandom(32).hex(), "after": 0}).encode()
    # One proof for both: replaying a solved request is exactly what anyone can do.
    url = with_pow(running.base + path, data, running.config.limits.pow_bits, datetime.now(UTC))
    headers = {"Content-Type": "application/json"}

    def lookups() -> tuple[float, list[float]]:
        gate = threading.Barrier(2)
        took: list[float] = []

        def lookup() -> None:
            gate.wait()
            began = time.monotonic()
            status, _, body = call("POST", url, data, headers)
            took.append(time.monotonic() - began)
            assert status == 404
            assert json.loads(body)["error"]["code"] == "receipt_not_found"

        began = time.monotonic()
        threads = [threading.Thread(target=lookup) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        return time.monotonic() - began, took

    for _ in range(3):
        total, took = lookups()
        assert len(took) == 2  # both answered
        assert min(took) >= DEFAULT_FLOOR  # nobody is answered before the floor
        if total < 1.75 * DEFAULT_FLOOR:
            return
    raise AssertionError(f"two lookups at once took {total:.2f} s (floor {DEFAULT_FLOOR} s)")


def test_the_openapi_document_is_served(running: Running) -> None:
    status, _, body = call("GET", running.base + "/api/v1/openapi.json")
    assert status == 200
    paths = json.loads(body)["paths"]
    assert "/api/v1/submissions/{submission}/finalize" in paths


def test_text_assets_are_gzipped_for_browsers_that_accept_it(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    script = b"console.log('peluit');\n" * 2000
    (site / "assets" / "app.js").write_bytes(script)
    (site / "assets" / "logo.png").write_bytes(b"\x89PNG" + bytes(100))
    options = ServeOptions("127.0.0.1", 0, tmp_path / "var", None, site)
    server, _, _, _ = build_server(options)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        status, headers, body = call(
            "GET", base + "/assets/app.js", None, {"Accept-Encoding": "gzip"}
        )
        assert status == 200
        assert headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(body) == script
        assert len(body) < len(script) // 10
        _, plain_headers, plain = call("GET", base + "/assets/app.js")
        assert "Content-Encoding" not in plain_headers
        assert plain == script
        _, png_headers, _ = call(
            "GET", base + "/assets/logo.png", None, {"Accept-Encoding": "gzip"}
        )
        assert "Content-Encoding" not in png_headers
    finally:
        server.shutdown()
        server.server_close()
