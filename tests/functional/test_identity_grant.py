"""A custodian grants only the identity block the reporter sent with the case, to a reviewer
who asked for it (ADR 0059).

Reporters file confidential identities with `peluit submit`'s client against a real demo
`peluit serve`; a reviewer (rina) asks for one case's identity with her desk (a signed request)
and the custodian (agus) approves it with his own desk, as the console and `peluit cases` do.
The compromised server is played by writing into the local store directly, and where it must
lie in an answer, by a client that rewrites what the server said. Blocks "as the form writes
them" carry no case id (the browser form wrote none before ADR 0059): each check is proven on
its own, the others unable to catch what it catches."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from pathlib import Path

import pytest

from peluit import age
from peluit.api.review_models import CaseOut, IdentityRequestsOut
from peluit.client.channels import ChannelsDocument
from peluit.client.submit import SubmitRequest, submit
from peluit.config import Config
from peluit.config.demo import DEMO_PASSPHRASE, demo_key_path
from peluit.core import layout, padding, request_signature, team_signature
from peluit.core.receipt import ReceiptCode
from peluit.keys import open_key_file
from peluit.review import compose, identity_grant
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


def _caseless_block(served: DemoServer, name: str) -> bytes:
    """An identity block as the form wrote it before ADR 0059 (no case id inside), encrypted to
    the channel's custodians, as anyone holding their public keys (the server) can make."""
    channel = served.config.channel("pengaduan")
    assert channel is not None
    custodians = [age.HybridRecipient.parse(r) for r in served.config.identity_recipients(channel)]
    fields = {"reporter_name": name, "reporter_contact": "0813-1111-1111"}
    document = {"format": "peluit-identity/1", "channel": "pengaduan", "fields": fields}
    return age.encrypt(padding.pad(json.dumps(document).encode()), custodians)


def _refused(desk: ReviewDesk, case: str) -> str:
    with pytest.raises(ReviewInputError) as refused:
        desk.approve_identity(case, "rina")
    return str(refused.value)


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


def test_another_cases_block_moved_under_the_case_is_refused_and_nothing_granted(
    served: DemoServer,
) -> None:
    """The server moves reporter B's block (encrypted to the same custodians) under case A,
    whose identity a reviewer asked for: granting it would hand B's name to rina."""
    case, other = _file(served, "Siti Aminah"), _file(served, "Budi Santoso")
    rina, agus = _desk(served, "rina"), _desk(served, "agus")
    rina.request_identity(case, "Perlu konfirmasi saksi.")
    target = _object(served, case, "identity.age")
    target.write_bytes(_object(served, other, "identity.age").read_bytes())
    before = served.objects(f"cases/{case}/")

    assert _refused(agus, case) == identity_grant.NOT_THE_REPORTERS

    assert served.objects(f"cases/{case}/") == before  # no grant, the request still pending
    assert case in {r.case for r in agus.identity_requests(status="pending")}


@pytest.mark.parametrize("custodian", ["in_team", "outside_team"])
def test_a_caseless_block_under_the_case_is_refused_by_the_requesters_signed_hash(
    served: DemoServer, custodian: str
) -> None:
    """A block as the form wrote it (no case id): only the hash rina's tool verified and signed
    into her request tells it apart, for a custodian who cannot read the report too."""
    case = _file(served, "Siti Aminah")
    config = _custodian_only(served.config) if custodian == "outside_team" else served.config
    rina, agus = _desk(served, "rina"), _desk(served, "agus", config)
    rina.request_identity(case, "Perlu konfirmasi saksi.")
    _object(served, case, "identity.age").write_bytes(_caseless_block(served, "Budi Santoso"))

    assert _refused(agus, case) == identity_grant.NOT_THE_REPORTERS
    assert not _object(served, case, "identity-grants/rina.age").exists()


