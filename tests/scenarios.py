"""Pathway scenarios driven through the real client: shared by tests and the history recorder.

Each is entered after the fact, every command dated when it happened (`--on`): the
sample's own dates, and for a command without one, the last date before it (an
appointment's outcome, the appointment's). They start `PAST`, long enough ago for a whole
pathway to have happened by now, as the domain refuses a date after now.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from parcours.app.client import PathwayClient
from parcours.app.referral import refer_person
from parcours.domain import commands as c
from parcours.domain.vocabulary import (
    AlertRule,
    AppointmentKind,
    AppointmentPlace,
    BarrierKind,
    ExitReason,
    PartnerKind,
    Stage,
)
from parcours.programmes import get_programme
from parcours.workflows.erasure import ERASE_PERSON_UPDATE
from parcours.workflows.messages import UpdateResult
from tests.polling import eventually
from tests.samples import (
    ATP_CRITERIA,
    DAY,
    Step,
    full_atp_pathway,
    long_ago,
    nouveau_depart_session,
    on_dates,
)
from tests.servers import TEST_KEYRING
from tests.support import COORDINATOR, T0, accepted_updates, meta, participant, referral

ATP = get_programme("atp-cergy")
ND = get_programme("nouveau-depart")
HOUR = timedelta(hours=1)

PAST = long_ago()
"""The referral of the scenarios: 700 days ago, at 09:00 UTC."""


async def drive(pathways: PathwayClient, pid: str, steps: list[Step], t0: datetime = PAST) -> str:
    """Run the steps, checking the stage after each; the pathway must accept every one."""
    for (command, reason, stage), on in zip(steps, on_dates(steps, t0), strict=True):
        request = dataclasses.replace(meta(reason=reason), effective_at=on)
        result = await pathways.execute(pid, command, request)
        assert result.stage is stage, f"{type(command).__name__} left {result.stage}"
    assert await accepted_updates(pathways, pid) == len(steps)
    return pid


async def drive_full_atp_pathway(pathways: PathwayClient) -> str:
    """Every update of the ATP programme, ending with a positive exit (the pathway then
    stays open for its retention period, accepting what remains due after exit)."""
    pid = await pathways.refer(ATP, participant(), referral(PAST), meta())
    await drive(pathways, pid, full_atp_pathway(PAST))
    outcome = (await pathways.status(pid)).outcome
    assert outcome is not None
    assert outcome.positive
    assert outcome.rule_label == "full-time job of at least 13 months"
    return pid


async def drive_nouveau_depart_session(pathways: PathwayClient) -> str:
    pid = await pathways.refer(ND, participant("Blessing", "Okafor"), referral(PAST), meta())
    return await drive(pathways, pid, nouveau_depart_session(PAST))


async def drive_open_pathway(pathways: PathwayClient) -> str:
    """A pathway left running: suspended and resumed, with a refused move in between."""
    pid = await pathways.refer(ATP, participant("Ana", "Ferreira"), referral(PAST), meta())
    criteria = ("precarious_worker", "lives_in_territory")
    await pathways.execute(pid, c.CompleteIntake(PAST, criteria), meta())
    await pathways.execute(pid, c.Suspend(PAST + DAY), meta(reason="family emergency"))
    await pathways.execute(pid, c.Resume(PAST + 10 * DAY), meta())
    await pathways.execute(
        pid,
        c.ScheduleAppointment(PAST + 12 * DAY, AppointmentKind.INDIVIDUAL, AppointmentPlace.PHONE),
        meta(),
    )
    return pid


async def drive_entered_after_the_fact(pathways: PathwayClient) -> str:
    """An ATP pathway entered after the fact up to its suspension and resumption, left in
    coaching: every event dated when it happened (`EFFECTIVE_INSTANTS_PATCH`), so its
    stage since, barrier dates and alert timers follow the dates, not the typing."""
    pid = await pathways.refer(ATP, participant("Inès", "Moreau"), referral(PAST), meta())
    steps = full_atp_pathway(PAST)
    resumed = next(i for i, (command, _, _) in enumerate(steps) if isinstance(command, c.Resume))
    return await drive(pathways, pid, steps[: resumed + 1])


async def drive_corrected_pathway(pathways: PathwayClient) -> str:
    """Corrections: a drop-out voided, a contract's date restated (the referrer, told of it,
    gets a correction notice), a contact voided, and the pathway going on after them.
    Dated from the recording's own clock, so that no alert falls due while it is driven."""
    now = datetime.now(UTC).replace(microsecond=0) - 4 * HOUR
    pid = await pathways.refer(ATP, participant("Lina", "Haddad"), referral(now), meta())
    criteria = ("precarious_worker", "lives_in_territory")
    await pathways.execute(pid, c.GiveConsent(PartnerKind.REFERRER, now), meta())
    await pathways.execute(pid, c.CompleteIntake(now, criteria), meta())
    signed = await pathways.execute(pid, c.SignContract(now + HOUR), meta())
    await pathways.execute(pid, c.StartCoaching(now + HOUR), meta())
    dropped = await pathways.execute(pid, c.DropOut(now + 2 * HOUR), meta(reason="no news"))
    why = meta(reason="recorded on the wrong pathway")
    voided = await pathways.execute(pid, c.CorrectEvent(dropped.seq), why)
    assert voided.stage is Stage.COACHING
    contact = await pathways.execute(pid, c.RecordContact(now + 2 * HOUR), meta())
    restated = c.CorrectEvent(signed.seq, now + HOUR / 2)
    await pathways.execute(pid, restated, meta(reason="signed earlier that day"))
    await pathways.execute(pid, c.CorrectEvent(contact.seq), meta(reason="typed twice"))
    await pathways.execute(pid, c.RecordContact(now + 3 * HOUR), meta())
    return pid


