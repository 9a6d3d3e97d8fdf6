"""The report's figures, counted in SQL over the projection, by session.

The timeline is read as it stands after corrections, as the domain reads it: an event
voided by a correction is left out, a restated event counts at its restated instant
(the latest restatement). Each count is grouped over a subquery of labelled columns, so
PostgreSQL and SQLite group by the same expression; intakes by month are grouped in
Python, on the selection's calendar.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, exists, func, literal, select
from sqlalchemy.orm import aliased

from parcours.adapters.readmodel.database import Database
from parcours.adapters.readmodel.tables import ParticipantRow, TimelineRow
from parcours.adapters.readmodel.types import UtcDateTime
from parcours.domain.closure import CLOSING_EVENTS, closure_of, stage_now
from parcours.domain.commands.corrections import CorrectionTrigger
from parcours.domain.report import (
    DROPOUT_EVENT,
    INTAKE_EVENT,
    JOBDATING_OUTCOMES,
    MISSION_EVENT,
    REFERRAL_EVENT,
    STEP_EVENTS,
    TRAINING_DROPPED,
    TRAINING_EVENT,
    Figures,
    Selection,
    Step,
    combined,
    days_between,
    first_intake,
)
from parcours.domain.vocabulary import Role, Stage

P = ParticipantRow
E = aliased(TimelineRow, name="e")
C = aliased(TimelineRow, name="c")
D = aliased(TimelineRow, name="d")

Counts = dict[str, dict[str, int]]
"""session → key → count."""

Query = tuple[ColumnElement[Any], list[ColumnElement[bool]], bool]


def _first_referral() -> ColumnElement[Any]:
    """When the pathway was first referred (`report.first_referral`): the earlier of its
    `referred` event, which a re-entry leaves as it was, and the row's `referred_at`, which
    a re-entry sets anew."""
    first = (
        select(E.at)
        .where(E.pathway_id == P.pathway_id, E.kind == REFERRAL_EVENT)
        .order_by(E.seq)
        .limit(1)
        .correlate(P)
        .scalar_subquery()
    )
    return case((first < P.referred_at, first), else_=P.referred_at)


def _first_closing(column: Any) -> ColumnElement[Any]:
    """`column` (kind or role) of the pathway's first closing event (None while open)."""
    return (
        select(column)
        .where(E.pathway_id == P.pathway_id, E.kind.in_(sorted(CLOSING_EVENTS)))
        .order_by(E.seq)
        .limit(1)
        .correlate(P)
        .scalar_subquery()
    )


def _not_voided() -> ColumnElement[bool]:
    """No void of the event stands: one voided in turn was undone (`domain.correcting`;
    an undoing is never voided, so one level is all there is)."""
    void = CorrectionTrigger.VOID_EVENT.event.value
    undone = exists().where(D.pathway_id == C.pathway_id, D.corrects_seq == C.seq, D.kind == void)
    return ~exists().where(
        C.pathway_id == E.pathway_id, C.corrects_seq == E.seq, C.kind == void, ~undone
    )


def _effective_at() -> ColumnElement[datetime]:
    """When the event happened: its latest restatement, else its own instant."""
    restated = (
        select(C.restated_at)
        .where(
            C.pathway_id == E.pathway_id,
            C.corrects_seq == E.seq,
            C.kind == CorrectionTrigger.RESTATE_EVENT.event.value,
        )
        .order_by(C.seq.desc())
        .limit(1)
        .scalar_subquery()
    )
    return func.coalesce(restated, E.at, type_=UtcDateTime())


