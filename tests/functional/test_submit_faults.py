"""The submission client against faults of an in-process `peluit serve`: the store failing
part-way through a finalization (the client retries: exactly one case, nothing lost), and
uploads whose size or hash differ from the plan (refused, nothing stored)."""

from __future__ import annotations

import base64
import hashlib
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from peluit import age
from peluit.cli import submit_cmd
from peluit.client import ApiError, SubmitError, SubmitRequest, submit
from peluit.client.api import ApiClient, SegmentOut
from peluit.client.channels import fetch_channels, hybrid_recipients
from peluit.client.http import RetryPolicy, Transport
from peluit.core.ids import case_id
from peluit.core.receipt import ReceiptCode
from peluit.store.local import LocalStore
from peluit.store.port import ObjectInfo, PreparedWrite
from tests.support.submitting import (
    InProcess,
    case_dir,
    case_dirs,
    low_pow_config,
    read_case,
    serve_in_thread,
)

pytestmark = pytest.mark.functional

FIELDS = {"what": "a", "who": "b", "where": "c", "when": "d", "area": "pengadaan"}
FAST = RetryPolicy(attempts=6, base_delay=0.01, max_delay=0.05)


class SimulatedStoreFailureError(Exception):
    """The store failed at this write; the write did not happen."""


class Flaky:
    """Makes the served store's `fail_at`-th write (counted from arming) fail once. It arms the
    store every lane of `peluit serve` shares (ADR 0051), and counts under a lock: finalize's
    independent writes run side by side."""

    WRITES = ("put_new", "put_new_stream", "replace", "copy_new")

    def __init__(self, store: LocalStore, fail_at: int, monkeypatch: pytest.MonkeyPatch) -> None:
        self.fail_at = fail_at
        self.writes = 0
        self.failed = False
        self._lock = threading.Lock()
        for name in self.WRITES:
            monkeypatch.setattr(store, name, self._failing(getattr(store, name)))
        # a write prepared ahead (ADR 0060) happens when it is committed
        for name in ("prepare_new", "prepare_copy"):
            monkeypatch.setattr(store, name, self._preparing(getattr(store, name)))

    def _failing(self, write: Callable[..., ObjectInfo]) -> Callable[..., ObjectInfo]:
        def failing(*args: Any, **kwargs: Any) -> ObjectInfo:
            with self._lock:
                if not self.failed:
                    self.writes += 1
                    if self.writes == self.fail_at:
                        self.failed = True
                        raise SimulatedStoreFailureError(f"write {self.writes}")
            return write(*args, **kwargs)

        return failing

    def _preparing(self, prepare: Callable[..., PreparedWrite]) -> Callable[..., Any]:
        def preparing(key: str, *what: Any) -> Any:
            prepared = prepare(key, *what)
            return SimpleNamespace(commit=self._failing(prepared.commit), discard=prepared.discard)

        return preparing


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InProcess]:
    data = tmp_path_factory.mktemp("faults") / "var"
    with serve_in_thread(data, low_pow_config(data)) as running:
        yield running


def flaky_store(running: InProcess, fail_at: int, monkeypatch: pytest.MonkeyPatch) -> Flaky:
    return Flaky(running.server.store, fail_at, monkeypatch)


def count(running: InProcess, prefix: str) -> int:
    root = running.data / "store" / "objects" / prefix
    return sum(1 for p in root.rglob("*") if p.is_file()) if root.is_dir() else 0