async def drive_void_undone(pathways: PathwayClient) -> str:
    """A drop-out voided by mistake, then the void voided: the drop-out counts again
    (`domain.correcting.undoes_a_void`); then the person re-enters, after it."""
    now = datetime.now(UTC).replace(microsecond=0) - 4 * HOUR
    pid = await pathways.refer(ATP, participant("Noor", "Benali"), referral(now), meta())
    criteria = ("precarious_worker", "lives_in_territory")
    await pathways.execute(pid, c.CompleteIntake(now, criteria), meta())
    dropped = await pathways.execute(pid, c.DropOut(now + HOUR), meta(reason="no news"))
    voided = await pathways.execute(pid, c.CorrectEvent(dropped.seq), meta(reason="mistake"))
    assert voided.stage is not Stage.DROPPED_OUT
    undone = c.CorrectEvent(voided.seq)
    assert (await pathways.execute(pid, undone, meta(reason="voided by mistake"))).stage is (
        Stage.DROPPED_OUT
    )
    back = c.ReEnter(referral(now).session, now + 2 * HOUR)
    await pathways.execute(pid, back, meta(reason="called back"))
    return pid


async def drive_alerts_following_the_pathway(pathways: PathwayClient) -> str:
    """A pathway referred eleven months back and entered in one sitting, under the alert
    rules that follow the pathway: the intake overdue since then is never raised (the
    intake, entered a moment later, was on time); a consent expiry notice falls due two
    seconds after the last entry and is raised, then the renewed consent resolves it; the
    no-contact alert, already due, is left waiting for the entries to settle."""
    pid = await pathways.refer(ATP, participant("Ana", "Ferreira"), referral(), meta())
    await pathways.execute(pid, c.CompleteIntake(T0 + 3 * DAY, ATP_CRITERIA), meta())
    notice = timedelta(days=ATP.timers.consent_expiry_notice_days)
    expires = datetime.now(UTC) + notice + timedelta(seconds=2)
    given = c.GiveConsent(PartnerKind.REFERRER, T0 + 3 * DAY, expires)
    await pathways.execute(pid, given, meta())

    async def alerts() -> list[AlertRule]:
        return [a.rule for a in (await pathways.state(pid)).alerts]

    await eventually(
        alerts, lambda rules: AlertRule.CONSENT_EXPIRING in rules, what="the notice raised"
    )
    renewed = datetime.now(UTC)
    renewal = c.GiveConsent(PartnerKind.REFERRER, renewed, renewed + 365 * DAY)
    await pathways.execute(pid, renewal, meta())
    return pid


