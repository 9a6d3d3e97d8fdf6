"""The trail and the timeline name each alert of an alert event: its rule and subject, and
for a resolved one the event that closed it, in English and in French."""

from __future__ import annotations

import pytest

from parcours.cli.i18n import Text
from parcours.cli.labels import event_label
from tests.cli.runner import Cli
from tests.histories.record import HERE

FOLLOWING = HERE / "alerts-follow-the-pathway.json"


def test_the_trail_names_the_alert_raised_and_resolved(history_cli: Cli) -> None:
    english = history_cli("audit", "trail", str(FOLLOWING))
    assert english.exit_code == 0, english.output
    assert "Alert raised: consent expiring (referrer)" in english.stdout
    assert "Alert resolved: consent expiring (referrer), by event" in english.stdout
    french = history_cli("--lang", "fr", "audit", "trail", str(FOLLOWING))
    assert "Alerte déclenchée : consentement bientôt expiré (prescripteur)" in french.stdout
    assert "Alerte résolue : consentement bientôt expiré (prescripteur), par l'événement" in (
        french.stdout
    )


@pytest.mark.parametrize(
    ("lang", "kind", "details", "label"),
    [
        (
            "en",
            "alert_raised",
            {"alert_id": "no_contact:contact:20260204T0900", "rule": "no_contact"},
            "Alert raised: no contact (contact)",
        ),
        (
            "en",
            "alert_resolved",
            {"alert_id": "intake_overdue:intake:20260120T0900", "closed_by": "4"},
            "Alert resolved: intake overdue (intake), by event 4",
        ),
        (
            "fr",
            "alert_snoozed",
            {"alert_id": "appointment_unrecorded:a2:20260120T0900"},
            "Alerte reportée : rendez-vous non renseigné (a2)",
        ),
        (
            "en",
            "alert_raised",
            {"alert_id": "alert_unacknowledged:intake_overdue:intake:20260120T0900:20260127T0900"},
            "Alert raised: alert not acknowledged (intake overdue)",
        ),
        (
            "fr",
            "alert_acknowledged",
            {"alert_id": "notification_failed:pathway-1:3:referrer:CCAS"},
            "Alerte prise en compte : notification en échec",
        ),
        (
            "fr",
            "alert_raised",
            {"alert_id": "intake_overdue:intake:20260120T0900"},
            "Alerte déclenchée : accueil en retard (accueil)",
        ),
        (
            "fr",
            "alert_raised",
            {"alert_id": "consent_expired:temp_agency:20260120T0900"},
            "Alerte déclenchée : consentement expiré (agence d'intérim)",
        ),
        ("fr", "jobdating_invitation", {}, "Invitation au job-dating"),  # an outbox's kind
        ("en", "alert_raised", {"alert_id": "someday_rule:x:1"}, "Alert raised: someday_rule:x:1"),
        ("en", "contact_recorded", {"alert_id": "no_contact:contact:1"}, "Contact recorded"),
    ],
)
def test_alert_event_labels(lang: str, kind: str, details: dict[str, str], label: str) -> None:
    text = Text(lang)
    assert event_label(kind, text, details) == label
    assert event_label(kind, text) == label.split(":", maxsplit=1)[0].removesuffix(" ")
