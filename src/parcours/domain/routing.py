"""Who hears of what: the programme's routes, filtered by consent, with minimal fields.

Nothing reaches a partner kind without the participant's valid consent for it at the
instant of the event, and each partner kind gets only the participant fields the
programme lists for it. The evaluator gets events without any participant field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from parcours.domain.commands import CORRECTION_EVENTS, RecordNotificationFailure
from parcours.domain.errors import MoveRefused, UnknownReference
from parcours.domain.notification import Notification
from parcours.domain.pathway import SYSTEM
from parcours.domain.permissions import authorise
from parcours.domain.programme import ProgrammeDefinition, Route
from parcours.domain.records import PathwayEvent, PathwayState, RequestMeta
from parcours.domain.vocabulary import PartnerKind, Role


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
    if route.aid_requested and event.details.get("aid") != "True":
        return False
    return not route.appointment_kinds or kind in {k.value for k in route.appointment_kinds}


def _partner_name(kind: PartnerKind, state: PathwayState, event: PathwayEvent) -> str:
    """The named partner concerned, where the pathway says who it is; else all of that kind.
    An event that names its training body or employer names it (the one it was sent to,
    even once a correction has voided that training or mission)."""
    if kind is PartnerKind.REFERRER:
        return state.referrer
    named = {PartnerKind.TRAINING_BODY: "provider", PartnerKind.EMPLOYER: "employer"}
    if kind in named and event.details.get(named[kind]):
        return event.details[named[kind]]
    if kind is PartnerKind.TRAINING_BODY and state.trainings:
        return state.trainings[-1].provider
    if kind is PartnerKind.EMPLOYER and state.missions:
        return state.missions[-1].employer
    return ""


def _consented(state: PathwayState, kind: PartnerKind, event: PathwayEvent) -> bool:
    """Whether the person consents to `kind` hearing of `event`: when it happened (a consent
    given after it does not cover it) and still now that it is told. Events recorded before
    the two instants (no `recorded_at`) keep the rule they ran under: valid at `at`."""
    if event.recorded_at is None:
        return state.consent_valid(kind, event.at)
    return state.consent_valid(kind, event.recorded) and any(
        c.partner_kind == kind and c.given_at <= event.at and c.valid_at(event.at)
        for c in state.consents
    )


def notifications_for(
    events: list[PathwayEvent],
    state: PathwayState,
    programme: ProgrammeDefinition,
    participant: Mapping[str, str],
) -> list[Notification]:
    """Every message the programme sends for these events, under consent, minimised."""
    notifications: list[Notification] = []
    for event in events:
        if event.kind in CORRECTION_EVENTS:
            notifications += correction_notices(event, state, programme, participant)
            continue
        kinds: list[PartnerKind] = []
        for route in programme.routes:
            if _route_matches(route, event):
                kinds.extend(k for k in route.partners if k not in kinds)
        for kind in kinds:
            if not _consented(state, kind, event):
                continue
            allowed = programme.partner_fields.get(kind, [])
            notifications.append(
                Notification(
                    key=f"{state.pathway_id}:{event.seq}:{kind.value}",
                    partner_kind=kind,
                    partner_name=_partner_name(kind, state, event),
                    event_kind=event.kind,
                    event_seq=event.seq,
                    event_at=event.at,
                    fields={k: participant[k] for k in allowed if participant.get(k)},
                    details=dict(event.details),
                )
            )
    return notifications


def correction_notices(
    correction: PathwayEvent,
    state: PathwayState,
    programme: ProgrammeDefinition,
    participant: Mapping[str, str],
) -> list[Notification]:
    """A correction is told to the partners its corrected event was sent to, through the
    same route (same partner, same minimised fields), under the same consent rule: the
    participant consents to that partner kind at the correction's instant. It is never
    sent to partners that were not told of the event it corrects: routed to them, under a
    consent recorded before it and valid at its instant."""
    seq = correction.details.get("seq", "")
    corrected = next((e for e in state.timeline if str(e.seq) == seq), None)
    if corrected is None:
        return []
    return [
        Notification(
            key=f"{state.pathway_id}:{correction.seq}:{told.partner_kind.value}",
            partner_kind=told.partner_kind,
            partner_name=told.partner_name,
            event_kind=correction.kind,
            event_seq=correction.seq,
            event_at=correction.at,
            fields=told.fields,
            details={**correction.details, "corrects": told.key},
        )
        for told in notifications_for([corrected], state, programme, participant)
        if _consent_recorded_before(told.partner_kind, corrected, state)
        and state.consent_valid(told.partner_kind, correction.at)
    ]


def _consent_recorded_before(kind: PartnerKind, event: PathwayEvent, state: PathwayState) -> bool:
    """Whether the consent the event was sent under was already recorded when it was: a
    consent recorded later (even dated earlier) did not let the event reach that partner."""
    return any(
        e.seq < event.seq and e.kind == "consent_given" and e.details.get("partner_kind") == kind
        for e in state.timeline
    )


# -- what failed for good ------------------------------------------------------------------

FAILURE_REQUEST_PREFIX = "notification-failed:"
"""Request ids of recorded failures: one per outbox key, so a failure is recorded once."""

FAILURE_ERROR_LENGTH = 200
"""How much of a channel's error message the pathway keeps."""


