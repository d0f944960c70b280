"""`peluit cases rekey`: give cases to the channel's current roster (ADR 0044).

    peluit cases rekey CASE... | --channel C   --key KEYFILE [--server URL] [--config F]

For each file of each case that reviewers and oversight read, a reviewer who can open it
writes a rekey record: the file key re-wrapped for the channel's reviewers and oversight as
the local `peluit.toml` names them, signed with the reviewer's roster key. Payloads are not
touched; each record is audited (`case.rekey`). One line per case.
"""

from __future__ import annotations

from peluit.core.ids import case_reference
from peluit.review.desk import ReviewDesk, case_id
from peluit.review.errors import ReviewInputError
from peluit.review.rekey import rekey_case


def run(desk: ReviewDesk, cases: list[str], channel: str | None) -> list[str]:
    """Rekey the named cases and every case of `channel`; the lines to print."""
    targets = [case_id(c) for c in cases]
    if channel is not None:
        if not desk.reviews(channel):
            raise ReviewInputError(f"you do not review the channel {channel!r}")
        targets += [row.case for row in desk.all_cases(channel)]
    if not targets:
        raise ReviewInputError("name the cases to rekey, or a --channel")
    lines = []
    for case in dict.fromkeys(targets):
        result = rekey_case(desk.config, desk.key, desk.client, case)
        line = f"{case_reference(case)}: {len(result.stored)} berkas/files rekeyed"
        if result.current:
            line += f", {len(result.current)} already for this roster"
        if result.skipped:
            reasons = "; ".join(f"{key}: {why}" for key, why in result.skipped)
            line += f", {len(result.skipped)} skipped ({reasons})"
        lines.append(line)
    return lines
