"""Under `--lang fr` (or PARCOURS_LANG=fr), Click's and Typer's own words are French too.

Before: help and usage errors mixed French help texts with "Usage:", "[required]",
"Show this message and exit.", "Missing option", "No such option"… Both languages run
in one process here, one after the other, as the words are put in place per invocation.
"""

from __future__ import annotations

import re

import pytest

from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import Cli


@pytest.fixture
def local(offline_cli: Cli) -> Cli:
    """Help and usage errors need no server."""
    return offline_cli


MISSION = ("mission", "start", "abcd", "--employer", "E", "--contract", "permanent")

HELP_WORDS = {
    "fr": ["Utilisation : parcours", "[obligatoire]", "Afficher cette aide et quitter.", "Options"],
    "en": ["Usage: parcours", "[required]", "Show this message and exit.", "Options"],
}


def test_help_speaks_one_language(local: Cli) -> None:
    for lang, other in (("fr", "en"), ("en", "fr"), ("fr", "en")):
        helped = local("--lang", lang, "barrier", "waive", "--help")
        assert helped.exit_code == 0, helped.output
        for word in HELP_WORDS[lang]:
            assert word in helped.stdout, (lang, word)
        for word in HELP_WORDS[other][:3]:
            assert word not in helped.stdout, (lang, word)


def test_a_usage_error_prints_the_french_usage_line(local: Cli) -> None:
    said = local("--lang", "fr", "intake", "complete")
    assert said.stderr.startswith("Utilisation : parcours intake complete [OPTIONS] REF\n")
    assert "Essayez 'parcours intake complete -h' pour l'aide." in said.stderr


def test_the_root_help_and_typers_own_options_are_french(local: Cli) -> None:
    root = local("--help", PARCOURS_LANG="fr").stdout
    for word in ("Utilisation :", "Commandes", "Installer la complétion", "Afficher cette aide"):
        assert word in root, word
    for word in ("Usage:", "Commands", "Install completion", "Show this message"):
        assert word not in root, word
    assert "Utilisation : parcours [OPTIONS] COMMANDE [ARGUMENTS]..." in root
    assert "COMMAND [ARGS]" not in root
    group = local("--lang", "fr", "barrier", "--help").stdout
    assert "Utilisation : parcours barrier [OPTIONS] COMMANDE [ARGUMENTS]..." in group
    assert "Usage: parcours [OPTIONS] COMMAND [ARGS]..." in local("--help").stdout


@pytest.mark.parametrize(
    ("args", "french", "english"),
    [
        (
            ["refer"],
            "Option obligatoire manquante : '--programme'.",
            "Missing option '--programme'.",
        ),
        (["intake", "complete"], "Argument obligatoire manquant : 'REF'.", "Missing argument"),
        (
            ["intake", "complete", "abcd", "--criterio", "x"],
            "Option inconnue : --criterio (les plus proches : --criterion ; --help les liste",
            "No such option: --criterio (the closest: --criterion; --help lists them all)",
        ),
        (
            ["barrier", "add", "abcd", "nope"],
            "nope n'est pas permis pour TYPE : utilisez l'un de housing (logement), health",
            "nope is not allowed for KIND: use one of housing, health, childcare,",
        ),
        (
            [*MISSION, "--hours", "99"],
            "99 n'est pas un nombre de 0,5 à 48 (--hours)",
            "99 is not a number from 0.5 to 48 (--hours)",
        ),
        (
            ["intake", "complete", "abcd", "extra"],
            "Argument(s) en trop inattendu(s) : (extra)",
            "Got unexpected extra argument(s) (extra)",
        ),
        (["lis"], "Commande inconnue : 'lis'. Vouliez-vous dire 'list' ?", "No such command"),
        (["contact", "abcd", "--on"], "L'option '--on' attend une valeur.", "requires an"),
        (["contact", "abcd", "--json=1"], "L'option '--json' ne prend pas de valeur.", "does not"),
    ],
    ids=["option", "argument", "no-option", "choice", "bound", "extra", "command", "value", "flag"],
)
def test_usage_errors_are_french_and_still_exit_2(
    local: Cli, args: list[str], french: str, english: str
) -> None:
    said = local("--lang", "fr", *args)
    assert said.exit_code == ExitCode.USAGE, said.output
    flat = " ".join(said.stderr.replace("│", " ").split())
    assert french in flat
    assert "Erreur" in flat
    assert "Usage:" not in flat
    assert "Traceback" not in said.output
    again = local(*args)
    assert again.exit_code == ExitCode.USAGE
    assert english in " ".join(again.stderr.replace("│", " ").split())


