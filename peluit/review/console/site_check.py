"""The console checks the public site on unlock (issue 15): the same verification as
`peluit verify-site`, against the site URL and the trust of the console's configuration
(its release signers, log key and witnesses). It runs on a thread of its own, so unlocking
never waits for the network; every page shown once it has failed carries a red banner, in
Indonesian first and English second, naming what failed and what to do.

The log checkpoint it saw last is kept in the person's state folder
(`$XDG_STATE_HOME/peluit/site-check/<host>/checkpoint`, default `~/.local/state/…`), so a
fork or rollback of the log between two days' unlocks is caught too.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from peluit.config import Config
from peluit.verify import Fetcher, Outcome, SiteClient, Trust, trust_from_config, verify_site
from peluit.verify.findings import UNREACHABLE

from .html import Html, h

STATE_FILE = "checkpoint"
MAX_LINES = 12  # findings shown in the banner; the rest are counted


def default_state_dir(site_url: str) -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    host = re.sub(r"[^A-Za-z0-9.-]", "_", urlsplit(site_url).netloc) or "site"
    return Path(base) / "peluit" / "site-check" / host


class SiteCheck:
    """One site's verification, started on unlock; the latest outcome, kept in memory."""

    def __init__(
        self,
        url: str,
        trust: Trust,
        state_dir: Path | None,
        fetcher: Callable[[str], Fetcher] = SiteClient,
    ) -> None:
        self.url = url
        self.trust = trust
        self.state_dir = state_dir
        self._fetcher = fetcher
        self._lock = threading.Lock()
        self._outcome: Outcome | None = None
        self._running: threading.Thread | None = None

    @classmethod
    def for_config(cls, config: Config) -> SiteCheck | None:
        """The check the configuration allows: None without release signers to trust."""
        trust = trust_from_config(config)
        if trust is None:
            return None
        url = str(config.organisation.site_url)
        return cls(url, trust, default_state_dir(url))

    @property
    def outcome(self) -> Outcome | None:
        with self._lock:
            return self._outcome

    def start(self) -> threading.Thread:
        """Run the check on a thread (one at a time); the thread, to wait for in tests."""
        with self._lock:
            if self._running is not None and self._running.is_alive():
                return self._running
            self._running = threading.Thread(target=self.run, name="site-check", daemon=True)
            self._running.start()
            return self._running

    def run(self) -> Outcome:
        state_file = self.state_dir / STATE_FILE if self.state_dir is not None else None
        state = state_file.read_bytes() if state_file is not None and state_file.is_file() else None
        try:
            outcome = verify_site(self._fetcher(self.url), self.trust, state)
        except Exception as exc:  # noqa: BLE001 - fail closed: a check that broke is a banner
            outcome = Outcome()
            outcome.fail(UNREACHABLE, "site", f"the check could not finish ({type(exc).__name__})")
        if state_file is not None and outcome.checkpoint is not None:
            try:
                state_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                partial = state_file.with_name(STATE_FILE + ".part")
                partial.write_bytes(outcome.checkpoint)
                partial.replace(state_file)
            except OSError as exc:
                outcome.fail("state", str(state_file), f"could not be kept ({exc.strerror})")
        with self._lock:
            self._outcome = outcome
        return outcome

    def banner(self) -> Html:
        """The red banner when the last check failed; nothing while it runs or when it held."""
        outcome = self.outcome
        if outcome is None or outcome.ok:
            return Html("")
        lines = [f.line() for f in outcome.findings]
        shown = "".join(f"<li><code>{h(line)}</code></li>" for line in lines[:MAX_LINES])
        more = len(lines) - MAX_LINES
        if more > 0:
            shown += f"<li>… +{more}</li>"
        if all(f.check == UNREACHABLE for f in outcome.findings):
            headline = (
                "PERINGATAN: situs publik tidak dapat diperiksa.",
                "WARNING: the public site could not be checked.",
            )
        else:
            headline = (
                "PERINGATAN: situs publik tidak sama dengan rilis yang ditandatangani.",
                "WARNING: the public site is not its signed release.",
            )
        return Html(
            '<div class="error site-check" role="alert" id="site-check">'
            f"<p><strong>{headline[0]}</strong> Laporan baru mungkin dapat dibaca orang lain. "
            "Jangan sebarkan tautan "
            "formulir; beri tahu penghubung KPK dan pengelola situs sekarang, dan jangan "
            "menandatangani rilis baru sebelum diperiksa.</p>"
            f'<p lang="en"><strong>{headline[1]}</strong> '
            "New reports may be readable by someone else. Do not share the form's link; tell "
            "the KPK liaison and the site's operator now, and sign no new release until this "
            "is explained.</p>"
            f'<p class="small">{h(self.url)}</p><ul class="small">{shown}</ul></div>'
        )
