"""The shape of a programme definition: stages, moves, timers, partners, outcome rule.

A programme is data, validated by pydantic. This module checks its structure (stages,
groups, sources, timers); `programme.py` adds what only the domain's tables know (which
triggers and guards exist, which triggers move), so that guards, effects and outcome
rules, which read a programme, can sit below the command table without an import cycle.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from parcours.domain.vocabulary import (
    AppointmentKind,
    BarrierKind,
    ContractType,
    FrenchLevel,
    PartnerKind,
    Stage,
    Trigger,
)

PARTNER_FIELDS = frozenset(
    {
        "first_name",
        "last_name",
        "birth_date",
        "phone",
        "email",
        "address",
        "availability",
        "skills",
        "languages",
    }
)
"""The participant fields a programme may send to partners (`messages.participant_fields`
gives exactly these; notes and anything else never leave the service)."""

DEFAULT_ANONYMISE_MONTHS = 24
"""How long a record is kept after the last contact when a programme's file does not say."""
MAX_ANONYMISE_MONTHS = 120
"""The longest a programme's file may keep a record after the last contact."""


class Fault(ValueError):
    """A fault found by a validator, with the key path of the offending value relative to
    where the validator runs, so the refusal names that value and not its container."""

    def __init__(self, loc: tuple[int | str, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Label(Strict):
    fr: str
    en: str

    def said(self, lang: str) -> str:
        """The label in `lang`: French for "fr", English otherwise."""
        return self.fr if lang == "fr" else self.en


class MoveData(Strict):
    """One row of the transitions table: `dest` absent means the stage does not change.

    `trigger` is read from its value by `programme.Move`, which knows the command table;
    here it is only checked to be a `Trigger` member.
    """

    trigger: Trigger
    source: list[str] = Field(min_length=1)
    dest: Stage | None = None
    guards: list[str] = Field(default_factory=list)


class Criterion(Strict):
    key: str
    label: Label


class Accompaniment(Strict):
    months: int = Field(gt=0, le=120)
    starts_on: Literal["referral", "intake_completed", "contract_signed"]


class Timers(Strict):
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
    retention_after_exit_days: int = Field(default=730, gt=0, le=3650)
    """How long an exited pathway stays open for what remains due (consent withdrawal,
    alerts, corrections, follow-up contacts), from the exit's instant; then it closes for
    good. Two years when the file does not say (files written before this field)."""
    anonymise_after_last_contact_months: int = Field(
        default=DEFAULT_ANONYMISE_MONTHS, gt=0, le=MAX_ANONYMISE_MONTHS
    )
    """How long a person's record is kept after the last contact with them (the latest
    instant of an entry staff made about them, the referral included); then the person is
    anonymised, unless a coordinator extended it. Two years when the file does not say,
    as the CNIL's reference for social accompaniment (deliberation 2023-095) sets."""
    retention_warning_days: int = Field(default=30, gt=0, le=365)
    """How many days before the anonymisation the coordinator is warned (`retention_due`)."""
    retention_max_extension_months: int = Field(default=24, gt=0, le=120)
    """How far ahead a coordinator may extend a record's retention: at most this many
    months after the day of the extension. Two years when the file does not say."""
    undelivered_notification_minutes: float = Field(default=60, gt=0, le=10080)
    """How long a partner message may keep failing for now (its channel down or busy,
    retried in the background) before it is listed as failed and the coordinator is
    alerted, once; it is still retried until it goes. One hour when the file does not say."""

    @field_validator("post_hire_checkin_days")
    @classmethod
    def _increasing(cls, value: list[int]) -> list[int]:
        for index, (before, day) in enumerate(pairwise(value), start=1):
            if day <= before:
                raise Fault(
                    (index,),
                    f"{day} does not come after {before}; give the days in "
                    "increasing order, each once",
                )
        return value


class RouteData(Strict):
    """Which partner kind hears of which event, optionally narrowed by kind.

    `event` is an event kind, `alert_raised:<rule>` for one alert rule, or `*` for all;
    `programme.Route` checks it against the command table's event kinds.
    """

    event: str
    partners: list[PartnerKind] = Field(min_length=1)
    barrier_kinds: list[BarrierKind] = Field(default_factory=list)
    appointment_kinds: list[AppointmentKind] = Field(default_factory=list)
    aid_requested: bool = False
    """Only barriers recorded as needing aid (the social action fund hears of those)."""


class PositiveExitCriterion(Strict):
    """One way of exiting positively; the exit is positive when any criterion holds."""

    label: Label
    contract_types: list[ContractType] = Field(min_length=1)
    min_weekly_hours: float | None = None
    max_weekly_hours: float | None = None
    min_months: int | None = Field(default=None, ge=0)
    strictly_longer: bool = False
    min_count: int = Field(default=1, ge=1)
    sector_hiring: bool = False


class OutcomeRule(Strict):
    description: Label
    positive_if_any: list[PositiveExitCriterion] = Field(min_length=1)


class Targets(Strict):
    yearly_intake: int = Field(gt=0)
    positive_exit_rate: float = Field(gt=0, le=1)


class Reporting(Strict):
    """How the programme's figures are published (`parcours report`)."""

    small_cell_threshold: int = Field(default=5, ge=1, le=100)
    """Aggregated tables hide every count from 1 to one below this, as statistical
    offices do, so that a small group cannot be recognised."""


class TrainingPrerequisites(Strict):
    french_level: FrenchLevel | None = None


class ProgrammeData(Strict):
    """A whole programme at one version, as written in its TOML file."""

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{1,40}$")
    version: int = Field(ge=1)
    title: Label
    description: Label
    initial_stage: Stage = Stage.REFERRED
    stages: list[Stage] = Field(min_length=2)
    stage_groups: dict[str, list[Stage]] = Field(default_factory=dict)
    moves: Sequence[MoveData] = Field(min_length=1)
    eligibility: list[Criterion] = Field(default_factory=list)
    blocking_barriers: list[BarrierKind] = Field(default_factory=list)
    training_prerequisites: TrainingPrerequisites = TrainingPrerequisites()
    accompaniment: Accompaniment | None = None
    timers: Timers
    routes: Sequence[RouteData] = Field(default_factory=list)
    partner_fields: dict[PartnerKind, list[str]] = Field(default_factory=dict)
    outcome: OutcomeRule
    targets: Targets
    reporting: Reporting = Reporting()
    referrers: list[str] = Field(default_factory=list)
    partners: dict[PartnerKind, list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _consistent(self) -> ProgrammeData:
        """Checks across fields, each raised at the key path of the offending value."""
        stages = set(self.stages)
        for index, stage in enumerate(self.stages):
            if stage in self.stages[:index]:
                raise Fault(("stages", index), f"stage {stage.value!r} is listed twice")
        if self.initial_stage not in stages:
            raise Fault(("initial_stage",), f"{self.initial_stage.value!r} is not in stages")
        for group, members in self.stage_groups.items():
            for index, stage in enumerate(members):
                if stage not in stages:
                    raise Fault(
                        ("stage_groups", group, index),
                        f"stage group {group!r} names {stage.value!r}, not in stages",
                    )
        for number, move in enumerate(self.moves):
            self._check_stages_of(move, ("moves", number))
        self._check_moves_are_unique()
        self._check_partner_fields()
        return self

    def _check_moves_are_unique(self) -> None:
        """Two rows for one trigger from one stage would leave the pathway two ways to go."""
        seen: dict[tuple[Trigger, Stage], int] = {}
        for number, move in enumerate(self.moves):
            for index, source in enumerate(move.source):
                for stage in self._stages_named(source):
                    earlier = seen.setdefault((move.trigger, stage), number)
                    if earlier != number:
                        raise Fault(
                            ("moves", number, "source", index),
                            f"move {move.trigger.value!r} from {stage.value!r} "
                            f"is already given at moves[{earlier}]",
                        )

    def _check_partner_fields(self) -> None:
        for kind, fields in self.partner_fields.items():
            for index, name in enumerate(fields):
                if name not in PARTNER_FIELDS:
                    raise Fault(
                        ("partner_fields", kind.value, index),
                        f"unknown participant field {name!r}; "
                        f"known: {', '.join(sorted(PARTNER_FIELDS))}",
                    )

    def _check_stages_of(self, move: MoveData, at: tuple[int | str, ...]) -> None:
        named = {s.value for s in self.stages}
        for index, source in enumerate(move.source):
            if source.startswith("@"):
                if source[1:] not in self.stage_groups:
                    raise Fault(
                        (*at, "source", index),
                        f"move {move.trigger.value!r} names unknown stage group {source!r}",
                    )
            elif source not in named:
                raise Fault(
                    (*at, "source", index),
                    f"move {move.trigger.value!r} has source {source!r}, not in stages",
                )
        if move.dest is not None and move.dest not in self.stages:
            raise Fault(
                (*at, "dest"),
                f"move {move.trigger.value!r} has dest {move.dest.value!r}, not in stages",
            )

    def sources_of(self, move: MoveData) -> list[Stage]:
        """The stages a move starts from, with `@group` names expanded, in table order."""
        found: list[Stage] = []
        for source in move.source:
            found.extend(s for s in self._stages_named(source) if s not in found)
        return found

    def _stages_named(self, source: str) -> list[Stage]:
        """One source entry as stages: a `@group` expanded, a stage name as itself."""
        return self.stage_groups[source[1:]] if source.startswith("@") else [Stage(source)]

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"
