"""Random stories, entered live or late in any order the rules allow, fold to one pathway.

A story is a pathway's commands in the order they happened, each at its effective
instant. Entered live, each is recorded when it happens. Entered late, the records of a
stage (contacts, French assessments, consents) may be typed after others of the same
stage, each with `--on`; the rules accept every such order. Both give the same pathway,
and the audit's "as it happened" fold of the late recording, at any instant, is the
story up to that instant. No server: the recording is built as the history reader
would build it (one workflow task per command, at its recording instant).

Alerts are left out of the comparison: which alerts a late entry raises is their rule's
business, not the dating's.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from parcours.audit.fold import NotYetReferred, fold
from parcours.audit.happened import happened
from parcours.audit.recording import RecordedCommand, Recording, WorkflowTask
from parcours.domain import commands as c
from parcours.domain.errors import DomainError
from parcours.domain.pathway import Pathway
from parcours.domain.records import RequestMeta
from parcours.domain.vocabulary import FrenchLevel, Role
from tests.audit.helpers import Happened, essence
from tests.domain.helpers import ATP, DAY, canonical, new_pathway, request
from tests.support import T0, meta, referral

STORY_TRIGGERS = (
    "record_contact",
    "assess_french",
    "give_consent",
    "withdraw_consent",
    "open_barrier",
    "resolve_barrier",
    "waive_barrier",
    "complete_intake",
    "sign_contract",
    "start_coaching",
    "suspend",
    "resume",
    "jobdating_no_match",
    "jobdating_hired",
    "start_mission",
    "end_mission",
    "drop_out",
)
LATE_KINDS = {
    "record_contact": "contact",
    "assess_french": "french",
    "give_consent": "consent",
    "withdraw_consent": "consent",
}
"""Records that may be typed late within their stage; one kind keeps its own order."""


def dated(command: c.Command, trigger: str, effective: datetime) -> tuple[c.Command, RequestMeta]:
    """The command as `--on EFFECTIVE` sends it."""
    return command, dataclasses.replace(request(trigger), effective_at=effective)


def tell(data: st.DataObject, length: int) -> list[Happened]:
    """A story the rules accept, entered live: each command when it happened."""
    pathway, now, steps = new_pathway(ATP), T0, []
    for _ in range(length):
        now += timedelta(hours=data.draw(st.integers(1, 240)))
        offered = [t for t in pathway.allowed_triggers(Role.STAFF) if t in STORY_TRIGGERS]
        if not offered:
            break
        trigger = data.draw(st.sampled_from(sorted(offered)))
        command = canonical(trigger, pathway, now)
        if command is None:
            continue
        command, request_meta = dated(command, trigger, now)
        try:
            pathway.check(command, request_meta, now)
        except DomainError:
            continue
        pathway.execute(command, request_meta, now)
        steps.append(Happened(command, request_meta, now))
    return steps


def late_order(data: st.DataObject, steps: list[Happened]) -> list[Happened]:
    """Some records of each stage typed after the stage's other records: for each kind,
    from a drawn one on, so a kind keeps its own order."""
    order: list[Happened] = []
    block: list[Happened] = []
    for step in [*steps, None]:
        if step is not None and step.command.trigger in LATE_KINDS:
            block.append(step)
            continue
        cuts = {kind: data.draw(st.integers(0, 3)) for kind in sorted(set(LATE_KINDS.values()))}
        seen: dict[str, int] = {}
        kept: list[Happened] = []
        delayed: list[Happened] = []
        for record in block:
            kind = LATE_KINDS[record.command.trigger]
            seen[kind] = seen.get(kind, 0) + 1
            (delayed if seen[kind] > cuts[kind] else kept).append(record)
        order += kept + delayed
        block = []
        if step is not None:
            order.append(step)
    return order


def enter(steps: list[Happened]) -> tuple[Pathway, list[datetime]]:
    """Type `steps` in this order, each when its effective instant allows; every one must
    be accepted."""
    pathway, clock, recorded = new_pathway(ATP), T0, []
    for step in steps:
        clock = max(clock, step.effective) + timedelta(minutes=7)
        pathway.check(step.command, step.meta, clock)
        pathway.execute(step.command, step.meta, clock)
        recorded.append(clock)
    return pathway, recorded


def recording_of(steps: list[Happened], recorded: list[datetime]) -> Recording:
    """What the history reader makes of these commands, one task each."""
    start = meta()
    tasks = [WorkflowTask(0, "run-0", 4, T0, True, False, False, False, ())]
    for index, (step, at) in enumerate(zip(steps, recorded, strict=True)):
        command = RecordedCommand(step.meta, step.command, 10 + index)
        tasks.append(
            WorkflowTask(0, "run-0", 10 + index, at, False, False, False, False, (command,))
        )
    return Recording(
        workflow_id="pw-test",
        pathway_id="pw-test",
        programme=ATP,
        programme_data=ATP.model_dump(mode="json"),
        referral=referral(T0),
        referral_meta=start,
        initial_state=None,
        initial_applied={},
        run_ids=("run-0",),
        tasks=tuple(tasks),
        carried={},
        final_state=None,
        recorded_until=recorded[-1] if recorded else T0,
        still_open=True,
        continues=False,
        dated_runs=frozenset({0}),
    )


def live_until(steps: list[Happened], when: datetime) -> Pathway:
    pathway = new_pathway(ATP)
    for step in steps:
        if step.effective <= when:
            pathway.execute(step.command, step.meta, step.effective)
    return pathway


@settings(max_examples=40, deadline=None, database=None)
@given(st.data(), st.integers(3, 25))
def test_any_allowed_recording_order_folds_to_the_story(data: st.DataObject, length: int) -> None:
    story = tell(data, length)
    order = late_order(data, story)
    entered, recorded = enter(order)
    assert essence(entered.state) == essence(
        live_until(story, story[-1].effective if story else T0).state
    )
    recording = recording_of(order, recorded)
    for _ in range(3):
        when = T0 + timedelta(hours=data.draw(st.integers(-24, 24 * 200)))
        expected = live_until(story, when)
        try:
            as_it_happened = happened(recording, when).pathway
        except NotYetReferred:
            assert when < T0
            continue
        assert essence(as_it_happened.state) == essence(expected.state)


@settings(max_examples=20, deadline=None, database=None)
@given(st.data(), st.integers(3, 20))
def test_as_recorded_is_what_was_typed_by_then(data: st.DataObject, length: int) -> None:
    story = tell(data, length)
    order = late_order(data, story)
    _, recorded = enter(order)
    recording = recording_of(order, recorded)
    when = T0 + timedelta(hours=data.draw(st.integers(0, 24 * 200)))
    typed = [s for s, at in zip(order, recorded, strict=True) if at <= when]
    expected, _ = enter(typed)
    assert essence(fold(recording, when).pathway.state) == essence(expected.state)


def test_a_late_record_keeps_its_date_and_is_folded_where_it_happened() -> None:
    """The simplest reordering: a contact typed after the French assessment that followed it."""
    contact = Happened(c.RecordContact(T0 + DAY), meta(), T0 + DAY)
    french, french_meta = dated(c.AssessFrench(FrenchLevel.B1), "assess_french", T0 + 2 * DAY)
    order = [Happened(french, french_meta, T0 + 2 * DAY), contact]
    entered, recorded = enter(order)
    assert entered.state.last_contact_at == T0 + DAY
    assert [e.at for e in entered.state.timeline] == [T0, T0 + 2 * DAY, T0 + DAY]
    between = happened(recording_of(order, recorded), T0 + DAY + timedelta(hours=1)).pathway
    assert between.state.last_contact_at == T0 + DAY
    assert between.state.french_level is None
