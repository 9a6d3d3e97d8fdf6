"""After an erasure, the partners to tell (GDPR article 19) in the reader's language: each
with its kind, channel, how many messages, the last one's date and the fields they could
carry; or one line saying nobody outside parcours is to be told."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parcours.app.erasure import Erased
from parcours.app.recipients import Recipient
from parcours.cli.commands.erasure import _print_erased
from parcours.cli.i18n import Text
from parcours.cli.render import fresh_consoles
from parcours.domain.vocabulary import PartnerKind

SENT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
TOLD = (
    Recipient(
        "CCAS", PartnerKind.REFERRER, "email", 3, SENT, ("first_name", "last_name"), "o@ccas.fr"
    ),
    Recipient("Évaluation", PartnerKind.EVALUATOR, "file", 1, SENT, ()),
)


def erased(*told: Recipient) -> Erased:
    return Erased("pathway-20ac31c38ea486ca", 9, True, 1, 1, 0, False, recipients=told)


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        (
            "fr",
            [
                "Partenaires ayant reçu des messages sur cette personne (2)",
                "CCAS (prescripteur)",
                "prénom, nom",
                "aucun (événements seulement)",
                "Informez chacun d'eux de l'effacement (RGPD, article 19)",
            ],
        ),
        (
            "en",
            [
                "Partners sent messages about this person (2)",
                "CCAS (referrer)",
                "first name, last name",
                "none (events only)",
                "Tell each of them of the erasure (GDPR, article 19)",
            ],
        ),
    ],
)
def test_the_partners_to_tell_are_listed(
    lang: str, said: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("PARCOURS_TIMEZONE", "UTC")
    fresh_consoles()  # at this width, whatever a test before set
    _print_erased(erased(*TOLD), Text(lang))
    shown = capsys.readouterr().out
    for words in said:
        assert words in shown
    assert "2026-03-02 09:30" in shown
    assert "(o@ccas.fr)" in shown  # where the messages went, to tell them there


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "No partner was sent a message about this person"),
        ("fr", "Aucun partenaire n'a reçu de message sur cette personne"),
    ],
)
def test_no_partner_told_is_said_in_one_line(
    lang: str, said: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _print_erased(erased(), Text(lang))
    assert said in capsys.readouterr().out
