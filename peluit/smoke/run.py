"""One smoke run against a deployed Peluit: a reporter's and a reviewer's round trip, the
error answers and the security headers, each a timed row.

The reporter's side is `peluit.client` (what `peluit submit` uses: encrypted here, segments
PUT as the browser does, proof of work on every POST); the follow-up is the API call the
follow-up page makes (js/src/followup-client.js), with the lookup token and reply identity
derived from the receipt code (peluit/core/receipt.py). The reviewer's side is the review
desk and its signing client (peluit/review/), with the operator's key file.

The report says in every text answer that it is a test, and the reviewer marks the case
with the `uji` tag right after filing it (ADR 0015), then closes it (`ditolak`, with a
reason). The receipt code is never printed.
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from peluit import age
from peluit.client import ClientError, SubmitRequest, SubmitResult, submit
from peluit.client.api import ApiClient
from peluit.client.channels import CHANNELS_PATH, ChannelsDocument, ChannelSpec, fetch_channels
from peluit.client.http import NetworkError, Response, RetryPolicy, Transport
from peluit.core import workflow
from peluit.core.ids import case_reference
from peluit.core.receipt import ReceiptCode
from peluit.review.content import decode_reply
from peluit.review.desk import ReviewDesk, case_id
from peluit.review.errors import ReviewClientError
from peluit.web.headers import security_headers

from . import expect
from .rows import CheckFailedError, Checks

MARKER = "[UJI ASAP / SMOKE TEST]"
REPORT_TEXT = (
    f"{MARKER} Laporan uji otomatis dari `peluit smoke` setelah deploy; abaikan. "
    "An automatic test report from `peluit smoke` after a deploy; ignore it."
)
REPLY_TEXT = f"{MARKER} Balasan uji / test reply."
REASON_TEXT = f"{MARKER} Laporan uji, ditutup otomatis / a test report, closed automatically."
CLOSED = workflow.DITOLAK
# A refusal tells the reporter why (peluit/review/desk.py change_status).
CLOSING_TEXT = f"{MARKER} Laporan uji ini ditutup / this test report is closed."
ATTACHMENT_BYTES = 48 * 1024
SMOKE_RETRY = RetryPolicy(attempts=3, base_delay=0.5, max_delay=2.0)
FAILURES: tuple[type[Exception], ...] = (
    ClientError,
    ReviewClientError,
    age.AgeError,
    OSError,
    ValueError,
    KeyError,
    TypeError,
)


class SmokeError(Exception):
    """The run cannot start (an unreachable URL, a site that is not Peluit); one line."""


@dataclass(frozen=True)
class Seen:
    method: str
    url: str
    response: Response


@dataclass
class RecordingTransport(Transport):
    """The submission client's transport, keeping every answer (for the header checks)."""

    seen: list[Seen] = field(default_factory=list)

    def send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: Any,
        timeout: float,
    ) -> Response:
        response = super().send(method, url, body, headers, timeout)
        self.seen.append(Seen(method, url, response))
        return response


def fill_answers(spec: ChannelSpec, today: date) -> dict[str, str]:
    """An answer for each required question of the report (not the identity block), every
    text saying that this is a test."""
    answers: dict[str, str] = {}
    for rules in spec.fields:
        if rules.identity or not rules.required:
            continue
        if rules.kind == "boolean":
            answers[rules.id] = "true"
        elif rules.kind == "date":
            answers[rules.id] = today.isoformat()
        elif rules.kind == "money":
            answers[rules.id] = "1"
        elif rules.options:
            answers[rules.id] = rules.options[0]
        else:
            answers[rules.id] = REPORT_TEXT[: rules.max_length]
    return answers


def _why(exc: NetworkError) -> str:
    """What the network said (refused, no such host, timed out), in one line."""
    cause: object = exc.__cause__
    cause = getattr(cause, "reason", cause)
    text = getattr(cause, "strerror", None) or str(cause or exc)
    return " ".join(str(text).split())


def _require(condition: bool, problem: str) -> None:
    if not condition:
        raise CheckFailedError(problem)


