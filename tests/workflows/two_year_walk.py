"""Walking one pathway through its calendar on the dev server's per-workflow time skipping.

A `Walk` visits the instants a test expects alerts at, in order. At each it fast-forwards
the workflow's virtual clock to one hour before the instant and checks that nothing new was
raised (neither in the status query's open alerts nor as an `alert_raised` event), then to
one hour after it and checks that exactly the expected alerts were raised, each due at the
instant and recorded as raised at it or within the hour after (an alert a command makes
due at once waits `SETTLING` for the entry to settle first). Every raised alert is
tracked, so an alert nobody expected, or one raised early, fails the walk wherever it
shows up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from temporalio.client import WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from parcours.app.client import PathwayClient
from parcours.domain import commands as c
from parcours.domain.alerts import SETTLING
from parcours.domain.records import Alert, PathwayEvent
from parcours.domain.vocabulary import AlertRule
from parcours.workflows.messages import UpdateResult
from tests.support import meta

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)

Expected = tuple[AlertRule, str]
"""An alert a walk expects: its rule and its subject (what it is about)."""


@dataclass
class Walk:
    env: WorkflowEnvironment
    pathways: PathwayClient
    pid: str
    raised: dict[str, Alert] = field(default_factory=dict)
    """Every alert raised so far, each checked against its instant when it appeared."""

    @property
    def handle(self) -> WorkflowHandle[Any, Any]:
        return self.env.client.get_workflow_handle(self.pid)

    async def now(self) -> datetime:
        """The workflow's virtual clock."""
        return await self.env.get_current_time(self.handle)

    async def run(self, command: c.Command) -> UpdateResult:
        return await self.pathways.execute(self.pid, command, meta())

    async def expect(
        self, due: datetime, *alerts: Expected, acknowledge: bool = True
    ) -> list[Alert]:
        """Check that `alerts`, and nothing else, are raised at `due`: not an hour before.

        Once checked they are acknowledged, so they do not escalate, unless told otherwise.
        """
        assert alerts
        now = await self.now()
        assert due - HOUR > now, f"the walk is already at {now}, too late to watch {due}"
        assert await self.env.fast_forward(self.handle, due - HOUR - now)
        early = await self._new_alerts()
        assert early == [], f"raised before {due}, its instant: {_ids(early)}"
        assert await self.env.fast_forward(self.handle, 2 * HOUR)
        return await self._check_new(due, alerts, acknowledge)

    async def expect_on(
        self, command: c.Command, *alerts: Expected, acknowledge: bool = True
    ) -> list[Alert]:
        """Check that `command` makes `alerts` due at the instant it is recorded, raised once
        the entry has settled (`SETTLING` later, with no other entry), and no sooner."""
        early = await self._new_alerts()
        assert early == [], f"raised before the command that makes it due: {_ids(early)}"
        result = await self.run(command)
        due = next(e.at for e in await self.pathways.timeline(self.pid) if e.seq == result.seq)
        assert await self.env.fast_forward(self.handle, SETTLING - HOUR / 4)
        settling = await self._new_alerts()
        assert settling == [], f"raised before the entry settled: {_ids(settling)}"
        assert await self.env.fast_forward(self.handle, HOUR)
        return await self._check_new(due, alerts, acknowledge, settled=True)

    async def quiet_until(self, until: datetime) -> None:
        """Check that nothing at all is raised from now until `until`."""
        now = await self.now()
        assert until > now
        assert await self.env.fast_forward(self.handle, until - now)
        unexpected = await self._new_alerts()
        assert unexpected == [], f"raised before {until}, when none was due: {_ids(unexpected)}"

    async def _check_new(
        self, due: datetime, alerts: tuple[Expected, ...], acknowledge: bool, settled: bool = False
    ) -> list[Alert]:
        new = await self._new_alerts()
        assert sorted((a.rule, a.subject) for a in new) == sorted(alerts), (
            f"expected {sorted(alerts)} at {due}, raised {_ids(new)}"
        )
        open_ids = {a.alert_id for a in (await self.pathways.status(self.pid)).open_alerts}
        events = {e.details["alert_id"]: e for e in await self._raised_events()}
        earliest = due + SETTLING if settled else due
        for alert in new:
            assert alert.due_at == due, f"{alert.alert_id} is due at {alert.due_at}, not {due}"
            assert earliest <= alert.raised_at <= earliest + HOUR, (
                f"{alert.alert_id} at {alert.raised_at}"
            )
            assert events[alert.alert_id].at == alert.raised_at
            assert alert.alert_id in open_ids
            self.raised[alert.alert_id] = alert
            if acknowledge:
                await self.run(c.AcknowledgeAlert(alert.alert_id))
        return new

    async def _raised_events(self) -> list[PathwayEvent]:
        return [e for e in await self.pathways.timeline(self.pid) if e.kind == "alert_raised"]

    async def _new_alerts(self) -> list[Alert]:
        """Alerts raised since the last check; the ones seen before must be unchanged."""
        state = await self.pathways.state(self.pid)
        status = await self.pathways.status(self.pid)
        known = {a.alert_id: a for a in state.alerts}
        event_ids = [e.details["alert_id"] for e in await self._raised_events()]
        assert sorted(event_ids) == sorted(known), "alerts and alert_raised events disagree"
        assert {a.alert_id for a in status.open_alerts} <= set(known)
        for alert_id, alert in self.raised.items():
            assert known[alert_id].raised_at == alert.raised_at
        return [a for alert_id, a in known.items() if alert_id not in self.raised]


def _ids(alerts: list[Alert]) -> list[str]:
    return [f"{a.alert_id} (raised {a.raised_at})" for a in alerts]
