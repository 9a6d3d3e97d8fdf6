"""Pathway scenarios driven through the real client: shared by tests and the history recorder."""

from __future__ import annotations

from parcours.app.client import PathwayClient
from parcours.domain import commands as c
from parcours.domain.vocabulary import AppointmentKind, AppointmentPlace
from parcours.programmes import get_programme
from parcours.workflows.messages import PathwayResult
from tests.samples import DAY, Step, full_atp_pathway, nouveau_depart_session
from tests.support import T0, accepted_updates, meta, participant, referral

ATP = get_programme("atp-cergy")
ND = get_programme("nouveau-depart")


async def drive(pathways: PathwayClient, pid: str, steps: list[Step]) -> str:
    """Run the steps, checking the stage after each; the pathway must accept every one."""
    for command, reason, stage in steps:
        result = await pathways.execute(pid, command, meta(reason=reason))
        assert result.stage is stage, f"{type(command).__name__} left {result.stage}"
    assert await accepted_updates(pathways, pid) == len(steps)
    return pid


async def drive_full_atp_pathway(pathways: PathwayClient) -> str:
    """Every update of the ATP programme, ending with a positive exit."""
    pid = await pathways.refer(ATP, participant(), referral(), meta())
    await drive(pathways, pid, full_atp_pathway(T0))
    handle = pathways.temporal.get_workflow_handle(pid, result_type=PathwayResult)
    outcome = (await handle.result()).state.outcome
    assert outcome is not None
    assert outcome.positive
    assert outcome.rule_label == "full-time job of at least 13 months"
    return pid


async def drive_nouveau_depart_session(pathways: PathwayClient) -> str:
    pid = await pathways.refer(ND, participant("Blessing", "Okafor"), referral(), meta())
    return await drive(pathways, pid, nouveau_depart_session(T0))


async def drive_open_pathway(pathways: PathwayClient) -> str:
    """A pathway left running: suspended and resumed, with a refused move in between."""
    pid = await pathways.refer(ATP, participant("Ana", "Ferreira"), referral(), meta())
    await pathways.execute(
        pid, c.CompleteIntake(T0, ("precarious_worker", "lives_in_territory")), meta()
    )
    await pathways.execute(pid, c.Suspend(T0 + DAY), meta(reason="family emergency"))
    await pathways.execute(pid, c.Resume(T0 + 10 * DAY), meta())
    await pathways.execute(
        pid,
        c.ScheduleAppointment(T0 + 12 * DAY, AppointmentKind.INDIVIDUAL, AppointmentPlace.PHONE),
        meta(),
    )
    return pid


SCENARIOS = {
    "atp-full-pathway": drive_full_atp_pathway,
    "nouveau-depart-session": drive_nouveau_depart_session,
    "atp-open-suspended": drive_open_pathway,
}
