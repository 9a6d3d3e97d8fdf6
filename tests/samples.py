"""Sample pathways as command lists: a full ATP pathway and a Nouveau départ session.

Used by the tests, the history recorder and the benchmarks, so all three drive the same
realistic sequence. Dates are relative to `t0`; the people are fictitious.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
    Stage,
)

DAY = timedelta(days=1)
ATP_CRITERIA = ("precarious_worker", "lives_in_territory")
ND_CRITERIA = (
    "referred_by_partner_association",
    "wishes_to_leave_prostitution",
    "temp_work_presented",
)

Step = tuple[c.Command, str, Stage]
"""A command, the reason given with it, and the stage it leaves the pathway in."""


def long_ago(days: int = 700) -> datetime:
    """A start `days` before today, at 09:00 UTC: long enough ago for a whole sample to
    have happened by now (the domain refuses a date after now)."""
    return datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) - days * DAY


def on_dates(steps: list[Step], t0: datetime) -> list[datetime | None]:
    """What each step is sent with as `--on`: None for a command that carries its own date,
    else the last date before it (an appointment's outcome: the appointment's), so that a
    sample is entered after the fact with every event on its day."""
    clock, dates = t0, []
    for command, _reason, _stage in steps:
        own = command.happened_at()
        clock = own or clock
        dates.append(None if own is not None else clock)
        if isinstance(command, c.ScheduleAppointment):
            clock = max(clock, command.at)
    return dates


def full_atp_pathway(t0: datetime) -> list[Step]:
    """Every kind of update of the ATP programme, in an order a real pathway may take."""
    return [
        (c.CompleteIntake(t0, ATP_CRITERIA), "", Stage.BARRIER_WORK),
        (c.OpenBarrier(BarrierKind.HOUSING, aid_requested=True), "", Stage.BARRIER_WORK),
        (c.WorkOnBarrier("b1"), "", Stage.BARRIER_WORK),
        (c.ResolveBarrier("b1"), "", Stage.BARRIER_WORK),
        (c.OpenBarrier(BarrierKind.CHILDCARE), "", Stage.BARRIER_WORK),
        (c.WaiveBarrier("b2"), "grandmother looks after the children", Stage.BARRIER_WORK),
        (c.GiveConsent(PartnerKind.REFERRER, t0, t0 + 1000 * DAY), "", Stage.BARRIER_WORK),
        (c.WithdrawConsent(PartnerKind.REFERRER, t0 + DAY), "", Stage.BARRIER_WORK),
        (c.AssessFrench(FrenchLevel.B1), "", Stage.BARRIER_WORK),
        (c.SignContract(t0 + DAY), "", Stage.CONTRACTED),
        (c.StartCoaching(t0 + 2 * DAY), "", Stage.COACHING),
        (
            c.ScheduleAppointment(
                t0 + 3 * DAY,
                AppointmentKind.INDIVIDUAL,
                AppointmentPlace.MOBILE_OFFICE,
                late_slot=True,
            ),
            "",
            Stage.COACHING,
        ),
        (c.AttendAppointment("a1"), "", Stage.COACHING),
        (
            c.ScheduleAppointment(
                t0 + 4 * DAY, AppointmentKind.CAREER_ADVICE, AppointmentPlace.OFFICE
            ),
            "",
            Stage.COACHING,
        ),
        (c.MissAppointment("a2"), "", Stage.COACHING),
        (c.RecordContact(t0 + 5 * DAY), "", Stage.COACHING),
        (c.Suspend(t0 + 6 * DAY), "hospitalised", Stage.SUSPENDED),
        (c.Resume(t0 + 20 * DAY), "", Stage.COACHING),
        (
            c.RecordJobDating(t0 + 25 * DAY, JobDatingOutcome.TRAINING, "Adecco"),
            "",
            Stage.AWAITING_TRAINING,
        ),
        (
            c.EnrolTraining(
                "Module 1, CAP EPC",
                "GRETA",
                t0 + 30 * DAY,
                t0 + 90 * DAY,
                paid=True,
                diploma_module=True,
            ),
            "",
            Stage.TRAINING,
        ),
        (c.DropTraining(t0 + 40 * DAY), "", Stage.AWAITING_MISSION),
        (
            c.EnrolTraining("Module 2, CAP EPC", "GRETA", t0 + 50 * DAY, t0 + 110 * DAY),
            "",
            Stage.TRAINING,
        ),
        (c.CompleteTraining(t0 + 110 * DAY), "", Stage.AWAITING_MISSION),
        (c.RecordJobDating(t0 + 115 * DAY, JobDatingOutcome.NO_MATCH), "", Stage.AWAITING_MISSION),
        (
            c.RecordJobDating(t0 + 120 * DAY, JobDatingOutcome.HIRED, "Randstad"),
            "",
            Stage.AWAITING_MISSION,
        ),
        (
            c.StartMission(
                "Randstad",
                "Hypermarché",
                t0 + 121 * DAY,
                ContractType.TEMP_MISSION,
                35,
                t0 + 151 * DAY,
            ),
            "",
            Stage.IN_EMPLOYMENT,
        ),
        (c.EndMission(t0 + 151 * DAY), "", Stage.AWAITING_MISSION),
        (
            c.StartMission("", "Hypermarché", t0 + 152 * DAY, ContractType.PERMANENT, 35),
            "",
            Stage.IN_EMPLOYMENT,
        ),
        (
            c.Exit(ExitReason.EMPLOYMENT, t0 + 600 * DAY),
            "hired on a permanent contract",
            Stage.EXITED,
        ),
    ]


def nouveau_depart_session(t0: datetime) -> list[Step]:
    """Training dropped, drop-out, re-entry in the next session, temp missions, exit."""
    return [
        (c.GiveConsent(PartnerKind.REFERRER, t0, t0 + 1000 * DAY), "", Stage.REFERRED),
        (c.CompleteIntake(t0, ND_CRITERIA), "", Stage.BARRIER_WORK),
        (c.OpenBarrier(BarrierKind.LANGUAGE), "", Stage.BARRIER_WORK),
        (c.AssessFrench(FrenchLevel.A1), "", Stage.BARRIER_WORK),
        (c.StartCoaching(t0 + DAY), "", Stage.COACHING),
        (
            c.RecordJobDating(t0 + 2 * DAY, JobDatingOutcome.TRAINING, "Adecco"),
            "",
            Stage.AWAITING_TRAINING,
        ),
        (
            c.EnrolTraining(
                "Employé libre-service", "Muse", t0 + 9 * DAY, t0 + 84 * DAY, paid=True
            ),
            "",
            Stage.TRAINING,
        ),
        (c.DropOut(t0 + 30 * DAY), "stopped coming", Stage.DROPPED_OUT),
        (c.ReEnter("2027-03", t0 + 400 * DAY), "referred again by the association", Stage.REFERRED),
        (c.CompleteIntake(t0 + 401 * DAY, ND_CRITERIA), "", Stage.BARRIER_WORK),
        (c.StartCoaching(t0 + 402 * DAY), "", Stage.COACHING),
        (
            c.RecordJobDating(t0 + 403 * DAY, JobDatingOutcome.HIRED, "Domino"),
            "",
            Stage.AWAITING_MISSION,
        ),
        (
            c.StartMission(
                "Domino", "Entrepôt", t0 + 404 * DAY, ContractType.TEMP_MISSION, 35, t0 + 434 * DAY
            ),
            "",
            Stage.IN_EMPLOYMENT,
        ),
        (c.EndMission(t0 + 434 * DAY), "", Stage.AWAITING_MISSION),
        (
            c.StartMission(
                "Domino", "Entrepôt", t0 + 440 * DAY, ContractType.TEMP_MISSION, 35, t0 + 470 * DAY
            ),
            "",
            Stage.IN_EMPLOYMENT,
        ),
        (c.Exit(ExitReason.EMPLOYMENT, t0 + 470 * DAY), "regular temp missions", Stage.EXITED),
    ]
