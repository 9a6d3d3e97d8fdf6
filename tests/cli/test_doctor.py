"""A pathway that cannot run is isolated: every listing goes on and names it, `show` says
so in one sentence, `parcours doctor` lists it and a coordinator closes it for the record.

The broken pathway is started as a buggy front end would: straight through the Temporal
client, with an input the workflow cannot take (a programme that is not one), so its
first workflow task fails on every attempt. On today's main, `show` on it waited for an
answer that never came, `alerts --all` and `readmodel rebuild` stopped on it, and
`audit replay --all` reported it "ok".
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from parcours.activities.person_keys import PersonSealer
from parcours.adapters.readmodel import open_store
from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.app.health import CANNOT_RUN, CLOSED, FAILED, diagnose
from parcours.cli.exit_codes import ExitCode
from parcours.programmes import get_programme
from tests.cli.runner import Cli, refer
from tests.histories.record import start_unchecked
from tests.polling import eventually
from tests.servers import TEST_KEYRING
from tests.support import AUDITOR, meta

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

QUICK_S = 10
"""`show` on a broken pathway answers at once, not after the 30 s answer timeout."""


async def start_broken(pathways: PathwayClient) -> str:
    """A pathway whose first workflow task fails on every attempt; its id once it does."""
    pathway_id = await start_unchecked(pathways, {"name": "not-a-programme"}, meta())

    async def failing_again() -> int:
        described = await pathways.temporal.get_workflow_handle(pathway_id).describe()
        return described.raw_description.pending_workflow_task.attempt

    await eventually(failing_again, lambda n: n >= 2, what="the first task failed")
    return pathway_id


async def doctor(cli: Cli) -> list[dict[str, object]]:
    result = await asyncio.to_thread(cli, "doctor", "--json")
    assert result.exit_code == 0, result.output
    found: list[dict[str, object]] = json.loads(result.stdout)
    return found


async def test_a_pathway_that_cannot_run_is_isolated_listed_and_closed(
    temporal_env: WorkflowEnvironment, cli: Cli, cli_settings: Settings
) -> None:
    pathways = PathwayClient(temporal_env.client, cli_settings.task_queue)
    # Migrated here first: Alembic's upgrade is not run by two threads at once (the test's
    # and the worker's projection).
    store = open_store(cli_settings.readmodel_url)
    healthy = await asyncio.to_thread(refer, cli)
    broken = await start_broken(pathways)

    started = time.monotonic()
    shown = await asyncio.to_thread(cli, "show", broken)
    assert time.monotonic() - started < QUICK_S
    assert shown.exit_code == ExitCode.CANNOT_RUN, shown.output
    assert f"Pathway {broken} cannot run: its workflow fails (" in shown.output
    assert "ValidationError" in shown.output
    assert "Traceback" not in shown.output
    assert len(shown.output.strip().splitlines()) == 1
    french = await asyncio.to_thread(cli, "--lang", "fr", "timeline", broken[8:16])
    assert french.exit_code == ExitCode.CANNOT_RUN, french.output
    assert f"Le parcours {broken} ne peut pas s'exécuter" in french.output
    acted = await asyncio.to_thread(cli, "contact", broken)
    assert acted.exit_code == ExitCode.CANNOT_RUN, acted.output

    listed = await asyncio.to_thread(cli, "list", "--json")
    assert {p["pathway_id"] for p in json.loads(listed.stdout)} == {healthy, broken}

    alerts = await asyncio.to_thread(cli, "--role", "coordinator", "alerts", "--all", "--json")
    assert alerts.exit_code == 0, alerts.output
    assert all(row["pathway_id"] == healthy for row in json.loads(alerts.stdout))
    # `--all` reads the read model, where a pathway that never ran has nothing: not named
    # there (`parcours doctor` lists it), never a failure of the listing.
    assert broken not in alerts.stdout

    with store:
        await eventually(lambda: store.get_participant(healthy), what="projected")
        rebuilt = await asyncio.to_thread(cli, "readmodel", "rebuild", "--json")
        assert rebuilt.exit_code == 0, rebuilt.output
        assert json.loads(rebuilt.stdout) == {"rebuilt": 1, "removed": 0, "cannot_run": [broken]}
        assert store.get_participant(healthy) is not None
        assert store.get_participant(broken) is None

    replayed = await asyncio.to_thread(cli, "--role", "auditor", "audit", "replay", "--all")
    assert replayed.exit_code == ExitCode.INVALID_FILE, replayed.output
    # The replay's own lines: the worker of this test process runs beside the command and
    # logs each failed activation of the broken pathway (naming it) where the command writes.
    lines = [line for line in replayed.output.splitlines() if line.startswith(("FAILED", "ok"))]
    (failed,) = [line for line in lines if broken in line]
    assert failed.startswith("FAILED")
    assert "(WorkflowTaskFailed): the workflow cannot run" in failed
    assert [line for line in lines if healthy in line and line.startswith("ok")]

    (listed_broken,) = await doctor(cli)
    assert listed_broken["pathway_id"] == broken
    assert listed_broken["condition"] == CANNOT_RUN
    assert str(listed_broken["error"]).startswith("ValidationError")

    as_staff = await asyncio.to_thread(cli, "doctor", "close", broken, "--reason", "bad input")
    assert as_staff.exit_code == ExitCode.REFUSED, as_staff.output
    no_reason = await asyncio.to_thread(cli, "--role", "coordinator", "doctor", "close", broken)
    assert no_reason.exit_code == ExitCode.USAGE, no_reason.output
    of_healthy = await asyncio.to_thread(
        cli, "--role", "coordinator", "doctor", "close", healthy, "--reason", "x"
    )
    assert of_healthy.exit_code == ExitCode.REFUSED, of_healthy.output
    assert await pathways.running(healthy)

    closed = await asyncio.to_thread(
        cli, "--role", "coordinator", "--as", "coord-21b9", "doctor", "close", broken[8:16],
        "--reason", "started by a faulty import",
    )  # fmt: skip
    assert closed.exit_code == 0, closed.output
    assert "the reason stays in its history: started by a faulty import" in closed.output
    described = await pathways.temporal.get_workflow_handle(broken).describe()
    assert described.status == WorkflowExecutionStatus.TERMINATED

    (record,) = await doctor(cli)
    assert record["condition"] == CLOSED
    assert record["closed_by"] == "coord-21b9"
    assert record["reason"] == "started by a faulty import"
    assert str(record["error"]).startswith("ValidationError")
    shown = await asyncio.to_thread(cli, "show", broken)
    assert shown.exit_code == ExitCode.CANNOT_RUN, shown.output
    assert "was closed by coord-21b9: started by a faulty import" in shown.output
    again = await asyncio.to_thread(
        cli, "--role", "coordinator", "doctor", "close", broken, "--reason", "twice"
    )
    assert again.exit_code == ExitCode.REFUSED, again.output
    trail = await asyncio.to_thread(cli, "--role", "auditor", "audit", "trail", broken)
    assert trail.exit_code == ExitCode.CANNOT_RUN, trail.output
    assert (
        f"Nothing to audit in pathway {broken}: its workflow never ran and was closed by "
        "coord-21b9: started by a faulty import (ValidationError:"
    ) in trail.output


async def test_a_referral_by_a_role_that_may_not_refer_starts_nothing(
    temporal_env: WorkflowEnvironment, cli: Cli, cli_settings: Settings
) -> None:
    result = await asyncio.to_thread(
        cli, "--role", "auditor", "refer", "--programme", "atp-cergy", "--referrer", "CCAS",
        "--reason", "r", "--first-name", "Ana", "--last-name", "Ferreira",
        "--birth-date", "1990-01-01",
    )  # fmt: skip
    assert result.exit_code == ExitCode.REFUSED, result.output
    assert "the auditor role may not refer a participant" in result.output
    assert "pathway-" not in result.output
    listed = await asyncio.to_thread(cli, "list", "--closed", "--json")
    assert json.loads(listed.stdout) == []


async def test_a_start_refused_by_the_domain_fails_the_pathway_at_once(
    temporal_env: WorkflowEnvironment, cli: Cli, cli_settings: Settings
) -> None:
    """A client that skips the checks and starts a referral under the auditor's role: the
    workflow fails with the refusal instead of failing its first task forever."""
    pathways = PathwayClient(temporal_env.client, cli_settings.task_queue)
    atp = get_programme("atp-cergy")
    pathway_id = await start_unchecked(pathways, atp.model_dump(mode="json"), meta(AUDITOR))
    handle = pathways.temporal.get_workflow_handle(pathway_id)

    async def status() -> WorkflowExecutionStatus | None:
        return (await handle.describe()).status

    await eventually(status, lambda s: s == WorkflowExecutionStatus.FAILED, what="failed")
    (record,) = await doctor(cli)
    assert record["condition"] == FAILED
    assert record["error"] == "NotPermitted: the auditor role may not refer"
    shown = await asyncio.to_thread(cli, "--lang", "fr", "show", pathway_id)
    assert shown.exit_code == ExitCode.CANNOT_RUN, shown.output
    assert f"Le parcours {pathway_id} a été clos quand son workflow a échoué" in shown.output
    trail = await asyncio.to_thread(
        cli, "--role", "auditor", "audit", "at", pathway_id, "--when", "now"
    )
    assert trail.exit_code == ExitCode.CANNOT_RUN, trail.output
    assert "refused when it started (the auditor role may not refer a participant)" in (
        trail.output  # the refusal's sentence, in the reader's language
    )


async def test_the_closing_reason_is_sealed_under_the_person_key(
    temporal_env: WorkflowEnvironment, cli: Cli, cli_settings: Settings
) -> None:
    """The reason a coordinator types may name the person: sealed under their key in the
    history, opened by `doctor` (the read logged), `[erased]` once the key is destroyed."""
    pathways = PathwayClient(temporal_env.client, cli_settings.task_queue)
    store = open_store(cli_settings.readmodel_url)
    broken = await start_broken(pathways)
    sealer = PersonSealer(lambda: open_store(cli_settings.readmodel_url), TEST_KEYRING)
    await asyncio.to_thread(sealer.new_key, broken)  # as a referral made through the CLI

    reason = "Zephyrine Quillfeather's file was imported twice"
    closed = await asyncio.to_thread(
        cli, "--role", "coordinator", "--as", "coord-21b9", "doctor", "close", broken,
        "--reason", reason, "--json",
    )  # fmt: skip
    assert closed.exit_code == 0, closed.output
    assert json.loads(closed.stdout)["reason"] == reason

    kept = await diagnose(pathways.temporal, broken)
    assert kept is not None
    assert kept.reason.startswith("sealed:pk-")
    assert "Zephyrine" not in kept.reason
    shown = await asyncio.to_thread(cli, "show", broken)
    assert shown.exit_code == ExitCode.CANNOT_RUN, shown.output
    assert "its reason is shown by `parcours doctor`" in shown.output
    assert "sealed:" not in shown.output

    listed = [t for t in await doctor(cli) if t["pathway_id"] == broken]
    assert [t["reason"] for t in listed] == [reason]
    trail = await asyncio.to_thread(cli, "--role", "auditor", "audit", "trail", broken)
    assert trail.exit_code == ExitCode.CANNOT_RUN, trail.output
    assert f"closed by coord-21b9: {reason} (" in trail.output
    with store:
        commands = [r.command for r in store.list_reads(broken)]
        assert commands == ["doctor", "doctor", "audit_trail"]  # close, listing, trail

        store.destroy_person_keys(broken)
    (erased,) = [t for t in await doctor(cli) if t["pathway_id"] == broken]
    assert erased["reason"] == "[erased]"
