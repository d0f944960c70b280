"""`peluit smoke` against `peluit serve`: it passes on a working site, and each thing broken
on purpose (by a proxy in front of the server that behaves like a misconfigured edge) fails
the row that names it, with exit code 1."""

from __future__ import annotations

import http.client
import json
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from peluit.cli import cases_cmd, smoke_cmd
from peluit.config.demo import DEMO_PASSPHRASE
from tests.support.submitting import (
    InProcess,
    case_dirs,
    low_pow_config,
    peluit_command,
    serve_in_thread,
)

pytestmark = pytest.mark.functional

ROWS = [
    "site",
    "site-headers",
    "channels",
    "submit",
    "mark",
    "followup",
    "read",
    "reply",
    "status",
    "reporter-reads",
    "site-404",
    "api-404",
    "api-headers",
]
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}

Headers = dict[str, str]
Answer = tuple[int, Headers, bytes]


@dataclass
class Edge:
    """What the proxy changes: request headers on the way in, answers on the way out."""

    request: Callable[[str, Headers], Headers] = lambda path, headers: headers
    answer: Callable[[str, Answer], Answer] = lambda path, answer: answer


@dataclass
class Site:
    served: InProcess
    config: Path
    key: Path
    passphrase: Path


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    data = tmp_path / "var"
    config = low_pow_config(data)
    passphrase = tmp_path / "passphrase"
    passphrase.write_text(DEMO_PASSPHRASE + "\n", encoding="utf-8")
    with serve_in_thread(data, config) as served:
        yield Site(served, config, data / "demo-keys" / "rina.key", passphrase)


