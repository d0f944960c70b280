"""A custodian grants only the identity block the reporter sent with the case (ADR 0059).

Two reporters file confidential identities with `peluit submit`'s client against a real demo
`peluit serve`; a reviewer (rina) asks for one case's identity and the custodian (agus) approves
it with his own desk, as the console and `peluit cases` do. The compromised server is played by
writing into the local store directly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from peluit import age
from peluit.client.channels import ChannelsDocument
from peluit.client.submit import SubmitRequest, submit
from peluit.config import Config
from peluit.config.demo import DEMO_PASSPHRASE, demo_key_path
from peluit.core.receipt import ReceiptCode
from peluit.keys import open_key_file
from peluit.review import identity_grant
from peluit.review.client import ReviewClient
from peluit.review.desk import ReviewDesk
from peluit.review.errors import ReviewInputError
from peluit.review.reading import read_identity
from peluit.review.transport import UrllibTransport
from peluit.site.forms import channels_document
from tests.support.console import ConsoleUnderTest, DemoServer

pytestmark = pytest.mark.functional

FIELDS = {"what": "suap izin", "who": "kepala dinas", "where": "kantor", "when": "Maret"}
FIELDS |= {"area": "perizinan"}

# `served` (a demo peluit serve) comes from tests/functional/conftest.py


def _desk(served: DemoServer, person: str, config: Config | None = None) -> ReviewDesk:
    key = open_key_file(demo_key_path(served.data, person).read_bytes(), DEMO_PASSPHRASE)
    client = ReviewClient(served.base, key, UrllibTransport(30))
    return ReviewDesk(config or served.config, key, client)


def _custodian_only(config: Config) -> Config:
    """Agus's own configuration if he guarded the channel's identities without reading its
    reports: his tool then cannot check the reporter's signature (ADR 0059)."""
    channels = [
        c.model_copy(update={"reviewers": ["rina"]}) if c.id == "pengaduan" else c
        for c in config.channels
    ]
    return config.model_copy(update={"channels": channels})


def _file(served: DemoServer, name: str) -> str:
    """A case with a confidential identity (`name`), filed by the reporter's client."""
    channels = ChannelsDocument.model_validate(channels_document(served.config))
    request = SubmitRequest(
        "pengaduan",
        FIELDS,
        identity_choice="confidential",
        identity_fields={"reporter_name": name, "reporter_contact": "0812-0000-0000"},
    )
    receipt = submit(served.base, request, channels=channels).receipt
    lookup = ReceiptCode.parse(receipt).lookup_hash().hex()
    entry = json.loads(served.objects(f"lookup/{lookup}.json")[f"lookup/{lookup}.json"])
    case: str = entry["case"]
    return case


def _object(served: DemoServer, case: str, name: str) -> Path:
    return served.data / "store" / "objects" / "cases" / case / name


def _granted_name(served: DemoServer, rina: ReviewDesk, case: str) -> object:
    grant = _object(served, case, "identity-grants/rina.age").read_bytes()
    identity = read_identity(age.decrypt(grant, [rina.key.identity]))
    assert identity is not None
    return identity.fields["reporter_name"]


def test_the_custodian_grants_the_reporters_own_identity(served: DemoServer) -> None:
    case = _file(served, "Siti Aminah")
    rina, agus = _desk(served, "rina"), _desk(served, "agus")
    rina.request_identity(case, "Perlu konfirmasi saksi.")

    assert agus.approve_identity(case, "rina").status == "approved"
    assert _granted_name(served, rina, case) == "Siti Aminah"


def test_another_cases_identity_block_put_under_the_case_is_refused_and_nothing_granted(
    served: DemoServer,
) -> None:
    """The server moves reporter B's identity block (encrypted to the same custodians) under
    case A, whose identity a reviewer asked for: granting it would hand B's name to rina."""
    case, other = _file(served, "Siti Aminah"), _file(served, "Budi Santoso")
    rina, agus = _desk(served, "rina"), _desk(served, "agus")
    rina.request_identity(case, "Perlu konfirmasi saksi.")
    target = _object(served, case, "identity.age")
    target.write_bytes(_object(served, other, "identity.age").read_bytes())
    before = served.objects(f"cases/{case}/")

    with pytest.raises(ReviewInputError) as refused:
        agus.approve_identity(case, "rina")

    assert str(refused.value) == identity_grant.NOT_THE_REPORTERS
    assert served.objects(f"cases/{case}/") == before  # no grant, the request still pending
    assert case in {r.case for r in agus.identity_requests(status="pending")}


def test_a_custodian_outside_the_team_refuses_a_block_that_names_another_case(
    served: DemoServer,
) -> None:
    """Without the report, no signature check: the case id inside the block still tells."""
    case, other = _file(served, "Siti Aminah"), _file(served, "Budi Santoso")
    rina, agus = _desk(served, "rina"), _desk(served, "agus", _custodian_only(served.config))
    rina.request_identity(case, "Perlu konfirmasi saksi.")
    target = _object(served, case, "identity.age")
    target.write_bytes(_object(served, other, "identity.age").read_bytes())

    with pytest.raises(ReviewInputError) as refused:
        agus.approve_identity(case, "rina")

    assert str(refused.value) == identity_grant.NOT_THE_REPORTERS
    assert not _object(served, case, "identity-grants/rina.age").exists()
    # B's own block, under B, is granted: the case id inside it is B's
    rina.request_identity(other, "Perlu konfirmasi saksi.")
    assert agus.approve_identity(other, "rina").status == "approved"
    assert _granted_name(served, rina, other) == "Budi Santoso"


def test_the_custodians_console_shows_the_refusal_and_grants_nothing(served: DemoServer) -> None:
    """The same swap, as agus meets it: the approve button in his own console."""
    case, other = _file(served, "Siti Aminah"), _file(served, "Budi Santoso")
    _desk(served, "rina").request_identity(case, "Perlu konfirmasi saksi.")
    target = _object(served, case, "identity.age")
    target.write_bytes(_object(served, other, "identity.age").read_bytes())
    console = ConsoleUnderTest(served, "agus")
    try:
        custodian = console.client()
        assert custodian.unlock(DEMO_PASSPHRASE).status == 303
        assert custodian.get("/cases").status == 200
        approve = f"/identity-requests/{case}/rina/approve"
        assert approve in custodian.get("/identity-requests").text
        answer = custodian.post(approve, {})
    finally:
        console.close()

    assert answer.status == 400
    assert "BLOK IDENTITAS INI BUKAN YANG DIKIRIM PELAPOR" in answer.text
    assert "THIS IDENTITY BLOCK IS NOT THE ONE THE REPORTER SENT" in answer.text
    assert not _object(served, case, "identity-grants/rina.age").exists()


def test_a_case_whose_reporter_signature_was_removed_gets_no_grant(served: DemoServer) -> None:
    case = _file(served, "Siti Aminah")
    rina, agus = _desk(served, "rina"), _desk(served, "agus")
    rina.request_identity(case, "Perlu konfirmasi saksi.")
    reply = _object(served, case, "reply.json")
    entry = json.loads(reply.read_bytes())
    for field in ("reporter_key", "report_signature", "identity_sha256", "statement"):
        entry.pop(field)
    reply.write_bytes(json.dumps(entry).encode())

    with pytest.raises(ReviewInputError) as refused:
        agus.approve_identity(case, "rina")

    assert str(refused.value) == identity_grant.CASE_NOT_TRUSTED
    assert not _object(served, case, "identity-grants/rina.age").exists()
