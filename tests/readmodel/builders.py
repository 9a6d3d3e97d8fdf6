"""Projection batches as a pathway workflow would send them, with opaque ids only."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from parcours.domain.records import Alert, ExitOutcome, PathwayEvent
from parcours.domain.vocabulary import (
    AlertAudience,
    AlertRule,
    AlertStatus,
    ExitReason,
    PartnerKind,
    Role,
    Stage,
)
from parcours.workflows.messages import Notification
from parcours.workflows.summaries import ProjectionBatch
from tests.support import STAFF, T0


def event(seq: int, kind: str, stage: Stage, at: datetime | None = None) -> PathwayEvent:
    return PathwayEvent(
        seq=seq,
        kind=kind,
        at=at or T0 + timedelta(days=seq),
        actor_id=STAFF.actor_id,
        role=Role.STAFF,
        reason="",
        stage=stage,
        details={"ref": f"item-{seq}"},
    )


def alert(
    alert_id: str = "intake_overdue:intake:20260112T0900",
    status: AlertStatus = AlertStatus.OPEN,
    due_at: datetime | None = None,
) -> Alert:
    return Alert(
        alert_id=alert_id,
        rule=AlertRule.INTAKE_OVERDUE,
        subject="intake",
        due_at=due_at or T0 + timedelta(days=7),
        raised_at=(due_at or T0 + timedelta(days=7)) + timedelta(minutes=1),
        audience=AlertAudience.REFERENT,
        status=status,
    )


def batch(
    pathway_id: str = "pathway-0001",
    *,
    last_seq: int = 1,
    stage: Stage = Stage.REFERRED,
    events: list[PathwayEvent] | None = None,
    alerts: list[Alert] | None = None,
    programme: str = "atp-cergy",
    referent: str = STAFF.actor_id,
    next_alert_at: datetime | None = None,
) -> ProjectionBatch:
    return ProjectionBatch(
        pathway_id=pathway_id,
        programme=programme,
        programme_version=1,
        stage=stage,
        stage_since=T0 + timedelta(days=last_seq),
        referent=referent,
        session="2026-01",
        referred_at=T0,
        contract_signed_at=None,
        accompaniment_ends_at=None,
        next_alert_at=next_alert_at,
        outcome=None,
        last_seq=last_seq,
        events=events if events is not None else [event(last_seq, "referred", stage)],
        alerts=alerts or [],
    )


def exited(b: ProjectionBatch, at: datetime) -> ProjectionBatch:
    outcome = ExitOutcome(ExitReason.EMPLOYMENT, True, "CDI 13 mois", at)
    return replace(b, stage=Stage.EXITED, outcome=outcome)


def notification(
    key: str = "pathway-0001:5:referrer", fields: dict[str, str] | None = None
) -> Notification:
    return Notification(
        key=key,
        partner_kind=PartnerKind.REFERRER,
        partner_name="Amicale du Nid",
        event_kind="contract_signed",
        event_seq=5,
        event_at=T0 + timedelta(days=5),
        fields=fields if fields is not None else {"first_name": "Zephyrine"},
        details={"kind": "housing"},
    )
