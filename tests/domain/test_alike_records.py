"""Records that stand beside one like them: a barrier of a kind still open, an appointment
at the same time, a job-dating's outcome within hours. Each may be true, so the pathway
records it; the CLI tells staff, in case it was typed twice (`cli/typed_twice.py`)."""

from __future__ import annotations

from datetime import timedelta

from parcours.domain import commands as c
from parcours.domain.commands.appointments import same_time
from parcours.domain.commands.barriers import also_open
from parcours.domain.commands.missions import same_job_dating
from parcours.domain.vocabulary import (
    AppointmentKind,
    AppointmentPlace,
    BarrierKind,
    JobDatingOutcome,
    Stage,
)
from tests.domain.helpers import ATP, HOUR, REASON, drive_to, new_pathway
from tests.support import T0, meta

NOW = T0 + timedelta(days=30)


def test_a_barrier_of_a_kind_still_open() -> None:
    pathway = new_pathway(ATP)
    for kind in (BarrierKind.HOUSING, BarrierKind.HEALTH, BarrierKind.HOUSING):
        pathway.execute(c.OpenBarrier(kind), meta(), NOW)
    assert [b.barrier_id for b in also_open(pathway.state, "b3")] == ["b1"]
    assert also_open(pathway.state, "b2") == []
    pathway.execute(c.ResolveBarrier("b1"), meta(), NOW)
    assert also_open(pathway.state, "b3") == []  # resolved: not alike any more
    pathway.execute(c.OpenBarrier(BarrierKind.HEALTH), meta(), NOW)
    seq = pathway.state.timeline[-1].seq
    pathway.execute(c.CorrectEvent(seq), meta(reason=REASON), NOW)  # b4 voided
    assert also_open(pathway.state, "b4") == []


def test_an_appointment_at_the_same_time() -> None:
    pathway = new_pathway(ATP)
    at = NOW + timedelta(days=3)
    for when in (at, at, at + HOUR):
        slot = c.ScheduleAppointment(when, AppointmentKind.COACHING, AppointmentPlace.OFFICE)
        pathway.execute(slot, meta(), NOW)
    assert [a.appointment_id for a in same_time(pathway.state, "a2")] == ["a1"]
    assert same_time(pathway.state, "a3") == []


def test_a_job_dating_outcome_within_hours_of_another() -> None:
    pathway, now = drive_to(ATP, Stage.COACHING, start=T0)
    assert same_job_dating(pathway.state, now) == []
    pathway.execute(c.RecordJobDating(now, JobDatingOutcome.NO_MATCH), meta(), now)
    assert same_job_dating(pathway.state, now) == []  # the one recorded is left out
    later = now + 2 * HOUR
    pathway.execute(c.RecordJobDating(later, JobDatingOutcome.NO_MATCH), meta(), later)
    assert [j.held_at for j in same_job_dating(pathway.state, later)] == [now]
    assert [j.held_at for j in same_job_dating(pathway.state, now)] == [later]  # a retry's
    assert same_job_dating(pathway.state, now + 20 * HOUR) == []
