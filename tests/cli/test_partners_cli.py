"""`parcours partners` over a real dev server, in both languages.

The partner directory lives in the read model (SQLite in the test's data folder, shared by
the CLI and the worker). What partners are told is in test_notifications_cli.py.
"""

from __future__ import annotations

import json

import pytest
from typer.testing import Result

from parcours.adapters.readmodel import open_store
from parcours.adapters.settings import Settings
from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import Cli, as_coordinator
from tests.cli.tables import cells, header

pytestmark = [pytest.mark.temporal]

SECRET = "s3cr3t-value"
EMAIL_REFERRER = ("--kind", "referrer", "--channel", "email", "--address", "ccas@example.org")
UNREACHABLE_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:1/x"


def add_ccas_and_adecco(cli: Cli, *lang: str) -> list[Result]:
    """The README's two partners: an e-mail referrer and a signed-webhook temp agency."""
    return [
        as_coordinator(
            cli,
            *lang,
            "partners",
            "add",
            "CCAS Cergy",
            "--kind",
            "referrer",
            "--channel",
            "email",
            "--address",
            "ccas@example.org",
        ),
        as_coordinator(
            cli,
            *lang,
            "partners",
            "add",
            "Adecco",
            "--kind",
            "temp_agency",
            "--channel",
            "webhook",
            "--address",
            "https://partner.example/parcours",
            "--secret",
            SECRET,
        ),
    ]


def shown_pairs(output: str) -> dict[str, str]:
    """The label/value lines of `partners show` (labels are single words)."""
    found: dict[str, str] = {}
    for line in output.splitlines()[1:]:
        label, _, value = line.strip().partition(" ")
        found[label] = value.strip()
    return found


PARTNERS_JSON = [
    {
        "active": True,
        "address": "ccas@example.org",
        "channel": "email",
        "kind": "referrer",
        "name": "CCAS Cergy",
    },
    {
        "active": True,
        "address": "https://partner.example/parcours",
        "channel": "webhook",
        "kind": "temp_agency",
        "name": "Adecco",
    },
]


@pytest.mark.parametrize(
    ("lang", "saved", "title", "columns", "labels", "words"),
    [
        (
            "en",
            "Partner {name} ({kind}) saved.\n",
            "Partners (2)",
            ["Name", "Kind", "Channel", "Address", "Active"],
            ["Kind", "Channel", "Address", "Active"],
            {
                "referrer": "referrer",
                "temp_agency": "temp agency",
                "email": "e-mail",
                "webhook": "webhook",
            },
        ),
        (
            "fr",
            "Partenaire {name} ({kind}) enregistré.\n",
            "Partenaires (2)",
            ["Nom", "Type", "Canal", "Adresse", "Actif"],
            ["Type", "Canal", "Adresse", "Actif"],
            {
                "referrer": "prescripteur",
                "temp_agency": "agence d'intérim",
                "email": "courriel",
                "webhook": "webhook",
            },
        ),
    ],
    ids=["en", "fr"],
)
def test_add_list_and_show_partners(
    cli: Cli,
    cli_settings: Settings,
    lang: str,
    saved: str,
    title: str,
    columns: list[str],
    labels: list[str],
    words: dict[str, str],
) -> None:
    ccas, adecco = add_ccas_and_adecco(cli, "--lang", lang)
    assert ccas.exit_code == 0, ccas.output
    assert ccas.stdout == saved.format(name="CCAS Cergy", kind=words["referrer"])
    assert adecco.exit_code == 0, adecco.output
    assert adecco.stdout == saved.format(name="Adecco", kind=words["temp_agency"])

    listed = cli("--lang", lang, "partners", "list")
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.splitlines()[0] == title
    assert header(listed.stdout) == columns
    assert cells(listed.stdout, "CCAS Cergy") == [
        "CCAS Cergy",
        words["referrer"],
        words["email"],
        "ccas@example.org",
        "✓",
    ]
    assert cells(listed.stdout, "Adecco") == [
        "Adecco",
        words["temp_agency"],
        words["webhook"],
        "https://partner.example/parcours",
        "✓",
    ]

    shown = cli("--lang", lang, "partners", "show", "Adecco")
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines()[0] == "Adecco"
    values = shown_pairs(shown.stdout)
    assert list(values) == labels
    assert [values[label] for label in labels] == [
        words["temp_agency"],
        words["webhook"],
        "https://partner.example/parcours",
        "✓",  # as `partners list` shows it
    ]

    as_json = cli("--lang", lang, "partners", "list", "--json")
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout) == PARTNERS_JSON
    one = cli("--lang", lang, "partners", "show", "Adecco", "--json")
    assert one.exit_code == 0, one.output
    assert json.loads(one.stdout) == PARTNERS_JSON[1]

    # The secret is kept (the worker signs with it) but never printed, human or JSON.
    with open_store(cli_settings.readmodel_url) as store:
        kept = store.get_partner("Adecco")
    assert kept is not None
    assert kept.secret == SECRET
    for result in (ccas, adecco, listed, shown, as_json, one):
        assert SECRET not in result.stdout + result.stderr
        assert "secret" not in result.stdout.lower()


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        (
            "en",
            "Only a coordinator may change the partner directory: ask one.\n",
        ),
        (
            "fr",
            "Seul un coordinateur peut modifier l'annuaire des partenaires : demandez à "
            "l'un d'eux.\n",
        ),
    ],
    ids=["en", "fr"],
)
def test_staff_may_not_change_the_directory(cli: Cli, lang: str, sentence: str) -> None:
    refused = cli(
        "--lang",
        lang,
        "partners",
        "add",
        "CCAS Cergy",
        "--kind",
        "referrer",
        "--channel",
        "email",
        "--address",
        "ccas@example.org",
    )
    assert refused.exit_code == ExitCode.REFUSED
    assert refused.stderr == sentence
    assert refused.stdout == ""
    assert json.loads(cli("partners", "list", "--json").stdout) == []


