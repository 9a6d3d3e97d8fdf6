"""What a request's own input must be, whatever the pathway's stage; what typed text may hold.

Invisible controls are refused wherever names, reasons and other typed text enter:
Unicode's direction controls (U+202A to U+202E, U+2066 to U+2069) make the record read
differently from what was stored ("Trojan source"), and the terminal's controls (ESC,
BEL, backspace and the other C0 and C1 codes, but for tabs and line ends) would rewrite
the screen of whoever reads the record later.

The workflow's validators ask `check_request` (through `Pathway.check`); it never runs
on replay, so a history recorded before a check was added replays as it ran.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING

from parcours.domain.commands import (
    AssignReferent,
    Command,
    CompleteIntake,
    EnrolTraining,
    ReEnter,
    StartMission,
)
from parcours.domain.contacts import is_email_address, is_phone_number
from parcours.domain.controls import invisible_controls
from parcours.domain.errors import MoveRefused
from parcours.domain.records import PATHWAY_ID, RequestMeta
from parcours.domain.vocabulary import Role

if TYPE_CHECKING:  # in signatures only: a front end checks typed text without the models
    from parcours.domain.programme_data import ProgrammeData


def is_blank(text: str) -> bool:
    """A name made of nothing but spaces names nobody."""
    return not text.strip()


TEXT_LIMIT = 2000
"""The longest text staff type into one field, a reason included: a page of notes. Longer
is a paste gone wrong, and every history, backup and read model would keep it."""


def too_long(text: str) -> bool:
    return len(text) > TEXT_LIMIT


class ReferralRejected(ValueError):
    """The referral cannot be sent as typed: its `field` (`first_name`, `last_name`,
    `reason`, or any other text of the referral) has the `fault` named (`blank`, `bidi` for
    the invisible controls `found`, `date` for a birth date that is not `YYYY-MM-DD`,
    `long` for a text over `found` characters, `email` and `phone` for contact details
    that are none)."""

    def __init__(self, field: str, fault: str, found: str = "") -> None:
        super().__init__(f"{field}: {fault} {found}".strip())
        self.field, self.fault, self.found = field, fault, found


def check_referral(first_name: str, last_name: str, reason: str) -> None:
    """Refuse names that name nobody, and names or a reason holding invisible controls:
    checked before any pathway starts, since the start runs no validator to refuse them."""
    names = (("first_name", first_name), ("last_name", last_name))
    for field, value in names:
        if is_blank(value):
            raise ReferralRejected(field, "blank")
    for field, value in (*names, ("reason", reason)):
        if found := invisible_controls(value):
            raise ReferralRejected(field, "bidi", found)
        if too_long(value):
            raise ReferralRejected(field, "long", str(TEXT_LIMIT))


def text_fields(record: object) -> Iterator[tuple[str, str]]:
    """Every piece of text a dataclass (a command, the person) holds, with its field name:
    strings, and the strings of its lists, tuples and mappings (`skills`, `details`)."""
    if not dataclasses.is_dataclass(record):
        return
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        if isinstance(value, str):
            yield field.name, value
        elif isinstance(value, list | tuple | dict):
            items = value.values() if isinstance(value, dict) else value
            yield from ((field.name, item) for item in items if isinstance(item, str))


def control_field(*records: object) -> tuple[str, str] | None:
    """The first text field of `records` holding invisible controls, and the controls
    found (`("agency", "U+202E")`); None when no field holds any. Names and reasons have
    their own checks; this covers every other text typed into a record."""
    for record in records:
        for name, value in text_fields(record):
            if found := invisible_controls(value):
                return name, found
    return None


def long_field(*records: object) -> str:
    """The first text field of `records` over `TEXT_LIMIT` characters; "" when none is."""
    for record in records:
        for name, value in text_fields(record):
            if too_long(value):
                return name
    return ""


def check_referral_texts(person: object, command: object, birth_date: str) -> None:
    """Past the names and the reason (`check_referral`): no invisible controls in any
    other text of the referral (referrer, session, contact details, skills…), an email
    address and a phone number that are ones when given (`domain.contacts`), and a birth
    date written `YYYY-MM-DD` when one is given; the earlier pathway a returning referral
    names, a pathway's id (it outlives an erasure: no text may hide in it)."""
    if found := control_field(person, command):
        raise ReferralRejected(found[0], "bidi", found[1])
    if long := long_field(person, command):
        raise ReferralRejected(long, "long", str(TEXT_LIMIT))
    email, phone = getattr(person, "email", ""), getattr(person, "phone", "")
    if email.strip() and not is_email_address(email.strip()):
        raise ReferralRejected("email", "email", email)
    if phone.strip() and not is_phone_number(phone):
        raise ReferralRejected("phone", "phone", phone)
    try:
        if birth_date:
            date.fromisoformat(birth_date)
    except ValueError:
        raise ReferralRejected("birth_date", "date", birth_date) from None
    earlier = getattr(command, "earlier_pathway_id", "")
    if earlier and not PATHWAY_ID.fullmatch(earlier):  # an opaque id, never free text
        raise ReferralRejected("earlier_pathway_id", "pathway_id", earlier)


