"""A Hypothesis state machine over a case's follow-up thread, through both APIs.

The reporter (public API, with the receipt code's token) and the reviewers (reviewer API,
signed) write in any interleaving; the reporter retries identical posts; and when a post
arrives, the next number's claim can be held by a rival writer, of the same message (a
concurrent identical request, mid-flight) or of a reviewer's. After every step:

* claims are numbered 1..N without a hole, and each number has at most one message;
* each message's claim names its sender and the SHA-256 of its bytes;
* a retried post returns the first post's number and stores nothing new;
* the reporter's status lists every message, in order, with its sender;
* a reviewer's unread count is the reporter's messages after what they marked read.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from peluit.core import layout, thread
from peluit.review import compose
from tests.support.followup import Filed, FollowupWorld
from tests.support.review import ReviewTeam, make_review_team

pytestmark = pytest.mark.fuzz

REVIEWERS = ("rina", "agus")
_MESSAGE = re.compile(r"thread/([0-9]{5})-([a-z][a-z0-9-]*)\.age")
_CLAIM = re.compile(r"thread/([0-9]{5})\.seq")


@functools.cache
def team() -> ReviewTeam:
    return make_review_team()


class FollowupThread(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.world = FollowupWorld(team())
        self.filed: Filed = self.world.file("pengaduan")
        self.prefix = layout.case_prefix(self.filed.case)
        self.reply = str(self.world.client("rina").get_case(self.filed.case).reply_recipient)
        self.sent: dict[bytes, int] = {}  # the reporter's ciphertexts and their numbers
        self.senders: dict[int, str] = {}
        self.last_read: dict[str, int] = {}

    def _post(self, sealed: bytes) -> int:
        answer = self.world.message(self.filed, sealed)
        assert answer.status == 200, answer.body
        return int(answer.body["seq"])

    @rule()
    def the_reporter_writes(self) -> None:
        sealed = self.world.say(self.filed, "ada kabar?")
        seq = self._post(sealed)
        assert seq == len(self.senders) + 1
        self.sent[sealed] = seq
        self.senders[seq] = thread.REPORTER

    @precondition(lambda self: bool(self.sent))
    @rule(data=st.data())
    def the_reporter_retries(self, data: st.DataObject) -> None:
        sealed = data.draw(st.sampled_from(sorted(self.sent, key=self.sent.__getitem__)))
        before = self.world.store.snapshot()
        assert self._post(sealed) == self.sent[sealed]
        after = self.world.store.snapshot()
        assert {k for k in after if k.startswith(self.prefix + "thread/")} == {
            k for k in before if k.startswith(self.prefix + "thread/")
        }

    @rule()
    def an_identical_request_holds_the_next_claim(self) -> None:
        sealed = self.world.say(self.filed, "dikirim dua kali")
        seq = len(self.senders) + 1
        rival = thread.claim_bytes(thread.REPORTER, sealed, "2026-01-01")
        self.world.store.put_new(layout.case_message_claim(self.filed.case, seq), rival)
        assert self._post(sealed) == seq  # finishes the rival's number, not a second copy
        self.sent[sealed] = seq
        self.senders[seq] = thread.REPORTER

    @rule(person=st.sampled_from(REVIEWERS))
    def the_reporter_posts_while_a_reviewer_holds_the_next_claim(self, person: str) -> None:
        case = self.filed.case
        mine = compose.message(self.world.config, "pengaduan", self.reply, "sedang ditulis")
        held = len(self.senders) + 1
        store = self.world.store
        store.put_new(layout.case_message_claim(case, held), thread.claim_bytes(person, mine))
        sealed = self.world.say(self.filed, "bersamaan")
        assert self._post(sealed) == held + 1  # the loser of the race takes the next number
        store.put_new(layout.case_message(case, held, person), mine)  # the reviewer finishes
        self.senders[held] = person
        self.sent[sealed] = held + 1
        self.senders[held + 1] = thread.REPORTER

    @rule(person=st.sampled_from(REVIEWERS))
    def a_reviewer_writes(self, person: str) -> None:
        sealed = compose.message(self.world.config, "pengaduan", self.reply, "terima kasih")
        key = self.world.client(person).post_message(self.filed.case, sealed).key
        seq = len(self.senders) + 1
        assert key == f"thread/{seq:05d}-{person}.age"
        self.senders[seq] = person

    @precondition(lambda self: bool(self.senders))
    @rule(person=st.sampled_from(REVIEWERS), data=st.data())
    def a_reviewer_reads(self, person: str, data: st.DataObject) -> None:
        seq = data.draw(st.integers(0, len(self.senders)))
        progress = self.world.client(person).mark_read(self.filed.case, seq)
        self.last_read[person] = max(self.last_read.get(person, 0), seq)
        assert progress.last_read == self.last_read[person]

    # -- invariants ----------------------------------------------------------------------

    @invariant()
    def claims_are_dense_and_each_message_matches_its_claim(self) -> None:
        objects = self.world.store.snapshot()
        claims, messages = set(), {}
        for key, value in objects.items():
            rest = key.removeprefix(self.prefix)
            if claim := _CLAIM.fullmatch(rest):
                claims.add(int(claim.group(1)))
            elif message := _MESSAGE.fullmatch(rest):
                seq = int(message.group(1))
                assert seq not in messages, f"two messages numbered {seq}"
                messages[seq] = (message.group(2), value)
        assert claims == set(range(1, len(self.senders) + 1))
        assert {seq: sender for seq, (sender, _) in messages.items()} == self.senders
        for seq, (sender, value) in messages.items():
            raw = objects[self.prefix + f"thread/{seq:05d}.seq"]
            claim = json.loads(raw)
            assert claim["from"] == sender
            assert claim["sha256"] == hashlib.sha256(value).hexdigest()

    @invariant()
    def the_reporter_sees_every_message(self) -> None:
        answer = self.world.status(self.filed)
        assert answer.status == 200, answer.body
        listed = [(m["seq"], m["sender"]) for m in answer.body["messages"]]
        expected = [
            (seq, "pelapor" if sender == thread.REPORTER else "penelaah")
            for seq, sender in sorted(self.senders.items())
        ]
        assert listed == expected
        assert answer.body["more"] is False

    @invariant()
    def unread_counts_the_reporters_messages_after_the_last_read(self) -> None:
        for person in REVIEWERS:
            progress = self.world.client(person).get_case(self.filed.case).thread
            last = self.last_read.get(person, 0)
            mine = sum(1 for s, who in self.senders.items() if who == thread.REPORTER and s > last)
            assert progress.unread == mine
            assert progress.last_seq == len(self.senders)


FollowupThread.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
test_followup_thread_keeps_its_invariants = FollowupThread.TestCase
