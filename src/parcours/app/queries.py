"""Finding pathways by what the service indexes: programme, stage, referent, next alert.

Visibility queries over the search attributes only, never personal data (the service
never sees any). Front ends ask through these rather than writing query strings.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from parcours.app.client import PathwayClient
from parcours.app.health import Trouble, readable
from parcours.domain.records import Alert
from parcours.domain.vocabulary import AlertStatus
from parcours.workflows import search_attributes as sa


def pathways_query(
    task_queue: str,
    *,
    programme: str | None = None,
    stage: str | None = None,
    referent: str | None = None,
    alert_before: datetime | None = None,
    include_closed: bool = False,
) -> str:
    """The pathways of this service's task queue that match every criterion given."""
    clauses = [f"TaskQueue = '{_quoted(task_queue)}'"]
    if not include_closed:
        clauses.append("ExecutionStatus = 'Running'")
    if programme:
        clauses.append(f"{sa.PROGRAMME.name} = '{_quoted(programme)}'")
    if stage:
        clauses.append(f"{sa.STAGE.name} = '{_quoted(stage)}'")
    if referent:
        clauses.append(f"{sa.REFERENT.name} = '{_quoted(referent)}'")
    if alert_before:
        instant = alert_before.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        clauses.append(f"{sa.NEXT_ALERT_AT.name} < '{instant}'")
    return " AND ".join(clauses)


def _quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace("'", "\\'")


async def open_alerts(
    pathways: PathwayClient, query: str, *, troubled: list[Trouble] | None = None
) -> list[tuple[str, Alert]]:
    """The open alerts of every pathway `query` finds, soonest due first.

    A pathway that cannot run stops nothing: it is added to `troubled` (when given) and
    the others are listed.
    """
    found = await pathways.list(query)
    answers = await asyncio.gather(
        *(pathways.status(s.pathway_id) for s in found), return_exceptions=True
    )
    statuses = readable(answers, troubled)
    alerts = [(s.pathway_id, a) for s in statuses for a in s.open_alerts]
    return sorted(alerts, key=lambda pair: pair[1].due_at)


async def alerts_with_status(
    pathways: PathwayClient,
    query: str,
    statuses: frozenset[AlertStatus],
    *,
    troubled: list[Trouble] | None = None,
) -> list[tuple[str, Alert]]:
    """Every alert of these statuses (resolved, acknowledged...) of every pathway `query`
    finds, soonest due first: read from each pathway's state, which keeps them all. A
    pathway that cannot run is noted in `troubled`, as for `open_alerts`."""
    found = await pathways.list(query)
    answers = await asyncio.gather(
        *(pathways.state(s.pathway_id) for s in found), return_exceptions=True
    )
    states = readable(answers, troubled)
    alerts = [(s.pathway_id, a) for s in states for a in s.alerts if a.status in statuses]
    return sorted(alerts, key=lambda pair: pair[1].due_at)
