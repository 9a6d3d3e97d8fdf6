"""`adopt_retention` on the dev server: a pathway whose run started before the retention
by the last contact (its patch answered no, as a run started before it) follows the rule
as soon as a coordinator asks, without waiting for its next run: the state follows it, the
read model lists the anonymisation date at once, the audit fold agrees; asking again
changes nothing, a retried request is answered from the first, staff are refused."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from parcours.adapters.readmodel import open_store
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.app.client import PathwayClient
from parcours.app.errors import RequestRefused
from parcours.app.retention import adopt_every, adopt_retention, not_following
from parcours.audit.fold import fold
from parcours.audit.history import read_history_file
from parcours.audit.recording import record_of
from parcours.domain.anonymisation import WARNING_FOLLOWS, AdoptRetention, retention_due_at
from parcours.domain.calendar import add_months
from parcours.programmes import get_programme
from parcours.worker import build_worker, default_activities
from parcours.workflows.messages import UpdateResult
from parcours.workflows.retention import ADOPT_RETENTION_UPDATE
from tests.polling import eventually
from tests.servers import TEST_KEYRING
from tests.support import COORDINATOR, STAFF, meta, participant, referral
from tests.workflows.races import answered_no

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

ATP = get_programme("atp-cergy")


@pytest_asyncio.fixture(loop_scope="session")
async def earlier_rule(
    temporal_env: WorkflowEnvironment, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[PathwayClient]:
    """A worker whose runs start as before the retention by the last contact."""
    answered_no(monkeypatch)
    async with build_worker(temporal_env.client, settings, default_activities(settings)):
        yield PathwayClient(temporal_env.client, settings.task_queue)


async def test_a_pathway_of_the_earlier_rule_follows_it_when_asked(
    earlier_rule: PathwayClient, settings: Settings, tmp_path: Path
) -> None:
    pathways = earlier_rule
    pid = await pathways.refer(ATP, participant(), referral(), meta())
    assert (await pathways.state(pid)).retention_rule == 1
    with open_store(settings.readmodel_url) as store:
        await eventually(lambda: store.get_participant(pid), what="the projected pathway")
        assert pid in not_following(store)  # no anonymisation date yet

    with pytest.raises(RequestRefused) as staff:
        await adopt_retention(pathways, pid, meta(STAFF))
    assert staff.value.code == "adopt_role"

    request = meta(COORDINATOR)
    done = await adopt_retention(pathways, pid, request)
    assert done.event == "retention_adopted"
    state = await pathways.state(pid)
    assert state.retention_rule == WARNING_FOLLOWS
    due = add_months(state.referred_at, 24)
    assert retention_due_at(state, ATP) == due
    assert done.details == {"due": due.isoformat(), "was_rule": "1"}
    with open_store(settings.readmodel_url) as store:
        listed = await eventually(
            lambda: next((v for v in store.retention_due(None) if v.pathway_id == pid), None),
            what="the pathway listed with its date",
        )
        assert listed is not None
        assert listed.retention_due_at == due
        assert pid not in not_following(store)

    retried = await pathways.temporal.get_workflow_handle(pid).execute_update(
        ADOPT_RETENTION_UPDATE,
        args=[request, AdoptRetention()],
        id="adoption-retried-under-another-update-id",
        result_type=UpdateResult,
    )
    assert (retried.duplicate, retried.seq) == (True, done.seq)
    missing = "pathway-00000000000000ff"  # listed by a stale read model: no such workflow
    again = await adopt_every(pathways, [missing, pid], meta(COORDINATOR))
    assert (again.adopted, again.already, again.closed) == ([], [pid], [])
    assert list(again.failed) == [missing]  # said, and the pathways after it still asked
    timeline = await pathways.timeline(pid)
    assert [e.kind for e in timeline].count("retention_adopted") == 1

    history = await pathways.temporal.get_workflow_handle(pid).fetch_history()
    path = tmp_path / "adopted.json"
    path.write_text(history.to_json(), encoding="utf-8")
    result = fold(await record_of(read_history_file(path), data_converter(TEST_KEYRING)))
    assert result.discrepancies == []
    assert result.pathway.state.retention_rule == WARNING_FOLLOWS
    assert [e.kind for e in result.pathway.state.timeline] == [e.kind for e in timeline]