@contextmanager
def edge_proxy(upstream: str, edge: Edge) -> Iterator[str]:
    """A reverse proxy on a free port in front of `upstream`; yields its base URL."""
    target = urlsplit(upstream)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            headers = edge.request(self.path, headers)
            upstream_connection = http.client.HTTPConnection(
                target.hostname or "127.0.0.1", target.port, timeout=60
            )
            try:
                upstream_connection.request(self.command, self.path, body, headers)
                got = upstream_connection.getresponse()
                answer: Answer = (
                    got.status,
                    {k: v for k, v in got.getheaders() if k.lower() not in HOP_BY_HOP},
                    got.read(),
                )
            finally:
                upstream_connection.close()
            status, out_headers, data = edge.answer(self.path, answer)
            self.send_response(status)
            for name, value in out_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def do_GET(self) -> None:
            self._forward()

        def do_HEAD(self) -> None:
            self._forward()

        def do_POST(self) -> None:
            self._forward()

        def do_PUT(self) -> None:
            self._forward()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def smoke_json(site: Site, url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    args = ["--url", url, "--key", str(site.key), "--passphrase-file", str(site.passphrase)]
    code = smoke_cmd.main([*args, "--config", str(site.config), "--json"])
    return code, json.loads(capsys.readouterr().out)


def results(report: Any) -> dict[str, str]:
    return {row["id"]: row["result"] for row in report["checks"]}


@contextmanager
def behind(site: Site, edge: Edge) -> Iterator[str]:
    """The site behind a proxy: reviewers sign for the proxy's address, as for CloudFront's."""
    with edge_proxy(site.served.base, edge) as url:
        reviewer = site.served.server.reviewer
        assert reviewer is not None
        reviewer.origin = url  # type: ignore[attr-defined]
        yield url


# -- it passes ---------------------------------------------------------------------------------


def test_smoke_passes_against_peluit_serve_and_leaves_a_closed_test_case(site: Site) -> None:
    run = subprocess.run(
        peluit_command(
            "smoke",
            "--url",
            site.served.base,
            "--key",
            str(site.key),
            "--passphrase-file",
            str(site.passphrase),
            "--config",
            str(site.config),
        ),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert "PEMERIKSAAN/CHECK" in lines[1]
    rows = lines[2:-1]
    assert len(rows) == len(ROWS)
    assert all("  lulus/pass  " in row for row in rows), rows
    assert lines[-1].startswith("SEMUA LULUS / ALL PASSED: 13 lulus/passed, 0 gagal/failed")
    # the case it filed is marked as a test and closed, in the store itself
    [folder] = case_dirs(site.served.data)
    state = json.loads((folder / "state.json").read_bytes())
    assert state["tags"] == ["uji"]
    assert state["status"] == "ditolak"


def test_smoke_through_a_faithful_proxy_passes(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """The proxy the failure tests use breaks nothing by itself."""
    with behind(site, Edge()) as url:
        code, report = smoke_json(site, url, capsys)
        assert code == 0, report
        assert results(report) == dict.fromkeys(ROWS, "pass")
        assert report["ok"] is True


def test_the_reviewers_list_labels_the_smoke_case_and_a_reviewer_can_clear_the_mark(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = smoke_json(site, site.served.base, capsys)
    assert code == 0, report
    common = ["--key", str(site.key), "--server", site.served.base, "--config", str(site.config)]
    common += ["--passphrase-file", str(site.passphrase)]

    def cases(*args: str) -> str:
        assert cases_cmd.main([*args, *common]) == 0
        return capsys.readouterr().out

    listed = cases("list")
    [line] = [row for row in listed.splitlines() if row.startswith(report["case"])]
    assert "ditolak [UJI/TEST]" in line
    assert listed.splitlines()[-1].startswith("0 perkara / cases; 0 terlambat")
    assert report["case"] not in cases("list", "--no-tests")
    assert cases("tag", report["case"], "uji", "--clear") == "tags: -\n"
    assert "UJI" not in cases("list")


# -- each broken thing fails its row -----------------------------------------------------------


def _api_404_as_html(site: Site) -> Callable[[str, Answer], Answer]:
    page = (site.served.data / "site" / "404.html").read_bytes()

    def answer(path: str, got: Answer) -> Answer:
        status, headers, _ = got
        if path.startswith("/api/") and status == 404:
            return 404, {**headers, "Content-Type": "text/html; charset=utf-8"}, page
        return got

    return answer


def test_an_api_404_answered_with_the_site_page_fails_the_api_404_row(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    with behind(site, Edge(answer=_api_404_as_html(site))) as url:
        code, report = smoke_json(site, url, capsys)
    assert code == 1
    found = results(report)
    assert found["api-404"] == "fail"
    assert found["site-404"] == "pass"
    [row] = [r for r in report["checks"] if r["id"] == "api-404"]
    assert "text/html" in row["detail"]
    assert {k for k, v in found.items() if v != "pass"} == {"api-404"}


def test_a_missing_security_header_on_the_api_fails_the_api_header_row(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    def answer(path: str, got: Answer) -> Answer:
        status, headers, body = got
        if path.startswith("/api/v1/followup/"):
            headers = {k: v for k, v in headers.items() if k.lower() != "x-frame-options"}
        return status, headers, body

    with behind(site, Edge(answer=answer)) as url:
        code, report = smoke_json(site, url, capsys)
    assert code == 1
    found = results(report)
    assert {k for k, v in found.items() if v != "pass"} == {"api-headers"}
    [row] = [r for r in report["checks"] if r["id"] == "api-headers"]
    assert "X-Frame-Options missing" in row["detail"]


def test_a_site_page_without_its_csp_fails_the_site_header_row(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    def answer(path: str, got: Answer) -> Answer:
        status, headers, body = got
        if path == "/":
            headers = {k: v for k, v in headers.items() if k != "Content-Security-Policy"}
        return status, headers, body

    with behind(site, Edge(answer=answer)) as url:
        code, report = smoke_json(site, url, capsys)
    assert code == 1
    assert {k for k, v in results(report).items() if v != "pass"} == {"site-headers"}


def test_an_edge_that_drops_if_match_fails_the_status_row(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    """CloudFront's old origin request policy forwarded no If-Match (issue 11)."""

    def request(path: str, headers: Headers) -> Headers:
        return {k: v for k, v in headers.items() if k.lower() != "if-match"}

    with behind(site, Edge(request=request)) as url:
        code, report = smoke_json(site, url, capsys)
    assert code == 1
    found = results(report)
    assert found["status"] == "fail"
    [row] = [r for r in report["checks"] if r["id"] == "status"]
    assert "401 signature_invalid" in row["detail"]
    assert found["reporter-reads"] == "skip"
    assert {k for k, v in found.items() if v == "pass"} == set(ROWS) - {
        "status",
        "reporter-reads",
    }


# -- the run cannot start: one line, exit 2 ----------------------------------------------------


def test_a_wrong_passphrase_is_one_line_and_exit_2(
    site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = tmp_path / "wrong"
    wrong.write_text("not the passphrase\n", encoding="utf-8")
    args = ["--url", site.served.base, "--key", str(site.key), "--passphrase-file", str(wrong)]
    assert smoke_cmd.main([*args, "--config", str(site.config)]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err == f"peluit smoke: error: wrong passphrase for {site.key}\n"


def test_an_unreachable_url_is_one_line_and_exit_2(
    site: Site, capsys: pytest.CaptureFixture[str]
) -> None:
    with edge_proxy(site.served.base, Edge()) as url:
        pass  # closed again: nothing listens at this address now
    args = ["--url", url, "--key", str(site.key), "--passphrase-file", str(site.passphrase)]
    assert smoke_cmd.main([*args, "--config", str(site.config)]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err == f"peluit smoke: error: cannot reach {url}: Connection refused\n"