async def drive_erased_pathway(pathways: PathwayClient) -> str:
    """A person erased half-way through an ATP pathway (`ERASURE_ENDS_RUN_PATCH`): consent
    to the referrer, intake (the referrer is told), a barrier, a contact, then a
    coordinator's erasure, which closes the pathway and ends the run."""
    now = datetime.now(UTC).replace(microsecond=0) - 4 * HOUR
    pid = await pathways.refer(ATP, participant("Ottoline", "Brackenridge"), referral(now), meta())
    await pathways.execute(pid, c.GiveConsent(PartnerKind.REFERRER, now), meta())
    await pathways.execute(pid, c.CompleteIntake(now, ATP_CRITERIA), meta())
    await pathways.execute(pid, c.OpenBarrier(BarrierKind.HOUSING), meta())
    await pathways.execute(pid, c.RecordContact(now + HOUR), meta())
    erasure = meta(COORDINATOR, reason="asked by the person (GDPR article 17)")
    done = await pathways.update(pid, ERASE_PERSON_UPDATE, [erasure], erasure, UpdateResult)
    assert done.event == "person_erased"
    await pathways.temporal.get_workflow_handle(pid).result()  # the erasure ends the run
    return pid


async def _exit_and_return(pathways: PathwayClient) -> tuple[str, str]:
    """A person exits (entered after the fact), then comes back (`refer --returning`):
    their exited pathway's id, then their new one's."""
    person = participant("Rosalind", "Achterberg")
    sent = meta()
    pid = (
        await refer_person(pathways, ATP, person, referral(PAST), meta=sent, keyring=TEST_KEYRING)
    ).pathway_id
    left = PAST + 30 * DAY
    await pathways.execute(pid, c.Exit(ExitReason.MOVED_AWAY, left), meta(reason="moved away"))
    back = dataclasses.replace(referral(), referred_at=PAST + 90 * DAY)
    returning = meta(reason="back in the area")
    again = await refer_person(
        pathways, ATP, person, back, meta=returning, keyring=TEST_KEYRING, returning=True
    )
    assert again.earlier == pid
    return pid, again.pathway_id


async def drive_returned(pathways: PathwayClient) -> str:
    """The new pathway of a person who came back: its referral names their earlier
    pathway; its intake is then restated a day later (the correction runs it again from
    that referral)."""
    _, pid = await _exit_and_return(pathways)
    presented = PAST + 92 * DAY
    await pathways.execute(pid, c.CompleteIntake(presented, ATP_CRITERIA), meta())
    intake = next(e.seq for e in await pathways.timeline(pid) if e.kind == "intake_completed")
    restated = c.CorrectEvent(intake, restated_at=presented + DAY)
    await pathways.execute(pid, restated, meta(reason="presented a day later"))
    return pid


async def drive_referred_again(pathways: PathwayClient) -> str:
    """A person exits (entered after the fact), then comes back (`refer --returning`): the
    exited pathway records `referred_again`; its exit is then restated a day earlier."""
    pid, _ = await _exit_and_return(pathways)
    left = PAST + 30 * DAY
    exit_seq = next(e.seq for e in await pathways.timeline(pid) if e.kind == "exited")
    await pathways.execute(
        pid, c.CorrectEvent(exit_seq, restated_at=left - DAY), meta(reason="left a day earlier")
    )
    return pid


SCENARIOS = {
    "atp-full-pathway": drive_full_atp_pathway,
    "nouveau-depart-session": drive_nouveau_depart_session,
    "atp-open-suspended": drive_open_pathway,
    "atp-entered-after-the-fact": drive_entered_after_the_fact,
    "atp-corrected": drive_corrected_pathway,
    "atp-void-undone": drive_void_undone,
    "alerts-follow-the-pathway": drive_alerts_following_the_pathway,
    "atp-erased": drive_erased_pathway,
    "atp-referred-again": drive_referred_again,
    "atp-returned": drive_returned,
}
