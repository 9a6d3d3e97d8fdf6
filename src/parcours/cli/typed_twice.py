"""What staff are told once a record is made that another one like it already stands: a
barrier of a kind still open, an appointment at the same time, a job-dating's outcome
within 12 hours of another. Each may be true (two housing difficulties), so nothing is
refused; each is as often typed twice, so the notice gives the `correct` command that
voids the new one.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from parcours.cli.labels import semicolons, short, word
from parcours.cli.render import when
from parcours.domain.commands.appointments import AppointmentTrigger, same_time
from parcours.domain.commands.barriers import BarrierTrigger, also_open
from parcours.domain.commands.missions import MissionTrigger, same_job_dating

if TYPE_CHECKING:
    from parcours.cli.i18n import Text
    from parcours.cli.runtime import Session
    from parcours.domain.records import PathwayState
    from parcours.workflows.messages import UpdateResult

Alike = Callable[["PathwayState", "UpdateResult", "Text"], "str | None"]
"""What a record has alike already, in the reader's words; None when nothing is."""


def _barrier(state: PathwayState, result: UpdateResult, text: Text) -> str | None:
    others = also_open(state, result.details.get("barrier_id", ""))
    if not others:
        return None
    kind = word("barrier_kind", others[0].kind.value, text)
    return text("twice.barrier", kind=kind, ids=", ".join(b.barrier_id for b in others))


def _appointment(state: PathwayState, result: UpdateResult, text: Text) -> str | None:
    others = same_time(state, result.details.get("appointment_id", ""))
    if not others:
        return None
    ids = ", ".join(a.appointment_id for a in others)
    return text("twice.appointment", at=when(others[0].at), ids=ids)


def _job_dating(state: PathwayState, result: UpdateResult, text: Text) -> str | None:
    held_at = result.details.get("held_at")
    others = same_job_dating(state, datetime.fromisoformat(held_at)) if held_at else []
    if not others:
        return None
    said = (
        f"{word('jobdating_outcome', j.outcome.value, text)}, {when(j.held_at)}" for j in others
    )
    return text("twice.job_dating", outcomes=semicolons(said, text.lang))


ALIKE: dict[str, Alike] = {
    BarrierTrigger.OPEN_BARRIER: _barrier,
    AppointmentTrigger.SCHEDULE_APPOINTMENT: _appointment,
    **{trigger: _job_dating for trigger in MissionTrigger if trigger.startswith("jobdating_")},
}


def say_alike(session: Session, trigger: str, state: PathwayState, result: UpdateResult) -> None:
    """On stderr: the record `result` made stands beside one alike, and how to void it."""
    text = session.text
    found = ALIKE[trigger](state, result, text)
    if found is not None:
        ref = short(state.pathway_id)
        print(text("twice.void", what=found, ref=ref, seq=str(result.seq)), file=sys.stderr)
