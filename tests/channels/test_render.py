"""The text partners read, whole: its words come from the catalogues (`partner_mail.*`)."""

from __future__ import annotations

from dataclasses import replace

from parcours.adapters.channels.render import subject, text_body
from tests.channels.builders import outgoing

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
