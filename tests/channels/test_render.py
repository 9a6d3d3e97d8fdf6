"""The text partners read, whole: its words come from the catalogues (`partner_mail.*`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from parcours.adapters.channels.render import subject, text_body
from tests.channels.builders import outgoing
from tests.support import T0

CORRECTION_NOTICE = """\
Événement : Correction : événement annulé
Event: Correction: event voided
Date : 2026-01-10 09:00 UTC

Message corrigé / Corrected message : pathway-0001:4:Adecco Marseille
Cet événement n'a pas eu lieu. / This event did not happen.

Informations transmises avec le consentement de la personne :
Information shared with the person's consent:
  Prénom / First name : Zephyrine
  Compétences / Skills : forklift
  shoe_size / shoe_size : 42

Référence / Reference : pathway-0001:5:temp_agency

Message confidentiel : ne pas le transférer.
Confidential: please do not forward this message.
"""


def test_a_correction_notice_reads_word_for_word_in_french_then_english() -> None:
    message = replace(
        outgoing(first_name="Zephyrine", skills="forklift", shoe_size="42"),
        event_kind="event_voided",
        corrects="pathway-0001:4:Adecco Marseille",
    )

    assert subject(message) == "Parcours : Correction : événement annulé / Correction: event voided"
    assert text_body(message) == CORRECTION_NOTICE


def test_an_event_without_words_is_shown_by_its_name() -> None:
    message = replace(outgoing(), event_kind="alert_snoozed", fields={})

    assert subject(message) == "Parcours : alert_snoozed / alert_snoozed"
    assert text_body(message).startswith("Événement : alert_snoozed\nEvent: alert_snoozed\n")


RESTATED_INVITATION = """\
Événement : Contrat d'engagement signé
Event: Engagement contract signed
Date : 2026-01-10 09:00 UTC
Lieu / Place : Agence Adecco, 12 rue de Rome, Marseille

Message corrigé / Corrected message : pathway-0001:4:Adecco Marseille
Date rectifiée / Restated date : 2026-01-09 14:30 UTC

Référence / Reference : pathway-0001:5:temp_agency

Message confidentiel : ne pas le transférer.
Confidential: please do not forward this message.
"""


def test_a_place_and_a_restated_date_are_named_in_both_languages() -> None:
    message = replace(
        outgoing(),
        fields={},
        place="Agence Adecco, 12 rue de Rome, Marseille",
        corrects="pathway-0001:4:Adecco Marseille",
        restated_at=T0 + timedelta(days=4, hours=5, minutes=30),
    )

    assert text_body(message) == RESTATED_INVITATION
