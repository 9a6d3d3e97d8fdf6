"""Programme definitions: a programme is data (stages, moves, guards, timers, partners,
outcome rule), validated here and pinned by version on every pathway that starts under it.
"""

from __future__ import annotations

import tomllib
from itertools import pairwise
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from parcours.domain.errors import InvalidProgramme
from parcours.domain.events import EVENT_KINDS
from parcours.domain.vocabulary import (
    AlertRule,
    AppointmentKind,
    BarrierKind,
    ContractType,
    FrenchLevel,
    PartnerKind,
    Stage,
)

GUARD_NAMES = frozenset(
    {
        "eligibility_met",
        "blocking_barriers_cleared",
        "training_prerequisites_met",
        "training_dates_valid",
        "training_ends_before_deadline",
        "mission_dates_valid",
        "exit_reason_allowed",
    }
)
"""The named guards a programme may attach to a move (see `guards.py`)."""

MOVE_TRIGGERS = frozenset(
    {
        "complete_intake",
        "sign_contract",
        "start_coaching",
        "jobdating_hired",
        "jobdating_training",
        "jobdating_no_match",
        "enrol_training",
        "complete_training",
        "drop_training",
        "start_mission",
        "end_mission",
        "suspend",
        "drop_out",
        "reenter",
        "exit",
    }
)
"""Triggers that move a participant between stages (`resume` is derived from `suspend`)."""

RECORD_TRIGGERS = frozenset(
    {
        "assign_referent",
        "record_contact",
        "assess_french",
        "open_barrier",
        "work_on_barrier",
        "resolve_barrier",
        "waive_barrier",
        "schedule_appointment",
        "attend_appointment",
        "miss_appointment",
        "give_consent",
        "withdraw_consent",
        "acknowledge_alert",
        "snooze_alert",
        "record_notification_failure",
    }
)
"""Triggers that record something without changing the stage (internal transitions)."""