def failure_to_record(
    key: str, partner_kind: PartnerKind, error: str, at: datetime
) -> tuple[RequestMeta, RecordNotificationFailure]:
    """The system's request to record that the notification `key` can never be delivered.

    The workflow sends it when `send_notifications` reports the failure, and the audit
    rebuilds the very same request from that report, so both record the same event.
    """
    command = RecordNotificationFailure(
        notification_key=key,
        partner_kind=partner_kind,
        failed_at=at,
        error=error[:FAILURE_ERROR_LENGTH],
    )
    return RequestMeta(f"{FAILURE_REQUEST_PREFIX}{key}", SYSTEM), command


# -- sending again what failed ------------------------------------------------------------

RETRY_TRIGGER = "retry_notification"
"""The permission a role needs to have a failed notification sent again."""


def _unknown_notification(key: str) -> UnknownReference:
    return UnknownReference(
        f"no notification {key!r} on this pathway",
        code="unknown_notification",
        values={"key": key},
    )


def retry_target(key: str, state: PathwayState) -> tuple[PathwayEvent, PartnerKind]:
    """The event and partner kind a notification key names on this pathway.

    Keys read `<pathway id>:<event seq>:<partner kind>`, optionally followed by
    `:<partner name>` as the outbox shows them. Anything else is an `UnknownReference`.
    """
    pathway_id, _, rest = key.partition(":")
    seq_text, _, rest = rest.partition(":")
    kind_text = rest.partition(":")[0]
    event = next((e for e in state.timeline if str(e.seq) == seq_text), None)
    kind = next((k for k in PartnerKind if k.value == kind_text), None)
    if pathway_id != state.pathway_id or event is None or kind is None:
        raise _unknown_notification(key)
    return event, kind


def _owed(
    event: PathwayEvent,
    state: PathwayState,
    programme: ProgrammeDefinition,
    participant: Mapping[str, str],
    kind: PartnerKind,
) -> list[Notification]:
    """What `event` owed partners of `kind` when it happened."""
    routed = notifications_for([event], state, programme, participant)
    return [i for i in routed if i.partner_kind is kind]


def notifications_to_retry(
    event: PathwayEvent,
    state: PathwayState,
    programme: ProgrammeDefinition,
    participant: Mapping[str, str],
    *,
    kind: PartnerKind,
    now: datetime,
) -> list[Notification]:
    """What `event` owed partners of `kind`, if the participant still consents now.

    The same messages as at the event (same keys, same minimised fields), so the outbox
    still sends each at most once; none at all once consent was withdrawn or expired.
    """
    if not state.consent_valid(kind, now):
        return []
    return _owed(event, state, programme, participant, kind)


def check_retry(
    key: str,
    state: PathwayState,
    programme: ProgrammeDefinition,
    participant: Mapping[str, str],
    *,
    role: Role,
    now: datetime,
) -> list[Notification]:
    """What a retry of `key` by `role` would send now; a `DomainError` when it may not.

    Refused: a role that may not retry (partners and auditors re-sending personal data),
    a key naming no notification this pathway ever owed, a partner kind the participant
    no longer consents to (nothing would be sent), a person erased (nothing of theirs may
    be sent again, and their key is being destroyed).
    """
    authorise(role, RETRY_TRIGGER)
    if state.erased_at is not None:
        raise MoveRefused.for_rule(
            "retry_erased",
            f"the person was erased on {state.erased_at.date().isoformat()}: nothing of "
            "theirs can be sent again",
            erased_at=state.erased_at.date().isoformat(),
        )
    event, kind = retry_target(key, state)
    owed = _owed(event, state, programme, participant, kind)
    if not owed:
        raise _unknown_notification(key)
    if not state.consent_valid(kind, now):
        raise MoveRefused.for_rule(
            "consent_required",
            f"the participant no longer consents to telling the {kind.value} partners",
            partner_kind=kind.value,
        )
    return owed
