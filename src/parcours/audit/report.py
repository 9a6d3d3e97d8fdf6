"""Audit results as plain documents for `--json`: ids, dates and kinds, never an identity."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from parcours.audit.fold import Discrepancy, Snapshot, TrailEntry
from parcours.audit.replay import ReplayOutcome
from parcours.domain.commands.corrections import corrections_of
from parcours.domain.records import Alert


def snapshot_document(snapshot: Snapshot) -> dict[str, Any]:
    state = snapshot.state
    return {
        "pathway_id": state.pathway_id,
        "programme": state.programme,
        "programme_version": state.programme_version,
        "when": snapshot.when,
        "recorded_until": snapshot.recorded_until,
        "projected": snapshot.projected,
        "stage": state.stage,
        "stage_since": state.stage_since,
        "suspended_from": state.suspended_from,
        "referent": state.referent,
        "session": state.session,
        "referred_at": state.referred_at,
        "intake_completed_at": state.intake_completed_at,
        "eligibility_criteria_met": state.eligibility_criteria_met,
        "last_contact_at": state.last_contact_at,
        "contract_signed_at": state.contract_signed_at,
        "accompaniment_ends_at": snapshot.accompaniment_ends_at,
        "french_level": state.french_level,
        "barriers": state.barriers,
        "consents": state.consents,
        "appointments": state.appointments,
        "trainings": state.trainings,
        "missions": state.missions,
        "job_datings": state.job_datings,
        "open_alerts": [_open_alert(alert, snapshot) for alert in snapshot.open_alerts],
        "outcome": state.outcome,
        "last_event_seq": (snapshot.last_event.seq or None) if snapshot.last_event else None,
        "last_event": snapshot.last_event,
        "last_event_projected": snapshot.last_event_projected,
        "discrepancies": snapshot.discrepancies,
    }


def _open_alert(alert: Alert, snapshot: Snapshot) -> dict[str, Any]:
    """An open alert, with whether parcours raised it by then (`on_record`: raised,
    raised_later, never_raised or projected) and when it first did."""
    mark = snapshot.alerts_on_record.get(alert.alert_id)
    return {
        **dataclasses.asdict(alert),
        "on_record": mark.origin if mark else None,
        "raised_by_parcours_at": mark.raised_at if mark else None,
    }


def trail_document(
    pathway_id: str,
    entries: list[TrailEntry],
    discrepancies: list[Discrepancy],
    proofs: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    first = entries[0] if entries else None
    corrected = corrections_of(e.event for e in entries)
    return {
        "pathway_id": pathway_id,
        "programme": first.programme if first else "",
        "programme_version": first.programme_version if first else 0,
        "entries": [
            {
                "seq": e.event.seq,
                "at": e.event.at,
                "recorded_at": e.event.recorded,
                "event": e.event.kind,
                "actor_id": e.event.actor_id,
                "role": e.event.role,
                "reason": e.event.reason,
                "stage": e.event.stage,
                "details": e.event.details,
                "request_id": e.event.request_id,
                "key_id": e.event.key_id or None,
                "signature": (proofs or {}).get(e.event.request_id, "unsigned"),
                "programme": e.programme,
                "programme_version": e.programme_version,
                "run_id": e.run_id,
                "history_event_id": e.history_event_id,
                "corrected_by": corrected[e.event.seq].seq if e.event.seq in corrected else None,
            }
            for e in entries
        ],
        "discrepancies": discrepancies,
    }


def replay_document(outcomes: list[ReplayOutcome]) -> dict[str, Any]:
    failed = [o for o in outcomes if o.failed]
    return {
        "pathways": len({o.workflow_id for o in outcomes}),
        "replayed": len(outcomes),
        "failed": len(failed),
        "outcomes": outcomes,
    }