def test_a_custodian_outside_the_team_refuses_a_block_that_names_another_case(
    served: DemoServer,
) -> None:
    """Without the report, no reporter-signature check: the case id inside the block tells,
    even for a request that names no hash (an older case, as rina's tool saw it)."""
    case, other = _file(served, "Siti Aminah"), _file(served, "Budi Santoso")
    rina, agus = _desk(served, "rina"), _desk(served, "agus", _custodian_only(served.config))
    _request_without_hash(rina, case)
    target = _object(served, case, "identity.age")
    target.write_bytes(_object(served, other, "identity.age").read_bytes())

    assert _refused(agus, case) == identity_grant.NOT_THE_REPORTERS
    assert not _object(served, case, "identity-grants/rina.age").exists()
    # B's own block, under B, is granted: the case id inside it is B's
    rina.request_identity(other, "Perlu konfirmasi saksi.")
    assert agus.approve_identity(other, "rina").status == "approved"
    assert _granted_name(served, rina, other) == "Budi Santoso"


def _request_without_hash(rina: ReviewDesk, case: str) -> None:
    """Rina's request as her tool signs it for a case whose reporter signature it cannot
    verify (an older case): the statement's identity is `-`."""
    view = rina.client.get_case(case)
    sealed = compose.access_reason(rina.config, view.channel, "Perlu konfirmasi saksi.")
    today = rina.today().isoformat()
    reason = hashlib.sha256(sealed).hexdigest()
    text = request_signature.statement(case, "rina", today, None, reason)
    signature = team_signature.sign(rina.key.signing_key, text)
    rina.client.request_identity(case, sealed, None, signature, today)


def test_an_unsigned_request_is_not_approved_until_asked_again_with_a_signature(
    served: DemoServer,
) -> None:
    """A request from an older tool, or one the server made up: no grant. The custodian denies
    it; the reviewer asks again, signed, and that one is granted."""
    case = _file(served, "Siti Aminah")
    rina, agus = _desk(served, "rina"), _desk(served, "agus")
    view = rina.client.get_case(case)
    sealed = compose.access_reason(rina.config, view.channel, "Perlu konfirmasi saksi.")
    rina.client.request_identity(case, sealed)  # no signature

    assert _refused(agus, case) == identity_grant.REQUEST_NOT_SIGNED
    assert not _object(served, case, "identity-grants/rina.age").exists()
    agus.deny_identity(case, "rina", "Mohon ajukan ulang.")
    rina.request_identity(case, "Perlu konfirmasi saksi.")
    assert agus.approve_identity(case, "rina").status == "approved"


def test_a_request_whose_signed_hash_was_rewritten_on_the_server_is_refused(
    served: DemoServer,
) -> None:
    """The server points rina's request at another block's hash: her signature no longer
    covers it."""
    case, other = _file(served, "Siti Aminah"), _file(served, "Budi Santoso")
    rina, agus = _desk(served, "rina"), _desk(served, "agus")
    rina.request_identity(case, "Perlu konfirmasi saksi.")
    stored = served.data / "store" / "objects" / layout.identity_request(case, "rina")
    request = json.loads(stored.read_bytes())
    other_block = _object(served, other, "identity.age").read_bytes()
    request["identity_sha256"] = hashlib.sha256(other_block).hexdigest()
    stored.write_bytes(json.dumps(request).encode())
    _object(served, case, "identity.age").write_bytes(other_block)

    assert _refused(agus, case) == identity_grant.REQUEST_NOT_SIGNED
    assert not _object(served, case, "identity-grants/rina.age").exists()


