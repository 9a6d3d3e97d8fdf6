"""What effects and reference checks use to find, create and change a pathway's records."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from parcours.domain.commands.base import Command
from parcours.domain.errors import MoveRefused, UnknownReference
from parcours.domain.records import PathwayState

Item = TypeVar("Item")


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


def already_closed(noun: str, wanted: str, status: StrEnum, rule: str, message: str) -> MoveRefused:
    """The refusal of a command naming a record already closed (an appointment recorded, a
    barrier resolved): its values name the record and the status it has."""
    return MoveRefused.for_rule(rule, message, **{noun: wanted, f"{noun}_status": status.value})


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
