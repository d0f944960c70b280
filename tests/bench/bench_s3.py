"""Benchmark of the reviewer listing on S3: store calls per page. Run with
`python -m tests.bench.bench_s3` (`make bench`). It prints figures and always exits 0.

The store is `S3Store` over a moto server on 127.0.0.1 (moto's own HTTP server, so every call
is a real request through botocore), filled with `TOTALS` complete cases of one channel
(`state.json` and the channel's index entry of each, written with the S3 client directly).
A reviewer's `ReviewClient.list_cases` then pages through them 100 at a time through the
reviewer API's resolver in this process (signed, verified, nonce spent, audited), and every
S3 call the API makes is counted by a botocore `before-call` hook: reads, listings and
writes alike (the nonce ledger and the audit log are in the same store).

Target: at most 2 store calls per case shown, and no more per page for a larger total.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import logging
import os
import platform
import sys
import time
from datetime import date, timedelta
from typing import Any

import boto3  # type: ignore[import-untyped]
from moto.server import ThreadedMotoServer

from peluit.api.reviewer import Services, build_reviewer_app
from peluit.core import layout
from peluit.core.dates import utc_now
from peluit.core.ids import case_id
from peluit.review.client import ReviewClient
from peluit.review.transport import HttpRequest, HttpResponse
from peluit.store.s3 import S3Store, make_s3_client
from tests.bench import summary
from tests.support.review import ORIGIN, http_event, lambda_context, make_review_team, response_of
from tests.support.submitting import free_port

PAGE = 100
TOTALS = (300, 1200)
GOAL_PER_CASE = 2.0
BUCKET = "peluit-bench-cases"


class _InProcess:
    def __init__(self, app: Any) -> None:
        self._app = app

    def send(self, request: HttpRequest) -> HttpResponse:
        return response_of(self._app.resolve(http_event(request), lambda_context()))

    def fetch(self, url: str) -> bytes:
        raise NotImplementedError


class _Calls:
    """S3 operations made through one botocore client, by name."""

    def __init__(self, client: Any) -> None:
        self.counts: collections.Counter[str] = collections.Counter()
        client.meta.events.register("before-call.s3.*", self._count)

    def _count(self, model: Any, **_: Any) -> None:
        self.counts[model.name] += 1

    def take(self) -> collections.Counter[str]:
        taken, self.counts = self.counts, collections.Counter()
        return taken


def _fill(client: Any, first: int, count: int) -> None:
    start = date(2025, 1, 1)
    for n in range(first, first + count):
        case = case_id(hashlib.sha256(n.to_bytes(4, "big")).hexdigest()[:32])
        day = (start + timedelta(days=n % 365)).isoformat()
        state = {
            "version": 1, "channel": "pengaduan", "status": "diterima", "received": day,
            "files": 0, "identity": False, "tags": [], "target": None,
            "history": [{"status": "diterima", "on": day}],
            "thread_index": True,  # as finalization writes it (ADR 0056)
        }  # fmt: skip
        client.put_object(Bucket=BUCKET, Key=layout.case_state(case), Body=json.dumps(state))
        client.put_object(Bucket=BUCKET, Key=layout.case_index("pengaduan", day, case), Body=b"")


def _pages(reviewer: ReviewClient, calls: _Calls) -> tuple[list[int], list[int], float]:
    """(calls per page, cases per page, seconds) of one listing from the start."""
    per_page, shown = [], []
    cursor = None
    start = time.perf_counter()
    calls.take()
    while True:
        page = reviewer.list_cases("pengaduan", cursor=cursor, limit=PAGE)
        per_page.append(sum(calls.take().values()))
        shown.append(len(page.cases))
        cursor = page.next_cursor
        if cursor is None:
            return per_page, shown, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.bench_s3")
    parser.parse_args(argv)
    print(f"bench_s3 — Python {platform.python_version()}; moto server on 127.0.0.1")
    # moto takes any credentials; these only keep botocore from looking for real ones
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        os.environ[name] = "moto"
    os.environ.pop("AWS_PROFILE", None)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{server._port}"
        raw = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        raw.create_bucket(Bucket=BUCKET)
        client = make_s3_client("us-east-1", endpoint)
        calls = _Calls(client)
        team = make_review_team()
        store = S3Store(client, BUCKET)
        app = build_reviewer_app(Services.build(team.config, store, utc_now))
        reviewer = ReviewClient(ORIGIN, team.key("rina"), _InProcess(app))
        results = []
        filled = 0
        for total in TOTALS:
            start = time.perf_counter()
            _fill(raw, filled, total - filled)
            filled = total
            print(f"  set-up: {total} cases in the bucket ({time.perf_counter() - start:.1f} s)")
            per_page, shown, seconds = _pages(reviewer, calls)
            full = [c for c, n in zip(per_page, shown, strict=True) if n == PAGE]
            worst = max(c / n for c, n in zip(per_page, shown, strict=True) if n)
            print(
                f"  {total} cases: {len(per_page)} pages in {seconds:.1f} s; store calls per "
                f"full page of {PAGE}: first {full[0]}, most {max(full)}; per case shown: "
                f"worst {worst:.2f}"
            )
            results.append((total, max(full), worst))
        calls.take()
        reviewer.list_cases("pengaduan", limit=PAGE)
        print(f"  one page of {PAGE}, by operation: {dict(calls.take())}")
    finally:
        server.stop()
    worst = max(r[2] for r in results)
    flat = results[-1][1] <= results[0][1]
    summary.target(
        "S3 listing store calls per case shown",
        f"worst {worst:.2f}; per page of {PAGE}: "
        + ", ".join(f"{calls} at {total} cases" for total, calls, _ in results),
        f"<= {GOAL_PER_CASE:.0f} per case, flat in the total",
        worst <= GOAL_PER_CASE and flat,
    )
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