NEEDED_TEXT: dict[type[Command], tuple[str, ...]] = {
    AssignReferent: ("referent",),
    EnrolTraining: ("title", "provider"),
    StartMission: ("employer",),
    ReEnter: ("session",),
}
"""Text a command is sent with that names someone or something staff must give: blank, it
names nothing. A mission's agency stays empty for a direct hire; ids have their own check,
which names the ids there are."""


def blank_field(command: Command) -> str:
    """The first needed text (`NEEDED_TEXT`) the command leaves blank; "" when none."""
    for name in NEEDED_TEXT.get(type(command), ()):
        if is_blank(getattr(command, name)):
            return name
    return ""


def unknown_criteria(programme: ProgrammeData, command: Command) -> list[str]:
    """The criteria an intake names that the programme does not define, each once."""
    if not isinstance(command, CompleteIntake):
        return []
    known = {c.key for c in programme.eligibility}
    return list(dict.fromkeys(k for k in command.criteria_met if k not in known))


def reason_too_long(reason: str) -> MoveRefused | None:
    """A reason over `TEXT_LIMIT` characters. Asked by the pathway client before it seals
    the reason under the person's key: sealed, a reason no longer has its typed length."""
    if not too_long(reason):
        return None
    limit = str(TEXT_LIMIT)
    message = f"the reason is longer than {limit} characters; shorten it"
    return MoveRefused.for_rule("reason_too_long", message, limit=limit)


def _typed_text(command: Command, meta: RequestMeta) -> MoveRefused | None:
    """Invisible controls in the reason or the command's text, text over its limit or
    left blank where the command needs it."""
    if found := invisible_controls(meta.reason):
        message = f"the reason holds invisible control characters ({found}); send it again "
        return MoveRefused.for_rule("reason_bidi_control", message + "without them", found=found)
    # What parcours sends itself (a partner's error text) is not typed, and the workflow
    # asks `Pathway.may` about it in its own code, where a new refusal would change replay.
    if meta.actor.role is Role.SYSTEM:
        return None
    if texts := control_field(command):
        field, found = texts
        message = f"the {field} holds invisible control characters ({found}); send it again "
        return MoveRefused.for_rule(
            "text_bidi_control", message + "without them", field=field, found=found
        )
    if long := long_field(command):
        limit = str(TEXT_LIMIT)
        message = f"the {long} is longer than {limit} characters; shorten it"
        return MoveRefused.for_rule("text_too_long", message, field=long, limit=limit)
    if blank := blank_field(command):
        return MoveRefused.for_rule("text_blank", f"the {blank} is blank; type it", field=blank)
    return None


def check_request(
    programme: ProgrammeData, command: Command, meta: RequestMeta
) -> MoveRefused | None:
    """The refusal a request's own input earns, whatever the stage: None when it is sound.

    Asked by `Pathway.check` (the workflow's validators) only, never on replay, so a
    history recorded before these checks replays as it ran.
    """
    refused = _typed_text(command, meta)
    if refused is not None:
        return refused
    unknown = unknown_criteria(programme, command)
    if unknown:
        listed, criteria = ", ".join(unknown), ", ".join(c.key for c in programme.eligibility)
        return MoveRefused.for_rule(
            "criterion_unknown",
            f"unknown eligibility criterion: {listed}; this programme's criteria are {criteria}",
            unknown=listed,
            criteria=criteria,
        )
    return None
