"""Referral, duplicate detection, short references, show/timeline/list/next."""

from __future__ import annotations

import json

import pytest

from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import PERSON, Cli, refer
from tests.polling import eventually_blocking


def test_refer_then_show_in_both_languages(cli: Cli) -> None:
    pathway_id = refer(cli)
    assert pathway_id.startswith("pathway-")
    assert "Quillfeather" not in pathway_id
    shown = cli("show", pathway_id)
    assert shown.exit_code == 0, shown.output
    assert "Referred" in shown.stdout
    assert "Zephyrine Quillfeather" in shown.stdout
    french = cli("--lang", "fr", "show", pathway_id)
    assert "Orienté·e" in french.stdout
    assert "Prochaine alerte" in french.stdout


def test_second_referral_of_the_same_person_is_refused(cli: Cli) -> None:
    first = refer(cli)
    again = cli(
        "refer",
        "--programme",
        "atp-cergy",
        "--referrer",
        "CCAS",
        "--reason",
        "again",
        "--first-name",
        "zéphyrine",
        "--last-name",
        "QUILLFEATHER",
        "--birth-date",
        "1990-04-02",
    )
    assert again.exit_code == ExitCode.REFUSED
    assert first in again.stderr
    assert "already has a pathway in this programme that is still running" in again.stderr
    other_programme = refer(cli, programme="nouveau-depart")
    assert other_programme != first


def test_short_reference_finds_the_pathway(cli: Cli) -> None:
    pathway_id = refer(cli)
    short = pathway_id.removeprefix("pathway-")[:6]
    result = eventually_blocking(  # visibility catches up within moments on the dev server
        lambda: cli("next", short, "--json"),
        lambda answer: answer.exit_code == 0,
        what=f"the short reference {short} resolved",
    )
    assert result.exit_code == 0, result.output
    assert "complete_intake" in json.loads(result.stdout)["allowed"]
    # The commands `next` offers name this pathway, ready to be typed.
    ref = pathway_id.removeprefix("pathway-")[:8]
    offered = cli("next", short, COLUMNS="300").stdout
    assert f"parcours intake complete {ref} --criterion" in offered
    assert " REF " not in offered
    assert "complete_intake" not in offered  # the action's name and command, not its key
    missing = cli("show", "ffffffffff")
    assert missing.exit_code == ExitCode.NOT_FOUND
    assert "No pathway matches" in missing.stderr


def test_timeline_and_list(cli: Cli) -> None:
    pathway_id = refer(cli)
    timeline = cli("timeline", pathway_id, "--json")
    events = json.loads(timeline.stdout)
    assert [e["kind"] for e in events] == ["referred"]
    assert events[0]["actor_id"] == "staff-7f3a"

    def listed_ids() -> list[str]:
        listed = cli("list", "--programme", "atp-cergy", "--referent", "staff-7f3a", "--json")
        return [row["pathway_id"] for row in json.loads(listed.stdout)]

    ids = eventually_blocking(
        listed_ids, lambda found: pathway_id in found, what=f"{pathway_id} was listed"
    )
    assert pathway_id in ids
    table = cli("list", "--stage", "referred")
    assert table.exit_code == 0
    assert pathway_id.removeprefix("pathway-")[:8] in table.stdout
    french = [cli("--lang", "fr", "list", "--stage", n, "--json") for n in ("orienté·e", "Oriente")]
    for by_name in (*french, cli("list", "--stage", " REFERRED ", "--json")):
        assert by_name.exit_code == 0, by_name.output
        assert pathway_id in [row["pathway_id"] for row in json.loads(by_name.stdout)]
    exited = cli("--lang", "fr", "list", "--stage", "sortie", "--json")
    assert pathway_id not in [row["pathway_id"] for row in json.loads(exited.stdout)]
    bad_stage = cli("list", "--stage", "nowhere")
    assert bad_stage.exit_code == ExitCode.USAGE
    assert "use one of referred, barrier_work, contracted (Engagement contract" in bad_stage.stderr
    bad_french = cli("--lang", "fr", "list", "--stage", "nulle part")
    assert "barrier_work (Levée des freins)" in bad_french.stderr
    bad_programme = cli("list", "--programme", "atp-cergi")
    assert bad_programme.exit_code == ExitCode.NOT_FOUND  # as `report` says it, not "none"
    assert "There is no programme named atp-cergi" in bad_programme.stderr


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "No pathway matches"), ("fr", "Aucun parcours")]
)
def test_an_unknown_full_id_is_named_once(cli: Cli, lang: str, words: str) -> None:
    """The not-found sentence names the reference once, not "matches no pathway <id>"."""
    unknown = "pathway-0123456789abcdef"
    result = cli("--lang", lang, "show", unknown)
    assert result.exit_code == ExitCode.NOT_FOUND, result.output
    assert words in result.stderr
    assert result.stderr.count(unknown) == 1
    assert "no pathway" not in result.stderr


