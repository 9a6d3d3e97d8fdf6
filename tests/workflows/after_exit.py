"""Life after exit on the dev server's per-workflow time skipping, step by step.

Shared by `test_after_exit.py` and the history recorder (`tests/histories/record.py`,
`atp-after-exit.json`), which takes the new branch of `AFTER_EXIT_PATCH`: an ATP pathway
left without intake raises `intake_overdue`, then its escalation to the coordinator; it
exits; after exit the person withdraws their consent, the referent acknowledges the
overdue intake and records a follow-up contact; the escalation is left open. At the end of
the retention period the pathway closes for good, with the escalation closed with it (the
recorded history's rule; since `RETENTION_BY_CONTACT_PATCH` a new run stays open until the
person is anonymised, `until_anonymised`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from parcours.app.client import PathwayClient
from parcours.domain import commands as c
from parcours.domain.vocabulary import AlertRule, ExitReason, PartnerKind, Stage
from parcours.programmes import get_programme
from parcours.workflows.summaries import PathwayStatus
from tests.support import meta, participant, referral

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
ATP = get_programme("atp-cergy")
RETENTION = timedelta(days=ATP.timers.retention_after_exit_days)


@dataclass
class AfterExit:
    """One pathway walked from referral to its closing, on its own virtual clock."""

    env: WorkflowEnvironment
    pathways: PathwayClient
    pid: str = ""

    @property
    def handle(self) -> WorkflowHandle[Any, Any]:
        return self.env.client.get_workflow_handle(self.pid)

    async def now(self) -> datetime:
        return await self.env.get_current_time(self.handle)

    async def forward(self, by: timedelta) -> None:
        assert await self.env.fast_forward(self.handle, by)

    async def status(self) -> PathwayStatus:
        return await self.pathways.status(self.pid)

    async def run(self, command: c.Command, reason: str = "") -> None:
        await self.pathways.execute(self.pid, command, meta(reason=reason))

    async def refer_and_leave_alerts_open(self) -> None:
        """Referred (at the virtual clock's start, the real now), no intake: after 15 days
        `intake_overdue`, after 7 more its escalation to the coordinator."""
        self.pid = await self.pathways.refer(
            ATP, participant(), referral(at=datetime.now().astimezone()), meta()
        )
        await self.run(c.GiveConsent(PartnerKind.CAREER_ADVISOR, await self.now()))
        await self.forward(15 * DAY + HOUR)
        await self.forward(7 * DAY)
        rules = {a.rule for a in (await self.status()).open_alerts}
        assert rules == {AlertRule.INTAKE_OVERDUE, AlertRule.ALERT_UNACKNOWLEDGED}, rules

    async def exit(self) -> datetime:
        exited_at = await self.now()
        await self.run(c.Exit(ExitReason.MOVED_AWAY, exited_at), "moved to another region")
        assert (await self.status()).stage is Stage.EXITED
        return exited_at

    async def what_remains_due(self) -> None:
        """After exit: the consent withdrawn, the overdue intake acknowledged, a contact."""
        now = await self.now()
        await self.run(c.WithdrawConsent(PartnerKind.CAREER_ADVISOR, now))
        overdue = next(
            a for a in (await self.status()).open_alerts if a.rule is AlertRule.INTAKE_OVERDUE
        )
        await self.run(c.AcknowledgeAlert(overdue.alert_id))
        await self.run(c.RecordContact(now))

    async def until_closed(self, exited_at: datetime) -> None:
        """Just before the end of the retention period still open; just after, closed."""
        await self.forward(exited_at + RETENTION - HOUR - await self.now())
        assert (await self.status()).closed_at is None
        # The run completes on the way: the fast-forward reports that it terminated first.
        assert not await self.env.fast_forward(self.handle, 2 * HOUR)
        await self.handle.result()

    async def until_anonymised(self, due: datetime) -> None:
        """Just before the anonymisation due at `due` still open; just after, completed."""
        await self.forward(due - HOUR - await self.now())
        assert (await self.status()).closed_at is None
        assert not await self.env.fast_forward(self.handle, 2 * HOUR)
        await self.handle.result()


async def play_after_exit(env: WorkflowEnvironment, pathways: PathwayClient) -> str:
    """The whole scenario, for the recorder: returns the pathway, closed."""
    walk = AfterExit(env, pathways)
    await walk.refer_and_leave_alerts_open()
    exited_at = await walk.exit()
    await walk.what_remains_due()
    await walk.until_closed(exited_at)
    return walk.pid
