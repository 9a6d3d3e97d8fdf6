"""`audit at` agrees with what the workflow reported at the time, over two virtual years.

A pathway runs on the dev server's per-workflow time skipping; its `status` is taken at
several instants (right after the referral, after its first alert, after staff moves,
acknowledging and snoozing, and across the two-year accompaniment); afterwards, with no
worker running, `parcours audit at --when <instant>` over the exported history must say
the same: stage, barriers, consent, open alerts, last event.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.cli.render import plain
from parcours.domain import commands as c
from parcours.domain.vocabulary import AlertRule, BarrierKind, ContractType, PartnerKind, Stage
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from parcours.workflows.summaries import PathwayStatus
from tests.audit.helpers import cli_for, json_of, run
from tests.cli.runner import address_of
from tests.servers import TEST_KEYRING
from tests.support import meta, participant, referral
from tests.workflows.retention_walk import extend_retention

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
COMPARED = (
    "pathway_id",
    "programme",
    "programme_version",
    "stage",
    "stage_since",
    "referent",
    "session",
    "referred_at",
    "contract_signed_at",
    "accompaniment_ends_at",
    "barriers",
    "consents",
    "open_alerts",
    "outcome",
    "last_event_seq",
    "intake_completed_at",
    "french_level",
    "suspended_from",
    "appointments",
    "trainings",
    "missions",
    "job_datings",
    "eligibility_criteria_met",
    "last_contact_at",
)


async def test_audit_at_agrees_with_status_over_two_years(
    skipping_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    env = skipping_env
    seen: list[PathwayStatus] = []
    settings = Settings.self_contained(str(tmp_path))
    async with build_worker(env.client, settings, default_activities(settings)):
        pathways = PathwayClient(env.client, settings.task_queue)
        # The workflow's virtual clock starts at the real now: commands are dated from it.
        pid = await pathways.refer(
            get_programme("atp-cergy"),
            participant(),
            referral(at=datetime.now().astimezone()),
            meta(),
        )
        handle = env.client.get_workflow_handle(pid)

        async def look() -> PathwayStatus:
            status = await pathways.status(pid)
            assert status.as_of is not None
            seen.append(status)
            return status

        first = await look()
        assert first.next_alert_at is not None
        await env.fast_forward(
            handle, first.next_alert_at - await env.get_current_time(handle) + HOUR
        )
        assert [a.rule for a in (await look()).open_alerts] == [AlertRule.INTAKE_OVERDUE]

        now = await env.get_current_time(handle)
        for command, reason in (
            (c.CompleteIntake(now, ("precarious_worker", "lives_in_territory")), ""),
            (c.OpenBarrier(BarrierKind.MOBILITY), ""),
            (c.GiveConsent(PartnerKind.TEMP_AGENCY, now, now + 300 * DAY), ""),
            (c.SignContract(now), ""),
            (c.StartCoaching(now), ""),
            (c.StartMission("Adecco", "Hôpital", now, ContractType.PERMANENT, 35), ""),
            (c.WaiveBarrier("b1"), "bus pass granted"),
        ):
            await pathways.execute(pid, command, meta(reason=reason))
        assert (await look()).stage is Stage.IN_EMPLOYMENT
        await env.fast_forward(handle, 40 * DAY)
        alerts = (await look()).open_alerts
        assert len(alerts) >= 2
        # Snoozed first: acknowledging the first may resolve the second (its escalation).
        until = await env.get_current_time(handle) + 10 * DAY
        await pathways.execute(pid, c.SnoozeAlert(alerts[1].alert_id, until), meta())
        await pathways.execute(pid, c.AcknowledgeAlert(alerts[0].alert_id), meta())
        await look()

        for days in (60, 300, 450):
            if days == 450:
                # Past two years with no contact the person would be anonymised: a
                # coordinator extends the record past this walk, once the date is within
                # the 24 months ahead an extension may go (the audit folds it too).
                await extend_retention(pathways, pid, now + 1000 * DAY)
            await env.fast_forward(handle, days * DAY)
            await look()
        assert AlertRule.ACCOMPANIMENT_DEADLINE_REACHED in {a.rule for a in seen[-1].open_alerts}

    # No worker from here on: the audit reads the history alone.
    cli = cli_for(tmp_path, TEST_KEYRING.to_json(), address_of(env))
    export = tmp_path / "history.json"
    assert (await run(cli, "audit", "export", pid, "--out", str(export))).exit_code == 0
    for status in seen:
        assert status.as_of is not None
        result = await run(
            cli, "audit", "at", str(export), "--when", status.as_of.isoformat(), "--json"
        )
        assert result.stderr == "", result.stderr
        rebuilt = json_of(result)
        expected = plain(status)
        for alert in rebuilt["open_alerts"]:  # type: ignore[attr-defined]
            # Entered live: every open alert is one parcours raised by then, at its instant.
            assert alert.pop("on_record") == "raised", (status.as_of, alert)
            assert alert.pop("raised_by_parcours_at") == alert["raised_at"]
        for name in COMPARED:
            assert rebuilt[name] == expected[name], (status.as_of, name)
    assert len({s.last_event_seq for s in seen}) == len(seen), "every instant saw a change"