@pytest.mark.parametrize(("lang", "words"), [("en", "at least 4 characters"), ("fr", "au moins 4")])
@pytest.mark.parametrize("reference", ["abc", "pathway-abc"])
def test_a_reference_too_short_is_a_usage_error(
    cli: Cli, lang: str, words: str, reference: str
) -> None:
    """Three characters cannot name a pathway: a mistake in the command, not a missing one."""
    result = cli("--lang", lang, "show", reference)
    assert result.exit_code == ExitCode.USAGE, result.output
    assert words in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def _refer_named(cli: Cli, first: str, last: str, *lang: str) -> tuple[int, str, str]:
    typed = ("--first-name", first, "--last-name", last, "--birth-date", "1990-04-02")
    base = ("refer", "--programme", "atp-cergy", "--referrer", "CCAS", "--reason", "work")
    result = cli(*lang, *base, *typed)
    return result.exit_code, result.stdout, result.stderr


def test_an_empty_or_blank_name_is_refused_before_any_pathway_starts(cli: Cli) -> None:
    """Before: a person named "" or "   " was referred, and the pathway ran nameless."""
    code, out, err = _refer_named(cli, "", "Quillfeather")
    assert (code, out) == (ExitCode.USAGE, "")
    assert err == "The first name must not be empty: give it as written on the person's papers.\n"
    code, _, err = _refer_named(cli, "Zephyrine", "  \t ")
    assert code == ExitCode.USAGE
    assert err.startswith("The last name must not be empty")
    code, _, err = _refer_named(cli, "   ", "Quillfeather", "--lang", "fr")
    assert code == ExitCode.USAGE
    assert err.startswith("Le prénom ne peut pas être vide")
    assert json.loads(cli("list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("first", "last", "reason", "field"),
    [
        ("Zeph\u202eyrine", "Quillfeather", "work", "first name"),
        ("Zephyrine", "Quill\u2067feather\u2069", "work", "last name"),
        ("Zephyrine", "Quillfeather", "work \u202dhidden", "reason"),
    ],
    ids=["first", "last", "reason"],
)
def test_a_direction_control_in_a_name_or_the_reason_is_refused_at_referral(
    cli: Cli, first: str, last: str, reason: str, field: str
) -> None:
    """Before: the invisible controls were stored and made the record read otherwise."""
    typed = ("--first-name", first, "--last-name", last, "--birth-date", "1990-04-02")
    base = ("refer", "--programme", "atp-cergy", "--referrer", "CCAS", "--reason", reason)
    refused = cli(*base, *typed)
    assert refused.exit_code == ExitCode.USAGE
    assert refused.stderr.startswith(f"The {field} holds invisible control characters (U+")
    assert refused.stderr.endswith(" Type it again without them.\n")
    french = cli("--lang", "fr", *base, *typed)
    assert french.exit_code == ExitCode.USAGE
    assert "caractères de contrôle invisibles" in french.stderr
    assert json.loads(cli("list", "--json").stdout) == []


def test_a_direction_control_in_an_actions_reason_is_refused_before_sending(cli: Cli) -> None:
    pathway_id = refer(cli)
    refused = cli("suspend", pathway_id, "--reason", "health \u202eyaw ot")
    assert refused.exit_code == ExitCode.USAGE
    assert refused.stderr == (
        "The reason holds invisible control characters (U+202E): Unicode direction controls "
        "would make the record read differently from what was typed, terminal controls would "
        "rewrite the screen of whoever reads it. Type it again without them.\n"
    )
    timeline = json.loads(cli("timeline", pathway_id, "--json").stdout)
    assert [e["kind"] for e in timeline] == ["referred"]


@pytest.mark.parametrize(
    ("option", "value", "field", "champ"),
    [
        ("--referrer", "CCAS \u202eyg", "referrer", "prescripteur"),
        ("--session", "2026\u2066-01", "session name", "nom de session"),
        ("--skill", "cash\u202dier", "skill", "libellé de compétence"),
        ("--address", "1 rue \u2067B\u2069", "address", "domicile"),
    ],
    ids=["referrer", "session", "skill", "address"],
)
def test_a_direction_control_in_any_text_of_a_referral_is_refused(
    cli: Cli, option: str, value: str, field: str, champ: str
) -> None:
    """Before: only names and the reason were checked; the referrer, the session, skills
    and contact details took the invisible controls into the record."""
    base = ("refer", "--programme", "atp-cergy", "--referrer", "CCAS", "--reason", "work")
    typed = (*base, *PERSON, option, value)
    refused = cli(*typed)
    assert refused.exit_code == ExitCode.USAGE, refused.output
    assert refused.stderr.startswith(f"The {field} holds invisible control characters (U+")
    assert refused.stderr.endswith(" Type it again without them.\n")
    french = cli("--lang", "fr", *typed)
    assert french.exit_code == ExitCode.USAGE
    assert french.stderr.startswith(f"Le {champ} contient des caractères de contrôle invisibles")
    assert json.loads(cli("list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("option", "value", "english", "french"),
    [
        ("--email", "ada.orange.fr", "is not an email address", "n'est pas une adresse"),
        ("--phone", "06 12", "is not a phone number", "n'est pas un numéro de téléphone"),
        ("--phone", "06 12 34 56 78 après 18h", "is not a phone number", "n'est pas un numéro"),
    ],
    ids=["email", "phone-short", "phone-with-notes"],
)
def test_contact_details_that_are_none_are_refused_before_sending(
    cli: Cli, option: str, value: str, english: str, french: str
) -> None:
    """Before: any text passed, and a referrer told of the person got it as their email."""
    typed = ("refer", "--programme", "atp-cergy", "--referrer", "CCAS", "--reason", "work",
             *PERSON, option, value)  # fmt: skip
    refused = cli(*typed)
    assert refused.exit_code == ExitCode.USAGE, refused.output
    (said,) = refused.stderr.strip().splitlines()
    assert said.startswith(f"{value} {english}")
    in_french = cli("--lang", "fr", *typed)
    assert in_french.exit_code == ExitCode.USAGE
    assert french in in_french.stderr
    assert json.loads(cli("list", "--json").stdout) == []
    fine = cli(*typed[:-2], "--email", "ada@orange.fr", "--phone", "+33 (0)6 12.34.56-78")
    assert fine.exit_code == 0, fine.output


def test_a_direction_control_in_an_actions_text_is_refused_before_sending(cli: Cli) -> None:
    pathway_id = refer(cli)
    enrol = ("training", "enrol", pathway_id, "--provider", "Muse", "--paid")
    dates = ("--start", "2026-12-10", "--end", "2027-02-10")
    refused = cli(*enrol, "--title", "Employé \u202elibre-service", *dates)
    assert refused.exit_code == ExitCode.USAGE, refused.output
    assert refused.stderr.startswith(
        "The training title holds invisible control characters (U+202E): Unicode direction"
    )
    french = cli("--lang", "fr", *enrol, "--title", "Employé \u202elibre-service", *dates)
    assert french.exit_code == ExitCode.USAGE
    assert french.stderr.startswith(
        "Le libellé de la formation contient des caractères de contrôle invisibles"
    )
    timeline = json.loads(cli("timeline", pathway_id, "--json").stdout)
    assert [e["kind"] for e in timeline] == ["referred"]


def test_a_terminal_escape_in_a_reason_is_refused_before_it_reaches_anyones_screen(
    cli: Cli,
) -> None:
    """Before: ESC sequences went into the record, and `timeline` played them on the
    terminal of every later reader (here: clear the screen, then print a false line)."""
    pathway_id = refer(cli)
    forged = "health\x1b[2J\x1b[HAll clear, no follow-up needed"
    refused = cli("suspend", pathway_id, "--reason", forged)
    assert refused.exit_code == ExitCode.USAGE, refused.output
    assert refused.stderr.startswith("The reason holds invisible control characters (U+001B)")
    timeline = json.loads(cli("timeline", pathway_id, "--json").stdout)
    assert [e["kind"] for e in timeline] == ["referred"]


def test_a_text_over_2000_characters_is_refused_before_sending(cli: Cli) -> None:
    """A paste gone wrong: said at once, naming the field and the limit, nothing sent."""
    pathway_id = refer(cli)
    pasted = "no news since the last call. " * 70  # 2,030 characters
    refused = cli("suspend", pathway_id, "--reason", pasted)
    assert refused.exit_code == ExitCode.USAGE, refused.output
    assert refused.stderr.startswith("The reason is longer than 2,000 characters: shorten it")
    french = cli("--lang", "fr", "contact", pathway_id, "--reason", pasted)
    assert french.stderr.startswith("Le motif dépasse 2\u00a0000 caractères : raccourcissez-le")
    base = ("refer", "--programme", "atp-cergy", "--referrer", "CCAS", "--reason", pasted)
    referral = cli(*base, *PERSON)
    assert referral.exit_code == ExitCode.USAGE, referral.output
    assert referral.stderr.startswith("The reason is longer than 2,000 characters")
    timeline = json.loads(cli("timeline", pathway_id, "--json").stdout)
    assert [e["kind"] for e in timeline] == ["referred"]


def test_a_blank_referral_reason_is_refused_before_sending(cli: Cli) -> None:
    """Before: `--reason "   "` referred the person with no reason at all (exit 0)."""
    base = ("--lang", "fr", "refer", "--programme", "atp-cergy", "--referrer", "CCAS")
    refused = cli(*base, "--reason", "   ", *PERSON)
    assert refused.exit_code == ExitCode.USAGE, refused.output
    assert refused.stderr.startswith("Le motif ne peut pas être vide : dites en quelques mots")
    assert json.loads(cli("list", "--json").stdout) == []  # nobody was referred
