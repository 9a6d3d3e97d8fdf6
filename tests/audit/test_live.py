"""`parcours audit` against live dev servers: export, replay, trail, at, bundle, errors."""

from __future__ import annotations

import asyncio
import json
import subprocess
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.devserver import temporal_binary
from parcours.app.client import PathwayClient
from parcours.cli.exit_codes import ExitCode
from parcours.cli.render import plain
from parcours.domain import commands as c
from parcours.domain.vocabulary import BarrierKind
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from tests.audit import tampering
from tests.audit.helpers import cli_for, json_of, other_keys, run
from tests.cli.runner import Cli, address_of
from tests.histories.record import settled_history
from tests.polling import eventually
from tests.scenarios import drive_full_atp_pathway, drive_open_pathway
from tests.servers import SUGGEST_AFTER_EVENTS, TEST_KEYRING
from tests.support import RECOGNISABLE_NAME, T0, meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]


@asynccontextmanager
async def worker_on(env: WorkflowEnvironment, tmp_path: Path) -> AsyncIterator[PathwayClient]:
    """A worker while the pathways are driven; stopped before the CLI reads their histories."""
    settings = Settings.self_contained(str(tmp_path))
    settings = replace(settings, task_queue=f"audit-{uuid.uuid4().hex[:8]}")
    async with build_worker(env.client, settings, default_activities(settings)):
        yield PathwayClient(env.client, settings.task_queue)


