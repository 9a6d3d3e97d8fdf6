"""Regenerate the committed histories: `make histories` (or `python -m tests.histories.record`).

Runs every scenario of `tests/scenarios.py` on a fresh dev server with the throwaway key
in `tests/histories/keys.json` (fake participants only), then writes each history in
Temporal's JSON format as `<scenario>.json`; the races of `tests/workflows/races.py`,
which take the branches of later patches, are played with gated stand-in activities and
written the same way; the walks of `SKIPPING` (`atp-after-exit`), which need years, on a
dev server of their own with per-workflow time skipping. Replay tests then prove today's
code decides as it did then. When a change goes behind `workflow.patched()`, first rename
the current files to `<scenario>.before-<patch>.json` and keep them: both branches stay
replayed.

`python -m tests.histories.record NAME...` records only the histories named, so that
adding one leaves the others as they were committed.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable, Collection
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHistory
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.settings import DECLARED_ROLES, Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.devserver import temporal_binary
from parcours.adapters.temporal.keys import Keyring
from parcours.app.client import PathwayClient
from parcours.app.references import new_pathway_id
from parcours.domain.records import RequestMeta
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from parcours.workflows import search_attributes as sa
from parcours.workflows.messages import WORKFLOW_TYPE, PathwayInput
from parcours.workflows.patches import CONSENT_NOTICE_PATCH
from tests.scenarios import SCENARIOS
from tests.servers import start_skipping_server
from tests.support import AUDITOR, meta, participant, referral
from tests.workflows.after_exit import play_after_exit
from tests.workflows.consent_walk import play_consent_notice
from tests.workflows.races import RACES, Switchboard, answered_no
from tests.workflows.retention_walk import play_anonymised, play_warning_follows
from tests.workflows.signed import (
    checking_worker,
    play_signed,
    play_signed_jobdating,
    play_unsigned_jobdating,
    play_unsigned_referral,
)

HERE = Path(__file__).parent
KEY_FILE = HERE / "keys.json"

Walker = Callable[[WorkflowEnvironment, PathwayClient], Awaitable[str]]

SKIPPING: dict[str, Walker] = {
    "atp-after-exit": play_after_exit,
    "atp-anonymised": play_anonymised,
    "atp-warning-follows": play_warning_follows,
    "consent-notice-within-consent": play_consent_notice,
    "consent-notice-before-the-rule": partial(play_consent_notice, within=False),
}
OLD_RETENTION = frozenset({"atp-after-exit"})
"""Walks of the rule before `RETENTION_BY_CONTACT_PATCH` (closing at the end of the
retention after exit): recorded with that patch answered no (`races.answered_no`)."""
"""Histories that walk years of a pathway's life, on time skipping."""
OLD_NOTICE = frozenset({"consent-notice-before-the-rule"})
"""The short consent's walk under the earlier rule: `CONSENT_NOTICE_PATCH` answered no."""

RACES_QUEUE = "parcours-races"
"""The races' task queue: their worker's activities are stand-ins, the scenarios' are not."""


async def refuse_at_start(pathways: PathwayClient) -> str:
    """A referral under the auditor's role sent straight to the service, as a client that
    skips `app.referral`'s checks: the workflow fails with the refusal at its start
    (`REFUSED_START_FAILS_PATCH`)."""
    atp = get_programme("atp-cergy")
    return await start_unchecked(pathways, atp.model_dump(mode="json"), meta(AUDITOR))


async def start_unchecked(
    pathways: PathwayClient, programme: dict[str, Any], sent: RequestMeta
) -> str:
    """Start a pathway as a client that checks nothing would (`PathwayClient.refer` and
    `refer_person` check the role and the input first): the workflow's start only."""
    pathway_id = new_pathway_id()
    start = PathwayInput(
        pathway_id=pathway_id,
        programme=programme,
        participant=participant(),
        referral=referral(),
        meta=sent,
    )
    await pathways.temporal.start_workflow(
        WORKFLOW_TYPE, start, id=pathway_id, task_queue=pathways.task_queue
    )
    return pathway_id


STARTS = {"refused-referral-start": refuse_at_start}
SIGNED = {
    "signed-actors": play_signed,
    "unsigned-referral-refused": play_unsigned_referral,
    "jobdating/jobdating-signed": play_signed_jobdating,
    "jobdating/jobdating-plan-signed": play_signed_jobdating,
    "jobdating/jobdating-plan-refused": play_unsigned_jobdating,
}
"""Histories recorded with a worker that checks signatures (`SIGNED_REFERRAL_PATCH`)."""
"""Histories of a start alone, recorded with the scenarios' worker."""

LATER = {"partners-in-the-background": SCENARIOS["nouveau-depart-session"]}
"""Scenarios recorded again under another name once a patch changed what they record, so
that the scenario's own file keeps the old branch: since `DECOUPLED_PUBLISH_PATCH` (the
projection and alerts scheduled together, one background `send_notifications` per
message, failures recorded as each one answers)."""