# Writes of a finalization with two segments and an identity block: the submission marker,
# two segment copies, report, identity, lookup, reply key, index entry, state.json.
@pytest.mark.parametrize("fail_at", [1, 2, 3, 4, 5, 6, 7, 8, 9])
def test_a_store_failure_mid_finalize_is_retried_into_exactly_one_case(
    served: InProcess, tmp_path: Path, fail_at: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = flaky_store(served, fail_at, monkeypatch)
    originals = [os.urandom(1000), os.urandom(3000)]
    paths = []
    for i, content in enumerate(originals):
        path = tmp_path / f"f{i}.bin"
        path.write_bytes(content)
        paths.append(path)
    before = (len(case_dirs(served.data)), count(served, "lookup"), count(served, "index"))
    request = SubmitRequest(
        channel="pengaduan",
        fields=FIELDS,
        identity_choice="confidential",
        identity_fields={"reporter_name": "Siti", "reporter_contact": "0812-0000-0000"},
        files=paths,
    )
    result = submit(served.base, request, Transport(retry=FAST))

    assert store.failed  # the failure did happen, and the client got through it
    after = (len(case_dirs(served.data)), count(served, "lookup"), count(served, "index"))
    assert after == (before[0] + 1, before[1] + 1, before[2] + 1)
    folder = case_dir(served.data, result.case)
    assert (folder / "state.json").is_file()
    assert (folder / "identity.age").is_file()
    report, files = read_case(served.data, result.case)
    assert files == originals
    assert [f.name for f in report.files] == ["f0.bin", "f1.bin"]


def test_uploads_of_the_wrong_size_or_hash_are_refused(served: InProcess) -> None:
    transport = Transport(retry=FAST)
    doc = fetch_channels(served.base, transport)
    client = ApiClient(served.base, doc.api, doc.limits.pow_bits, transport)
    recipients = hybrid_recipients(doc.channels["pengaduan"].report_recipients)
    body = age.encrypt(b"bukti" * 100, recipients)
    segment = SegmentOut(0, 0, len(body), hashlib.sha256(body).hexdigest())
    submission = os.urandom(16).hex()
    [upload] = client.plan_uploads(submission, "pengaduan", [segment])
    url = served.base + upload.url
    checksum = {k: v for k, v in upload.headers.items() if k.lower() != "content-length"}
    staged = served.data / "store" / "objects" / "staging" / submission / "00" / "00000.age"

    shorter = transport.send("PUT", url, body[:-1], checksum, 30)
    longer = transport.send("PUT", url, body + b"x", checksum, 30)
    altered = bytes([body[0] ^ 1]) + body[1:]
    wrong_hash = transport.send("PUT", url, altered, checksum, 30)
    no_checksum = transport.send("PUT", url, altered, {}, 30)
    assert [r.status for r in (shorter, longer, wrong_hash, no_checksum)] == [403] * 4
    assert not staged.exists()
    assert not staged.parent.exists() or list(staged.parent.iterdir()) == []

    assert transport.send("PUT", url, body, checksum, 30).status == 200
    assert staged.read_bytes() == body
    assert transport.send("PUT", url, body, checksum, 30).status == 409  # create-only

    # A finalization that declares another size or hash for the stored segment is refused.
    code = ReceiptCode.generate()
    for declared in (
        SegmentOut(0, 0, len(body), hashlib.sha256(altered).hexdigest()),
        SegmentOut(0, 0, len(body) + 1, segment.sha256),
    ):
        with pytest.raises(ApiError) as refused:
            client.finalize(
                submission,
                {
                    "channel": "pengaduan",
                    "report": base64.b64encode(age.encrypt(b"{}", recipients)).decode(),
                    "identity": None,
                    "segments": [declared.json()],
                    "lookup_hash": code.lookup_hash().hex(),
                    "reply_recipient": code.reply_identity().recipient().encode(),
                },
            )
        assert 400 <= refused.value.status < 500
    assert not (served.data / "store" / "objects" / "cases" / case_id(submission)).exists()


def test_the_cli_fails_in_one_line_with_a_non_zero_exit(
    served: InProcess, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["--server", served.base]
    cases = [
        [*base, "--channel", "tidak-ada", "--field", "what=x"],
        [*base, "--channel", "pengaduan", "--field", "what=x"],  # required fields missing
        [*base, "--channel", "pengaduan", "--field", "nope=x"],
        [*base, "--channel", "gratifikasi", "--identity-choice", "anonymous"],
        [*base, "--channel", "pengaduan", "--field", "what"],
        ["--server", "http://127.0.0.1:9", "--channel", "pengaduan"],
    ]
    before = len(case_dirs(served.data))
    for argv in cases:
        # Port 9: nothing listens; retried (without waiting here), then a network error.
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(RetryPolicy, "delay", lambda _self, _attempt: 0.0)
            code = submit_cmd.main(argv)
        out, err = capsys.readouterr()
        assert (code, out) == (1, "")
        assert err.startswith("peluit submit: error: ")
        assert err.count("\n") == 1
    assert len(case_dirs(served.data)) == before


def test_only_post_quantum_recipients_are_accepted() -> None:
    classic = age.X25519Identity.generate().recipient().encode()
    hybrid = age.HybridIdentity.generate().recipient().encode()
    assert len(hybrid_recipients([hybrid])) == 1
    for texts in ([classic], [hybrid, classic], [], ["age1pq1notakey"]):
        with pytest.raises(SubmitError):
            hybrid_recipients(texts)
