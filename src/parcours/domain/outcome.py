"""Exit classification by the programme's own rule (positive exit or not, and why)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from parcours.domain.calendar import add_months
from parcours.domain.records import Mission, PathwayState

if TYPE_CHECKING:  # annotations only: commands import this, and `--help` imports commands
    from parcours.domain.programme_data import PositiveExitCriterion, ProgrammeData


def _lasts(mission: Mission, criterion: PositiveExitCriterion, at: datetime) -> bool:
    """Length that counts: until it ended, else the contract's planned end, else held so far."""
    if criterion.min_months is None:
        return True
    end = mission.ended_at or mission.ends_at or at
    horizon = add_months(mission.starts_at, criterion.min_months)
    return end > horizon if criterion.strictly_longer else end >= horizon


def _matches(mission: Mission, criterion: PositiveExitCriterion, at: datetime) -> bool:
    if mission.starts_at > at or mission.contract_type not in criterion.contract_types:
        return False
    if criterion.min_weekly_hours is not None and mission.weekly_hours < criterion.min_weekly_hours:
        return False
    if criterion.max_weekly_hours is not None and mission.weekly_hours > criterion.max_weekly_hours:
        return False
    if criterion.sector_hiring and not mission.sector_hiring:
        return False
    return _lasts(mission, criterion, at)


def exit_criterion(state: PathwayState, programme: ProgrammeData, at: datetime) -> int | None:
    """The index of the first positive-exit criterion that holds, or None: not positive.

    The index is what the state keeps (`ExitOutcome.criterion`), so a reader can name the
    criterion in their own language from the pinned programme version.
    """
    for index, criterion in enumerate(programme.outcome.positive_if_any):
        matching = [m for m in state.missions if _matches(m, criterion, at)]
        if len(matching) >= criterion.min_count:
            return index
    return None


def criterion_label(programme: ProgrammeData, criterion: int | None, lang: str) -> str:
    """The criterion's label in `lang` ("fr" or "en"); empty when the exit was not positive."""
    if criterion is None:
        return ""
    return programme.outcome.positive_if_any[criterion].label.said(lang)


def criteria_labels(programme: ProgrammeData, lang: str) -> list[str]:
    """Every way the programme counts an exit as positive, in `lang`, in its order."""
    count = len(programme.outcome.positive_if_any)
    return [criterion_label(programme, index, lang) for index in range(count)]


def classify_exit(state: PathwayState, programme: ProgrammeData, at: datetime) -> tuple[bool, str]:
    """Positive when any criterion of the programme holds; returns the criterion's label."""
    criterion = exit_criterion(state, programme, at)
    return criterion is not None, criterion_label(programme, criterion, "en")
