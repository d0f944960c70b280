"""The console's pages and actions: checks first (`guard`), then one handler per route.

Every request passes, in order: the `Host` check (DNS rebinding), for a POST the `Origin`
check, the session cookie (a locked session is sent to the unlock page), and for a POST
the session's form token. Only then does a handler run. A refused request changes nothing.
"""

from __future__ import annotations

import itertools
import re
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from peluit import age
from peluit.config import Config
from peluit.core import workflow
from peluit.core.ids import CASE_ID_PATTERN, ROSTER_ID_PATTERN
from peluit.keys import KeyFile, KeyFileError, WrongPassphraseError
from peluit.review import pins
from peluit.review.attach import Blob
from peluit.review.client import ReviewClient
from peluit.review.content import Message
from peluit.review.desk import ReviewDesk, case_id
from peluit.review.errors import (
    IntegrityError,
    ReviewApiError,
    ReviewInputError,
    TransportError,
)
from peluit.review.export import export_time, write_bundle
from peluit.review.names import safe_name
from peluit.review.reading import ReportReading, answer_rows
from peluit.review.unlock import RosterMismatchError, unlock

from . import guard, stats_page
from .case_page import case_content
from .cases_page import cases_content
from .guard import Session, Sessions
from .html import STATIC_TYPES, Html, bi, fill, pick, speaking, static_file, template
from .labels import DONE
from .language import Languages, safe_back
from .layout import Frame, error_content, render
from .listing import Filters, select, summarize
from .requests_page import requests_content
from .site_check import SiteCheck
from .web import Request, Response, attachment_headers, page, redirect, text

DOWNLOAD_PIECE = 1024 * 1024  # a whole number of age chunks (64 KiB)

_CASE = rf"(?P<case>{CASE_ID_PATTERN})"
_PERSON = rf"(?P<reviewer>{ROSTER_ID_PATTERN})"
Handler = Callable[[Request, Session, dict[str, str]], Response]


@dataclass(frozen=True)
class ConsoleSetup:
    """What the console is started with; the key file stays sealed until unlocked."""

    config: Config
    key_path: Path
    key_data: bytes
    server_url: str
    make_client: Callable[[KeyFile], ReviewClient]
    site_check: SiteCheck | None = None  # the public site, checked on unlock (issue 15)
    pins_path: Path | None = None  # what the tool saw of each case (review/pins.py); None: memory


