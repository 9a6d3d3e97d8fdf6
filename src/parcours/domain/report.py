"""How a programme is doing, as figures: the rules behind `parcours report`.

Which events make each step of the funnel, when a drop-out happened, how the figures of
sessions add up to the programme's, and the median time from referral to first mission.
The read model computes the counts in SQL and a fold of the histories computes them from
the pathways' states (`report_states.py`); both land in `Figures`, so they can be compared.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, tzinfo
from enum import StrEnum

from parcours.domain.commands.intake import IntakeTrigger
from parcours.domain.commands.lifecycle import LifecycleTrigger
from parcours.domain.commands.missions import MissionTrigger
from parcours.domain.commands.training import TrainingTrigger
from parcours.domain.entries import first_referral_at
from parcours.domain.records import PathwayEvent, PathwayState
from parcours.domain.vocabulary import Stage

DIRECT_HIRE = ""
"""The agency of a mission an employer gave directly (`mission start` without `--agency`)."""
DIRECT_HIRE_KEY = "direct"
"""What the report's JSON and CSV count direct hires under, as the extract's `missions`
name them (an empty key read as a blank line in a trial's CSV)."""


def first_intake(intakes: Iterable[datetime]) -> datetime | None:
    """The intake a pathway counts under by month: its first. A person who dropped out,
    was re-entered and admitted again is counted once, when they were first admitted:
    the intakes by month and by year add up to the funnel's intakes (pathways), and a
    year's count, once reported, does not change when someone comes back later."""
    return min(intakes, default=None)


def first_referral(state: PathwayState) -> datetime:
    """When the pathway was first referred (`entries.first_referral_at`), never after the
    state's `referred_at`, which a re-entry sets to the day the person came back: a
    report's period, and the extract's `referred_month`, go by the first referral, so that
    a person referred in October and re-entered in November stays in October's figures (a
    trial's October report lost her, and its November one counted her October intake).
    The read model's SQL reads the same: the earlier of the `referred` event and the row's
    date."""
    return min(first_referral_at(state), state.referred_at)


def first_intake_in(events: Iterable[PathwayEvent]) -> datetime | None:
    """The first intake among `events` (the timeline as it stands), as `first_intake`."""
    return first_intake(e.at for e in events if e.kind == INTAKE_EVENT)


class Step(StrEnum):
    """A step of the funnel: how many pathways ever reached it."""

    REFERRED = "referred"
    INTAKE = "intake"
    CONTRACT = "contract"
    COACHING = "coaching"
    JOB_DATING = "job_dating"
    TRAINING = "training"
    EMPLOYMENT = "employment"
    EXITED = "exited"
    DROPPED_OUT = "dropped_out"


STEP_EVENTS: Mapping[Step, tuple[str, ...]] = {
    Step.REFERRED: (IntakeTrigger.REFER.event,),
    Step.INTAKE: (IntakeTrigger.COMPLETE_INTAKE.event,),
    Step.CONTRACT: (IntakeTrigger.SIGN_CONTRACT.event,),
    Step.COACHING: (IntakeTrigger.START_COACHING.event,),
    Step.JOB_DATING: (
        MissionTrigger.JOBDATING_HIRED.event,
        MissionTrigger.JOBDATING_TRAINING.event,
        MissionTrigger.JOBDATING_NO_MATCH.event,
    ),
    Step.TRAINING: (TrainingTrigger.ENROL_TRAINING.event,),
    Step.EMPLOYMENT: (MissionTrigger.START_MISSION.event,),
    Step.EXITED: (LifecycleTrigger.EXIT.event,),
    Step.DROPPED_OUT: (LifecycleTrigger.DROP_OUT.event, TrainingTrigger.DROP_TRAINING.event),
}
"""A pathway reached a step when it has one of these events (not voided by a correction).
Dropping out counts both leaving the pathway and leaving a training."""

STEP_STAGES: Mapping[Step, Stage] = {
    Step.CONTRACT: Stage.CONTRACTED,
    Step.COACHING: Stage.COACHING,
    Step.TRAINING: Stage.TRAINING,
    Step.EMPLOYMENT: Stage.IN_EMPLOYMENT,
}
"""Steps a programme has only when it has the stage (Nouveau départ signs no contract)."""

JOBDATING_OUTCOMES: Mapping[str, str] = {
    MissionTrigger.JOBDATING_HIRED.event: "hired",
    MissionTrigger.JOBDATING_TRAINING.event: "training",
    MissionTrigger.JOBDATING_NO_MATCH.event: "no_match",
}
"""A job-dating's event, and the outcome it records."""

DROPOUT_EVENT = LifecycleTrigger.DROP_OUT.event
TRAINING_DROPPED = TrainingTrigger.DROP_TRAINING.event
INTAKE_EVENT = IntakeTrigger.COMPLETE_INTAKE.event
MISSION_EVENT = MissionTrigger.START_MISSION.event
TRAINING_EVENT = TrainingTrigger.ENROL_TRAINING.event
REFERRAL_EVENT = IntakeTrigger.REFER.event


def dropout_stage(kind: str, details: Mapping[str, str]) -> str:
    """Where in the pathway a drop-out happened: the stage it left, `training` for a
    training dropped."""
    if kind == TRAINING_DROPPED:
        return Stage.TRAINING.value
    return details.get("from", "")


def steps_of(stages: Iterable[Stage]) -> tuple[Step, ...]:
    """The funnel's steps a programme with these stages has, in order."""
    present = set(stages)
    return tuple(s for s in Step if s not in STEP_STAGES or STEP_STAGES[s] in present)


def month_of(instant: datetime, zone: tzinfo = UTC) -> str:
    """The month of an instant on the calendar of `zone`, `YYYY-MM`: how intake is counted
    (on staff's calendar, as the referral's default session) and dates extracted (UTC)."""
    local = instant.astimezone(zone)
    return f"{local.year:04d}-{local.month:02d}"


def days_between(start: datetime, end: datetime) -> float:
    """Days from `start` to `end`, to the minute."""
    return round((end - start).total_seconds() / 60) / 1440


@dataclass(frozen=True)
class Figures:
    """The counts of one group of pathways: a session, or every pathway selected."""

    pathways: int = 0
    funnel: dict[Step, int] = field(default_factory=dict)
    stages_now: dict[str, int] = field(default_factory=dict)
    intake_by_month: dict[str, int] = field(default_factory=dict)
    exits: int = 0
    positive_exits: int = 0
    dropouts_by_stage: dict[str, int] = field(default_factory=dict)
    jobdating_outcomes: dict[str, int] = field(default_factory=dict)
    days_to_first_mission: tuple[float, ...] = ()
    """One value per pathway with a mission started at or after its referral, sorted."""
    referrals_by_referrer: dict[str, int] = field(default_factory=dict)
    trainings_by_provider: dict[str, int] = field(default_factory=dict)
    missions_by_agency: dict[str, int] = field(default_factory=dict)

    @property
    def median_days_to_first_mission(self) -> float | None:
        values = self.days_to_first_mission
        return statistics.median(values) if values else None

    @property
    def positive_exit_rate(self) -> float | None:
        """Positive exits over every exit (the denominator); None before any exit."""
        return self.positive_exits / self.exits if self.exits else None


def _added(a: Mapping[str, int], b: Mapping[str, int]) -> dict[str, int]:
    total = Counter(a)
    total.update(b)
    return {k: v for k, v in sorted(total.items()) if v}


def combined(groups: Iterable[Figures]) -> Figures:
    """The figures of several disjoint groups (sessions) taken together."""
    result = Figures()
    for g in groups:
        result = Figures(
            pathways=result.pathways + g.pathways,
            funnel={s: result.funnel.get(s, 0) + g.funnel.get(s, 0) for s in Step},
            stages_now=_added(result.stages_now, g.stages_now),
            intake_by_month=_added(result.intake_by_month, g.intake_by_month),
            exits=result.exits + g.exits,
            positive_exits=result.positive_exits + g.positive_exits,
            dropouts_by_stage=_added(result.dropouts_by_stage, g.dropouts_by_stage),
            jobdating_outcomes=_added(result.jobdating_outcomes, g.jobdating_outcomes),
            days_to_first_mission=tuple(
                sorted(result.days_to_first_mission + g.days_to_first_mission)
            ),
            referrals_by_referrer=_added(result.referrals_by_referrer, g.referrals_by_referrer),
            trainings_by_provider=_added(result.trainings_by_provider, g.trainings_by_provider),
            missions_by_agency=_added(result.missions_by_agency, g.missions_by_agency),
        )
    return result


@dataclass(frozen=True)
class Selection:
    """Which pathways a report covers: a programme, maybe one session, maybe a period of
    referral dates (both ends included), days and months on the calendar of `zone` (staff's,
    as the month a referral's default session is named after)."""

    programme: str
    session: str | None = None
    since: date | None = None
    until: date | None = None
    zone: tzinfo = UTC

    def covers(self, session: str, referred_at: datetime) -> bool:
        if self.session is not None and session != self.session:
            return False
        day = referred_at.astimezone(self.zone).date()
        if self.since is not None and day < self.since:
            return False
        return self.until is None or day <= self.until

    def day_start(self, day: date) -> datetime:
        """The first instant of `day` on the selection's calendar."""
        return datetime.combine(day, time(), tzinfo=self.zone)

    def month_of(self, instant: datetime) -> str:
        return month_of(instant, self.zone)


@dataclass(frozen=True)
class Targets:
    yearly_intake: int
    positive_exit_rate: float
    partner_referrers: tuple[str, ...]
    """The referrers the programme names as its partners (the programme file's list)."""


def yearly_intake(intake_by_month: Mapping[str, int]) -> dict[str, int]:
    """Intake per calendar year, from intake per month."""
    years: Counter[str] = Counter()
    for month, count in intake_by_month.items():
        years[month[:4]] += count
    return dict(sorted(years.items()))


def partner_share(referrals: Mapping[str, int], partners: Iterable[str]) -> tuple[int, int]:
    """(referrals by the programme's partners, every referral): ATP's 90 % is this share."""
    named = set(partners)
    return sum(v for k, v in referrals.items() if k in named), sum(referrals.values())
