"""A listing that finds nothing says so in a sentence, not an empty table under "(0)"
(a DPO's trial met three: the retention's list and sweep, and doctor; a case worker's
trial three more: the partners, the sessions, the alerts; then the pathways, the
job-datings and the staff credentials)."""

from __future__ import annotations

import pytest

from tests.cli.runner import Cli, as_coordinator

pytestmark = [pytest.mark.temporal]

SAID = {
    ("retention", "list", "--within", "30"): {
        "en": "No record is to be anonymised within 30 days",
        "fr": "Aucun dossier n'est à anonymiser d'ici 30 jours",
    },
    ("retention", "sweep", "--dry-run"): {
        "en": "No ended pathway is past its retention: nothing to erase.",
        "fr": "Aucun parcours terminé n'a dépassé sa durée de conservation : rien à effacer.",
    },
    ("doctor",): {
        "en": "No pathway is in trouble",
        "fr": "Aucun parcours en difficulté",
    },
    ("notifications", "--failed"): {
        "en": "No partner notification matches.",
        "fr": "Aucune notification de partenaire ne correspond.",
    },
    ("partners", "list"): {
        "en": "The partner directory is empty",
        "fr": "L'annuaire des partenaires est vide",
    },
    ("session", "list"): {
        "en": "No session yet",
        "fr": "Aucune session pour l'instant",
    },
    ("alerts",): {
        "en": "No alert to handle: none is open or snoozed on your pathways",
        "fr": "Aucune alerte à traiter : aucune n'est ouverte ou reportée sur vos parcours",
    },
    ("alerts", "--all"): {
        "en": "No alert to handle: none is open or snoozed on any pathway",
        "fr": "Aucune alerte à traiter : aucun parcours n'en a d'ouverte ou de reportée",
    },
    ("alerts", "--status", "resolved"): {
        "en": "No alert of that status.",
        "fr": "Aucune alerte de ce statut.",
    },
    ("list",): {
        "en": "No pathway to list: refer a person with `parcours refer`",
        "fr": "Aucun parcours à lister : orientez une personne avec `parcours refer`",
    },
    ("list", "--programme", "atp-cergy"): {
        "en": "No pathway matches what you asked for. Pathways closed for good are listed",
        "fr": "Aucun parcours ne répond à votre demande. Les parcours clos définitivement",
    },
    ("list", "--closed"): {
        "en": "No pathway to list: refer a person with `parcours refer`.",
        "fr": "Aucun parcours à lister : orientez une personne avec `parcours refer`.",
    },
    ("jobdating", "list", "--programme", "atp-cergy"): {
        "en": "No job-dating in atp-cergy yet",
        "fr": "Aucun job-dating dans atp-cergy pour l'instant",
    },
    ("jobdating", "list"): {
        "en": "No job-dating yet",
        "fr": "Aucun job-dating pour l'instant",
    },
    ("staff", "list"): {
        "en": "No staff credential yet",
        "fr": "Aucun identifiant du personnel pour l'instant",
    },
}


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("command", list(SAID), ids=[" ".join(c) for c in SAID])
def test_nothing_found_is_said_in_a_sentence(cli: Cli, lang: str, command: tuple[str, ...]) -> None:
    found = as_coordinator(cli, "--lang", lang, *command)
    assert found.exit_code == 0, found.output
    assert found.stdout.strip().startswith(SAID[command][lang]), found.stdout
    assert "(0)" not in found.stdout
    if "--closed" in command:  # already asked for: not offered again
        assert "--closed" not in found.stdout
