"""Wiring `peluit serve`: configuration, local store, service, server."""

from __future__ import annotations

import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from peluit.api.public import PublicServices, build_public_app
from peluit.api.reviewer import Services, build_reviewer_app
from peluit.config import Config, load_config
from peluit.config.demo import ensure_demo
from peluit.core.dates import utc_now
from peluit.release import source_commit
from peluit.release.demo import publish_demo_release
from peluit.site import build_site
from peluit.site.build import SOURCE_DIR
from peluit.store.local import LocalStore, LocalUrlSigner

from .server import (
    DOWNLOAD_PREFIX,
    UPLOAD_PREFIX,
    Lane,
    Limits,
    Pacing,
    PeluitServer,
    expire_staging_periodically,
)


@dataclass(frozen=True)
class ServeOptions:
    host: str
    port: int
    data: Path
    config: Path | None
    site: Path | None
    limits: Limits | None = None  # connection timeout and cap (default: server.Limits())


def _upload_secret(data: Path) -> bytes:
    """A per-installation secret that signs local upload URLs, made once, kept 0600."""
    path = data / "upload-secret"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    secret = secrets.token_bytes(32)
    with os.fdopen(fd, "wb") as out:
        out.write(secret)
    return secret


def load_or_create_config(options: ServeOptions, base_url: str) -> tuple[Config, Path, bool]:
    if options.config is not None:
        return load_config(options.config), options.config, False
    path = ensure_demo(options.data, base_url)
    return load_config(path), path, True


def build_server(options: ServeOptions) -> tuple[PeluitServer, Config, Path, bool]:
    options.data.mkdir(parents=True, exist_ok=True, mode=0o700)
    base_url = f"http://{options.host}:{options.port}"
    config, config_path, demo = load_or_create_config(options, base_url)
    urls = LocalUrlSigner(
        secret=_upload_secret(options.data),
        # Same-origin and relative: the page that uploads is served by this same server,
        # whatever name or address the browser used to reach it.
        upload_base_url=UPLOAD_PREFIX.rstrip("/"),
        download_base_url=DOWNLOAD_PREFIX.rstrip("/"),
    )
    store = LocalStore(root=options.data / "store", clock=utc_now, urls=urls)
    # The follow-up's minimum answer time is waited out after the request's lane is free.
    pacing = Pacing()
    app = build_public_app(PublicServices.build(config, store, utc_now, sleep=pacing.defer))
    reviewer = build_reviewer_app(Services.build(config, store, utc_now))

    def more_lanes() -> Lane:
        """Resolvers for one more concurrent API request, over the same store (built once
        the server is listening: the reviewer API's origin is known by then)."""
        paced = Pacing()
        another = build_reviewer_app(Services.build(config, store, utc_now), reviewer.origin)
        public = build_public_app(PublicServices.build(config, store, utc_now, sleep=paced.defer))
        return Lane(public, another, paced)

    if options.site is None:
        # The site carries the configuration's forms and keys: build it for this one.
        site: Path | None = options.data / "site"
        build_site(config_path, options.data / "site")
        if demo and config.release is not None:
            # The demo's signed release at /.well-known/peluit/release.json (docs/format.md).
            publish_demo_release(
                config, options.data, options.data / "site", source_commit(SOURCE_DIR)
            )
    else:
        site = options.site if options.site.is_dir() else None
    server = PeluitServer(
        (options.host, options.port),
        app,
        store,
        site,
        reviewer,
        pacing,
        limits=options.limits,
        pow_bits=config.limits.pow_bits,  # the edge's check, as `peluit deploy` sets PowBits
        more_lanes=more_lanes,
    )
    # Signatures cover the URL the review tool called: this server's own address.
    reviewer.origin = f"http://{options.host}:{server.server_address[1]}"
    expire_staging_periodically(store, threading.Event())
    return server, config, config_path, demo
