"""What a download asks of `peluit serve` before its first segment: the case (fresh presigned
URLs) and, unless it was read already, the report whose manifest lists the file, both at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from peluit.config.demo import open_demo_key
from peluit.review.client import ReviewClient
from peluit.review.desk import ReviewDesk
from peluit.review.transport import HttpRequest, HttpResponse, UrllibTransport
from tests.support.cases import Attachment, submit_case
from tests.support.console import DemoServer

pytestmark = pytest.mark.functional

PLAIN = bytes(range(256)) * 4000


class Watched(UrllibTransport):
    """The real transport, each API request held a moment so that overlapping ones show."""

    def __init__(self) -> None:
        super().__init__(timeout=30)
        self.paths: list[str] = []
        self.most = 0
        self._running = 0
        self._lock = threading.Lock()

    def send(self, request: HttpRequest) -> HttpResponse:
        with self._lock:
            self.paths.append(request.url.split("/api/v1/review", 1)[1])
            self._running += 1
            self.most = max(self.most, self._running)
        try:
            time.sleep(0.2)
            return super().send(request)
        finally:
            with self._lock:
                self._running -= 1


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[DemoServer, str]]:
    with DemoServer(tmp_path_factory.mktemp("var") / "var") as server:
        case = submit_case(
            server.config,
            server.server.store,
            {"what": "unduhan langsung"},
            attachments=[Attachment("foto.bin", PLAIN)],
        ).case
        yield server, case


def _desk(server: DemoServer, transport: Watched) -> ReviewDesk:
    key = open_demo_key(server.data, "rina")
    return ReviewDesk(server.config, key, ReviewClient(server.base, key, transport))


def test_a_download_opened_directly_asks_for_the_case_and_the_report_at_once(
    served: tuple[DemoServer, str],
) -> None:
    server, case = served
    transport = Watched()
    entry, pieces = _desk(server, transport).attachment_into(case, 0, bytearray(1024 * 1024))
    assert b"".join(bytes(piece) for piece in pieces) == PLAIN
    assert entry.name == "foto.bin"
    assert sorted(transport.paths) == sorted(
        [f"/cases/{case}", f"/cases/{case}/object?key=report.age"]
    )
    assert transport.most == 2  # side by side, not one after the other


def test_a_report_already_read_is_not_asked_for_again(served: tuple[DemoServer, str]) -> None:
    server, case = served
    transport = Watched()
    desk = _desk(server, transport)
    desk.report(case)
    transport.paths.clear()
    _, chunks = desk.attachment(case, 0)
    assert b"".join(chunks) == PLAIN
    assert transport.paths == [f"/cases/{case}"]
