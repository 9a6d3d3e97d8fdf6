"""Rebuilding the read model from the pathways themselves (`parcours readmodel rebuild`)."""

from __future__ import annotations

from datetime import UTC, datetime

from parcours.domain.alerts import next_alert_at
from parcours.domain.guards import accompaniment_deadline
from parcours.domain.records import PathwayState
from parcours.programmes import get_programme
from parcours.workflows.messages import ProjectionBatch


def batch_of(state: PathwayState) -> ProjectionBatch:
    """The whole pathway as one projection batch: every event, every alert."""
    programme = get_programme(state.programme, state.programme_version)
    return ProjectionBatch(
        pathway_id=state.pathway_id,
        programme=state.programme,
        programme_version=state.programme_version,
        stage=state.stage,
        stage_since=state.stage_since,
        referent=state.referent,
        session=state.session,
        referred_at=state.referred_at,
        contract_signed_at=state.contract_signed_at,
        accompaniment_ends_at=accompaniment_deadline(state, programme),
        next_alert_at=next_alert_at(state, programme, datetime.now(UTC)),
        outcome=state.outcome,
        last_seq=state.next_seq - 1,
        events=list(state.timeline),
        alerts=list(state.alerts),
    )