class _Fault(ValueError):
    """A fault found by a validator, with the key path of the offending value relative to
    where the validator runs, so the refusal names that value and not its container."""

    def __init__(self, loc: tuple[int | str, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


def _known_guard(value: str) -> str:
    if value not in GUARD_NAMES:
        raise ValueError(f"unknown guard {value!r}; known: {', '.join(sorted(GUARD_NAMES))}")
    return value


GuardName = Annotated[str, AfterValidator(_known_guard)]
"""A guard named in a move; an unknown one is refused at its own index."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(_Strict):
    fr: str
    en: str


class Move(_Strict):
    """One row of the transitions table: `dest` absent means the stage does not change."""

    trigger: str
    source: list[str] = Field(min_length=1)
    dest: Stage | None = None
    guards: list[GuardName] = Field(default_factory=list)

    @field_validator("trigger")
    @classmethod
    def _known_trigger(cls, value: str) -> str:
        known = MOVE_TRIGGERS | RECORD_TRIGGERS
        if value not in known:
            raise ValueError(f"unknown trigger {value!r}; known: {', '.join(sorted(known))}")
        return value


class Criterion(_Strict):
    key: str
    label: Label


class Accompaniment(_Strict):
    months: int = Field(gt=0, le=120)
    starts_on: Literal["referral", "intake_completed", "contract_signed"]


class Timers(_Strict):
    """Durations of the follow-up alerts; every one can be tuned per programme version."""

    intake_within_days: int = Field(gt=0)
    no_contact_days: int = Field(gt=0)
    appointment_reminder_hours: int = Field(gt=0)
    appointment_outcome_grace_hours: int = Field(gt=0)
    training_end_notice_days: int = Field(gt=0)
    mission_end_notice_days: int = Field(gt=0)
    post_hire_checkin_days: list[Annotated[int, Field(gt=0)]] = Field(min_length=1)
    accompaniment_notice_days: int = Field(gt=0)
    consent_expiry_notice_days: int = Field(gt=0)
    alert_escalation_days: int = Field(gt=0)

    @field_validator("post_hire_checkin_days")
    @classmethod
    def _increasing(cls, value: list[int]) -> list[int]:
        for index, (before, day) in enumerate(pairwise(value), start=1):
            if day <= before:
                raise _Fault(
                    (index,),
                    f"{day} does not come after {before}; give the days in "
                    "increasing order, each once",
                )
        return value


class Route(_Strict):
    """Which partner kind hears of which event, optionally narrowed by kind.

    `event` is an event kind, `alert_raised:<rule>` for one alert rule, or `*` for all.
    """

    event: str
    partners: list[PartnerKind] = Field(min_length=1)
    barrier_kinds: list[BarrierKind] = Field(default_factory=list)
    appointment_kinds: list[AppointmentKind] = Field(default_factory=list)
    aid_requested: bool = False
    """Only barriers recorded as needing aid (the social action fund hears of those)."""

    @field_validator("event")
    @classmethod
    def _known_event(cls, value: str) -> str:
        if value == "*" or value in EVENT_KINDS:
            return value
        kind, _, rule = value.partition(":")
        if kind == "alert_raised" and rule in {r.value for r in AlertRule}:
            return value
        raise ValueError(f"unknown event {value!r}; use an event kind, alert_raised:<rule> or *")


class PositiveExitCriterion(_Strict):
    """One way of exiting positively; the exit is positive when any criterion holds."""

    label: Label
    contract_types: list[ContractType] = Field(min_length=1)
    min_weekly_hours: float | None = None
    max_weekly_hours: float | None = None
    min_months: int | None = Field(default=None, ge=0)
    strictly_longer: bool = False
    min_count: int = Field(default=1, ge=1)
    sector_hiring: bool = False


class OutcomeRule(_Strict):
    description: Label
    positive_if_any: list[PositiveExitCriterion] = Field(min_length=1)


class Targets(_Strict):
    yearly_intake: int = Field(gt=0)
    positive_exit_rate: float = Field(gt=0, le=1)


class TrainingPrerequisites(_Strict):
    french_level: FrenchLevel | None = None


class ProgrammeDefinition(_Strict):
    """A whole programme at one version, as written in its TOML file."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{1,40}$")
    version: int = Field(ge=1)
    title: Label
    description: Label
    initial_stage: Stage = Stage.REFERRED
    stages: list[Stage] = Field(min_length=2)
    stage_groups: dict[str, list[Stage]] = Field(default_factory=dict)
    moves: list[Move] = Field(min_length=1)
    eligibility: list[Criterion] = Field(default_factory=list)
    blocking_barriers: list[BarrierKind] = Field(default_factory=list)
    training_prerequisites: TrainingPrerequisites = TrainingPrerequisites()
    accompaniment: Accompaniment | None = None
    timers: Timers
    routes: list[Route] = Field(default_factory=list)
    partner_fields: dict[PartnerKind, list[str]] = Field(default_factory=dict)
    outcome: OutcomeRule
    targets: Targets
    referrers: list[str] = Field(default_factory=list)
    partners: dict[PartnerKind, list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> ProgrammeDefinition:
        """Checks across fields, each raised at the key path of the offending value."""
        stages = set(self.stages)
        if self.initial_stage not in stages:
            raise _Fault(("initial_stage",), f"{self.initial_stage.value!r} is not in stages")
        for group, members in self.stage_groups.items():
            for index, stage in enumerate(members):
                if stage not in stages:
                    raise _Fault(
                        ("stage_groups", group, index),
                        f"stage group {group!r} names {stage.value!r}, not in stages",
                    )
        for number, move in enumerate(self.moves):
            at: tuple[int | str, ...] = ("moves", number)
            for index, source in enumerate(move.source):
                if source.startswith("@"):
                    if source[1:] not in self.stage_groups:
                        raise _Fault(
                            (*at, "source", index),
                            f"move {move.trigger!r} names unknown stage group {source!r}",
                        )
                elif source not in {s.value for s in stages}:
                    raise _Fault(
                        (*at, "source", index),
                        f"move {move.trigger!r} has source {source!r}, not in stages",
                    )
            if move.dest is not None and move.dest not in stages:
                raise _Fault(
                    (*at, "dest"),
                    f"move {move.trigger!r} has dest {move.dest.value!r}, not in stages",
                )
            if move.trigger in RECORD_TRIGGERS and move.dest is not None:
                raise _Fault(
                    (*at, "dest"), f"move {move.trigger!r} records only and cannot have a dest"
                )
            if move.trigger in MOVE_TRIGGERS and move.dest is None:
                raise _Fault(
                    (*at, "dest"), f"move {move.trigger!r} changes the stage and needs a dest"
                )
        return self

    def sources_of(self, move: Move) -> list[Stage]:
        """The stages a move starts from, with `@group` names expanded, in table order."""
        found: list[Stage] = []
        for source in move.source:
            members = self.stage_groups[source[1:]] if source.startswith("@") else [Stage(source)]
            found.extend(s for s in members if s not in found)
        return found

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"


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
        if isinstance(fault, _Fault):
            loc += fault.loc
        message = str(first["msg"]).removeprefix("Value error, ")
        raise InvalidProgramme(f"{source}: {_key_path(loc)}: {message}") from None


def load_programme_text(text: str, *, source: str) -> ProgrammeDefinition:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InvalidProgramme(f"{source}: (file): not valid TOML: {err}") from None
    return parse_programme(data, source=source)
