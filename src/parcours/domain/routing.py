"""Who hears of what: the programme's routes, filtered by consent, with minimal fields.

Nothing reaches a partner kind without the participant's valid consent for it at the
instant of the event, and each partner kind gets only the participant fields the
programme lists for it. The evaluator gets events without any participant field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from parcours.domain.programme import ProgrammeDefinition, Route
from parcours.domain.records import PathwayEvent, PathwayState
from parcours.domain.vocabulary import PartnerKind


@dataclass(frozen=True)
class NotificationIntent:
    """One message to one partner kind (or one named partner of that kind)."""

    key: str
    partner_kind: PartnerKind
    partner_name: str
    event_kind: str
    event_seq: int
    event_at: datetime
    fields: dict[str, str] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)


def _route_matches(route: Route, event: PathwayEvent) -> bool:
    if route.event == "*":
        return True
    if route.event.startswith("alert_raised:"):
        rule = route.event.partition(":")[2]
        return event.kind == "alert_raised" and event.details.get("rule") == rule
    if route.event != event.kind:
        return False
    kind = event.details.get("kind", "")
    if route.barrier_kinds and kind not in {k.value for k in route.barrier_kinds}:
        return False
    return not route.appointment_kinds or kind in {k.value for k in route.appointment_kinds}


def _partner_name(kind: PartnerKind, state: PathwayState) -> str:
    """The named partner concerned, where the pathway says who it is; else all of that kind."""
    if kind is PartnerKind.REFERRER:
        return state.referrer
    if kind is PartnerKind.TRAINING_BODY and state.trainings:
        return state.trainings[-1].provider
    if kind is PartnerKind.EMPLOYER and state.missions:
        return state.missions[-1].employer
    return ""


def notifications_for(
    events: list[PathwayEvent],
    state: PathwayState,
    programme: ProgrammeDefinition,
    participant: Mapping[str, str],
) -> list[NotificationIntent]:
    """Every message the programme sends for these events, under consent, minimised."""
    intents: list[NotificationIntent] = []
    for event in events:
        kinds: list[PartnerKind] = []
        for route in programme.routes:
            if _route_matches(route, event):
                kinds.extend(k for k in route.partners if k not in kinds)
        for kind in kinds:
            if not state.consent_valid(kind, event.at):
                continue
            allowed = programme.partner_fields.get(kind, [])
            intents.append(
                NotificationIntent(
                    key=f"{state.pathway_id}:{event.seq}:{kind.value}",
                    partner_kind=kind,
                    partner_name=_partner_name(kind, state),
                    event_kind=event.kind,
                    event_seq=event.seq,
                    event_at=event.at,
                    fields={k: participant[k] for k in allowed if participant.get(k)},
                    details=dict(event.details),
                )
            )
    return intents
