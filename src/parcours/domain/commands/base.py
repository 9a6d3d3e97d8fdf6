"""What every command shares, and the row type of the one command table.

A command is a frozen dataclass (every `Command` subclass is made one): a wire format
stored in workflow histories, so fields are only added with defaults, never renamed. Its
row (`CommandSpec`) says everything else the domain knows about it: what it records,
whether it moves, who may send it, what it does.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, dataclass_transform

from parcours.domain.commands.roles import WORKERS
from parcours.domain.records import PathwayState, RequestMeta
from parcours.domain.vocabulary import EventKind, Role, Stage, Trigger

if TYPE_CHECKING:  # the programme is pydantic: the CLI's `--help` must not import it
    from parcours.domain.programme_data import ProgrammeData


@dataclass_transform(frozen_default=True)
@dataclass(frozen=True)
class Command:
    """Base of every command: `class OpenBarrier(Command, trigger=BarrierTrigger.OPEN_BARRIER)`
    declares a frozen dataclass (made one here, as `@dataclass(frozen=True)` would) whose
    `TRIGGER` is the machine trigger it fires."""

    TRIGGER: ClassVar[Trigger]
    WHEN: ClassVar[str] = ""
    """The field that says when what it records happened (`contacted_at`), if it has one."""

    def __init_subclass__(
        cls, *, trigger: Trigger | None = None, when: str = "", **kwargs: Any
    ) -> None:
        super().__init_subclass__(**kwargs)
        if trigger is not None:
            cls.TRIGGER = trigger
        if when:
            cls.WHEN = when
        dataclass(frozen=True)(cls)

    @property
    def trigger(self) -> Trigger:
        return self.TRIGGER

    def happened_at(self) -> datetime | None:
        """When what the command records happened, if the command itself says it."""
        value = getattr(self, self.WHEN) if self.WHEN else None
        return value if isinstance(value, datetime) else None


@dataclass(frozen=True)
class Context:
    """What an effect may read besides the state and the command."""

    programme: ProgrammeData
    meta: RequestMeta
    now: datetime
    before: Stage


Details = dict[str, str]
"""An event's details: ids, kinds and dates only, never free text about the person."""

Effect = Callable[[PathwayState, Any, Context], Details]
"""What an accepted command records in the state; returns its event's details."""

Reference = Callable[[PathwayState, Any], object]
"""A check of the barrier, appointment or alert a command names, run before it is accepted,
so an unknown or closed id never reaches history."""


@dataclass(frozen=True)
class Subject:
    """What a command names (a barrier, an appointment, an alert), judged two ways."""

    named: Reference | None
    """For a command: the one it names must exist and be open (raises otherwise). None when
    the request is judged on new requests only (`domain.input_on_pathway`), so what the
    history recorded replays as it was."""
    any_open: Callable[[PathwayState], bool]
    """Without one: whether the pathway holds any it could name. The action is offered only
    then, so staff are not told they may lift a barrier on a pathway that has none."""


class Shape(StrEnum):
    """How a trigger reaches a pathway, and so where it may appear."""

    MOVE = "move"
    """Changes the stage; a programme file gives its rows, each with a dest."""
    RECORD = "record"
    """Records something in the stage; a programme file gives its rows, without a dest."""
    RESUME = "resume"
    """Goes back to the stage `suspend` left; its rows derive from the `suspend` rows."""
    START = "start"
    """Starts a pathway (the workflow's start, not an update)."""
    AUTOMATIC = "automatic"
    """Recorded by the pathway itself when due; nobody sends it."""
    SERVICE = "service"
    """Acts around a pathway (sends a notification again) without an event of its own."""
    CORRECTION = "correction"
    """Voids or restates an earlier event: judged by running the pathway again without it
    (`domain/correcting.py`), not by the programme's machine; no programme file lists it."""


@dataclass(frozen=True)
class CommandSpec:
    """One row of the command table."""

    trigger: Trigger
    shape: Shape
    roles: frozenset[Role]
    command: type[Command] | None = None
    effect: Effect | None = None
    reference: Subject | None = None
    reason_required: bool = False
    creates: str = ""
    """The key of its event's details that holds the id of the record it creates (a barrier's
    `barrier_id`), for rows that create one staff name in later commands; empty otherwise."""

    @property
    def event(self) -> EventKind | None:
        """What it records: its trigger's event, declared with the trigger."""
        return self.trigger.records

    @property
    def moves(self) -> bool:
        """Whether it changes the stage."""
        return self.shape in (Shape.MOVE, Shape.RESUME)


def spec(
    shape: Shape,
    command: type[Command],
    effect: Effect,
    *,
    roles: frozenset[Role] = WORKERS,
    reference: Subject | None = None,
    reason_required: bool = False,
    trigger: Trigger | None = None,
    creates: str = "",
) -> CommandSpec:
    """A row for a command class; its trigger is the class's own unless one is given."""
    return CommandSpec(
        trigger or command.TRIGGER,
        shape,
        roles,
        command,
        effect,
        reference,
        reason_required,
        creates,
    )


move = partial(spec, Shape.MOVE)
"""A row that changes the stage: `move(Command, effect, roles=..., ...)`."""
record = partial(spec, Shape.RECORD)
"""A row that records without changing the stage: `record(Command, effect, ...)`."""
