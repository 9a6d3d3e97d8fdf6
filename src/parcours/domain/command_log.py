"""The commands a pathway applied, kept as plain values so that it can run them again.

A correction runs the pathway again from its referral without the voided event (or with
its restated date): it needs every command with the request and the instant it ran at.
Commands are kept in the state (`PathwayState.applied`) as `AppliedCommand`s whose
`fields` hold JSON values only (an instant as ISO text, a kind as its value, a tuple as a
list), so that the state stays a plain wire format whatever command it kept.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import datetime
from enum import Enum
from functools import cache
from typing import Any

from parcours.domain.commands import Command, spec_of
from parcours.domain.records import AppliedCommand, PathwayState, RequestMeta


def log(
    state: PathwayState,
    command: Command,
    meta: RequestMeta,
    effective: datetime,
    recorded: datetime | None,
) -> None:
    """Keep `command`, which records the pathway's next event: at the instant it ran (when
    it was recorded; when it happened for a pathway whose events have one instant)."""
    state.applied.append(applied(state.next_seq, command, meta, recorded or effective))
    state.applied[-1].dated = recorded is not None


def applied(seq: int, command: Command, meta: RequestMeta, at: datetime) -> AppliedCommand:
    """What the pathway keeps of `command`, which recorded the event `seq` at `at`."""
    fields = {f.name: _plain(getattr(command, f.name)) for f in dataclasses.fields(command)}
    return AppliedCommand(seq, at, meta, str(command.trigger), fields)


def command_of(entry: AppliedCommand) -> Command:
    """The command `entry` keeps, as it was sent."""
    cls = spec_of(entry.trigger).command
    assert cls is not None  # only rows with a command class are ever kept
    hints = _hints(entry.trigger)
    values = {name: _typed(value, hints[name]) for name, value in entry.fields.items()}
    return cls(**values)


@cache
def _hints(trigger: str) -> dict[str, Any]:
    """The field types of the command class of `trigger`."""
    return typing.get_type_hints(spec_of(trigger).command)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _typed(value: Any, hint: Any) -> Any:
    """`value` as the field typed `hint` holds it (the few types commands use)."""
    if value is None:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (types.UnionType, typing.Union):
        return _typed(value, next(a for a in args if a is not type(None)))
    if origin is tuple:
        return tuple(_typed(v, args[0]) for v in value)
    if hint is datetime:
        return datetime.fromisoformat(value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if hint is float:
        return float(value)
    return value
