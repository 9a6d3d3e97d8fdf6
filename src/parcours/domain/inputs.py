"""What a request's own input must be, whatever the pathway's stage; what typed text may hold.

Unicode's direction controls (U+202A to U+202E, U+2066 to U+2069) are invisible: in a
name or a reason they make the record read differently from what was stored ("Trojan
source"), so they are refused wherever names and reasons enter.

The workflow's validators ask `check_request` (through `Pathway.check`); it never runs
on replay, so a history recorded before a check was added replays as it ran.
"""

from __future__ import annotations

from parcours.domain.commands import Command, CompleteIntake
from parcours.domain.errors import MoveRefused
from parcours.domain.programme_data import ProgrammeData
from parcours.domain.records import RequestMeta

BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
"""The embedding, override and isolate controls: LRE RLE PDF LRO RLO, LRI RLI FSI PDI."""


def bidi_controls(text: str) -> str:
    """The direction controls in `text`, each once in order (`U+202E, U+2066`); "" if none."""
    return ", ".join(dict.fromkeys(f"U+{ord(ch):04X}" for ch in text if ch in BIDI_CONTROLS))


def is_blank(text: str) -> bool:
    """A name made of nothing but spaces names nobody."""
    return not text.strip()


class ReferralRejected(ValueError):
    """The referral cannot be sent as typed: its `field` (`first_name`, `last_name`,
    `reason`) has the `fault` named (`blank`, or `bidi` for the direction controls `found`)."""

    def __init__(self, field: str, fault: str, found: str = "") -> None:
        super().__init__(f"{field}: {fault} {found}".strip())
        self.field, self.fault, self.found = field, fault, found


def check_referral(first_name: str, last_name: str, reason: str) -> None:
    """Refuse names that name nobody, and names or a reason holding direction controls:
    checked before any pathway starts, since the start runs no validator to refuse them."""
    names = (("first_name", first_name), ("last_name", last_name))
    for field, value in names:
        if is_blank(value):
            raise ReferralRejected(field, "blank")
    for field, value in (*names, ("reason", reason)):
        if found := bidi_controls(value):
            raise ReferralRejected(field, "bidi", found)


def unknown_criteria(programme: ProgrammeData, command: Command) -> list[str]:
    """The criteria an intake names that the programme does not define, each once."""
    if not isinstance(command, CompleteIntake):
        return []
    known = {c.key for c in programme.eligibility}
    return list(dict.fromkeys(k for k in command.criteria_met if k not in known))


def check_request(
    programme: ProgrammeData, command: Command, meta: RequestMeta
) -> MoveRefused | None:
    """The refusal a request's own input earns, whatever the stage: None when it is sound.

    Asked by `Pathway.check` (the workflow's validators) only, never on replay, so a
    history recorded before these checks replays as it ran.
    """
    found = bidi_controls(meta.reason)
    if found:
        return MoveRefused.for_rule(
            "reason_bidi_control",
            f"the reason holds Unicode direction controls ({found}); send it again without them",
            found=found,
        )
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
