"""What an event was about, in a few words after its name: which barrier and of what kind,
which appointment, for which partner, at what level. Read from the event's details (ids,
kinds and dates only, never free text about the person), so the timeline, the audit
trail and the confirmation of an action say it without `--json`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from parcours.cli.i18n import Text
from parcours.cli.labels import event_label, word
from parcours.cli.render import when

Said = Callable[[Mapping[str, str], Text], list[str]]


def _kind(prefix: str) -> Said:
    return lambda details, text: [word(prefix, details["kind"], text)] if "kind" in details else []


def _one(key: str, prefix: str) -> Said:
    return lambda details, text: [word(prefix, details[key], text)] if key in details else []


def _appointment(details: Mapping[str, str], text: Text) -> list[str]:
    parts = _kind("appointment_kind")(details, text) + _one("place", "appointment_place")(
        details, text
    )
    if "at" in details:
        parts.append(when(datetime.fromisoformat(details["at"])))
    return parts


def _mission(details: Mapping[str, str], text: Text) -> list[str]:
    hired = [details.get("employer", ""), details.get("agency", "")]
    return [name for name in hired if name] + _one("contract_type", "contract_type")(details, text)


def _named(key: str) -> Said:
    return lambda details, text: [details[key]] if details.get(key) else []


def _reentry(details: Mapping[str, str], text: Text) -> list[str]:
    return [text("timeline.session", session=details["session"])] if "session" in details else []


ABOUT: dict[str, Said] = {
    "barrier_opened": _kind("barrier_kind"),
    "barrier_worked_on": _kind("barrier_kind"),
    "barrier_resolved": _kind("barrier_kind"),
    "barrier_waived": _kind("barrier_kind"),
    "appointment_scheduled": _appointment,
    "consent_given": _one("partner_kind", "partner_kind"),
    "consent_withdrawn": _one("partner_kind", "partner_kind"),
    "notification_failed": _one("partner_kind", "partner_kind"),
    "french_assessed": _one("level", "french_level"),
    "mission_started": _mission,
    "training_enrolled": _named("provider"),
    "referent_assigned": _named("referent"),
    "reentered": _reentry,
}
"""The words each kind of event is said with, beyond its name."""

RECORD_IDS = ("barrier_id", "appointment_id", "training_id", "mission_id")


def what_happened(kind: str, text: Text, details: Mapping[str, str] | None = None) -> str:
    """The event's name (`labels.event_label`), what it was about and the id of the record
    it names: "Frein enregistré : logement (b1)", "Rendez-vous manqué (a2)"."""
    details = details or {}
    label = event_label(kind, text, details)
    words = ", ".join(ABOUT[kind](details, text) if kind in ABOUT else [])
    if words:
        label = text("timeline.about", label=label, about=words)
    ids = [details[key] for key in RECORD_IDS if details.get(key)]
    return f"{label} ({', '.join(ids)})" if ids else label
