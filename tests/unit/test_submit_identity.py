"""`peluit submit` applies the form's rules about identity and consent before anything is
encrypted or sent: a reward or public recognition needs a non-anonymous choice; confidential
or open needs a name and a way to reach the reporter; a NIK is 16 digits.

The channel description is the one the site build writes (peluit/site/forms.py), read the
way the client reads the site's channels.json, so the purposes cross the real seam."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pytest

from peluit.client.channels import ChannelsDocument
from peluit.client.errors import ApiError, SubmitError
from peluit.client.http import Response, Transport
from peluit.client.identity_rules import check_identity, nik_digits
from peluit.client.submit import SubmitRequest, submit
from peluit.config import parse_config
from peluit.core.report import IdentityChoice
from peluit.site.forms import channels_document
from tests.support.factory import example_text

pytestmark = pytest.mark.unit

REPORT = {"what": "Volume dikurangi.", "who": "Kabid", "where": "Muara Bulian", "when": "2026"}
PENGADUAN = {**REPORT, "area": "pengadaan"}
GIFT = {
    "giver": "PT Contoh", "relation": "rekanan", "occasion": "Lebaran",
    "kind_of_gift": "parsel", "value": "1500000", "received_on": "2026-11-20",
}  # fmt: skip
NIK = "1504010101010001"


@pytest.fixture(scope="module")
def channels() -> ChannelsDocument:
    document = channels_document(parse_config(example_text()))
    document["limits"]["pow_bits"] = 1  # the fake server is asked once; no need to work
    return ChannelsDocument.model_validate(document)


@dataclass
class NoNetwork(Transport):
    """Records every request and answers none of them: a refusal must come before any."""

    sent: list[str] = field(default_factory=list)

    def send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: Mapping[str, str],
        timeout: float,
    ) -> Response:
        self.sent.append(f"{method} {url}")
        return Response(418, b"{}", {})


def attempt(
    channels: ChannelsDocument,
    channel: str,
    fields: Mapping[str, str],
    choice: IdentityChoice,
    identity: Mapping[str, str] | None = None,
) -> tuple[str | None, list[str]]:
    """(the refusal, or None, and the requests made) of one `peluit submit`."""
    transport = NoNetwork()
    request = SubmitRequest(
        channel=channel, fields=fields, identity_choice=choice, identity_fields=identity or {}
    )
    try:
        submit("http://127.0.0.1:9", request, transport, channels)
    except SubmitError as exc:
        return str(exc), transport.sent
    except ApiError as exc:  # the fake server's 418: validation was passed
        return (None if exc.status == 418 else str(exc)), transport.sent
    raise AssertionError("the fake server answers nothing; submit cannot succeed")


def test_an_anonymous_report_that_asks_for_a_reward_is_refused_before_anything_is_sent(
    channels: ChannelsDocument,
) -> None:
    refusal, sent = attempt(
        channels, "pengaduan", {**PENGADUAN, "consent_reward": "yes"}, "anonymous"
    )
    assert refusal is not None
    assert "consent_reward" in refusal
    assert "--identity-choice confidential or open" in refusal
    assert sent == []


def test_an_anonymous_report_that_agrees_to_be_named_is_refused(
    channels: ChannelsDocument,
) -> None:
    fields = {**PENGADUAN, "consent_publication": "true"}
    refusal, sent = attempt(channels, "pengaduan", fields, "anonymous")
    assert refusal is not None
    assert "consent_publication" in refusal
    assert sent == []


def test_an_anonymous_report_without_consents_goes_ahead(channels: ChannelsDocument) -> None:
    refusal, sent = attempt(
        channels, "pengaduan", {**PENGADUAN, "consent_reward": "no"}, "anonymous"
    )
    assert refusal is None
    assert sent  # it reached the network


@pytest.mark.parametrize("choice", ["confidential", "open"])
def test_confidential_or_open_without_any_contact_is_refused(
    channels: ChannelsDocument, choice: IdentityChoice
) -> None:
    refusal, sent = attempt(channels, "pengaduan", PENGADUAN, choice, {"reporter_name": "Siti"})
    assert refusal is not None
    assert "way to reach you" in refusal
    assert "reporter_contact" in refusal
    assert sent == []


def test_confidential_without_a_name_is_refused(channels: ChannelsDocument) -> None:
    refusal, sent = attempt(
        channels, "pengaduan", PENGADUAN, "confidential", {"reporter_contact": "0812"}
    )
    assert refusal is not None
    assert "needs your name" in refusal
    assert sent == []


def test_confidential_with_name_contact_and_reward_goes_ahead(channels: ChannelsDocument) -> None:
    fields = {**PENGADUAN, "consent_reward": "yes"}
    identity = {"reporter_name": "Siti", "reporter_contact": "0812-0000-0000"}
    refusal, sent = attempt(channels, "pengaduan", fields, "confidential", identity)
    assert refusal is None
    assert sent


@pytest.mark.parametrize(("nik", "count"), [("150401010101000", 15), ("15040101010100011", 17)])
def test_a_gratification_nik_that_is_not_16_digits_is_refused(
    channels: ChannelsDocument, nik: str, count: int
) -> None:
    identity = {
        "reporter_name": "Budi", "reporter_nik": nik, "reporter_position": "Staf",
        "reporter_contact": "0812",
    }  # fmt: skip
    refusal, sent = attempt(channels, "gratifikasi", GIFT, "confidential", identity)
    assert refusal is not None
    assert f"exactly 16 digits, as on the ID card (KTP); {count} given" in refusal
    assert sent == []


def test_a_nik_typed_in_groups_is_sent_as_its_16_digits(channels: ChannelsDocument) -> None:
    fields = channels.channels["gratifikasi"].fields
    identity = {
        "reporter_name": "Budi",
        "reporter_nik": "1504 0101 0101 0001",
        "reporter_contact": "x",
    }
    answers, given = check_identity(fields, "confidential", GIFT, identity)
    assert given["reporter_nik"] == NIK
    assert answers == GIFT
    refusal, _ = attempt(channels, "gratifikasi", GIFT, "confidential",
                         {**identity, "reporter_position": "Staf"})  # fmt: skip
    assert refusal is None


def test_an_anonymous_report_carries_no_consent_fields(channels: ChannelsDocument) -> None:
    fields = channels.channels["pengaduan"].fields
    answers, given = check_identity(
        fields, "anonymous", {**REPORT, "consent_reward": False, "consent_publication": False}, {}
    )
    assert answers == REPORT
    assert given == {}


def test_any_identity_field_reaches_the_reporter_when_none_is_marked_as_contact(
    channels: ChannelsDocument,
) -> None:
    unmarked = [
        f.model_copy(update={"purpose": None}) for f in channels.channels["pengaduan"].fields
    ]
    with pytest.raises(SubmitError, match="way to reach you"):
        check_identity(unmarked, "open", REPORT, {"reporter_name": None, "reporter_contact": None})
    check_identity(unmarked, "open", REPORT, {"reporter_name": "Siti", "reporter_contact": None})


@pytest.mark.parametrize(
    ("typed", "digits"),
    [(NIK, NIK), ("1504 0101 0101 0001", NIK), ("15.04.01-010101.0001", NIK),
     ("150401010101000", None), ("15040101010100O1", None), ("", None)],
)  # fmt: skip
def test_nik_digits(typed: str, digits: str | None) -> None:
    assert nik_digits(typed) == digits
