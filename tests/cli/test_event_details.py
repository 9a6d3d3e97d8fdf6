"""An event is said with what it was about, from its details: the timeline, the audit
trail and an action's confirmation name the barrier, the appointment, the partner."""

from __future__ import annotations

import pytest

from parcours.cli.event_details import ABOUT, what_happened
from parcours.cli.i18n import Text
from parcours.domain.events import EVENT_KINDS


@pytest.mark.parametrize(
    ("kind", "details", "french", "english"),
    [
        (
            "barrier_opened",
            {"barrier_id": "b1", "kind": "housing", "aid": "False"},
            "Frein enregistré : logement (b1)",
            "Barrier recorded: housing (b1)",
        ),
        (
            "appointment_scheduled",
            {
                "appointment_id": "a2",
                "kind": "coaching",
                "place": "office",
                "at": "2027-01-10T09:00:00+00:00",
            },
            "Rendez-vous fixé : coaching, bureau, 2027-01-10 09:00 (a2)",
            "Appointment scheduled: coaching, office, 2027-01-10 09:00 (a2)",
        ),
        ("appointment_missed", {"appointment_id": "a2"}, "Rendez-vous manqué (a2)", None),
        (
            "notification_failed",
            {"alert_id": "notification_failed:k", "partner_kind": "temp_agency"},
            "Échec de notification d'un partenaire : agence d'intérim",
            None,
        ),
        ("french_assessed", {"level": "A1"}, None, "French level assessed: A1"),
        (
            "mission_started",
            {"mission_id": "m1", "employer": "Leclerc", "agency": "", "contract_type": "permanent"},
            None,
            "Mission or job started: Leclerc, permanent contract (m1)",
        ),
        (
            "contact_recorded",
            {"contacted_at": "2027-01-10T09:00:00+00:00"},
            "Contact enregistré",
            None,
        ),
    ],
)
def test_an_event_says_what_it_was_about(
    kind: str,
    details: dict[str, str],
    french: str | None,
    english: str | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("PARCOURS_TIMEZONE", "UTC")
    if french is not None:
        assert what_happened(kind, Text("fr"), details) == french
    if english:
        assert what_happened(kind, Text("en"), details) == english


def test_every_event_said_with_details_is_an_event_parcours_records() -> None:
    assert set(ABOUT) <= set(EVENT_KINDS)
