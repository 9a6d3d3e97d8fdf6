"""Replay and `audit at` agree with the workflow before and after a correction, and the
trail shows the voided event beside the correction, from the history alone."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.cli.render import plain
from parcours.domain import commands as c
from parcours.domain.records import RequestMeta
from parcours.domain.vocabulary import BarrierKind
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from parcours.workflows.summaries import PathwayStatus
from tests.audit.helpers import cli_for, json_of, run
from tests.cli.runner import address_of
from tests.histories.record import settled_history
from tests.samples import ATP_CRITERIA
from tests.servers import TEST_KEYRING
from tests.support import COORDINATOR, T0, meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

COMPARED = ("stage", "stage_since", "barriers", "consents", "outcome")
"""Alerts aside: the referral's dates are long past, so alerts fall due while the pathway is
driven, and where the workflow raised them is not what these corrections are about."""
WHY = "recorded on the wrong pathway"
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


def dated(instant: datetime) -> RequestMeta:
    return dataclasses.replace(meta(), effective_at=instant)


@asynccontextmanager
async def worker_on(env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[PathwayClient]:
    settings = Settings.self_contained(str(tmp_path))
    settings = replace(settings, task_queue=f"corrections-{uuid.uuid4().hex[:8]}")
    async with build_worker(env.client, settings, default_activities(settings)):
        yield PathwayClient(env.client, settings.task_queue)


async def test_replay_and_audit_at_agree_before_and_after_corrections(
    temporal_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    seen: list[PathwayStatus] = []
    async with worker_on(temporal_env, tmp_path) as pathways:
        pid = await pathways.refer(get_programme("atp-cergy"), participant(), referral(), meta())
        execute = pathways.execute
        await execute(pid, c.CompleteIntake(T0 + HOUR, ATP_CRITERIA), meta())
        barrier = await execute(pid, c.OpenBarrier(BarrierKind.MOBILITY), dated(T0 + 2 * HOUR))
        await execute(pid, c.SignContract(T0 + 3 * HOUR), meta())
        await execute(pid, c.StartCoaching(T0 + 4 * HOUR), meta())
        dropped = await execute(pid, c.DropOut(T0 + DAY), meta(reason="no news"))
        seen.append(await pathways.status(pid))
        await settled_history(temporal_env.client, pid)
        voided = await execute(pid, c.CorrectEvent(dropped.seq), meta(COORDINATOR, WHY))
        seen.append(await pathways.status(pid))
        # Voiding the drop-out makes the no-contact alert due at once. Sent while the
        # workflow still publishes, the next correction would find that alert raised where
        # the publishing ended, a wake-up the audit's fold does not place yet (README,
        # Audit): each correction goes to a pathway with nothing in flight.
        await settled_history(temporal_env.client, pid)
        unbarred = await execute(pid, c.CorrectEvent(barrier.seq), meta(reason=WHY))
        seen.append(await pathways.status(pid))
        timeline = await pathways.timeline(pid)
    assert seen[1].stage.value == "coaching"
    assert seen[2].barriers == []

    cli = cli_for(tmp_path, TEST_KEYRING.to_json(), address_of(temporal_env))
    export = tmp_path / "history.json"
    assert (await run(cli, "audit", "export", pid, "--out", str(export))).exit_code == 0
    replayed = json_of(await run(cli, "audit", "replay", str(export), "--json"))
    assert replayed["failed"] == 0
    for status in seen:
        # What parcours knew when it recorded the last event the status reports.
        when = max(e.recorded for e in timeline if e.seq <= status.last_event_seq).isoformat()
        at = await run(cli, "audit", "at", str(export), "--when", when, "--as-recorded", "--json")
        assert at.stderr == "", at.stderr  # the fold agreed with every answer the workflow gave
        rebuilt, expected = json_of(at), plain(status)
        for name in COMPARED:
            assert rebuilt[name] == expected[name], (when, name)

    # As it happened, the drop-out and the barrier never were, whenever one looks.
    for instant in (T0 + 2 * DAY, timeline[-1].recorded):
        at = await run(cli, "audit", "at", str(export), "--when", instant.isoformat(), "--json")
        assert at.stderr == "", at.stderr
        story = json_of(at)
        assert (story["stage"], story["barriers"]) == ("coaching", [])
        assert story["stage_since"] == plain(T0 + 4 * HOUR)

    trail = json_of(await run(cli, "audit", "trail", str(export), "--json"))
    entries = trail["entries"]
    assert isinstance(entries, list)
    people = [(e.seq, e.kind) for e in timeline if e.kind != "alert_raised"]
    assert [(e["seq"], e["event"]) for e in entries if e["event"] != "alert_raised"] == people
    correction = next(e for e in entries if e["seq"] == voided.seq)
    assert (correction["event"], correction["actor_id"], correction["reason"]) == (
        "event_voided",
        COORDINATOR.actor_id,
        WHY,
    )
    assert correction["details"]["seq"] == str(dropped.seq)
    corrected_by = {e["seq"]: e["corrected_by"] for e in entries if e["corrected_by"]}
    assert corrected_by == {dropped.seq: voided.seq, barrier.seq: unbarred.seq}
    said = await run(cli, "audit", "trail", str(export))
    assert f"Dropped out (voided by #{voided.seq})" in said.stdout
    assert f"Event voided: #{dropped.seq} Dropped out" in said.stdout
    french = await run(cli, "--lang", "fr", "audit", "trail", str(export))
    assert f"annulé par n°{voided.seq}" in french.stdout