class ReviewConsole:
    def __init__(self, setup: ConsoleSetup, sessions: Sessions | None = None) -> None:
        self._setup = setup
        self._sessions = sessions or Sessions()
        self._unlocking = threading.Lock()  # one scrypt at a time: slows guessing, bounds memory
        self._frame = Frame(setup.config.organisation.name.id, setup.server_url)
        self._languages = Languages()
        self.port = 0
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = [
            ("GET", re.compile(r"/"), self._route_home),
            ("GET", re.compile(r"/cases"), self._route_cases),
            ("GET", re.compile(rf"/cases/{_CASE}"), self._route_case),
            (
                "GET",
                re.compile(rf"/cases/{_CASE}/files/(?P<index>[0-9]{{1,3}})"),
                self._route_download,
            ),
            ("GET", re.compile(rf"/cases/{_CASE}/export"), self._route_export),
            ("POST", re.compile(rf"/cases/{_CASE}/reply"), self._route_reply),
            ("POST", re.compile(rf"/cases/{_CASE}/status"), self._route_status),
            ("POST", re.compile(rf"/cases/{_CASE}/identity-request"), self._route_identity_request),
            ("GET", re.compile(r"/identity-requests"), self._route_identity_requests),
            (
                "POST",
                re.compile(rf"/identity-requests/{_CASE}/{_PERSON}/approve"),
                self._route_approve,
            ),
            ("POST", re.compile(rf"/identity-requests/{_CASE}/{_PERSON}/deny"), self._route_deny),
        ]
        self._routes += stats_page.routes(self._page)  # /stats and the KPK MCP export

    def expire_sessions(self) -> None:
        self._sessions.expire()

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    # -- the checks ------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        try:
            return self._handle(request)
        except Exception as exc:  # noqa: BLE001 - the last line: a page without details
            return self._error(None, 500, "Terjadi kesalahan di konsol.", type(exc).__name__)

    def _handle(self, request: Request) -> Response:
        if not guard.host_allowed(request.headers, self.origin):
            return text(403, "Forbidden: open the console at " + self.origin)
        if not guard.fetch_allowed(request.headers):
            return text(
                403,
                "Dilarang: buka konsol langsung di " + self.origin + ", bukan dari halaman lain, "
                "dengan peramban terkini (Chromium, Firefox, Safari 16.4+)"
                " / Forbidden: open the console at " + self.origin + ", not from another page, "
                "in a current browser (Chromium, Firefox, Safari 16.4+)",
            )
        if request.method == "POST" and not guard.same_origin_post(request.headers, self.origin):
            return text(403, "Forbidden: this form did not come from the console's own page")
        if request.method == "GET" and request.path.startswith("/static/"):
            return self._static(request.path.removeprefix("/static/"))
        session = self._sessions.get(request.cookies.get(guard.cookie_name(self.port)))
        fresh = session is None
        if session is None:
            session = self._sessions.new()
        with speaking(self._languages.of(session)):
            response = self._checked(request, session)
        if fresh:
            response.headers["Set-Cookie"] = guard.session_cookie(self.port, session)
        return response

    def _checked(self, request: Request, session: Session) -> Response:
        if request.method == "POST" and not guard.token_matches(session, request.form.get("csrf")):
            return text(403, "Forbidden: the form token is missing or stale; reload the page")
        if request.path == "/unlock":
            if request.method == "POST":
                return self._unlock(request, session)
            if session.unlocked:
                return redirect("/cases")
            return self._unlock_page(session, None)
        if request.path == "/language" and request.method == "POST":
            self._languages.choose(session, request.form.get("lang"))
            return redirect(safe_back(request.form.get("back")))
        if request.path == "/lock" and request.method == "POST":
            self._sessions.drop(session)
            return redirect("/unlock")
        if session.desk is None:
            return redirect("/unlock")
        for method, pattern, handler in self._routes:
            match = pattern.fullmatch(request.path)
            if match and method == request.method:
                return self._run(handler, request, session, match.groupdict())
        return self._error(session, 404, "Halaman tidak ada.", "No such page.")

    def _run(
        self, handler: Handler, request: Request, session: Session, params: dict[str, str]
    ) -> Response:
        try:
            return handler(request, session, params)
        except ReviewApiError as exc:
            status = exc.status if exc.status in {400, 403, 404, 409, 412, 413, 422, 428} else 502
            return self._error(session, status, exc.message_id, exc.message_en, params)
        except ReviewInputError as exc:
            return self._error(session, 400, "Masukan tidak dapat dipakai.", str(exc), params)
        except IntegrityError as exc:
            return self._error(
                session, 502, "Berkas dari server tidak utuh atau tidak asli.", str(exc), params
            )
        except TransportError as exc:
            return self._error(session, 502, "Server tidak dapat dihubungi.", str(exc), params)
        except age.AgeError as exc:
            return self._error(
                session, 502, "Berkas tidak dapat didekripsi dengan kunci Anda.", str(exc), params
            )

    # -- unlocking -------------------------------------------------------------------------

    def _unlock_page(self, session: Session, error: Html | None) -> Response:
        """The unlock form; after a failed attempt, again with the reason (200: the form
        itself worked, and a 4xx page would count as a failed load in the browser)."""
        content = fill(
            template("unlock.html"),
            key_path=str(self._setup.key_path),
            csrf=session.csrf,
            error=Html(f'<div class="error" role="alert">{error}</div>') if error else Html(""),
        )
        frame = render(self._frame, session, pick("Buka kunci", "Unlock"), content, here="/unlock")
        return page(200, frame)

    def _unlock(self, request: Request, session: Session) -> Response:
        passphrase = request.form.get("passphrase", "")
        try:
            with self._unlocking:
                key = unlock(self._setup.config, self._setup.key_data, passphrase)
        except WrongPassphraseError:
            error = bi("Frasa sandi salah. Coba lagi.", "Wrong passphrase. Try again.")
            return self._unlock_page(session, error)
        except (KeyFileError, RosterMismatchError) as exc:
            error = bi("Berkas kunci ini tidak dapat dipakai.", str(exc))
            return self._unlock_page(session, error)
        config = self._setup.config
        kept = pins.for_config(config, self._setup.pins_path)
        desk = ReviewDesk(config, key, self._setup.make_client(key), pins=kept)
        unlocked = self._sessions.unlock(session, desk)
        if self._setup.site_check is not None:
            self._setup.site_check.start()  # on its own thread: the banner shows once it fails
        self._languages.carry(session, unlocked)
        response = redirect("/cases" if desk.reader_channels() else "/identity-requests")
        response.headers["Set-Cookie"] = guard.session_cookie(self.port, unlocked)
        return response

    # -- pages -----------------------------------------------------------------------------

    def _route_home(self, request: Request, session: Session, params: dict[str, str]) -> Response:
        return redirect("/cases")

    def _route_cases(self, request: Request, session: Session, params: dict[str, str]) -> Response:
        """Every case this person reads (all pages of the listing), then filtered, searched
        and ordered here: the filters and the search words are never sent to the server."""
        desk = _desk(session)
        channels = desk.reader_channels()
        if not channels:
            return redirect("/identity-requests")
        filters = Filters.from_query(request.query)
        if filters.channel is not None and filters.channel not in channels:
            raise ReviewInputError("you do not read this channel")
        if filters.status is not None and filters.status not in workflow.STATUSES:
            raise ReviewInputError("no such status")
        if filters.area is not None and filters.area not in {a.id for a in desk.config.kpk_areas}:
            raise ReviewInputError("no such KPK area")
        everything = desk.all_cases()
        found = {row.case: desk.decrypted(row.case) for row in everything}
        rows = select(everything, filters, lambda row: _texts(desk.config, *found[row.case]))
        known = (
            sum(1 for report, _ in found.values() if report is not None and report.document),
            sum(1 for _, messages in found.values() for m in messages if m.text is not None),
        )
        summary = summarize(rows, len([row for row in everything if not row.test]))
        content = cases_content(desk.config, channels, rows, filters, summary, known)
        return self._page(session, pick("Perkara", "Cases"), content, request)

    def _route_case(self, request: Request, session: Session, params: dict[str, str]) -> Response:
        desk = _desk(session)
        case = desk.open_case(params["case"])
        return self._page(session, case.row.reference, case_content(desk, session, case), request)

    def _route_identity_requests(
        self, request: Request, session: Session, params: dict[str, str]
    ) -> Response:
        desk = _desk(session)
        content = requests_content(desk, session, desk.identity_requests())
        title = pick("Permintaan identitas", "Identity requests")
        return self._page(session, title, content, request)

    # -- downloads -------------------------------------------------------------------------

    def _route_download(
        self, request: Request, session: Session, params: dict[str, str]
    ) -> Response:
        """Streamed with its size from the manifest as `Content-Length` (the browser shows the
        progress): each chunk is sent once it authenticated; a failure part-way cuts the
        connection short of that length, so the browser marks the download failed. The
        plaintext is decrypted into one buffer a MiB at a time, each piece written out before
        the next is decrypted (no copy, no new memory per chunk)."""
        out = bytearray(DOWNLOAD_PIECE)  # decrypted into, a piece at a time, each sent on
        entry, pieces = _desk(session).attachment_into(params["case"], int(params["index"]), out)
        first = next(pieces, b"")  # a failure before any byte still gets an error page
        headers = attachment_headers(safe_name(entry.name), "application/octet-stream")
        return Response(200, headers, stream=itertools.chain([first], pieces), length=entry.size)

    def _route_export(self, request: Request, session: Session, params: dict[str, str]) -> Response:
        """Made whole in an unnamed temporary file first (the ZIP format needs to seek, and a
        bundle is sent only once every attachment authenticated), then sent with its length."""
        desk = _desk(session)
        out = tempfile.TemporaryFile(prefix="peluit-export-")  # noqa: SIM115 - closed by the server
        try:
            write_bundle(desk, params["case"], out, export_time(desk.config))
            size = out.tell()
            out.seek(0)
        except BaseException:
            out.close()
            raise
        name = f"peluit-{case_id(params['case']).upper()}.zip"
        return Response(200, attachment_headers(name, "application/zip"), file=(out, size))

    # -- actions ---------------------------------------------------------------------------

    def _done(self, session: Session, what: str, location: str) -> Response:
        session.notice = what
        return redirect(location)

    def _route_reply(self, request: Request, session: Session, params: dict[str, str]) -> Response:
        chosen = [Blob(f.name, f.data) for f in request.files.get("files", ())]
        _desk(session).reply(params["case"], request.form.get("text", ""), chosen)
        return self._done(session, "reply", f"/cases/{params['case']}")

    def _route_status(self, request: Request, session: Session, params: dict[str, str]) -> Response:
        form = request.form
        _desk(session).change_status(
            params["case"],
            form.get("status", ""),
            form.get("reason", ""),
            form.get("target") or None,
            form.get("etag") or None,
            form.get("tell_reporter") or None,
        )
        return self._done(session, "status", f"/cases/{params['case']}")

    def _route_identity_request(
        self, request: Request, session: Session, params: dict[str, str]
    ) -> Response:
        _desk(session).request_identity(params["case"], request.form.get("reason", ""))
        return self._done(session, "identity", f"/cases/{params['case']}")

    def _route_approve(
        self, request: Request, session: Session, params: dict[str, str]
    ) -> Response:
        _desk(session).approve_identity(params["case"], params["reviewer"])
        return self._done(session, "approved", "/identity-requests")

    def _route_deny(self, request: Request, session: Session, params: dict[str, str]) -> Response:
        desk = _desk(session)
        desk.deny_identity(params["case"], params["reviewer"], request.form.get("reason", ""))
        return self._done(session, "denied", "/identity-requests")

    # -- plumbing --------------------------------------------------------------------------

    def _page(self, session: Session, title: str, content: Html, request: Request) -> Response:
        notice = None
        if session.notice is not None:
            indonesian, english = DONE.get(session.notice, (session.notice, session.notice))
            notice = bi(indonesian, english)
            session.notice = None
        here = request.path + (f"?{urlencode(request.query)}" if request.query else "")
        if self._setup.site_check is not None:
            content = Html(self._setup.site_check.banner() + content)
        return page(200, render(self._frame, session, title, content, notice, here))

    def _error(
        self,
        session: Session | None,
        status: int,
        indonesian: str,
        english: str,
        params: dict[str, str] | None = None,
    ) -> Response:
        back = f"/cases/{params['case']}" if params and "case" in params else None
        content = error_content(status, indonesian, english, back)
        title = pick("Tidak berhasil", "Failed")
        return page(status, render(self._frame, session, title, content, here=back or "/cases"))

    def _static(self, name: str) -> Response:
        data = static_file(name)
        if data is None:
            return text(404, "Not found")
        return Response(200, {"Content-Type": STATIC_TYPES[name]}, data)


def _texts(config: Config, report: ReportReading | None, messages: list[Message]) -> list[str]:
    """The decrypted words of a case the local search looks through: the report's answers
    (as shown, with choices' labels) and the messages' texts."""
    texts: list[str] = []
    document = report.document if report is not None else None
    if document is not None:
        for answer in answer_rows(config, document.channel, document.answers, False):
            texts += [answer.value, answer.value_en or ""]
    texts += [m.text for m in messages if m.text]
    return texts


def _desk(session: Session) -> ReviewDesk:
    if session.desk is None:  # the checks send a locked session to /unlock first
        raise ReviewInputError("the console is locked")
    return session.desk
