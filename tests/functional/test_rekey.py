"""Roster changes: a reviewer gives old cases to a newcomer with rekey records (ADR 0044).

The case is filed for the old roster; the roster then changes (nina joins pengaduan, agus
leaves it) and the reviewer API runs with the new configuration over the same store. rina,
on both rosters, rekeys; nina then reads the report, a message and an attachment, while the
originals stay byte for byte what was stored (so the reporter's signature still verifies).
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest

from peluit import age
from peluit.age.rewrap import rewrap
from peluit.api.reviewer import Services, build_reviewer_app
from peluit.config import Config
from peluit.core import rekey
from peluit.keys import KeyFile
from peluit.review.client import ReviewClient
from peluit.review.desk import ReviewDesk
from peluit.review.errors import ReviewApiError, ReviewInputError
from peluit.review.rekey import rekey_case
from tests.support.cases import Attachment, submit_case
from tests.support.review import (
    ORIGIN,
    Deployment,
    LambdaTransport,
    ReviewTeam,
    audit_actions,
    make_review_team,
)

pytestmark = pytest.mark.functional

ATTACHMENT = bytes(range(256)) * 300  # two segments with the small test limits


def _new_roster(team: ReviewTeam) -> tuple[Config, KeyFile]:
    nina = KeyFile.generate("nina", "Nina (Inspektorat)", ("reviewer",))
    raw: dict[str, Any] = team.config.model_dump(mode="json")
    raw["people"].append(
        {
            "id": "nina",
            "name": nina.name,
            "roles": ["reviewer"],
            "age_recipient": nina.age_recipient,
            "signing_key": nina.signing_public_key,
        }
    )
    for channel in raw["channels"]:
        if channel["id"] == "pengaduan":
            channel["reviewers"] = ["rina", "nina"]  # agus leaves the channel
    return Config.model_validate(raw), nina


class Redeployed:
    """The reviewer API with another configuration over the same store (a redeploy)."""

    def __init__(self, old: Deployment, config: Config) -> None:
        self.config = config
        self.store = old.store
        app = build_reviewer_app(Services.build(config, old.store, old.clock))
        self.transport = LambdaTransport(app, old.store)
        self.clock = old.clock

    def desk(self, key: KeyFile) -> ReviewDesk:
        client = ReviewClient(ORIGIN, key, self.transport, clock=self.clock)
        return ReviewDesk(self.config, key, client, clock=self.clock)


@pytest.fixture
def world() -> tuple[Deployment, Redeployed, KeyFile, str]:
    team = make_review_team()
    old = Deployment(team)
    case = submit_case(
        team.config,
        old.store,
        {"what": "Pungutan liar di kantor kecamatan."},
        attachments=[Attachment("bukti.bin", ATTACHMENT)],
        clock=old.clock,
    ).case
    old_desk = ReviewDesk(team.config, team.key("rina"), old.client("rina"), clock=old.clock)
    old_desk.reply(case, "Terima kasih, laporan Anda kami terima.")
    config, nina = _new_roster(team)
    return old, Redeployed(old, config), nina, case


def test_a_newcomer_reads_an_old_case_once_a_reviewer_rekeyed_it(world: Any) -> None:
    old, new, nina, case = world
    before = {k: bytes(v) for k, v in old.store.objects.items() if k.startswith(f"cases/{case}/")}
    newcomer = new.desk(nina)
    with pytest.raises(age.NoMatchError):
        newcomer.report(case)  # encrypted before nina joined

    rina = new.desk(old.review_team.key("rina"))
    result = rekey_case(new.config, rina.key, rina.client, case)

    assert set(result.stored) == {
        "report.age",
        "files/00/00000.age",
        "files/00/00001.age",
        "thread/00001-rina.age",
    }
    for key, data in before.items():  # nothing written by the reporter or the team changed
        assert old.store.objects[key] == data
    opened = new.desk(nina).open_case(case)
    assert opened.report is not None
    assert opened.report.document is not None
    assert opened.report.document.answers["what"] == "Pungutan liar di kantor kecamatan."
    assert [m.text for m in opened.messages] == ["Terima kasih, laporan Anda kami terima."]
    entry, chunks = new.desk(nina).attachment(case, 0)
    assert b"".join(chunks) == ATTACHMENT
    assert entry.name == "bukti.bin"
    # the reader checked the original's hash (what the reporter's signature covers)
    report = before[f"cases/{case}/report.age"]
    assert opened.signature == rina.open_case(case).signature
    assert rina._reader.hashes()[(case, "report.age")] == hashlib.sha256(report).hexdigest()
    assert [a for a, c in audit_actions(old.store) if c == case].count("case.rekey") == 4


def test_a_second_run_skips_what_already_has_a_record_for_this_roster(world: Any) -> None:
    old, new, _, case = world
    rina = new.desk(old.review_team.key("rina"))
    first = rekey_case(new.config, rina.key, rina.client, case)
    records = {k for k in old.store.objects if f"cases/{case}/rekey/" in k}

    second = rekey_case(new.config, rina.key, rina.client, case)

    assert (second.stored, sorted(second.current)) == ([], sorted(first.stored))
    assert {k for k in old.store.objects if f"cases/{case}/rekey/" in k} == records


def test_a_departed_reviewer_gets_nothing_from_a_rekey(world: Any) -> None:
    old, new, _, case = world
    rina = new.desk(old.review_team.key("rina"))
    rekey_case(new.config, rina.key, rina.client, case)
    records = [k for k in old.store.objects if f"cases/{case}/rekey/" in k]
    agus = old.review_team.key("agus").identity
    for key in records:
        record = rekey.parse(bytes(old.store.objects[key]))
        original = bytes(old.store.objects[f"cases/{case}/{record.object}"])
        spliced = record.header + original[record.payload_offset :]
        with pytest.raises(age.NoMatchError):
            age.decrypt(spliced, [agus])
        assert len(age.decrypt(spliced, [rina.key.identity])) >= 0


def test_the_server_refuses_a_record_that_is_not_the_writers_or_not_for_the_file(
    world: Any,
) -> None:
    old, new, _, case = world
    rina = new.desk(old.review_team.key("rina"))
    report = bytes(old.store.objects[f"cases/{case}/report.age"])
    recipients = [age.parse_recipient(r) for r in _recipients(new.config)]
    header, offset = rewrap(report, [rina.key.identity], recipients)
    agus = old.review_team.key("agus")
    current = rekey.recipients_fingerprint(_recipients(new.config))
    previous = rekey.recipients_fingerprint(_recipients(old.config))

    def record(
        signer: KeyFile, original: bytes = report, head: bytes = header
    ) -> rekey.RekeyRecord:
        return rekey.make(
            case, "report.age", original, head, offset, current, "rina", signer.signing_key
        )

    forged = record(agus)
    wrong_file = record(rina.key, original=report + b"x")
    too_few = record(rina.key, head=header[: offset // 2])
    stale = rekey.make(
        case, "report.age", report, header, offset, previous, "rina", rina.key.signing_key
    )
    stored = set(old.store.objects)
    for made, code in [
        (forged, "bad_rekey"),
        (wrong_file, "bad_rekey"),
        (stale, "bad_rekey"),  # made with an old peluit.toml
        (too_few, "invalid_ciphertext"),
    ]:
        with pytest.raises(ReviewApiError) as refused:
            rina.client.store_rekey(case, made.to_bytes())
        assert (refused.value.status, refused.value.code) == (400, code)
    oversight = new.desk(old.review_team.key("kpk-liaison"))
    good = record(rina.key)
    with pytest.raises(ReviewApiError) as refused:
        oversight.client.store_rekey(case, good.to_bytes())
    assert refused.value.code == "forbidden"
    assert set(old.store.objects) - stored <= {k for k in old.store.objects if "nonces/" in k}
    with pytest.raises(ReviewInputError):
        rekey_case(new.config, oversight.key, oversight.client, case)


def test_a_reader_ignores_a_record_signed_by_someone_off_the_roster(world: Any) -> None:
    old, new, nina, case = world
    rina = new.desk(old.review_team.key("rina"))
    rekey_case(new.config, rina.key, rina.client, case, only=["report.age"])
    (key,) = [k for k in old.store.objects if f"cases/{case}/rekey/" in k]
    raw = json.loads(old.store.objects[key])
    outsider = KeyFile.generate("rina", "Not Rina", ("reviewer",))
    record = rekey.parse(bytes(old.store.objects[key]))
    resigned = rekey.make(
        case,
        "report.age",
        bytes(old.store.objects[f"cases/{case}/report.age"]),
        record.header,
        record.payload_offset,
        record.recipients_sha256,
        "rina",
        outsider.signing_key,
    )
    old.store.objects[key] = resigned.to_bytes()  # the server swaps the signature
    assert raw["signature"] != resigned.signature.hex()
    with pytest.raises(age.NoMatchError):
        new.desk(nina).report(case)
    assert base64.b64decode(raw["header"]) == record.header


def _recipients(config: Config) -> list[str]:
    channel = config.channel("pengaduan")
    assert channel is not None
    return config.report_recipients(channel)