@pytest.mark.parametrize(
    ("lang", "sentence"),
    [
        ("en", "No partner named Nobody: see `parcours partners list`.\n"),
        ("fr", "Aucun partenaire nommé Nobody : voir `parcours partners list`.\n"),
    ],
    ids=["en", "fr"],
)
def test_an_unknown_partner_is_not_found(cli: Cli, lang: str, sentence: str) -> None:
    add_ccas_and_adecco(cli)
    for extra in ((), ("--json",)):
        missing = cli("--lang", lang, "partners", "show", "Nobody", *extra)
        assert missing.exit_code == ExitCode.NOT_FOUND
        assert missing.stderr == sentence
        assert missing.stdout == ""


def test_a_webhook_without_a_secret_or_a_web_address_is_refused(cli: Cli) -> None:
    base = ("partners", "add", "Adecco", "--kind", "temp_agency", "--channel", "webhook")
    no_secret = as_coordinator(cli, *base, "--address", "https://partner.example/parcours")
    assert no_secret.exit_code == ExitCode.USAGE
    assert no_secret.stderr == (
        "A webhook partner needs --secret, the shared key its receiver checks signatures with.\n"
    )
    not_web = as_coordinator(cli, *base, "--address", "ftp://partner.example/x", "--secret", SECRET)
    assert not_web.exit_code == ExitCode.USAGE
    assert not_web.stderr.count("\n") == 1
    assert "https://" in not_web.stderr
    french = as_coordinator(
        cli, "--lang", "fr", *base, "--address", "ftp://partner.example/x", "--secret", SECRET
    )
    assert french.exit_code == ExitCode.USAGE
    assert "L'adresse d'un webhook doit être une URL https://" in french.stderr
    in_clear = as_coordinator(
        cli, *base, "--address", "http://partner.example/parcours", "--secret", SECRET
    )
    assert in_clear.exit_code == ExitCode.USAGE
    assert "only for a receiver on this machine" in in_clear.stderr
    assert json.loads(cli("partners", "list", "--json").stdout) == []


@pytest.mark.parametrize("name", ["", "   "], ids=["empty", "blank"])
def test_a_partner_without_a_name_is_refused(cli: Cli, name: str) -> None:
    """Before: a partner named "" was saved, and could be neither shown nor replaced."""
    base = ("--kind", "referrer", "--channel", "file", "--address", "/tmp/x")
    nameless = as_coordinator(cli, "partners", "add", name, *base)
    assert nameless.exit_code == ExitCode.USAGE
    assert nameless.stderr == (
        "A partner needs a name that is not empty: "
        'give the one it is known by, such as "CCAS Cergy".\n'
    )
    french = as_coordinator(cli, "--lang", "fr", "partners", "add", name, *base)
    assert french.exit_code == ExitCode.USAGE
    assert french.stderr.startswith("Un partenaire a besoin d'un nom non vide")
    assert json.loads(cli("partners", "list", "--json").stdout) == []


@pytest.mark.parametrize("address", ["", "   "], ids=["empty", "blank"])
def test_a_partner_without_an_address_is_refused_in_one_sentence(cli: Cli, address: str) -> None:
    """Before: "parcours failed unexpectedly (ValueError: a partner needs a name and an
    address)", exit 1, in English under --lang fr."""
    typed = ("partners", "add", "CCAS", "--kind", "referrer", "--channel", "file")
    french = as_coordinator(cli, "--lang", "fr", *typed, "--address", address)
    assert french.exit_code == ExitCode.USAGE, french.output
    assert french.stderr.startswith("Un partenaire a besoin d'une adresse où le joindre")
    assert json.loads(cli("partners", "list", "--json").stdout) == []


