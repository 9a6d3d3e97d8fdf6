"""Where a pathway stands, in one value: what the status, the read model and audits show.

The status query, the projection to the read model, the read model's rebuild and the
audit's snapshots all describe a pathway by the same derived facts (its deadline, its
open alerts, when it next wakes up). They are computed here only, so the four can never
disagree on what, say, an open alert is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from parcours.domain.alerts import next_due
from parcours.domain.anonymisation import anonymise_at
from parcours.domain.commands.alerts import pending
from parcours.domain.guards import accompaniment_deadline
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import Alert, ExitOutcome, PathwayState
from parcours.domain.retention import retention_ends_at
from parcours.domain.vocabulary import AlertRule, Stage


@dataclass(frozen=True)
class Summary:
    """One pathway at one instant: identity, stage, people, dates, alerts."""

    pathway_id: str
    programme: str
    programme_version: int
    stage: Stage
    stage_since: datetime
    outcome: ExitOutcome | None
    referent: str
    session: str
    referred_at: datetime
    contract_signed_at: datetime | None
    accompaniment_ends_at: datetime | None
    """When the programme's accompaniment ends, once its clock has started."""
    open_alerts: tuple[Alert, ...]
    """Alerts someone still has to deal with: open or snoozed."""
    next_alert_at: datetime | None
    """When something next falls due after the summary's instant."""
    last_seq: int
    """The sequence number of the pathway's last event."""
    closes_at: datetime | None = None
    """Once exited: when the pathway closes for good (its retention period ends, or, by the
    last contact, its person is anonymised)."""
    retention_due_at: datetime | None = None
    """When the person is to be anonymised (`domain.anonymisation.anonymise_at`: the due
    date, or the warning period after a late warning), whatever the stage."""
    next_alert_rule: AlertRule | None = None
    """The rule of the alert raised, or reopened from its snooze, at `next_alert_at`; none
    once the pathway is closed for good, which raises nothing again."""


def open_alerts(state: PathwayState) -> tuple[Alert, ...]:
    """The alerts someone still has to deal with: open or snoozed (not acknowledged, nor
    closed with the pathway)."""
    return tuple(pending(state.alerts))


def summary_of(state: PathwayState, programme: ProgrammeDefinition, now: datetime) -> Summary:
    """The summary of `state` under its pinned `programme`, as it stands at `now`."""
    due = next_due(state, programme, now)
    return Summary(
        pathway_id=state.pathway_id,
        programme=state.programme,
        programme_version=state.programme_version,
        stage=state.stage,
        stage_since=state.stage_since,
        outcome=state.outcome,
        referent=state.referent,
        session=state.session,
        referred_at=state.referred_at,
        contract_signed_at=state.contract_signed_at,
        accompaniment_ends_at=accompaniment_deadline(state, programme),
        open_alerts=open_alerts(state),
        next_alert_at=due[0] if due else None,
        last_seq=state.next_seq - 1,
        closes_at=_closes_at(state, programme),
        retention_due_at=anonymise_at(state, programme),
        next_alert_rule=due[1] if due and state.closed_at is None else None,
    )


def _closes_at(state: PathwayState, programme: ProgrammeDefinition) -> datetime | None:
    if state.stage is not Stage.EXITED:
        return None
    return retention_ends_at(state, programme) or anonymise_at(state, programme)