class ReportQueries(Database):
    """The store's reading of a programme's figures (`parcours report`)."""

    def report_figures(self, selection: Selection) -> dict[str, Figures]:
        """Each session's figures over the pathways `selection` covers, by session name."""
        sessions = self._sessions(selection)
        counts = {name: self._count(selection, *query) for name, query in self._queries().items()}
        counts["intake"] = self._intake_by_month(selection)
        days = self._days_to_first_mission(selection)
        exits = self._exits(selection)
        jobdating = {
            session: {JOBDATING_OUTCOMES[k]: v for k, v in found.items()}
            for session, found in counts["jobdating"].items()
        }
        return {
            session: combined(
                [
                    Figures(
                        pathways=sum(stages.values()),
                        funnel={
                            s: counts[f"step:{s.value}"].get(session, {}).get("", 0) for s in Step
                        },
                        stages_now=stages,
                        intake_by_month=counts["intake"].get(session, {}),
                        exits=sum(exits.get(session, {}).values()),
                        positive_exits=exits.get(session, {}).get("True", 0),
                        dropouts_by_stage=counts["dropouts"].get(session, {}),
                        jobdating_outcomes=jobdating.get(session, {}),
                        days_to_first_mission=tuple(sorted(days.get(session, []))),
                        referrals_by_referrer=counts["referrers"].get(session, {}),
                        trainings_by_provider=counts["providers"].get(session, {}),
                        missions_by_agency=counts["agencies"].get(session, {}),
                    )
                ]
            )
            for session, stages in sessions.items()
        }

    def _selected(self, selection: Selection) -> list[ColumnElement[bool]]:
        found = [P.programme == selection.programme]
        if selection.session is not None:
            found.append(P.session == selection.session)
        referred = _first_referral()
        if selection.since is not None:
            found.append(referred >= selection.day_start(selection.since))
        if selection.until is not None:
            found.append(referred < selection.day_start(selection.until + timedelta(days=1)))
        return found

    def _sessions(self, selection: Selection) -> Counts:
        """Where each session's people stand now (`report_states.stage_now`)."""
        rows = select(
            P.session.label("session"),
            P.stage.label("stage"),
            _first_closing(E.kind).label("closing"),
            _first_closing(E.role).label("closer"),
        ).where(*self._selected(selection))
        inner = rows.subquery()
        columns = (inner.c.session, inner.c.stage, inner.c.closing, inner.c.closer)
        stmt = select(*columns, func.count()).group_by(*columns)
        found: Counts = defaultdict(dict)
        with self._read() as s:
            for session, stage, closing, closer, count in s.execute(stmt):
                closed = closure_of(closing, Role(closer)) if closing else None
                now = stage_now(Stage(stage).value, closed)
                found[session][now] = found[session].get(now, 0) + count
        return dict(sorted(found.items()))

    def _queries(self) -> dict[str, Query]:
        """Each count of events: (its key, which events, whether it counts pathways)."""
        kinds = E.kind.expression
        queries: dict[str, Query] = {
            f"step:{step.value}": (literal(""), [kinds.in_(_values(STEP_EVENTS[step]))], True)
            for step in Step
        }
        queries["dropouts"] = (
            func.coalesce(E.details["from"].as_string(), Stage.TRAINING.value),
            [kinds.in_([DROPOUT_EVENT.value, TRAINING_DROPPED.value])],
            False,
        )
        queries["jobdating"] = (kinds, [kinds.in_(_values(JOBDATING_OUTCOMES))], False)
        for name, kind, key in (
            ("referrers", REFERRAL_EVENT, "referrer"),
            ("providers", TRAINING_EVENT, "provider"),
            ("agencies", MISSION_EVENT, "agency"),
        ):
            queries[name] = (E.details[key].as_string(), [kinds == kind.value], False)
        return queries

    def _count(
        self,
        selection: Selection,
        key: ColumnElement[Any],
        conditions: Iterable[ColumnElement[bool]],
        pathways: bool,
    ) -> Counts:
        """Events (or the pathways having them) matching `conditions`, by session and key."""
        inner = (
            select(
                P.session.label("session"),
                key.label("key"),
                E.pathway_id.label("pathway_id"),
            )
            .select_from(E)
            .join(P, P.pathway_id == E.pathway_id)
            .where(*self._selected(selection), _not_voided(), *conditions)
            .subquery()
        )
        counted = func.count(inner.c.pathway_id.distinct()) if pathways else func.count()
        stmt = select(inner.c.session, inner.c.key, counted).group_by(inner.c.session, inner.c.key)
        found: Counts = defaultdict(dict)
        with self._read() as s:
            for session, found_key, count in s.execute(stmt):
                found[session][str(found_key or "")] = count
        return found

    def _intake_by_month(self, selection: Selection) -> Counts:
        """Each pathway's first intake (`report.first_intake`), by session and month on
        the selection's calendar: the month is taken in Python, since SQLite knows no time
        zone's summer time."""
        stmt = (
            select(P.pathway_id, P.session, _effective_at())
            .select_from(E)
            .join(P, P.pathway_id == E.pathway_id)
            .where(*self._selected(selection), _not_voided(), E.kind == INTAKE_EVENT.value)
        )
        intakes: dict[tuple[str, str], list[datetime]] = defaultdict(list)
        with self._read() as s:
            for pathway_id, session, at in s.execute(stmt):
                intakes[pathway_id, session].append(at)
        found: dict[str, Counter[str]] = defaultdict(Counter)
        for (_, session), instants in intakes.items():
            if (first := first_intake(instants)) is not None:
                found[session][selection.month_of(first)] += 1
        return {session: dict(sorted(months.items())) for session, months in found.items()}

    def _exits(self, selection: Selection) -> Counts:
        """Exited pathways by session, keyed by whether the exit was positive."""
        stmt = (
            select(P.session, P.outcome_positive, func.count())
            .where(*self._selected(selection), P.exited_at.is_not(None))
            .group_by(P.session, P.outcome_positive)
        )
        found: Counts = defaultdict(dict)
        with self._read() as s:
            for session, positive, count in s.execute(stmt):
                found[session][str(bool(positive))] = count
        return found

    def _days_to_first_mission(self, selection: Selection) -> dict[str, list[float]]:
        """Per pathway: days from its referral to the first mission started since."""
        at = _effective_at()
        first = func.min(at, type_=UtcDateTime())
        stmt = (
            select(P.session, P.referred_at, first)
            .select_from(E)
            .join(P, P.pathway_id == E.pathway_id)
            .where(
                *self._selected(selection),
                _not_voided(),
                E.kind == MISSION_EVENT.value,
                at >= P.referred_at,
            )
            .group_by(P.pathway_id, P.session, P.referred_at)
        )
        found: dict[str, list[float]] = defaultdict(list)
        with self._read() as s:
            for session, referred_at, mission_at in s.execute(stmt):
                found[session].append(days_between(referred_at, mission_at))
        return found


def _values(kinds: Iterable[str]) -> list[str]:
    return [str(k) for k in kinds]
