"""A correction against an independent run: random command sequences are applied to one
pathway, and a random event of it is voided (or its date restated); the same commands
are applied to a second pathway without that event (or with the restated date). The
correction is accepted exactly when every later command of the second run is accepted
and records what it recorded in the first, and then both states are the same."""

from __future__ import annotations

import copy
import dataclasses
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from parcours.domain import commands as c
from parcours.domain.commands import Shape, spec_of
from parcours.domain.errors import DomainError
from parcours.domain.instants import check_instants
from parcours.domain.pathway import Pathway
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import PathwayState, RequestMeta
from parcours.domain.refold import restate
from tests.domain.helpers import (
    PROGRAMME_IDS,
    PROGRAMMES,
    actor_for,
    canonical,
    new_pathway,
    request,
)
from tests.support import COORDINATOR, T0, meta

Step = tuple[c.Command, RequestMeta, datetime]
SKIPPED = frozenset({"acknowledge_alert", "snooze_alert", "record_notification_failure"})
"""Alerts are not raised here: the second run could not name them."""


def drawn_steps(data: st.DataObject, programme: ProgrammeDefinition) -> tuple[Pathway, list[Step]]:
    pathway, now, steps = new_pathway(programme), T0, []
    for _ in range(data.draw(st.integers(1, 14))):
        now += timedelta(hours=data.draw(st.integers(1, 72)))
        offered = [t for t in pathway.allowed_triggers() if t not in SKIPPED]
        trigger = data.draw(st.sampled_from(offered))
        command = canonical(trigger, pathway, now)
        if command is None:
            continue
        sent = request(trigger, actor_for(trigger))
        pathway.execute(command, sent, now)
        steps.append((command, sent, now))
    return pathway, steps


def without(
    programme: ProgrammeDefinition, steps: list[Step], edit: int, restated: datetime | None
) -> tuple[Pathway, bool]:
    """The second run: step `edit` left out, or run at `restated`; whether every other
    step was accepted and recorded what the first run recorded."""
    other, same = new_pathway(programme), True
    first = new_pathway(programme)
    for index, (sent_command, sent, sent_at) in enumerate(steps):
        recorded = first.execute(sent_command, sent, sent_at)
        if index == edit and restated is None:
            continue
        command, request, at = sent_command, sent, sent_at
        if index == edit and restated is not None:
            command, request, at = restate(command, sent, sent_at, restated, dated=True)
        try:
            if index >= edit and (bound := check_instants(other.state, command, request, at)):
                raise bound
            replayed = other.execute(command, request, at)
        except DomainError:
            if index == edit:
                raise
            same = False
            continue
        moves = spec_of(command.trigger).shape is not Shape.RECORD
        keeps = (replayed.kind, replayed.details) == (recorded.kind, recorded.details)
        same = same and (
            index == edit or (keeps and (not moves or replayed.stage is recorded.stage))
        )
    return other, same


def comparable(state: PathwayState) -> dict[str, object]:
    kept = dataclasses.asdict(copy.deepcopy(state))
    for name in ("timeline", "next_seq", "applied"):
        kept.pop(name)
    return kept


@pytest.mark.parametrize("programme", PROGRAMMES, ids=PROGRAMME_IDS)
@settings(
    max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(data=st.data())
def test_a_correction_agrees_with_running_the_pathway_without_the_mistake(
    programme: ProgrammeDefinition, data: st.DataObject
) -> None:
    pathway, steps = drawn_steps(data, programme)
    if not steps:
        event("nothing to correct")
        return
    edit = data.draw(st.integers(0, len(steps) - 1))
    seq = edit + 2  # the referral is event 1, and nothing else records an event here
    restated = None
    if data.draw(st.booleans()):
        restated = T0 + timedelta(hours=data.draw(st.integers(0, 24 * 40)))
    end = steps[-1][2] + timedelta(days=400)
    before = copy.deepcopy(pathway.state)
    try:
        other, same = without(programme, steps, edit, restated)
    except DomainError:
        other, same = None, False  # the restated date itself is refused
    try:
        pathway.execute(c.CorrectEvent(seq, restated), meta(COORDINATOR, "mistake"), end)
    except DomainError as refused:
        event(f"refused: {refused.rule}")
        assert not same
        assert pathway.state == before
        assert pathway.state.timeline == before.timeline
        return
    event("accepted")
    assert same
    assert other is not None
    assert comparable(pathway.state) == comparable(other.state)
    assert pathway.state.timeline[:-1] == before.timeline
