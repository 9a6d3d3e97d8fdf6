"""Shared builders for tests: programmes, actors, commands at a given instant."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from temporalio.api.enums.v1 import EventType

from parcours.app.client import PathwayClient
from parcours.domain.commands import Refer
from parcours.domain.records import Actor, RequestMeta
from parcours.domain.vocabulary import Role
from parcours.workflows.messages import Participant

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
STAFF = Actor("staff-7f3a", Role.STAFF)
COORDINATOR = Actor("coord-21b9", Role.COORDINATOR)
AUDITOR = Actor("audit-0c11", Role.AUDITOR)
PARTNER = Actor("partner-5e1d", Role.PARTNER)

RECOGNISABLE_NAME = "Zephyrine Quillfeather"


def meta(actor: Actor = STAFF, reason: str = "", request_id: str | None = None) -> RequestMeta:
    return RequestMeta(request_id or uuid.uuid4().hex, actor, reason)


def participant(first: str = "Zephyrine", last: str = "Quillfeather") -> Participant:
    return Participant(
        first_name=first,
        last_name=last,
        birth_date="1990-04-02",
        phone="+33 6 00 00 00 00",
        email="zq@example.org",
        availability="weekdays after 17:00",
        skills=["cashier"],
    )


def referral(at: datetime = T0, referent: str = STAFF.actor_id) -> Refer:
    return Refer(referrer="CCAS", referred_at=at, session="2026-01", referent=referent)


async def accepted_updates(pathways: PathwayClient, pathway_id: str) -> int:
    history = await pathways.temporal.get_workflow_handle(pathway_id).fetch_history()
    return sum(
        1
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    )
