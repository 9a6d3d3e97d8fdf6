"""The reminder goes to the agencies the day before, on the event's durable timer.

On a time-skipping dev server of this module's own (`skipping_env`): the event's clock
is moved a day on, the reminder reaches the real receivers with the day and the place
and nobody's data, and on the day the outcomes reach the pathways.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.receivers import HttpReceiver, SmtpServer
from tests.workflows.jobdating_bench import ADECCO_MAILBOX, PLACE
from tests.workflows.jobdating_walk import play_jobdating
from tests.workflows.partner_bench import open_bench

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]


async def test_the_agencies_are_reminded_the_day_before(
    skipping_env: WorkflowEnvironment,
    tmp_path: Path,
    db_url: str,
    smtp_server: SmtpServer,
    http_receiver: HttpReceiver,
) -> None:
    async with open_bench(skipping_env, tmp_path, db_url, smtp_server, http_receiver) as bench:
        await play_jobdating(skipping_env, bench.pathways, bench.store)
        hooks = [h.json() for h in http_receiver.received]
        reminders = [h for h in hooks if h["event_kind"] == "jobdating_reminder"]
        assert len(reminders) == 1
        assert (reminders[0]["place"], reminders[0]["fields"]) == (PLACE, {})
        mailed = [m for to, m in smtp_server.recorder.received if ADECCO_MAILBOX in to]
        subjects = sorted(str(m["Subject"]) for m in mailed)
        assert (
            subjects.count("Parcours : Rappel : job-dating demain / Reminder: job-dating tomorrow")
            == 1
        )
        kinds = sorted(h["event_kind"] for h in hooks if h["event_kind"].startswith("jobdating"))
        assert kinds == ["jobdating_candidate", "jobdating_invitation", "jobdating_reminder"]
