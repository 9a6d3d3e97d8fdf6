"""Named guards: the business rules that may refuse a move.

Each guard looks at the state, the programme and the command; when it refuses, it says
which rule refused in words a case worker understands, and names that sentence with a
`code` and the `values` it uses, so the CLI can say it in the reader's language. A guard
given no command (when listing what is allowed now) judges only what it can know without
one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from parcours.domain.calendar import add_months
from parcours.domain.commands import (
    Command,
    CompleteIntake,
    EnrolTraining,
    Exit,
    StartMission,
)
from parcours.domain.programme_data import ProgrammeData
from parcours.domain.records import PathwayState
from parcours.domain.vocabulary import BarrierStatus, ExitReason, FrenchLevel


@dataclass(frozen=True)
class Verdict:
    ok: bool
    why: str = ""
    code: str = ""
    values: dict[str, str] = field(default_factory=dict)


PASS = Verdict(ok=True)

Guard = Callable[[PathwayState, ProgrammeData, Command | None], Verdict]


def _unless_any(found: list[str], why: str, code: str, *, named: str) -> Verdict:
    """PASS when nothing was found; else a refusal that lists every item found."""
    if not found:
        return PASS
    listed = ", ".join(found)
    return Verdict(False, f"{why}: {listed}", code, {named: listed})


def eligibility_met(
    state: PathwayState, programme: ProgrammeData, command: Command | None
) -> Verdict:
    if not isinstance(command, CompleteIntake):
        return PASS
    missing = [c.key for c in programme.eligibility if c.key not in command.criteria_met]
    return _unless_any(
        missing, "eligibility criteria not met", "eligibility_missing", named="criteria"
    )


def blocking_barriers_cleared(
    state: PathwayState, programme: ProgrammeData, command: Command | None
) -> Verdict:
    blocking = set(programme.blocking_barriers)
    pending = [
        b.barrier_id
        for b in state.barriers
        if b.kind in blocking and b.status not in (BarrierStatus.RESOLVED, BarrierStatus.WAIVED)
    ]
    return _unless_any(
        pending,
        "blocking barriers must be resolved or waived with a reason first",
        "blocking_barriers_pending",
        named="barriers",
    )


def training_prerequisites_met(
    state: PathwayState, programme: ProgrammeData, command: Command | None
) -> Verdict:
    required = programme.training_prerequisites.french_level
    if required is None:
        return PASS
    level = state.french_level or FrenchLevel.NONE
    if level.rank < required.rank:
        return Verdict(
            False,
            f"this training requires French level {required.value} "
            f"(assessed: {level.value}); record an assessment first",
            "french_level_required",
            {"required": required.value, "assessed": level.value},
        )
    return PASS


TYPING_VERDICTS = frozenset({"training_dates_order", "mission_dates_order", "weekly_hours_range"})
"""Guard verdicts about what was typed (an end before its start, hours out of range): no
other action mends a typing slip, so their refusals list no allowed actions."""


def training_dates_valid(
    state: PathwayState, programme: ProgrammeData, command: Command | None
) -> Verdict:
    if isinstance(command, EnrolTraining) and command.ends_at <= command.starts_at:
        return Verdict(False, "a training must end after it starts", "training_dates_order")
    return PASS


def accompaniment_deadline(state: PathwayState, programme: ProgrammeData) -> datetime | None:
    """When the programme's accompaniment ends, once its clock has started."""
    if programme.accompaniment is None or state.accompaniment_starts_at is None:
        return None
    return add_months(state.accompaniment_starts_at, programme.accompaniment.months)


def training_ends_before_deadline(
    state: PathwayState, programme: ProgrammeData, command: Command | None
) -> Verdict:
    deadline = accompaniment_deadline(state, programme)
    if not isinstance(command, EnrolTraining) or deadline is None:
        return PASS
    if command.ends_at > deadline:
        day = deadline.date().isoformat()
        return Verdict(
            False,
            f"a training must end before the accompaniment deadline ({day}); "
            "choose a shorter module",
            "training_after_deadline",
            # The instant, not the UTC day: the reader's day is the one `show` prints.
            {"deadline": deadline.isoformat()},
        )
    return PASS


def mission_dates_valid(
    state: PathwayState, programme: ProgrammeData, command: Command | None
) -> Verdict:
    if not isinstance(command, StartMission):
        return PASS
    if command.ends_at is not None and command.ends_at <= command.starts_at:
        return Verdict(False, "a mission must end after it starts", "mission_dates_order")
    if not 0 < command.weekly_hours <= 48:
        return Verdict(
            False, "weekly hours must be more than 0 and at most 48", "weekly_hours_range"
        )
    return PASS


def exit_reason_allowed(
    state: PathwayState, programme: ProgrammeData, command: Command | None
) -> Verdict:
    if (
        isinstance(command, Exit)
        and command.reason is ExitReason.DROPPED_OUT
        and state.current_mission() is not None
    ):
        return Verdict(
            False,
            "a person on a mission cannot exit as dropped out; end it first",
            "exit_reason_on_mission",
        )
    return PASS


GUARDS: dict[str, Guard] = {
    "eligibility_met": eligibility_met,
    "blocking_barriers_cleared": blocking_barriers_cleared,
    "training_prerequisites_met": training_prerequisites_met,
    "training_dates_valid": training_dates_valid,
    "training_ends_before_deadline": training_ends_before_deadline,
    "mission_dates_valid": mission_dates_valid,
    "exit_reason_allowed": exit_reason_allowed,
}
