"""Erasing the person of a pathway whose workflow answers nothing, by hand or by the
sweep: one closed by `parcours doctor close` (it could not run), one that failed at its
start (its referral refused). Before, `erase` asked the workflow for the person and the
state, got no answer and refused with exit 8 for good, and the sweep listed only pathways
that completed: the person's identity and key were kept for ever.

Both pathways are started as a front end that seals identities does (under a person key of
their own), straight through the Temporal client, as a buggy or unchecked client would.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from parcours.activities.person_keys import PersonSealer
from parcours.adapters.readmodel import Store, open_store
from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.app.doctor import close
from parcours.app.erasure import erase_person
from parcours.app.errors import RequestRefused
from parcours.app.queries import pathways_query
from parcours.app.references import new_pathway_id
from parcours.app.retention_sweep import ended_past_due, sweep
from parcours.cli.exit_codes import ExitCode
from parcours.domain.calendar import add_months
from parcours.domain.programme_data import DEFAULT_ANONYMISE_MONTHS
from parcours.domain.records import RequestMeta
from parcours.programmes import get_programme
from parcours.workflows.messages import WORKFLOW_TYPE, PathwayInput
from tests.cli.runner import Cli
from tests.polling import eventually
from tests.servers import TEST_KEYRING
from tests.support import AUDITOR, COORDINATOR, STAFF, meta, participant, referral

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]


async def _start_sealed(
    pathways: PathwayClient,
    store: Store,
    programme: dict[str, Any],
    sent: RequestMeta,
    timeout: timedelta | None = None,
) -> str:
    """A start whose identity is sealed under a new person key, sent unchecked."""
    pathway_id = new_pathway_id()
    sealer = PersonSealer(lambda: store, TEST_KEYRING)
    person, _ = await asyncio.to_thread(sealer.seal_referral, pathway_id, participant(), meta())
    start = PathwayInput(pathway_id, programme, person, referral(), sent)
    await pathways.temporal.start_workflow(
        WORKFLOW_TYPE,
        start,
        id=pathway_id,
        task_queue=pathways.task_queue,
        execution_timeout=timeout,
    )
    return pathway_id


async def _cannot_run(pathways: PathwayClient, pathway_id: str) -> None:
    async def attempts() -> int:
        described = await pathways.temporal.get_workflow_handle(pathway_id).describe()
        return described.raw_description.pending_workflow_task.attempt

    await eventually(attempts, lambda n: n >= 2, what="the first task failed")


async def _failed(pathways: PathwayClient, pathway_id: str) -> None:
    handle = pathways.temporal.get_workflow_handle(pathway_id)

    async def status() -> WorkflowExecutionStatus | None:
        return (await handle.describe()).status

    await eventually(status, lambda s: s == WorkflowExecutionStatus.FAILED, what="failed")


def _erase(cli: Cli, pathway_id: str) -> Any:
    return cli("--role", "coordinator", "erase", pathway_id, "--reason", "asked", "--yes")


async def test_a_pathway_closed_by_doctor_has_its_person_erased(
    temporal_env: WorkflowEnvironment, cli: Cli, cli_settings: Settings
) -> None:
    pathways = PathwayClient(temporal_env.client, cli_settings.task_queue)
    store = open_store(cli_settings.readmodel_url)
    broken = await _start_sealed(pathways, store, {"name": "not-a-programme"}, meta())
    await _cannot_run(pathways, broken)
    refused = await asyncio.to_thread(_erase, cli, broken)
    assert refused.exit_code == ExitCode.CANNOT_RUN, refused.output
    assert f"`parcours doctor close {broken} --reason" in refused.output
    assert store.keys_of_pathway(broken)

    closed = await asyncio.to_thread(
        cli, "--role", "coordinator", "doctor", "close", broken, "--reason", "bad input"
    )
    assert closed.exit_code == 0, closed.output
    erased = await asyncio.to_thread(_erase, cli, broken)
    assert erased.exit_code == 0, erased.output
    assert f"Erased the person's record in pathway {broken}" in erased.output
    assert "its history records nothing more" in erased.output
    assert store.keys_of_pathway(broken) == []
    assert "erase" in [r.command for r in store.list_reads(broken)]

    again = await asyncio.to_thread(_erase, cli, broken)  # as for a run that completed
    assert again.exit_code == 0, again.output
    reads = [r.command for r in store.list_reads(broken)]
    assert reads.count("erase") == 2
    store.close()


async def test_a_pathway_refused_at_its_start_has_its_person_erased(
    temporal_env: WorkflowEnvironment, cli: Cli, cli_settings: Settings
) -> None:
    pathways = PathwayClient(temporal_env.client, cli_settings.task_queue)
    store = open_store(cli_settings.readmodel_url)
    atp = get_programme("atp-cergy").model_dump(mode="json")
    refused = await _start_sealed(pathways, store, atp, meta(AUDITOR))
    await _failed(pathways, refused)
    by_staff = meta(STAFF, reason="asked")
    with pytest.raises(RequestRefused) as not_theirs:
        await erase_person(pathways, store, TEST_KEYRING, refused, by_staff)
    assert not_theirs.value.code == "erase_role"
    with pytest.raises(RequestRefused) as no_reason:
        await erase_person(pathways, store, TEST_KEYRING, refused, meta(COORDINATOR))
    assert no_reason.value.code == "erase_reason"
    assert store.keys_of_pathway(refused)

    erased = await erase_person(
        pathways, store, TEST_KEYRING, refused, meta(COORDINATOR, reason="asked")
    )
    assert (erased.recorded, erased.keys_destroyed, erased.legacy) == (False, 1, False)
    assert store.keys_of_pathway(refused) == []
    store.close()


async def _start_undecodable(pathways: PathwayClient, store: Store, until: datetime) -> str:
    """A start its workflow cannot take (an identity without a last name), carrying a
    state whose retention a coordinator extended `until`; its person holds a key."""
    pathway_id = new_pathway_id()
    await asyncio.to_thread(PersonSealer(lambda: store, TEST_KEYRING).new_key, pathway_id)
    start = {
        "pathway_id": pathway_id,
        "programme": {"name": "atp-cergy"},
        "participant": {"first_name": "Zephyrine"},
        "state": {"retention_until": until.isoformat()},
    }
    await pathways.temporal.start_workflow(
        WORKFLOW_TYPE, start, id=pathway_id, task_queue=pathways.task_queue
    )
    return pathway_id


async def test_the_sweep_erases_them_once_their_retention_is_over(
    temporal_env: WorkflowEnvironment, cli: Cli, cli_settings: Settings
) -> None:
    """Counted from the closing: the months the programme the pathway was started with
    keeps a record (6 here), 24 when it says none, or the extension its state carried.
    A start that cannot be read as a pathway's still has its key destroyed.
    (`cli` runs the worker.)"""
    pathways = PathwayClient(temporal_env.client, cli_settings.task_queue)
    store = open_store(cli_settings.readmodel_url)
    six_months = get_programme("atp-cergy").model_dump(mode="json")
    six_months["timers"]["anonymise_after_last_contact_months"] = 6
    refused = await _start_sealed(pathways, store, six_months, meta(AUDITOR))
    broken = await _start_sealed(pathways, store, {"name": "not-a-programme"}, meta())
    extended_until = add_months(datetime.now(UTC), 30)
    undecodable = await _start_undecodable(pathways, store, extended_until)
    await _failed(pathways, refused)
    for pathway_id in (broken, undecodable):
        await _cannot_run(pathways, pathway_id)
        await close(pathways, pathway_id, meta(COORDINATOR, reason="bad input"))
    ids = {refused, broken, undecodable}
    await eventually(
        lambda: pathways.list(pathways_query(pathways.task_queue, include_closed=True)),
        lambda listed: ids <= {s.pathway_id for s in listed if not s.running},
        what="the three listed as ended by the service's visibility",
    )
    closed_at = {i: await _closed_at(pathways, i) for i in ids}

    assert await ended_past_due(pathways, store, datetime.now(UTC)) == ([], {})
    later = add_months(datetime.now(UTC), 31)
    due, unread = await ended_past_due(pathways, store, later)
    assert unread == {}
    assert {d.pathway_id: (d.programme, d.due_at) for d in due} == {
        refused: ("atp-cergy", add_months(closed_at[refused], 6)),
        broken: ("not-a-programme", add_months(closed_at[broken], DEFAULT_ANONYMISE_MONTHS)),
        undecodable: ("atp-cergy", extended_until),
    }
    assert all(d.reason.startswith("retention: its pathway could not run") for d in due)

    swept = await sweep(pathways, store, TEST_KEYRING, due, meta(COORDINATOR))
    assert (len(swept.erased), swept.failed) == (3, {})
    unreadable = {e.pathway_id for e in swept.erased if e.identity_unread}
    assert unreadable == {undecodable}
    assert all(store.keys_of_pathway(i) == [] for i in ids)
    assert await ended_past_due(pathways, store, later) == ([], {})
    store.close()


async def _closed_at(pathways: PathwayClient, pathway_id: str) -> datetime:
    closed = (await pathways.temporal.get_workflow_handle(pathway_id).describe()).close_time
    assert closed is not None
    return closed


async def test_a_pathway_that_timed_out_has_its_person_erased(
    temporal_env: WorkflowEnvironment, cli: Cli, cli_settings: Settings
) -> None:
    """A run the service ended when the execution timeout a client set passed, while its
    first task failed on every attempt: it cannot be replayed to answer anything."""
    pathways = PathwayClient(temporal_env.client, cli_settings.task_queue)
    store = open_store(cli_settings.readmodel_url)
    broken = {"name": "not-a-programme"}
    timed_out = await _start_sealed(pathways, store, broken, meta(), timedelta(seconds=3))
    handle = pathways.temporal.get_workflow_handle(timed_out)

    async def status() -> WorkflowExecutionStatus | None:
        return (await handle.describe()).status

    ended = WorkflowExecutionStatus.TIMED_OUT
    await eventually(status, lambda s: s == ended, what="timed out")
    assert store.keys_of_pathway(timed_out)
    erased = await asyncio.to_thread(_erase, cli, timed_out)
    assert erased.exit_code == 0, erased.output
    assert "its history records nothing more" in erased.output
    assert store.keys_of_pathway(timed_out) == []
    store.close()
