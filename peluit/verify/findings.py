"""What a verification found: one line each, named so a person (and a test) knows which
check failed and on what (`FAIL file-changed assets/peluit/form.js: …`)."""

from __future__ import annotations

from dataclasses import dataclass, field

# The checks, each a stable name (docs/operator-guide.md#running-the-monitor lists them).
RELEASE_MISSING = "release-missing"
RELEASE_FORMAT = "release-format"
RELEASE_SIGNATURE = "release-signature"
RELEASE_THRESHOLD = "release-threshold"
RELEASE_SITE = "release-site"
LOG_MISSING = "log-missing"
LOG_SIGNATURE = "log-signature"
LOG_COSIGNATURES = "log-cosignatures"
LOG_FORK = "log-fork"
LOG_ROLLBACK = "log-rollback"
LOG_TILES = "log-tiles"
LOG_INCLUSION = "log-inclusion"
LOG_ENTRY = "log-entry"
LOG_STALE = "log-stale"
LOG_COSIGNATURE_FUTURE = "log-cosignature-future"
OLDER_RELEASE = "older-release"
STATE = "state"
FILE_MISSING = "file-missing"
FILE_CHANGED = "file-changed"
HEADER_CHANGED = "header-changed"
HEADER_MISSING = "header-missing"
HEADER_FORBIDDEN = "header-forbidden"
HEADER_VARY = "header-vary"
ADDRESS_CHANGED = "address-changed"
VARIANT_CHANGED = "variant-changed"
ENCODING_UNASKED = "encoding-unasked"
ENCODING_UNCHECKED = "encoding-unchecked"
RECIPIENT_ADDED = "recipient-added"
RECIPIENT_REMOVED = "recipient-removed"
CHANNEL_CHANGED = "channel-changed"
UNREACHABLE = "unreachable"


@dataclass(frozen=True)
class Finding:
    check: str  # one of the names above
    subject: str  # the file, header, recipient, channel or log it is about
    detail: str

    def line(self) -> str:
        return f"FAIL {self.check} {self.subject}: {self.detail}"


@dataclass
class Outcome:
    """Every finding of one verification, what held, and the checkpoint to remember (the
    log's, when its signature, cosignatures and consistency held; else None)."""

    findings: list[Finding] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    checkpoint: bytes | None = None

    @property
    def ok(self) -> bool:
        return not self.findings

    def fail(self, check: str, subject: str, detail: str) -> None:
        self.findings.append(Finding(check, subject, detail))

    def lines(self) -> list[str]:
        return [f.line() for f in self.findings] + [f"ok {line}" for line in self.held]
