"""The follow-up world (tests/support/followup.py) on S3 under moto, as deployed on AWS: the
public function's code on one S3 client, the reviewer function's on another (each a client
made by `make_s3_client`, as production makes them), the case bucket and the staging bucket,
and the browser's requests to presigned URLs made over HTTP as a browser makes them.

`S3World.recorder` sees every call both clients make (tests/support/s3calls.py). What the
test itself reads to check results goes through a third, unrecorded client (`BrowserView`):
only the functions' calls are the deployment's.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator, Mapping
from datetime import timedelta
from typing import Any, cast

import requests  # moto intercepts it

from peluit.api.public import PublicServices, build_public_app
from peluit.api.reviewer import Services, build_reviewer_app
from peluit.core.submission import SubmissionService
from peluit.store.errors import ObjectNotFoundError
from peluit.store.port import ObjectInfo
from peluit.store.s3 import S3Store, make_s3_client
from tests.support.fakes import FixedClock, MemoryStore
from tests.support.followup import FollowupWorld
from tests.support.policies import REGION
from tests.support.review import LambdaTransport, ReviewTeam
from tests.support.s3calls import S3CallRecorder

UPLOAD_LIFETIME = timedelta(minutes=15)


class Objects(Mapping[str, bytes]):
    """Every object of both buckets, read with the unrecorded client."""

    def __init__(self, store: S3Store) -> None:
        self._store = store

    def __getitem__(self, key: str) -> bytes:
        try:
            return self._store.get(key)
        except ObjectNotFoundError:
            raise KeyError(key) from None

    def __iter__(self) -> Iterator[str]:
        yield from self._store.list_keys("staging/")
        yield from self._store.list_keys("nonces/")
        yield from (
            k for k in self._store.list_keys("") if not k.startswith(("staging/", "nonces/"))
        )

    def __len__(self) -> int:
        return sum(1 for _ in self)


class BrowserView:
    """What `FollowupWorld` and `Deployment` use `world.store` for, on S3: the browser's
    uploads and downloads through presigned URLs, and the test's own reads."""

    def __init__(self, inspector: S3Store, public: S3Store) -> None:
        self.objects = Objects(inspector)
        self._inspector = inspector
        self._public = public

    def keys(self, prefix: str = "") -> list[str]:
        return sorted(self._inspector.list_keys(prefix))

    def put_new(self, key: str, data: bytes) -> ObjectInfo:
        """A staged segment as the browser stores it: a PUT to a URL the public function
        presigned (the helpers that file cases stage their attachments this way)."""
        assert key.startswith("staging/"), f"the browser writes only staged uploads, not {key}"
        ticket = self._public.presign_put(
            key, len(data), hashlib.sha256(data).digest(), UPLOAD_LIFETIME
        )
        return self._put(ticket.url, data, dict(ticket.headers), key)

    def upload(self, url: str, data: bytes) -> ObjectInfo:
        """The browser's PUT of a planned upload (the ticket's headers: checksum, create-only)."""
        headers = {
            "x-amz-checksum-sha256": base64.b64encode(hashlib.sha256(data).digest()).decode(),
            "If-None-Match": "*",
        }
        return self._put(url, data, headers, None)

    def download(self, url: str) -> bytes:
        answer = requests.get(url, timeout=10)
        assert answer.status_code == 200, (answer.status_code, answer.text[:200])
        return answer.content

    def _put(self, url: str, data: bytes, headers: dict[str, str], key: str | None) -> ObjectInfo:
        answer = requests.put(url, data=data, headers=headers, timeout=10)
        assert answer.status_code == 200, (answer.status_code, answer.text[:200])
        return ObjectInfo(key=key or url, size=len(data), etag=answer.headers.get("ETag", ""))


class S3World(FollowupWorld):
    """`FollowupWorld` with each function on its own recorded S3 client (call inside moto)."""

    def __init__(self, review_team: ReviewTeam, bucket: str, staging_bucket: str | None) -> None:
        self.recorder = S3CallRecorder()
        public_client, reviewer_client = make_s3_client(REGION), make_s3_client(REGION)
        self.recorder.attach(public_client, "public")
        self.recorder.attach(reviewer_client, "reviewer")
        self.public_store = S3Store(public_client, bucket, staging_bucket)
        self.reviewer_store = S3Store(reviewer_client, bucket, staging_bucket)
        inspector = S3Store(make_s3_client(REGION), bucket, staging_bucket)

        self.review_team = review_team
        self.config = review_team.config
        self.clock = FixedClock()
        view = BrowserView(inspector, self.public_store)
        # Deployment's helpers call `self.store` a MemoryStore; here it is the same surface
        # (objects, keys, put_new of staged uploads, upload, download) over S3.
        self.store = cast(MemoryStore, view)
        self.app = build_reviewer_app(Services.build(self.config, self.reviewer_store, self.clock))
        self.transport = LambdaTransport(self.app, self.store)
        self.submissions = SubmissionService(self.config, self.public_store, self.clock)
        self.public = build_public_app(
            PublicServices.build(self.config, self.public_store, self.clock, floor=0)
        )


def create_buckets(client: Any, *names: str) -> None:
    for name in names:
        client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": REGION})
