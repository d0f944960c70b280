"""A demo `peluit serve` and review consoles on 127.0.0.1, for functional, e2e and bench runs.

`DemoServer` runs `peluit serve` with its demo configuration (sealed demo key files, signing
keys in the roster) and no site build. `ConsoleUnderTest` runs `peluit review`'s console for
one demo person against it. `ConsoleClient` is a minimal browser: one cookie, the form token
read from the last page, and whatever Host / Origin headers a test wants to send.
"""

from __future__ import annotations

import http.client
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol
from urllib.parse import urlencode

from peluit.config import Config
from peluit.config.demo import demo_key_path
from peluit.keys import KeyFile
from peluit.review.client import ReviewClient
from peluit.review.console.app import ConsoleSetup, ReviewConsole
from peluit.review.console.server import ConsoleServer
from peluit.review.transport import Transport, UrllibTransport
from peluit.serve.app import ServeOptions, build_server
from peluit.serve.server import PeluitServer

_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class DemoServer:
    def __init__(self, data: Path) -> None:
        options = ServeOptions("127.0.0.1", 0, data, None, data / "no-site")
        self.server: PeluitServer
        self.server, self.config, _, demo = build_server(options)
        assert demo
        self.data = data
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def objects(self, prefix: str = "") -> dict[str, bytes]:
        root = self.data / "store" / "objects"
        return {
            str(p.relative_to(root)): p.read_bytes()
            for p in sorted(root.rglob("*"))
            if p.is_file() and str(p.relative_to(root)).startswith(prefix)
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> DemoServer:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class Served(Protocol):
    """What a console needs of the server it works against (`DemoServer`, or the e2e tier's
    server with a built site)."""

    data: Path
    config: Config
    base: str


class ConsoleUnderTest:
    def __init__(
        self,
        served: Served,
        person: str,
        config: Config | None = None,
        transport: Transport | None = None,
    ) -> None:
        self.key_path = demo_key_path(served.data, person)
        transport = transport or UrllibTransport(timeout=30)

        def client(key: KeyFile) -> ReviewClient:
            return ReviewClient(served.base, key, transport)

        setup = ConsoleSetup(
            config or served.config, self.key_path, self.key_path.read_bytes(), served.base, client
        )
        self.app = ReviewConsole(setup)
        self.server = ConsoleServer(self.app, 0)
        self.app.port = self.server.port
        self.port = self.server.port
        self.origin = self.server.origin
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()

    def client(self) -> ConsoleClient:
        return ConsoleClient(self.port)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


@dataclass
class ConsoleClient:
    port: int
    cookie: str | None = None
    csrf: str | None = None
    history: list[Answer] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        raw: bytes | None = None,
    ) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookie:
            sent["Cookie"] = self.cookie
        body = raw
        if form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
            sent["Origin"] = self.origin
        elif raw is not None:
            sent["Origin"] = self.origin
        # A current browser says where a request comes from: its own page, as a rule. A test
        # may send another value, or "" to leave the header out (not a browser).
        sent["Sec-Fetch-Site"] = "same-origin"
        sent.update(headers or {})
        sent = {name: value for name, value in sent.items() if value != ""}
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in sent.items():
            connection.putheader(name, value)
        if body is not None:
            connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        answer = Answer(response.status, dict(response.getheaders()), response.read())
        connection.close()
        cookie = answer.headers.get("Set-Cookie")
        if cookie:
            self.cookie = cookie.split(";")[0]
        found = _CSRF.search(answer.text) if answer.body[:1] == b"<" else None
        if found:
            self.csrf = found.group(1)
        self.history.append(answer)
        return answer

    def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        return self.request("GET", path, headers=headers)

    def post(
        self, path: str, form: dict[str, str], headers: dict[str, str] | None = None
    ) -> Answer:
        return self.request("POST", path, {"csrf": self.csrf or "", **form}, headers)

    def post_files(
        self, path: str, form: dict[str, str], files: list[tuple[str, str, bytes]]
    ) -> Answer:
        """A `multipart/form-data` POST, as a form with file inputs sends it: `files` are
        (field, file name, bytes)."""
        boundary = "----peluit-test-boundary-7c2f"
        parts = []
        for name, value in {"csrf": self.csrf or "", **form}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
                + value.encode()
                + b"\r\n"
            )
        for name, filename, data in files:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                + data
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request("POST", path, headers=headers, raw=body)

    def unlock(self, passphrase: str) -> Answer:
        self.get("/unlock")
        return self.post("/unlock", {"passphrase": passphrase})
