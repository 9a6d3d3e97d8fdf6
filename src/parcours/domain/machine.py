"""A programme's table as rows, and the rows as a `transitions` machine with named conditions.

Each row's conditions are, in the order they refuse: the `resume` selector, the row's
guards, the reason rule and the command's reference check (both from the command table).
A condition that says no raises `Refusal` naming its rule (a reference check raises its
own domain error), so the first rule that refuses is the one reported; the selector only
returns False, so the machine tries the next `resume` row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol, cast

from transitions import EventData, Machine

from parcours.domain.commands import spec_of
from parcours.domain.commands.base import Subject
from parcours.domain.commands.lifecycle import LifecycleTrigger
from parcours.domain.guards import GUARDS, Verdict
from parcours.domain.programme_data import ProgrammeData
from parcours.domain.records import PathwayState, RequestMeta
from parcours.domain.vocabulary import Stage, Trigger


@dataclass(frozen=True)
class MoveRow:
    """One row of the effective table (with `resume` rows derived from `suspend`)."""

    trigger: Trigger
    source: Stage
    dest: Stage | None
    guards: tuple[str, ...]
    selector_for: Stage | None = None


def table_of(programme: ProgrammeData) -> list[MoveRow]:
    """The programme's moves, one row per source, plus `resume` back to each suspendable stage."""
    rows: list[MoveRow] = []
    for move in programme.moves:
        for source in programme.sources_of(move):
            rows.append(MoveRow(move.trigger, source, move.dest, tuple(move.guards)))
            if move.trigger is LifecycleTrigger.SUSPEND:
                rows.append(
                    MoveRow(
                        LifecycleTrigger.RESUME, Stage.SUSPENDED, source, (), selector_for=source
                    )
                )
    return rows


def offered_by_stage(rows: list[MoveRow]) -> dict[Stage, tuple[Trigger, ...]]:
    """The triggers each stage has a row for, in table order: what may be offered there."""
    offered: dict[Stage, tuple[Trigger, ...]] = {}
    for row in rows:
        known = offered.get(row.source, ())
        if row.trigger not in known:
            offered[row.source] = (*known, row.trigger)
    return offered


class Refusal(Exception):
    """A named rule said no inside the machine; the pathway adds what is allowed instead."""

    def __init__(self, rule: str, verdict: Verdict) -> None:
        super().__init__(verdict.why)
        self.rule = rule
        self.verdict = verdict


class Model(Protocol):
    """What the conditions read; the machine moves the model's `stage` attribute."""

    @property
    def state(self) -> PathwayState: ...

    @property
    def programme(self) -> ProgrammeData: ...


Condition = Callable[[EventData], bool]


@dataclass(frozen=True)
class Table:
    """What a programme's pathways are judged by, worked out once per programme: the
    transitions with their conditions (which read the pathway from the event, so every
    pathway of the programme shares them), the triggers each stage offers, and the
    machine built from them, which holds no pathway (`adopt`)."""

    transitions: list[dict[str, Any]]
    offered: dict[Stage, tuple[Trigger, ...]]
    machine: Machine


_TABLES: list[tuple[ProgrammeData, Table]] = []
"""The tables of the programmes seen lately. A programme is compared by value: every
workflow run validates its own copy of the definition it pinned."""


def table_for(programme: ProgrammeData) -> Table:
    for known, table in _TABLES:
        if known is programme or known == programme:
            return table
    rows = table_of(programme)
    transitions = [_transition(row) for row in rows]
    table = Table(transitions, offered_by_stage(rows), _machine(programme, transitions))
    _TABLES.insert(0, (programme, table))
    del _TABLES[8:]
    return table


def _machine(programme: ProgrammeData, transitions: list[dict[str, Any]]) -> Machine:
    """The programme's machine over a model's `stage`, with no model of its own."""
    return Machine(
        model=[],
        states=list(programme.stages),
        transitions=transitions,
        initial=programme.initial_stage,
        auto_transitions=False,
        send_event=True,
        model_attribute="stage",
    )


def adopt(model: Model, table: Table) -> Machine:
    """The programme's one machine, which adds `trigger` and `may_trigger` to `model` (and
    moves `model.stage`), without keeping the model: a machine of its own for each
    pathway held some 140 KiB and took milliseconds to build, and the machine has no
    state of its own to keep apart (events are not queued, the stage is the model's)."""
    table.machine.add_model(model, initial=model.state.stage)
    table.machine.remove_model(model)
    return table.machine


def _transition(row: MoveRow) -> dict[str, Any]:
    row_spec = spec_of(row.trigger)
    conditions: list[Condition] = []
    if row.selector_for is not None:
        conditions.append(_selects(row.selector_for))
    conditions.extend(_guard(name) for name in row.guards)
    if row_spec.reason_required:
        conditions.append(_reason_given)
    if row_spec.reference is not None:
        conditions.append(_reference_holds(row_spec.reference))
    return {
        "trigger": row.trigger.value,
        "source": row.source,
        "dest": row.dest,
        "conditions": conditions,
    }


def _model(event: EventData) -> Model:
    """The pathway whose machine fired the event (the conditions are shared by all)."""
    return cast(Model, event.model)


def _selects(stage: Stage) -> Condition:
    """`resume` goes back where `suspend` left: one row per stage, this picks it."""
    return lambda event: _model(event).state.suspended_from is stage


def _guard(name: str) -> Condition:
    def holds(event: EventData) -> bool:
        model = _model(event)
        verdict = GUARDS[name](model.state, model.programme, event.kwargs.get("command"))
        if not verdict.ok:
            raise Refusal(name, verdict)
        return True

    return holds


def _reason_given(event: EventData) -> bool:
    """Judged only for a request (listing what is allowed has no reason to judge)."""
    meta: RequestMeta | None = event.kwargs.get("meta")
    if meta is not None and not meta.reason.strip():
        trigger = event.event.name
        why = f"{trigger.replace('_', ' ')} needs a reason; give one with the request"
        raise Refusal(
            "reason_required", Verdict(False, why, "reason_required", {"trigger": trigger})
        )
    return True


def _reference_holds(subject: Subject) -> Condition:
    """For a command: the barrier, appointment or alert it names must be open. Asked without
    one (what may be done now): whether the pathway holds one it could name."""

    def holds(event: EventData) -> bool:
        command = event.kwargs.get("command")
        if command is None:
            return subject.any_open(_model(event).state)
        if subject.named is not None:
            subject.named(_model(event).state, command)
        return True

    return holds
