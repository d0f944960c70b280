"""The console's gatekeeping: exact Host, same-origin POSTs, form tokens, sessions that lock
when idle and change id when unlocked."""

from __future__ import annotations

from unittest.mock import Mock

import pytest

from peluit.review.console import guard
from peluit.review.console.guard import Sessions
from peluit.review.desk import ReviewDesk

pytestmark = pytest.mark.unit

ORIGIN = "http://127.0.0.1:5123"


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("127.0.0.1:5123", True),
        ("localhost:5123", False),
        ("127.0.0.1:5124", False),
        ("attacker.example:5123", False),
        ("127.0.0.1", False),
        ("", False),
    ],
)
def test_only_the_exact_console_host_is_allowed(host: str, allowed: bool) -> None:
    assert guard.host_allowed({"host": host}, ORIGIN) is allowed


@pytest.mark.parametrize(
    ("headers", "allowed"),
    [
        ({"origin": ORIGIN}, True),
        ({"origin": ORIGIN, "sec-fetch-site": "same-origin"}, True),
        ({"origin": ORIGIN, "sec-fetch-site": "cross-site"}, False),
        ({"origin": "http://attacker.example"}, False),
        ({"origin": "null"}, False),
        ({"origin": "null", "sec-fetch-site": "same-origin"}, True),  # Chromium, no-referrer
        ({"origin": "null", "sec-fetch-site": "cross-site"}, False),  # e.g. a sandboxed frame
        ({"origin": "http://attacker.example", "sec-fetch-site": "same-origin"}, False),
        ({}, False),
    ],
)
def test_a_post_must_come_from_the_console_itself(headers: dict[str, str], allowed: bool) -> None:
    assert guard.same_origin_post(headers, ORIGIN) is allowed


def test_a_form_token_matches_only_its_own_session() -> None:
    sessions = Sessions()
    one, two = sessions.new(), sessions.new()
    assert guard.token_matches(one, one.csrf)
    assert not guard.token_matches(one, two.csrf)
    assert not guard.token_matches(one, None)
    assert not guard.token_matches(one, "é" + one.csrf)


def test_unlocking_gives_a_new_session_id_and_token() -> None:
    sessions = Sessions()
    before = sessions.new()
    after = sessions.unlock(before, Mock(spec=ReviewDesk))
    assert (after.id, after.csrf) != (before.id, before.csrf)
    assert sessions.get(before.id) is None
    assert sessions.get(after.id) is after


def test_an_idle_session_is_dropped_and_its_desk_forgets_what_it_decrypted() -> None:
    now = [1000.0]
    sessions = Sessions(idle_seconds=60, clock=lambda: now[0])
    desk = Mock(spec=ReviewDesk)
    session = sessions.unlock(sessions.new(), desk)
    now[0] += 59
    assert sessions.get(session.id) is session
    now[0] += 61
    assert sessions.get(session.id) is None
    desk.forget.assert_called_once()
    assert session.desk is None


def test_an_idle_session_is_locked_even_if_no_request_comes() -> None:
    now = [1000.0]
    sessions = Sessions(idle_seconds=60, clock=lambda: now[0])
    desk = Mock(spec=ReviewDesk)
    session = sessions.unlock(sessions.new(), desk)
    sessions.expire()
    desk.forget.assert_not_called()
    now[0] += 61
    sessions.expire()  # what the console server does between requests
    desk.forget.assert_called_once()
    assert session.desk is None


def test_cookies_parse_and_the_session_cookie_is_strict_and_http_only() -> None:
    session = Sessions().new()
    cookie = guard.session_cookie(5123, session)
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    name = guard.cookie_name(5123)
    assert guard.parse_cookies(f"other=1; {name}={session.id}") == {"other": "1", name: session.id}


def test_a_flood_of_new_sessions_does_not_push_out_an_unlocked_one() -> None:
    sessions = Sessions()
    unlocked = sessions.unlock(sessions.new(), Mock(spec=ReviewDesk))
    for _ in range(3 * guard.MAX_SESSIONS):
        sessions.new()
    assert sessions.get(unlocked.id) is unlocked


@pytest.mark.parametrize(
    ("site", "allowed"),
    [
        ("same-origin", True),  # the console's own links, forms, styles
        ("none", True),  # typed, bookmarked, opened by `peluit review`
        (None, False),  # not a current browser: nothing tells the console's page from another
        ("same-site", False),  # a page on another port of 127.0.0.1 (issue 18, finding 4)
        ("cross-site", False),
        ("Same-Origin", False),  # the value is exact
    ],
)
def test_every_request_must_come_from_the_console_or_the_person(
    site: str | None, allowed: bool
) -> None:
    headers = {} if site is None else {"sec-fetch-site": site}
    assert guard.fetch_allowed(headers) is allowed
