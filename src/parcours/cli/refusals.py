"""A domain refusal in the reader's words: its sentence from `refusal.<code>`, and its
values as people read them (actions, stages, kinds and fields in their language, instants
on their local day)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from parcours.cli.labels import field_label, stage_label, word

if TYPE_CHECKING:
    from parcours.cli.i18n import Text

REFUSAL_WORDS = {
    "trigger": "action",
    "partner_kind": "partner_kind",
    "barrier_status": "barrier_status",
    "appointment_status": "appointment_status",
    "required": "french_level",
    "assessed": "french_level",
    "event": "event",
    "role": "role",
}
"""Refusal values that name something the catalogue has words for, and under which prefix."""

REFUSAL_LISTS = frozenset({"known"})
"""Refusal values that list ids, and may be empty ("none yet")."""

REFUSAL_DAYS = frozenset(
    {"deadline", "referred", "closed_at", "date", "start", "now", "due", "after"}
    | {"referred_again_at"}
)
"""Refusal values that are instants, said as their day in local time, as `show` says it."""

REFUSAL_INSTANTS = frozenset(
    {"bound", "effective", "held_at", "erased_at", "latest", "since", "revoked_at", "signed_at"}
    | {"restated_at", "referred_at", "exited_at"}
)
"""Refusal values that are instants said to the minute in local time (an instant's bound)."""


def local_day(value: str, length: int = 10) -> str:
    """The day of an ISO instant in the local zone (its minute with `length=16`); a plain
    date (older worker) as it is."""
    from datetime import datetime

    from parcours.cli.render import when

    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        return value
    if instant.tzinfo is None:
        return value
    return when(instant)[:length]


REASON_FIELDS = frozenset({"reason", "referral_reason"})
"""Fields (and import columns) that hold a reason: advised to say it in a few sentences."""


def typed_fault(fault: str, field: str, found: str, text: Text) -> str:
    """Text typed wrong, said before anything is sent: `fault` as `ReferralRejected` names
    it (blank, bidi, long, date…), `field` the field or column, `found` what was wrong
    (for a text too long, the limit)."""
    key = f"refer.name_{fault}"
    if fault == "blank" and field in REASON_FIELDS:
        key = "refer.reason_blank"
    if fault == "long":
        key = "refer.reason_long" if field in REASON_FIELDS else key
        found = grouped(int(found), text) if found.isdigit() else found
    return text(key, field=field_label(field, text), found=found)


def grouped(number: int, text: Text) -> str:
    """A large number as the reader writes it: 2,000 in English, 2 000 in French."""
    return f"{number:,}".replace(",", "\u00a0" if text.lang == "fr" else ",")


def refusal_values(values: Mapping[str, str], text: Text) -> dict[str, str]:
    """A refusal's values as the reader reads them: actions, kinds, stages in their words."""
    said: dict[str, str] = {}
    for name, value in values.items():
        if name == "stage":
            said[name] = stage_label(value, text)
        elif name == "field":
            said[name] = field_label(value, text)
        elif name in REFUSAL_WORDS:
            said[name] = word(REFUSAL_WORDS[name], value, text)
        elif name in REFUSAL_DAYS:
            said[name] = local_day(value)
        elif name in REFUSAL_INSTANTS:
            said[name] = local_day(value, 16)
        elif name in REFUSAL_LISTS and not value:
            said[name] = text("refusal.none_yet")
        elif name == "criteria":  # eligibility criteria: their names, keys beside them
            from parcours.cli.programme_files import criteria_said

            said[name] = criteria_said(value, text)
        elif name == "limit" and value.isdigit():
            said[name] = grouped(int(value), text)
        else:
            said[name] = value
    return said


def refusal_reason(code: str, values: Mapping[str, str], message: str, text: Text) -> str:
    """Why a request was refused, from `refusal.<code>`; the English message when the
    catalogue has no such sentence or the values do not fill it (an older worker)."""
    if not code:
        return message
    try:
        template = text(f"refusal.{code}")
        return template.format(**refusal_values(values, text))
    except (KeyError, IndexError, ValueError):
        return message
