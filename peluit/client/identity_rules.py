"""The rules that tie the reporter's identity choice to the rest of a report, as the form
applies them (js/src/identity-rules.js), for `peluit submit`:

* a consent (reward, public recognition: a field whose purpose is "consent") needs a
  non-anonymous choice, since a reward needs a reporter who can be identified (PP 43/2018);
  an anonymous report does not carry its consent fields at all;
* "confidential" or "open" needs the name (purpose "name") and at least one way to reach the
  reporter (purpose "contact"; without such a field, any identity field);
* a NIK (purpose "nik") is exactly 16 digits, sent without the spaces or dots it was typed with.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from peluit.core.report import AnswerValue, IdentityChoice

from .channels import FieldRules
from .errors import SubmitError

NIK_DIGITS = 16
_NIK = re.compile(rf"[0-9]{{{NIK_DIGITS}}}")
_NIK_SEPARATORS = re.compile(r"[\s.-]")

Answers = dict[str, AnswerValue]


def nik_digits(text: str) -> str | None:
    """A NIK as typed ("1504 0101 0101 0001") as its 16 digits, or None."""
    digits = _NIK_SEPARATORS.sub("", text)
    return digits if _NIK.fullmatch(digits) else None


def _filled(value: AnswerValue | None) -> bool:
    return value.strip() != "" if isinstance(value, str) else value is True


def _with(fields: Sequence[FieldRules], purpose: str) -> list[FieldRules]:
    return [f for f in fields if f.purpose == purpose]


def check_identity(
    fields: Sequence[FieldRules],
    choice: IdentityChoice,
    answers: Mapping[str, AnswerValue],
    identity: Mapping[str, AnswerValue],
) -> tuple[Answers, Answers]:
    """The report's answers and the identity fields as they are sent, or a SubmitError that
    says what to change. `identity` is empty for an anonymous report."""
    if choice == "anonymous":
        consents = _with(fields, "consent")
        asked = [f.id for f in consents if answers.get(f.id) is True]
        if asked:
            raise SubmitError(
                f"{asked[0]} asks for a reward or public recognition, which needs "
                "--identity-choice confidential or open with your name and a way to reach you: "
                "an anonymous reporter cannot be rewarded or named (PP 43/2018)"
            )
        dropped = {f.id for f in consents}
        return {k: v for k, v in answers.items() if k not in dropped}, {}
    for name in _with(fields, "name"):
        if not _filled(identity.get(name.id)):
            raise SubmitError(
                f"--identity-choice {choice} needs your name: --identity-field {name.id}=…"
            )
    contacts = _with(fields, "contact") or [f for f in fields if f.identity]
    if contacts and not any(_filled(identity.get(f.id)) for f in contacts):
        ids = " or ".join(f"--identity-field {f.id}=…" for f in contacts)
        raise SubmitError(f"--identity-choice {choice} needs at least one way to reach you: {ids}")
    given = dict(identity)
    for nik in _with(fields, "nik"):
        value = given.get(nik.id)
        if isinstance(value, str) and value.strip():
            digits = nik_digits(value)
            if digits is None:
                count = sum(c.isdigit() for c in value)
                raise SubmitError(
                    f"{nik.id} is a NIK: exactly {NIK_DIGITS} digits, as on the ID card "
                    f"(KTP); {count} given"
                )
            given[nik.id] = digits
    return dict(answers), given
