"""Programme definitions: a programme is data (stages, moves, guards, timers, partners,
outcome rule), validated here and pinned by version on every pathway that starts under it.

`programme_data.py` checks the structure; this module checks the names against the
domain's own tables: a move's trigger must be in the command table as a move or a record
(and have a dest exactly when it moves), a guard must be one of `guards.GUARDS`.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from typing import Annotated, Any

from pydantic import AfterValidator, Field, ValidationError, field_validator, model_validator

from parcours.domain.commands import MOVE_TRIGGERS, RECORD_TRIGGERS, trigger_named
from parcours.domain.commands.intake import IntakeTrigger
from parcours.domain.errors import InvalidProgramme
from parcours.domain.events import EVENT_KINDS
from parcours.domain.guards import GUARDS
from parcours.domain.programme_data import (
    Accompaniment,
    Criterion,
    Fault,
    Label,
    MoveData,
    OutcomeRule,
    PositiveExitCriterion,
    ProgrammeData,
    RouteData,
    Targets,
    Timers,
    TrainingPrerequisites,
)
from parcours.domain.vocabulary import AlertRule, Trigger

__all__ = [
    "GUARD_NAMES",
    "MOVE_TRIGGERS",
    "RECORD_TRIGGERS",
    "Accompaniment",
    "Criterion",
    "Label",
    "Move",
    "OutcomeRule",
    "PositiveExitCriterion",
    "ProgrammeDefinition",
    "Route",
    "Targets",
    "Timers",
    "TrainingPrerequisites",
    "load_programme_text",
    "parse_programme",
]

GUARD_NAMES = frozenset(GUARDS)
"""The named guards a programme may attach to a move (see `guards.py`)."""

FILE_TRIGGERS = MOVE_TRIGGERS | RECORD_TRIGGERS
"""The triggers a programme file may give rows for (`resume` is derived from `suspend`)."""


def _known_guard(value: str) -> str:
    if value not in GUARD_NAMES:
        raise ValueError(f"unknown guard {value!r}; known: {', '.join(sorted(GUARD_NAMES))}")
    return value


GuardName = Annotated[str, AfterValidator(_known_guard)]
"""A guard named in a move; an unknown one is refused at its own index."""


class Move(MoveData):
    """A row of the transitions table whose trigger and guards the domain knows."""

    guards: list[GuardName] = Field(default_factory=list)

    @field_validator("trigger", mode="before")
    @classmethod
    def _known_trigger(cls, value: object) -> object:
        """A trigger is read through the table: `Trigger` has no members of its own."""
        if isinstance(value, str) and not isinstance(value, Trigger):
            if value not in FILE_TRIGGERS:
                known = ", ".join(sorted(FILE_TRIGGERS))
                raise ValueError(f"unknown trigger {value!r}; known: {known}")
            return trigger_named(value)
        return value


class Route(RouteData):
    """A route whose event is one the command table records (or an alert rule, or `*`)."""

    @field_validator("event")
    @classmethod
    def _known_event(cls, value: str) -> str:
        if value == "*" or value in EVENT_KINDS:
            return value
        kind, _, rule = value.partition(":")
        if kind == "alert_raised" and rule in {r.value for r in AlertRule}:
            return value
        raise ValueError(f"unknown event {value!r}; use an event kind, alert_raised:<rule> or *")


class ProgrammeDefinition(ProgrammeData):
    """A whole programme at one version, as written in its TOML file, names checked."""

    moves: Sequence[Move] = Field(min_length=1)
    routes: Sequence[Route] = Field(default_factory=list)

    @property
    def has_contract(self) -> bool:
        """Whether its pathways sign an engagement contract (ATP does, Nouveau départ not)."""
        return any(move.trigger == IntakeTrigger.SIGN_CONTRACT for move in self.moves)

    @model_validator(mode="after")
    def _dest_fits_the_trigger(self) -> ProgrammeDefinition:
        """A record stays in its stage, a move needs somewhere to go."""
        for number, move in enumerate(self.moves):
            at = ("moves", number, "dest")
            if move.trigger in RECORD_TRIGGERS and move.dest is not None:
                raise Fault(at, f"move {move.trigger.value!r} records only and cannot have a dest")
            if move.trigger in MOVE_TRIGGERS and move.dest is None:
                raise Fault(at, f"move {move.trigger.value!r} changes the stage and needs a dest")
        return self


def _key_path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "(top level)"


def parse_programme(data: dict[str, Any], *, source: str) -> ProgrammeDefinition:
    """Validate a programme mapping; a fault becomes one line naming source, key path and fault."""
    try:
        return ProgrammeDefinition.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        loc = tuple(first["loc"])
        fault = first.get("ctx", {}).get("error")
        if isinstance(fault, Fault):
            loc += fault.loc
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InvalidProgramme(f"{source}: {_key_path(loc)}: {message}") from None


def load_programme_text(text: str, *, source: str) -> ProgrammeDefinition:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InvalidProgramme(f"{source}: (file): not valid TOML: {err}") from None
    return parse_programme(data, source=source)


SHARED_AT_MOST = 64
"""Distinct programme definitions `shared_definition` keeps: a handful of programmes at a
few versions each, far below this."""
_SHARED: dict[str, tuple[ProgrammeDefinition, dict[str, Any]]] = {}


def shared_definition(data: dict[str, Any]) -> tuple[ProgrammeDefinition, dict[str, Any]]:
    """The definition `data` validates to, and `data`, both shared by every caller that
    passes equal data (same keys in the same order): every pathway of a programme carries
    its definition in its input, and a worker holding a thousand of them held a thousand
    copies of the same two objects (about 90 KiB each, for ATP). Both are only read, and
    the model is frozen; what does not validate raises as `model_validate` does, each
    time."""
    key = json.dumps(data)
    found = _SHARED.get(key)
    if found is None:
        found = (ProgrammeDefinition.model_validate(data), data)
        if len(_SHARED) < SHARED_AT_MOST:
            _SHARED[key] = found
    return found