async def test_export_then_replay_across_continue_as_new(
    low_threshold_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with worker_on(low_threshold_env, tmp_path) as pathways:
        pid = await pathways.refer(get_programme("atp-cergy"), participant(), referral(), meta())
        handle = low_threshold_env.client.get_workflow_handle(pid)
        first_run = (await handle.describe()).run_id
        await pathways.execute(pid, c.OpenBarrier(BarrierKind.MOBILITY), meta())
        for _ in range(SUGGEST_AFTER_EVENTS):
            await pathways.execute(pid, c.RecordContact(T0), meta())
        await eventually(
            handle.describe,
            lambda described: described.run_id != first_run,
            what="the pathway continued as new",
        )
        await pathways.execute(pid, c.WaiveBarrier("b1"), meta(reason="bus pass granted"))
        other = await drive_open_pathway(pathways)
        timeline = await pathways.timeline(pid)
        status = await pathways.status(pid)
    cli = cli_for(tmp_path, TEST_KEYRING.to_json(), address_of(low_threshold_env))
    export = tmp_path / "export.json"

    exported = await run(cli, "audit", "export", pid, "--out", str(export))
    assert exported.exit_code == 0, exported.output
    document = json.loads(export.read_text(encoding="utf-8"))
    assert document["workflowId"] == pid
    assert len(document["runs"]) >= 2, "the pathway should have continued as new"
    assert RECOGNISABLE_NAME.split()[1] not in export.read_text(encoding="utf-8")

    replayed = await run(cli, "audit", "replay", str(export), "--json")
    report = json_of(replayed)
    assert report["failed"] == 0
    assert report["replayed"] == len(document["runs"])

    trail = json_of(await run(cli, "audit", "trail", str(export), "--json"))
    entries = trail["entries"]
    assert isinstance(entries, list)
    assert [(e["seq"], e["event"], e["reason"]) for e in entries] == [
        (e.seq, e.kind, e.reason) for e in timeline
    ]
    # every event comes from one of the runs, and from more than one run (a last run may
    # hold no event of its own when the run continued as new once it had published)
    runs_with_events = {e["run_id"] for e in entries}
    assert runs_with_events <= {r["runId"] for r in document["runs"]}
    assert len(runs_with_events) >= 2

    # What parcours knew now is what the workflow says: as recorded. (As it happened, the
    # intake overdue since January was raised long ago; the workflow, whose entries were
    # typed moments ago, raises it once they have settled: README "Alerts".)
    at = await run(cli, "audit", "at", pid, "--when", "now", "--as-recorded", "--json")
    assert at.stderr == "", "the fold must agree with the state carried across runs"
    snapshot = json_of(at)
    assert snapshot["stage"] == status.stage.value
    assert snapshot["last_event_seq"] == status.last_event_seq
    assert snapshot["barriers"] == plain(status.barriers)

    everything = json_of(await run(cli, "audit", "replay", "--all", "--json"))
    assert (everything["pathways"], everything["failed"]) == (2, 0)
    outcomes = everything["outcomes"]
    assert isinstance(outcomes, list)
    assert {o["workflow_id"] for o in outcomes} == {pid, other}
    summary = await run(cli, "audit", "replay", "--all")
    assert summary.exit_code == 0
    assert "2 pathway(s)" in summary.stdout
    assert "0 failed" in summary.stdout


async def test_official_temporal_history_is_accepted(
    temporal_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    async with worker_on(temporal_env, tmp_path) as pathways:
        pid = await drive_open_pathway(pathways)
        # what runs beside the workflow (projection, alerts) has landed: the status and
        # the history taken next tell the same moment
        await settled_history(pathways.temporal, pid)
        status = await pathways.status(pid)
    shown = await asyncio.to_thread(
        subprocess.run,
        [
            str(temporal_binary()),
            "workflow",
            "show",
            "-w",
            pid,
            "--output",
            "json",
            "--address",
            address_of(temporal_env),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    official = tmp_path / "shown.json"
    official.write_text(shown.stdout, encoding="utf-8")
    assert "workflowId" not in json.loads(shown.stdout)
    cli = cli_for(tmp_path, TEST_KEYRING.to_json(), address_of(temporal_env))

    replayed = await run(cli, "audit", "replay", str(official))
    assert replayed.exit_code == 0, replayed.output
    assert pid in replayed.stdout  # named from the start input: the file does not say
    # As recorded: what the workflow knows now (its past-dated alerts still settling).
    at_now = ("--when", "now", "--as-recorded", "--json")
    snapshot = json_of(await run(cli, "audit", "at", str(official), *at_now))
    assert (snapshot["stage"], snapshot["last_event_seq"]) == (
        status.stage.value,
        status.last_event_seq,
    )
    bundle = tmp_path / "bundle.json"
    made = await run(cli, "audit", "bundle", str(official), "--out", str(bundle))
    assert made.exit_code == 0, made.output
    assert (await run(cli, "audit", "verify", str(bundle))).exit_code == 0


async def test_live_bundle_and_wrong_key(temporal_env: WorkflowEnvironment, tmp_path: Path) -> None:
    async with worker_on(temporal_env, tmp_path) as pathways:
        pid = await drive_full_atp_pathway(pathways)
    cli = cli_for(tmp_path, TEST_KEYRING.to_json(), address_of(temporal_env))
    bundle = tmp_path / "bundle.json"
    made = await run(cli, "audit", "bundle", pid, "--out", str(bundle))
    assert made.exit_code == 0, made.output
    head = json.loads(bundle.read_text(encoding="utf-8"))["head"]
    assert head in made.stdout
    verified = await run(cli, "audit", "verify", str(bundle), "--head", head)
    assert verified.exit_code == 0, verified.output
    assert "Intact" in verified.stdout

    for args in (("at", pid, "--when", "now"), ("trail", pid), ("bundle", pid)):
        refused = await run(cli, "audit", *args, PARCOURS_KEYS=other_keys())
        assert refused.exit_code == ExitCode.KEYS, refused.output
        assert refused.stderr.strip().count("\n") == 0
        assert "cannot be decrypted" in refused.stderr
    # Exporting copies the encrypted history as stored: no key is needed.
    exported = await run(cli, "audit", "export", pid, PARCOURS_KEYS=other_keys())
    assert exported.exit_code == 0
    assert json.loads(exported.stdout)["workflowId"] == pid


async def test_unknown_reference_is_not_found(live_cli: Cli) -> None:
    for args in (
        ("at", "pathway-ffffffffffffffff", "--when", "now"),
        ("export", "fffffffffe"),
        ("trail", "no-such-pathway"),
        ("bundle", "pathway-eeeeeeeeeeeeeeee"),
    ):
        result = await run(live_cli, "audit", *args)
        assert result.exit_code == ExitCode.NOT_FOUND, (args, result.output)
        assert "No pathway matches" in result.stderr


async def test_a_live_bundle_damaged_is_not_used(
    temporal_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """A bundle and an export made on the dev server, then damaged: refused, each naming
    what is wrong (`test_checked_first.py` has every damage on committed histories)."""
    async with worker_on(temporal_env, tmp_path) as pathways:
        pid = await drive_open_pathway(pathways)
    cli = cli_for(tmp_path, TEST_KEYRING.to_json(), address_of(temporal_env))
    made = await run(cli, "audit", "bundle", pid, "--out", str(tmp_path / "bundle.json"))
    assert made.exit_code == 0, made.output
    bundle = tampering.read(tmp_path / "bundle.json")
    exported = await run(cli, "audit", "export", pid, "--out", str(tmp_path / "export.json"))
    assert exported.exit_code == 0, exported.output
    export = tampering.read(tmp_path / "export.json")
    export["events"] = export["runs"][0]["events"]  # the one run, as Temporal writes it
    damaged = {
        "deleted": tampering.bundle_without_event(bundle),
        "swapped": tampering.bundle_swapped(bundle),
        "programme": tampering.bundle_with_longer_accompaniment(bundle),
    }
    decision = tampering.first_decision(export)
    flipped = tampering.history_with_flipped_byte({"events": export["events"]}, decision)
    for name, document in damaged.items():
        path = tampering.write(document, tmp_path / f"{name}.json")
        for args in (
            ("trail", str(path)),
            ("at", str(path), "--when", "now"),
            ("replay", str(path)),
        ):
            result = await run(cli, "audit", *args)
            assert result.exit_code == ExitCode.INVALID_FILE, (name, args, result.output)
            assert result.stderr.startswith(f"{path} was not used, as its chain does not hold")
            assert "Traceback" not in result.output
    path = tampering.write(flipped, tmp_path / "flipped.json")
    for args in (("trail", str(path)), ("at", str(path), "--when", "now"), ("replay", str(path))):
        result = await run(cli, "audit", *args)
        assert result.exit_code == ExitCode.INVALID_FILE, (args, result.output)
        assert f"the payload of event {decision} (run 1) was altered" in result.stderr
        assert "Traceback" not in result.output
