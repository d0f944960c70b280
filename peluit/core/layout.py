"""Object keys of the storage layout (docs/format.md); the same on S3 and locally."""


def staging_segment(submission: str, file: int, segment: int) -> str:
    return f"staging/{submission}/{file:02d}/{segment:05d}.age"


def case_prefix(case: str) -> str:
    return f"cases/{case}/"


def case_marker(case: str) -> str:
    return f"cases/{case}/submission.json"


def case_report(case: str) -> str:
    return f"cases/{case}/report.age"


def case_identity(case: str) -> str:
    return f"cases/{case}/identity.age"


def case_segment(case: str, file: int, segment: int) -> str:
    return f"cases/{case}/files/{file:02d}/{segment:05d}.age"


def case_state(case: str) -> str:
    return f"cases/{case}/state.json"


def lookup(lookup_hash: bytes) -> str:
    return f"lookup/{lookup_hash.hex()}.json"
