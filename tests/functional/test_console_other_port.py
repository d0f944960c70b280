"""A page on another port of 127.0.0.1 cannot make the console read a case (issue 18,
finding 4). Every port of a host is one *site*, so the console's `SameSite=Strict` cookie is
sent with an image or a navigation from `http://127.0.0.1:8080/`; the browser labels such a
request `Sec-Fetch-Site: same-site`. Reading a case marks its messages read and writes audit
events, so such a request is refused and nothing is stored; the console's own pages
(`same-origin`) and the person's own navigation (`none`) work."""

from __future__ import annotations

import pytest

from peluit.config.demo import DEMO_PASSPHRASE
from tests.support.cases import Submitted, submit_case
from tests.support.console import ConsoleClient, ConsoleUnderTest, DemoServer

pytestmark = pytest.mark.functional


@pytest.fixture
def browser(rina: ConsoleUnderTest) -> ConsoleClient:
    client = rina.client()
    assert client.unlock(DEMO_PASSPHRASE).status == 303
    return client


def _case(served: DemoServer) -> Submitted:
    return submit_case(served.config, served.server.store, {"what": "Pungutan liar."})


def _cross(site: str) -> dict[str, str]:
    """What Chromium sends for `<img src>` or a link on `http://127.0.0.1:8080/`."""
    return {"Sec-Fetch-Site": site, "Sec-Fetch-Mode": "no-cors", "Sec-Fetch-Dest": "image"}


# "": no Sec-Fetch-Site at all (a raw client holding the session cookie, or a browser too old
# to say where a request comes from): refused like another page (issue 18 hardening).
@pytest.mark.parametrize("site", ["same-site", "cross-site", ""])
def test_reading_a_case_from_another_ports_page_is_refused_and_stores_nothing(
    browser: ConsoleClient, served: DemoServer, site: str
) -> None:
    case = _case(served).case
    before = served.objects()
    for path in (f"/cases/{case}", "/cases", "/identity-requests", f"/cases/{case}/export"):
        answer = browser.get(path, headers=_cross(site))
        assert answer.status == 403, path
        assert "Forbidden" in answer.text
    assert served.objects() == before  # nothing marked read, no audit event, no nonce

    opened = browser.get(f"/cases/{case}", headers={"Sec-Fetch-Site": "same-origin"})
    assert opened.status == 200  # the console's own link
    assert served.objects() != before  # what the refused request would have done


def test_the_persons_own_navigation_and_the_consoles_own_links_work(
    browser: ConsoleClient, served: DemoServer
) -> None:
    case = _case(served).case
    for site in ("none", "same-origin"):
        answer = browser.get(f"/cases/{case}", headers={"Sec-Fetch-Site": site})
        assert answer.status == 200, site
