"""A job-dating entered after the fact: planned after its day, its invitation and its
outcomes dated `--on` (the request's effective instant), judged at that instant.

The event keeps taking outcomes 90 days from its entry, not from its long-past day; an
invitation dated on or after the day, outcomes dated before it, and any date after now
are refused, each with its rule. Each test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from parcours.app import jobdating
from parcours.app.errors import RequestRefused
from parcours.domain.jobdating import JobDatingEvent, OutcomeEntry
from parcours.domain.records import RequestMeta
from parcours.domain.vocabulary import JobDatingOutcome
from tests.support import COORDINATOR, STAFF, T0, meta
from tests.workflows.jobdating_bench import in_coaching, new_id, plan
from tests.workflows.partner_bench import Bench

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]

HELD = T0 + timedelta(days=3)
"""Long past by the time the test runs (T0 is in January 2026)."""


def dated(base: RequestMeta, at: datetime) -> RequestMeta:
    return dataclasses.replace(base, effective_at=at)


async def test_a_past_jobdating_is_entered_with_its_dates(bench: Bench) -> None:
    hired = await in_coaching(bench.pathways)
    trained = await in_coaching(bench.pathways, first="Ottoline")
    event = await plan(bench.pathways, bench.store, HELD, [hired, trained])
    client = bench.pathways.temporal
    entered = await jobdating.status(client, event)
    assert entered.entered_at is not None
    assert entered.entered_at > HELD
    with pytest.raises(RequestRefused) as late:
        await jobdating.invite(client, event, dated(meta(COORDINATOR), HELD))
    assert late.value.rule == "jobdating_past"
    with pytest.raises(RequestRefused) as future:
        await jobdating.invite(client, event, dated(meta(COORDINATOR), _now() + timedelta(days=1)))
    assert future.value.code == "instant_in_future"
    invited_on = HELD - timedelta(days=2)
    await jobdating.invite(client, event, dated(meta(COORDINATOR), invited_on))
    assert (await jobdating.status(client, event)).invited_at == invited_on
    entries = [
        OutcomeEntry(hired, JobDatingOutcome.HIRED, "Interim 95"),
        OutcomeEntry(trained, JobDatingOutcome.TRAINING),
    ]
    with pytest.raises(RequestRefused) as early:
        await jobdating.record(client, event, entries, dated(meta(STAFF), invited_on))
    assert early.value.rule == "jobdating_not_yet"
    answer = await jobdating.record(
        client, event, entries, dated(meta(STAFF, request_id=new_id()), HELD)
    )
    assert [a.applied for a in answer.answers] == [True, True], answer
    state = await bench.pathways.state(hired)
    assert [(j.held_at, j.agency) for j in state.job_datings] == [(HELD, "Interim 95")]
    done = await client.get_workflow_handle(event, result_type=JobDatingEvent).result()
    assert done.waiting() == []


async def test_an_undated_recording_of_a_past_event_is_taken_now(bench: Bench) -> None:
    """Without `--on`, a recording is judged now, as before: after a past day, taken."""
    candidate = await in_coaching(bench.pathways)
    event = await plan(bench.pathways, bench.store, HELD, [candidate])
    entries = [OutcomeEntry(candidate, JobDatingOutcome.NO_MATCH)]
    answer = await jobdating.record(bench.pathways.temporal, event, entries, meta(STAFF))
    assert answer.answers[0].applied


def _now() -> datetime:
    return datetime.now(UTC)
