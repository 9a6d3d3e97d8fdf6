"""Pathways for the report's tests: a second ATP session whose figures are known.

Two pathways referred 700 days ago into `SECOND_SESSION`: one referred by a partner,
trained at a diploma module it dropped, hired through an agency, then dropped out; one
referred by a neighbourhood group that moved away. Two dates are then restated, so the
report must count them at their restated instants.
"""

from __future__ import annotations

from datetime import UTC

from parcours.app.client import PathwayClient
from parcours.domain import commands as c
from parcours.domain.commands import intake
from parcours.domain.vocabulary import ContractType, ExitReason, JobDatingOutcome, Stage
from parcours.programmes import get_programme
from tests.samples import ATP_CRITERIA, DAY
from tests.samples import Step as SampleStep
from tests.scenarios import PAST, drive
from tests.support import meta, participant

ATP = get_programme("atp-cergy")
SECOND_SESSION = "atp-2025-b"


def dropped_in_employment() -> list[SampleStep]:
    """Trained at a diploma module, dropped it, hired through an agency, then gone."""
    t0 = PAST
    return [
        (c.CompleteIntake(t0 + 2 * DAY, ATP_CRITERIA), "", Stage.BARRIER_WORK),
        (c.SignContract(t0 + 3 * DAY), "", Stage.CONTRACTED),
        (c.StartCoaching(t0 + 4 * DAY), "", Stage.COACHING),
        (
            c.RecordJobDating(t0 + 5 * DAY, JobDatingOutcome.TRAINING, "Adecco"),
            "",
            Stage.AWAITING_TRAINING,
        ),
        (
            c.EnrolTraining("Module 1", "AFPA", t0 + 6 * DAY, t0 + 60 * DAY, diploma_module=True),
            "",
            Stage.TRAINING,
        ),
        (c.DropTraining(t0 + 20 * DAY), "", Stage.AWAITING_MISSION),
        (
            c.StartMission("Adecco", "Logistique", t0 + 45 * DAY, ContractType.TEMP_MISSION, 35),
            "",
            Stage.IN_EMPLOYMENT,
        ),
        (c.DropOut(t0 + 70 * DAY), "no news since the mission", Stage.DROPPED_OUT),
    ]


def moved_away() -> list[SampleStep]:
    return [
        (c.CompleteIntake(PAST + 40 * DAY, ATP_CRITERIA), "", Stage.BARRIER_WORK),
        (c.Exit(ExitReason.MOVED_AWAY, PAST + 50 * DAY), "moved to Lyon", Stage.EXITED),
    ]


async def drive_second_session(pathways: PathwayClient) -> list[str]:
    """Two pathways of another session, one referred by a partner, one not."""
    found = []
    for who, referrer, steps in (
        (participant("Mona", "Larsen"), "Pôle emploi", dropped_in_employment()),
        (participant("Yusuf", "Demir"), "Voisins solidaires", moved_away()),
    ):
        referral = intake.referral(referrer, PAST, "staff-7f3a", zone=UTC, session=SECOND_SESSION)
        pid = await pathways.refer(ATP, who, referral, meta())
        found.append(await drive(pathways, pid, steps))
    # Dates restated: the mission began a day earlier, the intake a month earlier.
    mona, yusuf = found
    why = meta(reason="date typed wrong")
    await pathways.execute(mona, c.CorrectEvent(8, PAST + 44 * DAY), why)
    await pathways.execute(yusuf, c.CorrectEvent(2, PAST + 9 * DAY), why)
    return found
