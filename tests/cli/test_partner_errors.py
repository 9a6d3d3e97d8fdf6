"""A partner message's error, as the channels write it (`adapters.channels.errors`), said
in the reader's words: every sentence is recognised, in both languages, and the ones
the channels raise are their sentences, so a reworded channel error cannot show English
to a French reader."""

from __future__ import annotations

import pytest

from parcours.activities.notify import not_in_directory
from parcours.adapters.channels import ChannelUnavailable, build_channel
from parcours.adapters.channels.errors import SENTENCES, failure_text
from parcours.adapters.channels.smtp import _failure
from parcours.adapters.channels.webhook import _classify
from parcours.cli.i18n import Text
from parcours.cli.partner_errors import said_error
from parcours.domain.vocabulary import ChannelKind, PartnerKind
from parcours.locale import catalogue

SAMPLE = {
    "status": "404",
    "code": "550",
    "cause": "ConnectionRefusedError",
    "kind": "referrer",
    "name": "Restos d'Ermont",
}


@pytest.mark.parametrize("key", sorted(SENTENCES))
@pytest.mark.parametrize("lang", ["en", "fr"])
def test_every_channel_sentence_is_said_in_the_readers_words(key: str, lang: str) -> None:
    stored = failure_text(key, **SAMPLE)
    words = catalogue(lang)
    kind = words["partner_kind.referrer"]
    assert said_error(stored, Text(lang)) == words[f"partner_error.{key}"].format(
        **{**SAMPLE, "kind": kind}
    )


@pytest.mark.parametrize(
    ("written", "french"),
    [
        (
            lambda: str(_no_relay()),
            "les partenaires joints par courriel demandent un relais SMTP (PARCOURS_SMTP_HOST)",
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
            lambda: str(_failure(550, "smtp_recipient_refused")),
            "le serveur SMTP a refusé le destinataire (550)",
        ),
        (
            lambda: str(_failure(451, "smtp_message_refused")),
            "le serveur SMTP a refusé le message (451)",
        ),
    ],
)
def test_what_the_channels_raise_is_said_in_french(written: object, french: str) -> None:
    assert said_error(written(), Text("fr")) == french  # type: ignore[operator]


def _no_relay() -> ChannelUnavailable:
    with pytest.raises(ChannelUnavailable) as refused:
        build_channel(ChannelKind.EMAIL, "orientation@ccas.example.org", smtp=None)
    return refused.value


def test_an_unknown_sentence_is_shown_as_stored() -> None:
    assert said_error("something else happened", Text("fr")) == "something else happened"
    assert said_error("", Text("fr")) == ""
    english = said_error(failure_text("no_smtp_relay"), Text("en"))
    assert english == "e-mail partners need an SMTP relay (PARCOURS_SMTP_HOST)"