@dataclass
class Smoke:
    """What one run needs: the site's base URL, an unlocked review desk, a channel the
    desk's person reviews, and the clock for the report's date answers."""

    url: str
    desk: ReviewDesk
    channel: str
    today: date
    checks: Checks = field(default_factory=lambda: Checks(FAILURES))
    transport: RecordingTransport = field(
        default_factory=lambda: RecordingTransport(retry=SMOKE_RETRY)
    )
    # what the steps hand on
    channels: ChannelsDocument | None = None
    filed: SubmitResult | None = None
    attachment: bytes = b""

    def _get(self, path: str) -> Response:
        return self.transport.retrying("GET", urljoin(self.url + "/", path), None, {}, 30.0)

    def _doc(self) -> ChannelsDocument:
        if self.channels is None:
            raise CheckFailedError("channels.json was not read")
        return self.channels

    def _filed(self) -> SubmitResult:
        if self.filed is None:
            raise CheckFailedError("no report was filed")
        return self.filed

    def _case(self) -> str:
        """The filed case's id (finalize answers with its reference)."""
        return case_id(self._filed().case)

    def _api(self) -> ApiClient:
        doc = self._doc()
        return ApiClient(self.url, doc.api, doc.limits.pow_bits, self.transport)

    def _code(self) -> ReceiptCode:
        return ReceiptCode.parse(self._filed().receipt)

    # -- before any row: is there a Peluit at this address? ----------------------------

    def reach(self) -> None:
        """One GET of channels.json, not retried: `SmokeError` if nothing answers."""
        target = urljoin(self.url + "/", CHANNELS_PATH)
        try:
            self.transport.send("GET", target, None, {}, 15.0)
        except NetworkError as exc:
            raise SmokeError(f"cannot reach {self.url}: {_why(exc)}") from None
        except ClientError as exc:
            raise SmokeError(str(exc)) from None

    # -- the steps -----------------------------------------------------------------------

    def site(self) -> str:
        answer = self._get("")
        _require(answer.status == 200, f"the home page answered {answer.status}")
        kind = expect.media_type(answer.headers)
        _require(kind == "text/html", f"the home page is {kind or 'untyped'}, not HTML")
        return f"200 {kind}"

    def site_headers(self) -> str:
        pages = [s for s in self.transport.seen if s.method == "GET" and s.url.endswith("/")]
        _require(bool(pages), "no page was fetched")
        problems = expect.header_problems(pages[-1].response.headers)
        _require(not problems, "; ".join(problems))
        return f"{len(security_headers())} header"

    def fetch_channels(self) -> str:
        self.channels = fetch_channels(self.url, self.transport)
        spec = self.channels.channels.get(self.channel)
        _require(spec is not None, f"channels.json has no channel {self.channel!r}")
        return f"{len(self.channels.channels)} saluran/channels; api {self.channels.api}"

    def file_report(self) -> str:
        spec = self._doc().channels[self.channel]
        self.attachment = (MARKER + "\n").encode() + secrets.token_bytes(ATTACHMENT_BYTES)
        with tempfile.TemporaryDirectory(prefix="peluit-smoke-") as folder:
            path = Path(folder) / "uji-asap.bin"
            path.write_bytes(self.attachment)
            request = SubmitRequest(
                channel=self.channel,
                fields=fill_answers(spec, self.today),
                identity_choice="anonymous" if spec.identity != "required" else "confidential",
                identity_fields=self._identity(spec),
                files=(path,),
            )
            self.filed = submit(self.url, request, self.transport, self._doc())
        return f"{self.filed.case} ({self.channel})"

    def _identity(self, spec: ChannelSpec) -> dict[str, str]:
        if spec.identity != "required":
            return {}
        fields = [f for f in spec.fields if f.identity and f.kind in {"text", "textarea"}]
        return {f.id: MARKER[: f.max_length] for f in fields if f.required}

    def mark(self) -> str:
        answer = self.desk.client.set_tag(self._case(), workflow.TEST_TAG)
        _require(workflow.TEST_TAG in answer.tags, "the case has no uji tag")
        return f"tags {answer.tags}"

    def _followup(self) -> dict[str, Any]:
        token = self._code().lookup_token().hex()
        answer = self._api().post_json("/followup/status", {"token": token, "after": 0})
        _require(isinstance(answer, dict), "the follow-up answer is not an object")
        want = case_reference(self._case())
        _require(answer.get("case") == want, f"the receipt found {answer.get('case')}, not {want}")
        result: dict[str, Any] = answer
        return result

    def followup(self) -> str:
        answer = self._followup()
        status = answer.get("status")
        _require(status == workflow.DITERIMA, f"a new report is {status}, not diterima")
        return f"{answer['case']}: {status}"

    def read(self) -> str:
        case = self._case()
        reading = self.desk.report(case)
        document = reading.document
        if document is None:
            raise CheckFailedError(f"the report does not decrypt to one: {reading.problem}")
        texts = [v for v in document.answers.values() if isinstance(v, str)]
        _require(any(MARKER in t for t in texts), "the decrypted report lacks the test marker")
        _require(len(document.files) == 1, f"the report lists {len(document.files)} files")
        entry, chunks = self.desk.attachment(case, 0)
        data = b"".join(chunks)
        _require(data == self.attachment, "the decrypted attachment differs from what was sent")
        return f"laporan/report + {entry.size} B lampiran/attachment"

    def reply(self) -> str:
        return self.desk.reply(self._case(), REPLY_TEXT)

    def change_status(self) -> str:
        case = self._case()
        self.desk.change_status(case, CLOSED, REASON_TEXT, None, tell_reporter=CLOSING_TEXT)
        view = self.desk.client.get_case(case)
        last = view.history[-1]
        _require(last.get("status") == CLOSED, f"the history ends with {last.get('status')}")
        sealed = self.desk.client.read_object(case, f"notes/{last['note']}.age")
        reason = age.decrypt(sealed, [self.desk.key.identity]).decode()
        _require(reason == REASON_TEXT, "the stored reason does not decrypt to the one given")
        return f"{workflow.DITERIMA} -> {CLOSED}"

    def reporter_reads(self) -> str:
        answer = self._followup()
        _require(answer.get("status") == CLOSED, f"the reporter sees {answer.get('status')}")
        identity = self._code().reply_identity()
        replies = [m for m in answer.get("messages", []) if m.get("sender") == "penelaah"]
        _require(len(replies) == 2, f"the reporter sees {len(replies)} team messages, not 2")
        texts = [  # peluit-reply/1 documents (ADR 0023), read as the reporter's tools read them
            decode_reply(age.decrypt(base64.b64decode(m["data"]), [identity])).text for m in replies
        ]
        _require(texts[0] == REPLY_TEXT, "the reply does not decrypt to what was sent")
        _require(texts[1] == CLOSING_TEXT, "the refusal's message to the reporter differs")
        return f"{CLOSED}; balasan/reply {len(texts[0])} chars"

    def site_404(self) -> str:
        answer = self._get(f"peluit-smoke-{secrets.token_hex(6)}/tidak-ada.html")
        problem = expect.site_404_problem(answer.status, answer.headers, answer.body)
        _require(problem is None, problem or "")
        return f"404 {expect.media_type(answer.headers)}"

    def api_404(self) -> str:
        token = hashlib.sha256(secrets.token_bytes(32)).hexdigest()
        before = len(self.transport.seen)
        try:
            self._api().post_json("/followup/status", {"token": token, "after": 0})
        except ClientError:
            pass
        else:
            raise CheckFailedError("a receipt nobody was given found a case")
        _require(len(self.transport.seen) > before, "no answer was recorded")
        answer = self.transport.seen[-1].response
        problem = expect.api_error_problem(
            answer.status, answer.headers, answer.body, 404, "receipt_not_found"
        )
        _require(problem is None, problem or "")
        return "404 application/json receipt_not_found"

    def api_headers(self) -> str:
        answers = [s for s in self.transport.seen if "/followup/" in s.url]
        _require(bool(answers), "no API answer was recorded")
        for seen in answers:
            problems = expect.header_problems(seen.response.headers)
            _require(not problems, f"{seen.response.status}: " + "; ".join(problems))
        return f"{len(answers)} jawaban/answers"

    # -- all of it ---------------------------------------------------------------------

    def run(self) -> Checks:
        c = self.checks
        c.run("site", "Halaman situs", "Site page", self.site)
        c.run(
            "site-headers",
            "Header keamanan situs",
            "Site security headers",
            self.site_headers,
            ["site"],
        )
        c.run("channels", "Daftar saluran", "channels.json", self.fetch_channels)
        c.run(
            "submit",
            "Kirim laporan uji + lampiran",
            "File test report + attachment",
            self.file_report,
            ["channels"],
        )
        c.run("mark", "Tandai sebagai uji", "Mark as test", self.mark, ["submit"])
        c.run(
            "followup",
            "Tindak lanjut (kode)",
            "Follow-up (receipt)",
            self.followup,
            ["submit"],
        )
        c.run("read", "Baca & dekripsi", "Read & decrypt", self.read, ["submit"])
        c.run("reply", "Balas pelapor", "Reply to reporter", self.reply, ["submit"])
        c.run(
            "status",
            "Ubah status + alasan",
            "Change status + reason",
            self.change_status,
            ["submit"],
        )
        c.run(
            "reporter-reads",
            "Pelapor baca balasan",
            "Reporter reads reply",
            self.reporter_reads,
            ["reply", "status"],
        )
        c.run("site-404", "Halaman tak ada: 404 HTML", "Missing page: HTML 404", self.site_404)
        c.run(
            "api-404",
            "Kode tak dikenal: 404 JSON",
            "Unknown receipt: JSON 404",
            self.api_404,
            ["channels"],
        )
        c.run(
            "api-headers",
            "Header keamanan API",
            "API security headers",
            self.api_headers,
            ["channels"],
        )
        return c


def as_json(url: str, smoke: Smoke) -> str:
    rows = smoke.checks.rows
    return json.dumps(
        {
            "ok": smoke.checks.ok,
            "url": url,
            "case": smoke.filed.case if smoke.filed else None,
            "checks": [r.json() for r in rows],
        },
        ensure_ascii=False,
    )