def test_a_flag_shows_no_type_it_takes_no_value(local: Cli) -> None:
    """`--paid` is typed alone: its type column stays empty, where Typer wrote `<bool>`."""
    helped = local("training", "enrol", "--help", COLUMNS="120")
    assert helped.exit_code == 0, helped.output
    lines = {
        next(word for word in line.split() if word.startswith("--")): line
        for line in helped.stdout.splitlines()
        if " --" in line[:8]
    }
    for name in ("--paid", "--diploma-module", "--json", "--help"):
        assert "<bool>" not in lines[name], lines[name]
    assert "TEXT" in lines["--title"]  # an option that takes a value still says which
    assert "<str>" not in helped.stdout  # in staff's words, not Python's
    assert "REF" in helped.stdout
    assert "{REF}" not in helped.stdout
    french = local("--lang", "fr", "refer", "--help", COLUMNS="120")
    assert "TEXTE" in french.stdout
    assert "ENTIER" in french.stdout  # --version
    assert "<str>" not in french.stdout
    assert "<int>" not in french.stdout
    assert "<list[str]>" not in french.stdout
    for command in (("session", "open"), ("mission", "start"), ("alerts",), ("import",)):
        said = local("--lang", "fr", *command, "--help", COLUMNS="160").stdout
        assert not re.search(r"<(int|float) range>|<path>|<list\[", said), command
    assert (
        "ENTIER [x>=1]" in local("--lang", "fr", "session", "open", "--help", COLUMNS="160").stdout
    )


def test_an_argument_taking_one_of_a_list_names_its_values_in_both_languages(
    local: Cli,
) -> None:
    """Before, `exit --help` said "EXIT_REASON  Exit reason." and nothing of what to type.
    Each language in turn, in one process: the words are put in place per invocation."""
    for _ in range(2):
        french = " ".join(local("--lang", "fr", "exit", "--help").stdout.replace("│", " ").split())
        assert "Utilisation : parcours exit [OPTIONS] REF MOTIF_DE_SORTIE" in french
        assert (
            "Au choix (la clé, ou son nom) : employment (emploi), training_elsewhere "
            "(formation ailleurs),"
        ) in french
        assert "moved_away (déménagement)" in french
        assert "EXIT_REASON" not in french
        english = " ".join(local("exit", "--help").stdout.replace("│", " ").split())
        assert "Usage: parcours exit [OPTIONS] REF EXIT_REASON" in english
        assert (
            "One of (its key, or its name): employment, training_elsewhere, accompaniment"
        ) in english
        kinds = " ".join(local("barrier", "add", "--help").stdout.replace("│", " ").split())
        assert "One of (its key, or its name): housing, health, childcare, mobility," in kinds


def test_placeholders_are_french_in_help_and_in_usage_errors(local: Cli) -> None:
    helped = " ".join(local("--lang", "fr", "audit", "export", "--help").stdout.split())
    assert "FICHIER" in helped
    assert "FILE" not in helped
    said = " ".join(local("--lang", "fr", "consent", "give", "abcd").stderr.split())
    assert "'TYPE_DE_PARTENAIRE'" in said
    # A French trial read these in English.
    report = " ".join(local("--lang", "fr", "report", "--help").stdout.replace("│", " ").split())
    assert "Écrire le bilan dans FICHIER" in report
    alerts = " ".join(local("--lang", "fr", "alerts", "--help").stdout.split())
    assert "parcours alerts [OPTIONS] [COMMANDE [ARGUMENTS]...]" in alerts  # one may run it alone
    assert "--status STATUT" in alerts
    outcome = " ".join(
        local("--lang", "fr", "jobdating", "--help").stdout.replace("│", " ").split()
    )
    assert "embauche (hired), formation (training) ou sans suite (no_match)" in outcome


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["exit"], "moved_away (déménagement)"),
        (["barrier", "add"], "housing (logement)"),
        (["consent", "give"], "temp_agency (agence d'intérim)"),
        (["consent", "withdraw"], "temp_agency (agence d'intérim)"),
        (["french", "assess"], "none (aucun)"),
        (["jobdating", "outcome"], "no_match (sans suite)"),
        (["appointment", "add"], "mobile_office (bureau mobile)"),
        (["appointment", "add"], "career_advice (conseil en évolution professionnelle)"),
        (["mission", "start"], "permanent (CDI)"),
        (["partners", "add"], "referrer (prescripteur)"),
        (["partners", "add"], "email (courriel)"),
    ],
)
def test_every_argument_or_option_taken_by_name_names_its_values(
    local: Cli, args: list[str], named: str
) -> None:
    """Each such argument reads its names from the catalogue under its own kind: a kind
    spelt otherwise (`job_dating_outcome`) would list bare keys and take no name."""
    helped = " ".join(local("--lang", "fr", *args, "--help").stdout.replace("│", " ").split())
    assert named in helped
