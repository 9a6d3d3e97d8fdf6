"""A job-dating's whole life on the dev server's per-workflow time skipping.

Two ATP candidates in coaching (one consenting to temp agencies, one not); the event is
planned two days ahead and the agencies invited; a day later the reminder goes out on
the event's durable timer; on the day each outcome reaches its pathway, and the event
completes. Shared by `test_jobdating_reminder.py` and the history recorder
(`tests/histories/record_jobdating.py`, `tests/histories/jobdating/jobdating-event.json`).
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from temporalio.testing import WorkflowEnvironment

from parcours.adapters.readmodel import Store
from parcours.app import jobdating
from parcours.app.client import PathwayClient
from parcours.domain.jobdating import JobDatingEvent, OutcomeEntry
from parcours.domain.vocabulary import JobDatingOutcome
from tests.polling import eventually
from tests.support import COORDINATOR, STAFF, T0, meta
from tests.workflows.jobdating_bench import in_coaching, new_id, plan

DAY, HOUR = timedelta(days=1), timedelta(hours=1)


async def play_jobdating(env: WorkflowEnvironment, pathways: PathwayClient, store: Store) -> str:
    """The event from its plan to its end; its id. The agencies must be in `store`."""
    willing = await in_coaching(pathways)
    unwilling = await in_coaching(pathways, consents=False, first="Ottoline")
    event = await plan(pathways, store, datetime.now(UTC) + 2 * DAY, [willing, unwilling])
    client = pathways.temporal
    await jobdating.invite(client, event, meta(COORDINATOR))
    assert await env.fast_forward(client.get_workflow_handle(event), DAY + HOUR)
    await eventually(
        lambda: jobdating.status(client, event),
        lambda found: found.reminded_at is not None,
        what="the agencies were reminded",
    )
    assert await env.fast_forward(client.get_workflow_handle(event), DAY)
    for pathway_id in (willing, unwilling):  # their clocks past the day too
        assert await env.fast_forward(client.get_workflow_handle(pathway_id), 2 * DAY + HOUR)
    entries = [
        OutcomeEntry(willing, JobDatingOutcome.HIRED, "Interim 95"),
        OutcomeEntry(unwilling, JobDatingOutcome.NO_MATCH),
    ]
    answer = await jobdating.record(client, event, entries, meta(STAFF, request_id=new_id()))
    assert [a.applied for a in answer.answers] == [True, True], answer
    done = await client.get_workflow_handle(event, result_type=JobDatingEvent).result()
    assert done.waiting() == []
    return event


async def play_dated_jobdating(pathways: PathwayClient, store: Store) -> str:
    """An event entered after the fact: planned after its day (T0 + 3 days), its
    invitation dated two days before (recorded only, nothing sent, since
    `JOBDATING_LATE_INVITATION_PATCH`) and its outcomes on the day; its id once complete."""
    held = T0 + 3 * DAY
    hired = await in_coaching(pathways)
    trained = await in_coaching(pathways, first="Ottoline")
    event = await plan(pathways, store, held, [hired, trained])
    client = pathways.temporal
    invited = dataclasses.replace(meta(COORDINATOR), effective_at=held - 2 * DAY)
    await jobdating.invite(client, event, invited)
    entries = [
        OutcomeEntry(hired, JobDatingOutcome.HIRED, "Interim 95"),
        OutcomeEntry(trained, JobDatingOutcome.TRAINING),
    ]
    recorded = dataclasses.replace(meta(STAFF, request_id=new_id()), effective_at=held)
    answer = await jobdating.record(client, event, entries, recorded)
    assert [a.applied for a in answer.answers] == [True, True], answer
    done = await client.get_workflow_handle(event, result_type=JobDatingEvent).result()
    assert done.waiting() == []
    return event


async def play_retried_jobdating(
    env: WorkflowEnvironment, pathways: PathwayClient, store: Store
) -> str:
    """An event whose invitation to an agency by e-mail fails for good (the worker has no
    mail relay), is sent again on request (`retry_message`, failing again), then, its day
    come (time skipped), its outcome recorded; its id once complete. Manpower must be in
    `store`, by e-mail. (Invited before its day: after it, nothing would be sent.)"""
    held = datetime.now(UTC) + HOUR
    candidate = await in_coaching(pathways)
    planned = jobdating.Plan("atp-cergy", held, "Cergy", ["Interim 95", "Manpower"], [candidate])
    event = await jobdating.plan(pathways, store, planned, meta(COORDINATOR, request_id=new_id()))
    client = pathways.temporal
    report = await jobdating.invite(client, event, meta(COORDINATOR))
    key = f"{event}:invitation:Manpower"
    assert key in report.failures, report
    assert store.reset_for_retry(key)
    asked = meta(COORDINATOR, reason="mail relay back", request_id=new_id())
    assert await jobdating.retry_message(client, event, key, asked) == 1
    for workflow_id in (event, candidate):  # their clocks past the day
        assert await env.fast_forward(client.get_workflow_handle(workflow_id), 2 * HOUR)
    entries = [OutcomeEntry(candidate, JobDatingOutcome.NO_MATCH)]
    await jobdating.record(client, event, entries, meta(STAFF, request_id=new_id()))
    await client.get_workflow_handle(event).result()
    return event
