"""Retention by the last contact on the dev server's per-workflow time skipping: the
coordinator's extension, and the walk the history recorder plays (`atp-anonymised.json`):
an ATP pathway referred and left at referral, warned 30 days before 24 months after the
referral, extended by 60 days by a coordinator, warned again, then anonymised on the
extension's date (`person_erased` by parcours), its run completed; and the walk of
`atp-warning-follows.json`, where the warning, left open, is resolved by the extension
(`RETENTION_WARNING_FOLLOWS_PATCH`)."""

from __future__ import annotations

from datetime import UTC, datetime

from temporalio.testing import WorkflowEnvironment

from parcours.app.client import PathwayClient
from parcours.domain.anonymisation import ExtendRetention
from parcours.domain.calendar import add_months
from parcours.domain.records import Actor
from parcours.domain.vocabulary import AlertRule, AlertStatus
from parcours.programmes import get_programme
from parcours.workflows.messages import UpdateResult
from parcours.workflows.retention import EXTEND_RETENTION_UPDATE
from tests.support import COORDINATOR, meta, participant, referral
from tests.workflows.two_year_walk import DAY, HOUR, Walk

ATP = get_programme("atp-cergy")
MONTHS = ATP.timers.anonymise_after_last_contact_months
WARNING = ATP.timers.retention_warning_days * DAY
RETENTION_RULES = frozenset({AlertRule.RETENTION_DUE})
"""What the retention lane walks (`test_two_years.test_every_alert_a_timer_raises_is_walked`)."""


async def extend_retention(
    pathways: PathwayClient, pid: str, until: datetime, who: Actor = COORDINATOR
) -> UpdateResult:
    """A coordinator's extension of the pathway's record until `until`."""
    sent = meta(who, reason="court case pending")
    args = [sent, ExtendRetention(until)]
    done = await pathways.update(pid, EXTEND_RETENTION_UPDATE, args, sent, UpdateResult)
    assert isinstance(done, UpdateResult)
    return done


async def referred_now(env: WorkflowEnvironment, pathways: PathwayClient) -> tuple[Walk, datetime]:
    """An ATP pathway referred now (the virtual clock starts at the real now) and its
    intake left overdue: the walk, and the referral's instant, its last contact."""
    start = datetime.now(UTC)
    pid = await pathways.refer(ATP, participant(), referral(at=start), meta())
    walk = Walk(env, pathways, pid)
    await walk.expect(
        start + ATP.timers.intake_within_days * DAY, (AlertRule.INTAKE_OVERDUE, "intake")
    )
    return walk, start


async def play_anonymised(env: WorkflowEnvironment, pathways: PathwayClient) -> str:
    """The whole walk, for the recorder: returns the pathway, its person anonymised."""
    walk, start = await referred_now(env, pathways)
    pid, due = walk.pid, add_months(start, MONTHS)
    await walk.expect(due - WARNING, (AlertRule.RETENTION_DUE, "retention"))
    until = due + 60 * DAY
    await extend_retention(pathways, pid, until)
    await walk.expect(until - WARNING, (AlertRule.RETENTION_DUE, "retention"))
    await walk.quiet_until(until - HOUR)
    assert not await env.fast_forward(walk.handle, 2 * HOUR)  # the run completes on the way
    await walk.handle.result()
    return pid


async def play_warning_follows(env: WorkflowEnvironment, pathways: PathwayClient) -> str:
    """Warned and the warning left open; a coordinator extends the record by 60 days: the
    open warning is resolved by parcours at once, a new one comes 30 days before the new
    date, and the person is anonymised on it."""
    walk, start = await referred_now(env, pathways)
    pid, due = walk.pid, add_months(start, MONTHS)
    (first,) = await walk.expect(
        due - WARNING, (AlertRule.RETENTION_DUE, "retention"), acknowledge=False
    )
    until = due + 60 * DAY
    done = await extend_retention(pathways, pid, until)
    state = await pathways.state(pid)
    resolved = state.timeline[-1]
    assert (resolved.kind, resolved.details["alert_id"]) == ("alert_resolved", first.alert_id)
    assert resolved.details["closed_by"] == str(done.seq)
    warning = next(a for a in state.alerts if a.alert_id == first.alert_id)
    assert (warning.status, warning.handled_by) == (AlertStatus.RESOLVED, "parcours")
    open_ids = {a.alert_id for a in (await pathways.status(pid)).open_alerts}
    assert first.alert_id not in open_ids
    await walk.expect(until - WARNING, (AlertRule.RETENTION_DUE, "retention"))
    await walk.quiet_until(until - HOUR)
    assert not await env.fast_forward(walk.handle, 2 * HOUR)  # the run completes on the way
    await walk.handle.result()
    return pid