def test_a_partner_name_with_a_direction_control_is_refused(cli: Cli) -> None:
    base = ("--kind", "referrer", "--channel", "file", "--address", "/tmp/x")
    hidden = as_coordinator(cli, "partners", "add", "CCAS \u202eyg\u202c", *base)
    assert hidden.exit_code == ExitCode.USAGE
    assert hidden.stderr == (
        "A partner name may not hold invisible control characters (Unicode direction "
        "controls, terminal controls such as ESC): type it again without them.\n"
    )
    assert json.loads(cli("partners", "list", "--json").stdout) == []


# -- an unreachable read model ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "start"),
    [("en", "The read model cannot be opened"), ("fr", "Le modèle de lecture ne s'ouvre pas")],
    ids=["en", "fr"],
)
def test_an_unreachable_read_model_is_one_sentence(offline_cli: Cli, lang: str, start: str) -> None:
    for args in (
        ("partners", "list"),
        ("partners", "list", "--json"),
        ("partners", "show", "CCAS"),
        ("notifications", "--failed"),
        ("--role", "coordinator", "partners", "add", "CCAS", *EMAIL_REFERRER),
    ):
        result = offline_cli("--lang", lang, *args, PARCOURS_READMODEL_URL=UNREACHABLE_POSTGRES)
        assert result.exit_code == ExitCode.UNAVAILABLE, (args, result.output)
        assert result.stderr.startswith(start), result.stderr
        assert "PARCOURS_READMODEL_URL" in result.stderr
        assert result.stderr.count("\n") == 1
        assert result.stdout == ""
        assert "Traceback" not in result.output
        assert UNREACHABLE_POSTGRES not in result.output  # nor the URL, which may hold a login


@pytest.mark.parametrize(
    "address",
    ["ccas.example.org", "ccas@example", "accueil ccas@example.org", "ccas@ville.local"],
    ids=["no-at", "no-dot", "space", "special-use"],  # empty: an address left out, below
)
def test_an_email_partner_needs_an_email_address(offline_cli: Cli, address: str) -> None:
    """Before: any text was saved as an email partner's address, and every message to it
    failed at sending time. Checked by email-validator, offline (no DNS lookup)."""
    base = ("partners", "add", "CCAS", "--kind", "referrer", "--channel", "email")
    refused = as_coordinator(offline_cli, *base, "--address", address)
    assert refused.exit_code == ExitCode.USAGE, refused.output
    assert refused.stderr == (
        f"{address} is not an email address a message can be sent to: "
        "give one such as accueil@ccas-cergy.fr.\n"
    )
    french = as_coordinator(offline_cli, "--lang", "fr", *base, "--address", address)
    assert french.exit_code == ExitCode.USAGE
    assert french.stderr == (
        f"{address} n'est pas une adresse électronique à laquelle envoyer un message : "
        "donnez-en une comme accueil@ccas-cergy.fr.\n"
    )


def test_a_valid_email_address_is_not_looked_up(offline_cli: Cli) -> None:
    """A well-formed address passes the check without any network: the command goes on to
    the read model (here unreachable, so exit 5, not 2)."""
    added = offline_cli(
        "--role",
        "coordinator",
        "partners",
        "add",
        "CCAS",
        *EMAIL_REFERRER,
        PARCOURS_READMODEL_URL=UNREACHABLE_POSTGRES,
    )
    assert added.exit_code == ExitCode.UNAVAILABLE, added.output


@pytest.mark.parametrize(
    ("lang", "words"), [("en", "name no mail relay"), ("fr", "aucun relais de messagerie")]
)
def test_an_email_partner_added_without_a_mail_relay_is_warned_of(
    cli: Cli, lang: str, words: str
) -> None:
    """Before: added without a word, then every message to it failed with an English
    "e-mail partners need an SMTP relay" that staff read as the partner's fault."""
    typed = ("--lang", lang, "--role", "coordinator", "partners", "add", "CCAS", *EMAIL_REFERRER)
    added = cli(*typed, PARCOURS_SMTP_HOST="")
    assert added.exit_code == 0, added.output
    assert words in added.stderr
    scripted = cli(*typed, "--json", PARCOURS_SMTP_HOST="")  # the warning on stderr still
    assert json.loads(scripted.stdout)["saved"] is True
    assert words in scripted.stderr
    relayed = cli(*typed, PARCOURS_SMTP_HOST="127.0.0.1")
    assert relayed.exit_code == 0, relayed.output
    assert words not in relayed.stderr