def history_keyring() -> Keyring:
    """The throwaway key the committed histories were recorded with (fake people only)."""
    return Keyring.from_file(KEY_FILE, require_private=False)


async def record(out_dir: Path = HERE, names: Collection[str] = ()) -> list[Path]:
    """Record every history, or only those in `names`; return the files written."""
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as scratch:
        settings = replace(Settings.self_contained(scratch), declared_roles=True)
        races = Settings.from_env(
            {
                "PARCOURS_DATA_DIR": scratch,
                "PARCOURS_TASK_QUEUE": RACES_QUEUE,
                DECLARED_ROLES: "1",
            }
        )
        board = Switchboard()
        async with (
            await WorkflowEnvironment.start_local(
                data_converter=data_converter(history_keyring()),
                dev_server_existing_path=str(temporal_binary()),
                search_attributes=sa.ALL,
            ) as env,
            build_worker(env.client, settings, default_activities(settings)),
            build_worker(env.client, races, board.activities()),
        ):
            pathways = PathwayClient(env.client, settings.task_queue)
            for name, scenario in SCENARIOS.items():
                if not names or name in names:
                    written.append(await _write(env.client, out_dir / name, scenario(pathways)))
            for name, later in LATER.items():
                if not names or name in names:
                    written.append(await _write(env.client, out_dir / name, later(pathways)))
            for name, start in STARTS.items():
                if not names or name in names:
                    written.append(await _write(env.client, out_dir / name, start(pathways)))
            pathways = PathwayClient(env.client, races.task_queue)
            for name, race in RACES.items():
                if not names or name in names:
                    written.append(await _write(env.client, out_dir / name, race(pathways, board)))
            written += await _record_signed(env.client, Path(scratch), out_dir, names)
        written += await _record_skipping(Path(scratch), out_dir, names)
    return written


async def _record_signed(
    client: Client, scratch: Path, out_dir: Path, names: Collection[str]
) -> list[Path]:
    wanted = {name: play for name, play in SIGNED.items() if not names or name in names}
    written: list[Path] = []
    if wanted:
        async with checking_worker(client, scratch / "signed") as signed:
            for name, play in wanted.items():
                written.append(await _write(client, out_dir / name, play(signed)))
    return written


async def _record_skipping(scratch: Path, out_dir: Path, names: Collection[str]) -> list[Path]:
    wanted = {name: walk for name, walk in SKIPPING.items() if not names or name in names}
    if not wanted:
        return []
    written: list[Path] = []
    env = await start_skipping_server(history_keyring())
    try:
        for name, walk in wanted.items():
            folder = str(scratch / "skipping" / name)
            settings = replace(Settings.self_contained(folder), declared_roles=True)
            with pytest.MonkeyPatch.context() as patching:
                if name in OLD_RETENTION:
                    answered_no(patching)
                if name in OLD_NOTICE:
                    answered_no(patching, CONSENT_NOTICE_PATCH, retention=False)
                async with build_worker(env.client, settings, default_activities(settings)):
                    pathways = PathwayClient(env.client, settings.task_queue)
                    written.append(await _write(env.client, out_dir / name, walk(env, pathways)))
    finally:
        await env.shutdown()
    return written


async def _write(client: Client, stem: Path, played: Awaitable[str]) -> Path:
    pid = await played
    history = await settled_history(client, pid)
    path = stem.with_name(f"{stem.name}.json")
    path.write_text(history.to_json(), encoding="utf-8")
    print(f"recorded {path.name}: {len(history.events)} events")
    return path


_QUIET = frozenset(
    {
        EventType.EVENT_TYPE_TIMER_STARTED,
        EventType.EVENT_TYPE_TIMER_CANCELED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED,
        EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
        EventType.EVENT_TYPE_MARKER_RECORDED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
        EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIME_SKIPPING_TRANSITIONED,
    }
)
"""What a workflow task may leave after it without anything being in flight. Since
`DECOUPLED_PUBLISH_PATCH` one task may take an update and wake the run loop (its sleep
timer cancelled) with nothing left to wait for; on time skipping, the server notes when it
moved the clock after the last task."""


async def settled_history(client: Client, pid: str) -> WorkflowHistory:
    """The history once nothing is in flight: its last task asked only to wait or end."""
    for _ in range(100):
        history = await client.get_workflow_handle(pid).fetch_history()
        kinds = [e.event_type for e in history.events]
        done = [i for i, k in enumerate(kinds) if k == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED]
        if done and all(k in _QUIET for k in kinds[done[-1] + 1 :]):
            return history
        await asyncio.sleep(0.1)
    raise TimeoutError(f"{pid} never settled")


if __name__ == "__main__":
    asyncio.run(record(names=sys.argv[1:]))