def test_a_server_that_claims_another_channel_gets_no_grant(
    served: DemoServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server says the case is in `gratifikasi`, where agus reads no report (so his own
    reporter-signature check would not run): the block itself says `pengaduan`."""
    case = _file(served, "Siti Aminah")
    rina, agus = _desk(served, "rina"), _desk(served, "agus")
    rina.request_identity(case, "Perlu konfirmasi saksi.")
    honest, honest_list = agus.client.get_case, agus.client.list_identity_requests

    def lying(asked: str) -> CaseOut:
        return honest(asked).model_copy(update={"channel": "gratifikasi"})

    def lying_list(**query: str | None) -> IdentityRequestsOut:
        found = honest_list(**query)
        moved = [r.model_copy(update={"channel": "gratifikasi"}) for r in found.requests]
        return found.model_copy(update={"requests": moved})

    # in the case and in the request list alike: only the block's own channel tells
    monkeypatch.setattr(agus.client, "get_case", lying)
    monkeypatch.setattr(agus.client, "list_identity_requests", lying_list)

    assert _refused(agus, case) == identity_grant.WRONG_CHANNEL
    assert not _object(served, case, "identity-grants/rina.age").exists()


def test_a_denied_request_brought_back_long_after_is_refused(served: DemoServer) -> None:
    """The server writes rina's denied request back as pending, as if new: its signed day is
    that of the first asking, more than 30 days before the custodian's today."""
    case = _file(served, "Siti Aminah")
    rina, agus = _desk(served, "rina"), _desk(served, "agus")
    rina.request_identity(case, "Perlu konfirmasi saksi.")
    stored = served.data / "store" / "objects" / layout.identity_request(case, "rina")
    asked = stored.read_bytes()
    agus.deny_identity(case, "rina", "Belum perlu.")
    stored.write_bytes(asked)  # pending again, with rina's genuine signature
    later = _desk(served, "agus")
    later.today = lambda: agus.today() + timedelta(days=31)  # type: ignore[method-assign]

    assert _refused(later, case) == identity_grant.REQUEST_STALE
    [row] = [r for r in later.identity_requests(status="pending") if r.case == case]
    assert row.problem == identity_grant.REQUEST_STALE  # the console offers no approval
    assert not _object(served, case, "identity-grants/rina.age").exists()


def test_a_reason_rewritten_on_the_server_is_not_shown_and_gets_no_grant(
    served: DemoServer,
) -> None:
    """The server overwrites rina's encrypted reason with its own (anyone holding the team's
    public keys can encrypt one): the list shows no text but the warning, and no approval."""
    case = _file(served, "Siti Aminah")
    rina, agus = _desk(served, "rina"), _desk(served, "agus")
    rina.request_identity(case, "Sekadar ingin tahu.")
    [request] = [r for r in agus.client.list_identity_requests().requests if r.case == case]
    fake = compose.access_reason(served.config, "pengaduan", "PERINTAH PENGADILAN - mendesak")
    _object(served, case, f"notes/{request.reason}.age").write_bytes(fake)

    [row] = [r for r in agus.identity_requests(status="pending") if r.case == case]
    assert (row.reason, row.problem) == (None, identity_grant.REASON_ALTERED)
    assert _refused(agus, case) == identity_grant.REASON_ALTERED
    assert not _object(served, case, "identity-grants/rina.age").exists()
    # what agus sees in his console: the warning, not the server's text, and only "deny"
    console = ConsoleUnderTest(served, "agus")
    try:
        custodian = console.client()
        assert custodian.unlock(DEMO_PASSPHRASE).status == 303
        assert custodian.get("/cases").status == 200
        page = custodian.get("/identity-requests").text
    finally:
        console.close()
    assert "PERINTAH PENGADILAN" not in page
    assert "ALASAN PERMINTAAN INI TELAH DIUBAH" in page
    assert f"/identity-requests/{case}/rina/deny" in page
    assert f"/identity-requests/{case}/rina/approve" not in page


def test_the_custodians_console_shows_the_refusal_and_grants_nothing(served: DemoServer) -> None:
    """A moved block, as agus meets it: the approve button in his own console."""
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


def test_a_case_whose_reporter_signature_was_removed_gets_no_request(served: DemoServer) -> None:
    """Rina's tool will not ask for the identity of a case it cannot trust (a signed-era case
    whose key is gone), and a custodian reading the channel refuses one asked before."""
    case, asked = _file(served, "Siti Aminah"), _file(served, "Budi Santoso")
    rina, agus = _desk(served, "rina"), _desk(served, "agus")
    rina.request_identity(asked, "Perlu konfirmasi saksi.")
    for stripped in (case, asked):
        reply = _object(served, stripped, "reply.json")
        entry = json.loads(reply.read_bytes())
        for field in ("reporter_key", "report_signature", "identity_sha256", "statement"):
            entry.pop(field)
        reply.write_bytes(json.dumps(entry).encode())

    with pytest.raises(ReviewInputError) as refused:
        rina.request_identity(case, "Perlu konfirmasi saksi.")
    assert str(refused.value) == identity_grant.CASE_NOT_TRUSTED
    assert _refused(agus, asked) == identity_grant.CASE_NOT_TRUSTED
    assert not _object(served, asked, "identity-grants/rina.age").exists()
