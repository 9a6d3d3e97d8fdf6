"""A partner message's error, as parcours' channels write it, said in the reader's words:
each sentence below comes from the code that writes it, so a reworded channel error that
the CLI no longer recognises fails here rather than showing English to a French reader."""

from __future__ import annotations

import pytest

from parcours.activities.notify import not_in_directory
from parcours.adapters.channels import ChannelUnavailable, build_channel
from parcours.adapters.channels.smtp import _failure
from parcours.adapters.channels.webhook import _classify
from parcours.cli.i18n import Text
from parcours.cli.partner_errors import said_error
from parcours.domain.vocabulary import ChannelKind, PartnerKind


def no_relay() -> str:
    with pytest.raises(ChannelUnavailable) as refused:
        build_channel(ChannelKind.EMAIL, "orientation@ccas.example.org", smtp=None)
    return str(refused.value)


@pytest.mark.parametrize(
    ("written", "french"),
    [
        (
            no_relay,
            "les partenaires joints par e-mail demandent un relais SMTP (PARCOURS_SMTP_HOST)",
        ),
        (
            lambda: not_in_directory(PartnerKind.TEMP_AGENCY, "Adecco Cergy"),
            "aucun partenaire actif de type agence d'intérim nommé « Adecco Cergy » dans "
            "l'annuaire des partenaires",
        ),
        (
            lambda: not_in_directory(PartnerKind.REFERRER, "Restos d'Ermont"),
            "aucun partenaire actif de type prescripteur nommé « Restos d'Ermont » dans "
            "l'annuaire des partenaires",
        ),
        (lambda: str(_classify(404)), "le webhook a répondu HTTP 404"),
        (lambda: str(_classify(503)), "le webhook a répondu HTTP 503"),
        (
            lambda: str(_classify(302)),
            "le webhook a répondu HTTP 302 (les redirections ne sont pas suivies)",
        ),
        (
            lambda: str(_failure(550, "5.1.1 mailbox unavailable")),
            "le serveur SMTP a répondu 550 : 5.1.1 mailbox unavailable",
        ),
    ],
)
def test_parcours_own_sentences_are_said_in_french(written: object, french: str) -> None:
    stored = written()  # type: ignore[operator]
    assert said_error(stored, Text("fr")) == french


def test_english_readers_read_the_same_sentence_with_what_to_set() -> None:
    english = said_error(no_relay(), Text("en"))
    assert english == "e-mail partners need an SMTP relay (PARCOURS_SMTP_HOST)"
    webhook = said_error(str(_classify(404)), Text("en"))
    assert webhook == "the webhook answered HTTP 404"


def test_an_unknown_sentence_is_shown_as_stored() -> None:
    assert said_error("something else happened", Text("fr")) == "something else happened"
    assert said_error("", Text("fr")) == ""
