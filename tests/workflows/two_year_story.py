"""Two years of one ATP pathway as data: each step is when it happened (its offset from the
referral) and the command staff type for it, built from that instant.

The same list is entered two ways by `test_two_years_after_the_fact.py`: live, each step
sent when the workflow's skipped clock reaches its offset (no `--on`, commands dated
"today"), and after the fact, in one sitting, each step with its own instant as `--on`
(the request's effective instant) on a pathway referred two years before.

What it covers: intake on time, barriers opened, worked on, resolved and waived, a French
assessment, consent, contract, coaching, appointments attended, job-datings, a training
completed, a full-time fixed-term job that ends after four months, then a permanent
full-time hire held more than thirteen months (so the 13-month rule of the outcome holds at the
exit, and did not a few days before), contacts often enough that no 30-day gap opens and on
every post-hire check-in day, the exit, and a follow-up contact after it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from parcours.domain import commands as c
from parcours.domain.vocabulary import (
    AppointmentKind,
    AppointmentPlace,
    BarrierKind,
    ContractType,
    ExitReason,
    FrenchLevel,
    JobDatingOutcome,
    PartnerKind,
)
from tests.samples import ATP_CRITERIA

DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Step:
    """One thing that happened: `day` days and `hour` hours after the referral."""

    day: int
    hour: int
    make: Callable[[datetime], c.Command]
    """The command as typed for it, from the instant it happened."""
    reason: str = ""

    @property
    def offset(self) -> timedelta:
        return self.day * DAY + self.hour * HOUR


def _contact(day: int, hour: int = 3) -> Step:
    return Step(day, hour, c.RecordContact)


def _appointment(number: int, day: int, on_day: int, kind: AppointmentKind) -> list[Step]:
    """Appointment `a{number}`, scheduled on `day` for `on_day` at the same hour (4),
    attended: recorded an hour after it began."""
    ahead = (on_day - day) * DAY
    return [
        Step(day, 4, lambda at: c.ScheduleAppointment(at + ahead, kind, AppointmentPlace.OFFICE)),
        Step(on_day, 5, lambda _at: c.AttendAppointment(f"a{number}")),
    ]


FIRST_JOB_DAY = 165
"""A full-time fixed-term job, four months: too short for the 13-month rule."""
HIRED_DAY = 300
"""The permanent full-time hire that the 13-month rule counts at the exit."""
EXIT_DAY = 715
"""Thirteen months and a half after the hire (thirteen months after it: day 696 or so)."""

# The mission's check-ins fall 7, 30, 90, 180, 365 days after its start, at its hour (2):
# the contact of that day comes an hour later (3), so each is met on its day.
_FIRST_JOB_CONTACTS = (FIRST_JOB_DAY + 7, FIRST_JOB_DAY + 30, 220, 245, FIRST_JOB_DAY + 90, 275)
_HIRED_CONTACTS = (
    *(HIRED_DAY + 7, HIRED_DAY + 30, 355, 380, HIRED_DAY + 90, 415, 440, 465, HIRED_DAY + 180),
    *(505, 530, 555, 580, 605, 630, 650, HIRED_DAY + 365, 690),
)
"""Never 30 days without a contact (an intake, a contract, coaching, a job-dating, a
mission's start and an attended appointment count as one too)."""

STORY: list[Step] = [
    Step(2, 1, lambda at: c.CompleteIntake(at, ATP_CRITERIA)),
    Step(2, 2, lambda _at: c.OpenBarrier(BarrierKind.HOUSING, aid_requested=True)),
    Step(2, 3, lambda _at: c.AssessFrench(FrenchLevel.B1)),
    Step(2, 4, lambda at: c.GiveConsent(PartnerKind.TRAINING_BODY, at)),
    Step(9, 2, lambda _at: c.WorkOnBarrier("b1")),
    _contact(9),
    Step(12, 2, lambda _at: c.OpenBarrier(BarrierKind.CHILDCARE)),
    Step(14, 2, lambda _at: c.WaiveBarrier("b2"), "the grandmother looks after the children"),
    Step(19, 2, lambda _at: c.ResolveBarrier("b1")),
    Step(21, 2, c.SignContract),
    Step(23, 2, c.StartCoaching),
    *_appointment(1, 25, 30, AppointmentKind.INDIVIDUAL),
    _contact(45),
    Step(55, 2, lambda at: c.RecordJobDating(at, JobDatingOutcome.TRAINING, "Adecco")),
    Step(
        60,
        2,
        lambda at: c.EnrolTraining(
            "Module 1, CAP EPC", "GRETA", at + 2 * DAY, at + 92 * DAY, diploma_module=True
        ),
    ),
    _contact(75),
    *_appointment(2, 95, 100, AppointmentKind.COACHING),
    _contact(125),
    _contact(150),
    Step(152, 6, c.CompleteTraining),
    Step(160, 2, lambda at: c.RecordJobDating(at, JobDatingOutcome.HIRED, "Randstad")),
    Step(
        FIRST_JOB_DAY,
        2,
        lambda at: c.StartMission(
            "Randstad", "Entrepôt", at, ContractType.FIXED_TERM, 35, ends_at=at + 120 * DAY
        ),
    ),
    *(_contact(day) for day in _FIRST_JOB_CONTACTS),
    Step(FIRST_JOB_DAY + 120, 2, c.EndMission),
    *_appointment(3, FIRST_JOB_DAY + 122, 292, AppointmentKind.CAREER_ADVICE),
    Step(HIRED_DAY, 2, lambda at: c.StartMission("", "Hôpital", at, ContractType.PERMANENT, 35)),
    *(_contact(day) for day in _HIRED_CONTACTS),
    Step(EXIT_DAY, 2, lambda at: c.Exit(ExitReason.EMPLOYMENT, at), "permanent full-time job"),
    _contact(725),
]
"""The pathway, in the order it happened (and is typed, both ways)."""

AUDIT_DAYS = (1, 10, 20, 22, 50, 100, 170, 200, 290, 320, 600, 690, 700, 716, 729)
"""Days `audit at` is asked about (at 20:00 after the referral's hour, when no step is
near): every stage the story passes through, and the last days before and after the exit."""
