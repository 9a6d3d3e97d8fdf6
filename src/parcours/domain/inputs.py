"""What a request's own input must be, whatever the pathway's stage; what typed text may hold.

The workflow's validators ask `check_request` (through `Pathway.check`); it never runs
on replay, so a history recorded before a check was added replays as it ran.
"""

from __future__ import annotations

from parcours.domain.commands import Command, CompleteIntake
from parcours.domain.errors import MoveRefused
from parcours.domain.programme_data import ProgrammeData
from parcours.domain.records import RequestMeta


def is_blank(text: str) -> bool:
    """A name made of nothing but spaces names nobody."""
    return not text.strip()


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
