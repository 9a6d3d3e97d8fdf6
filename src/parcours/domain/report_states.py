"""The report's figures computed from pathway states, as a fold of their histories gives them.

The read model computes the same figures in SQL (`adapters/readmodel/report_queries.py`);
the audit compares the two, so the SQL cannot drift from what the pathways recorded. A
state's timeline is read as it stands after corrections: voided events left out, restated
events at their restated instant.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from parcours.domain.closure import closure
from parcours.domain.closure import stage_now as closure_stage_now
from parcours.domain.commands.corrections import as_it_stands
from parcours.domain.records import PathwayEvent, PathwayState
from parcours.domain.report import (
    DIRECT_HIRE,
    JOBDATING_OUTCOMES,
    MISSION_EVENT,
    STEP_EVENTS,
    TRAINING_EVENT,
    Figures,
    Selection,
    Step,
    combined,
    days_between,
    dropout_stage,
    first_intake_in,
    first_referral,
)

DROPOUT_KINDS = frozenset(STEP_EVENTS[Step.DROPPED_OUT])


def _sorted(counter: Counter[str]) -> dict[str, int]:
    return {k: v for k, v in sorted(counter.items()) if v}


def stage_now(state: PathwayState) -> str:
    """Where the pathway stands now (`closure.stage_now`)."""
    return closure_stage_now(state.stage.value, closure(state))


def _intake_month(events: list[PathwayEvent], selection: Selection) -> dict[str, int]:
    """The month of the pathway's first intake (`report.first_intake`), or none."""
    first = first_intake_in(events)
    return {} if first is None else {selection.month_of(first): 1}


def _first_mission_days(state: PathwayState, events: list[PathwayEvent]) -> list[float]:
    starts = [e.at for e in events if e.kind == MISSION_EVENT and e.at >= state.referred_at]
    return [days_between(state.referred_at, min(starts))] if starts else []


def _pathway_figures(state: PathwayState, selection: Selection) -> Figures:
    """The figures of one pathway alone, its months on the selection's calendar."""
    events = as_it_stands(state.timeline)
    kinds = {e.kind for e in events}
    outcome = state.outcome
    return Figures(
        pathways=1,
        funnel={s: int(any(k in kinds for k in STEP_EVENTS[s])) for s in Step},
        stages_now={stage_now(state): 1},
        intake_by_month=_intake_month(events, selection),
        exits=int(outcome is not None),
        positive_exits=int(outcome is not None and outcome.positive),
        dropouts_by_stage=_sorted(
            Counter(dropout_stage(e.kind, e.details) for e in events if e.kind in DROPOUT_KINDS)
        ),
        jobdating_outcomes=_sorted(
            Counter(JOBDATING_OUTCOMES[e.kind] for e in events if e.kind in JOBDATING_OUTCOMES)
        ),
        days_to_first_mission=tuple(_first_mission_days(state, events)),
        referrals_by_referrer={state.referrer: 1},
        trainings_by_provider=_sorted(
            Counter(e.details.get("provider", "") for e in events if e.kind == TRAINING_EVENT)
        ),
        missions_by_agency=_sorted(
            Counter(e.details.get("agency", DIRECT_HIRE) for e in events if e.kind == MISSION_EVENT)
        ),
    )


def figures_by_session(states: Iterable[PathwayState], selection: Selection) -> dict[str, Figures]:
    """Each session's figures, over the pathways the selection covers."""
    groups: dict[str, list[Figures]] = {}
    for state in states:
        if state.programme != selection.programme:
            continue
        if not selection.covers(state.session, first_referral(state)):
            continue
        groups.setdefault(state.session, []).append(_pathway_figures(state, selection))
    return {session: combined(figures) for session, figures in sorted(groups.items())}
