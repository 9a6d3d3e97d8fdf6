"""Retention by the last contact, walked over two years on the dev server's per-workflow
time skipping (`two_year_walk.Walk`).

Two ATP pathways referred in the person's own sealed identity, left at referral with no
other contact: the coordinator is warned (`retention_due`) 30 days before the 24 months
after the referral, each on its day. One is anonymised on that day: the pathway records
`person_erased` by parcours, with the reason, closes for good and its run ends; the
`participant` query answers no identity and the person's key is destroyed. The other is
extended by a coordinator: it is not anonymised at the first due date, is warned again
before the extension's date and anonymised on it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import pytest
import pytest_asyncio
from temporalio.client import WorkflowExecutionStatus
from temporalio.testing import WorkflowEnvironment

from parcours.activities.lazy_store import LazyStore
from parcours.activities.person_keys import PersonSealer
from parcours.adapters.readmodel import open_store
from parcours.adapters.settings import Settings
from parcours.app.client import PathwayClient
from parcours.app.errors import RequestRefused
from parcours.domain.calendar import add_months
from parcours.domain.vocabulary import AlertRule
from parcours.worker import build_worker, default_activities
from tests.servers import TEST_KEYRING
from tests.support import STAFF
from tests.workflows.retention_walk import (
    MONTHS,
    RETENTION_RULES,
    WARNING,
    extend_retention,
    play_warning_follows,
    referred_now,
)
from tests.workflows.two_year_walk import DAY, HOUR, Walk

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]


@pytest_asyncio.fixture(loop_scope="session")
async def sealed_pathways(
    skipping_env: WorkflowEnvironment, settings: Settings
) -> AsyncIterator[PathwayClient]:
    """A worker with the default adapters and the keyring; referrals sealed as in use."""
    sealer = PersonSealer(LazyStore(settings.readmodel_url), TEST_KEYRING)
    activities = default_activities(settings, TEST_KEYRING)
    async with build_worker(skipping_env.client, settings, activities):
        yield PathwayClient(skipping_env.client, settings.task_queue, sealer)


async def referred_and_warned(env: WorkflowEnvironment, pathways: PathwayClient) -> Walk:
    """Referred now (the virtual clock starts at the real now), intake left overdue, and
    warned on its day: 30 days before 24 months after the referral, its last contact."""
    walk, start = await referred_now(env, pathways)
    due = add_months(start, MONTHS)
    assert (await pathways.state(walk.pid)).referred_at == start
    await walk.expect(due - WARNING, (AlertRule.RETENTION_DUE, "retention"))
    return walk


async def anonymised_on(walk: Walk, settings: Settings, due: datetime) -> None:
    """Open until an hour before `due`, its key still there; anonymised by `due` + 1 hour."""
    await walk.quiet_until(due - HOUR)
    assert (await walk.pathways.status(walk.pid)).closed_at is None
    with open_store(settings.readmodel_url) as store:
        assert store.keys_of_pathway(walk.pid) != []  # the control: the key was there
    assert "Quillfeather" in repr(await walk.pathways.participant(walk.pid))
    # The run completes on the way: the fast-forward reports that it terminated first.
    assert not await walk.env.fast_forward(walk.handle, 2 * HOUR)
    await walk.handle.result()
    assert (await walk.handle.describe()).status is WorkflowExecutionStatus.COMPLETED

    state = await walk.pathways.state(walk.pid)
    erased = state.timeline[-1]
    assert erased.kind == "person_erased"
    assert erased.actor_id == "parcours"
    assert erased.reason == f"retention: no contact since {state.referred_at.date().isoformat()}"
    assert due <= erased.at <= due + HOUR
    assert state.erased_at == state.closed_at == erased.at
    assert "Quillfeather" not in repr(await walk.pathways.participant(walk.pid))
    with open_store(settings.readmodel_url) as store:
        assert store.keys_of_pathway(walk.pid) == []


async def test_a_pathway_is_warned_then_anonymised_on_time(
    skipping_env: WorkflowEnvironment, sealed_pathways: PathwayClient, settings: Settings
) -> None:
    walk = await referred_and_warned(skipping_env, sealed_pathways)
    due = add_months((await sealed_pathways.state(walk.pid)).referred_at, MONTHS)
    assert {a.rule for a in walk.raised.values()} >= RETENTION_RULES
    await anonymised_on(walk, settings, due)


async def test_an_extended_pathway_is_anonymised_at_the_extension(
    skipping_env: WorkflowEnvironment, sealed_pathways: PathwayClient, settings: Settings
) -> None:
    walk = await referred_and_warned(skipping_env, sealed_pathways)
    first_due = add_months((await sealed_pathways.state(walk.pid)).referred_at, MONTHS)
    until = first_due + 60 * DAY

    with pytest.raises(RequestRefused) as staff:
        await extend_retention(sealed_pathways, walk.pid, until, STAFF)
    assert staff.value.rule == "role_permission"
    with pytest.raises(RequestRefused) as early:
        await extend_retention(sealed_pathways, walk.pid, first_due - DAY)
    assert early.value.rule == "extend_until"
    with pytest.raises(RequestRefused) as far:  # beyond 24 months from today
        await extend_retention(sealed_pathways, walk.pid, add_months(await walk.now(), 24) + DAY)
    assert far.value.rule == "extend_too_far"
    done = await extend_retention(sealed_pathways, walk.pid, until)
    assert done.event == "retention_extended"
    assert done.details["until"] == until.isoformat()

    await walk.quiet_until(first_due + HOUR)  # not anonymised at the first due date
    assert (await sealed_pathways.status(walk.pid)).closed_at is None
    await walk.expect(until - WARNING, (AlertRule.RETENTION_DUE, "retention"))
    await anonymised_on(walk, settings, until)


async def test_an_extension_resolves_the_open_warning_and_a_new_one_comes(
    skipping_env: WorkflowEnvironment, sealed_pathways: PathwayClient
) -> None:
    """The walk `atp-warning-follows.json` was recorded from, with its checks."""
    pid = await play_warning_follows(skipping_env, sealed_pathways)
    state = await sealed_pathways.state(pid)
    assert state.timeline[-1].kind == "person_erased"
