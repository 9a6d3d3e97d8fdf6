"""What every command shares, and the row type of the one command table.

A command is a frozen dataclass (every `Command` subclass is made one): a wire format
stored in workflow histories, so fields are only added with defaults, never renamed. Its
row (`CommandSpec`) says everything else the domain knows about it: what it records,
whether it moves, who may send it, what it does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from enum import StrEnum
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, dataclass_transform

from parcours.domain.errors import UnknownReference
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

Item = TypeVar("Item")

Reference = Callable[[PathwayState, Any], object]
"""A check of the barrier, appointment or alert a command names, run before it is accepted,
so an unknown or closed id never reaches history."""


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


WORKERS = frozenset({Role.STAFF, Role.COORDINATOR})
"""Who works with participants: every staff command is theirs unless its row says more."""
WITH_PARTNERS = WORKERS | {Role.PARTNER}
"""Partners may also refer, record a contact and start or end a mission."""
COORDINATORS = frozenset({Role.COORDINATOR})
SYSTEM_ONLY = frozenset({Role.SYSTEM})
NOBODY: frozenset[Role] = frozenset()


@dataclass(frozen=True)
class CommandSpec:
    """One row of the command table."""

    trigger: Trigger
    shape: Shape
    roles: frozenset[Role]
    command: type[Command] | None = None
    effect: Effect | None = None
    reference: Reference | None = None
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
    reference: Reference | None = None,
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


def find_by_id(
    items: Sequence[Item],
    item_id: Callable[[Item], str],
    wanted: str,
    noun: str,
    *,
    list_known: bool = True,
) -> Item:
    """The barrier, appointment or alert a command names; an unknown id is refused, naming
    the ids there are (not for alerts: their ids are long, and the alerts list shows them)."""
    for item in items:
        if item_id(item) == wanted:
            return item
    message, values = f"no {noun} {wanted!r} on this pathway", {noun: wanted}
    if list_known:
        values["known"] = ", ".join(map(item_id, items))
        message += f" ({noun}s: {values['known'] or 'none yet'})"
    raise UnknownReference(message, code=f"unknown_{noun}", values=values)


def next_id(prefix: str, items: Sequence[object]) -> str:
    """The id of the next record of a list: its letter and its rank (`b1`, `b2`...)."""
    return f"{prefix}{len(items) + 1}"


def add_record(items: list[Item], prefix: str, make: Callable[..., Item], cmd: Command) -> str:
    """Appends the record a command starts (a mission, a training), made of the command's
    own fields after its new id; returns that id."""
    record_id = next_id(prefix, items)
    items.append(make(record_id, **{f.name: getattr(cmd, f.name) for f in fields(cmd)}))
    return record_id


def iso(instant: datetime | None) -> str:
    return "" if instant is None else instant.isoformat()


def touch(state: PathwayState, instant: datetime) -> None:
    """A meeting with the person: resets the no-contact clock."""
    if state.last_contact_at is None or instant > state.last_contact_at:
        state.last_contact_at = instant
