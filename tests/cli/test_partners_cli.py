"""`parcours partners` and `parcours notifications` over a real dev server, in both languages.

The partner directory and the outbox live in the read model (SQLite in the test's data
folder, shared by the CLI and the worker); notifications come from real pathways driven
through the CLI, delivered by the worker's activity to a file partner.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from parcours.adapters.channels.files import file_name
from parcours.adapters.readmodel import open_store
from parcours.adapters.settings import Settings
from parcours.cli.exit_codes import ExitCode
from tests.cli.conftest import Cli
from tests.cli.test_refer_and_read import PERSON, refer

pytestmark = [pytest.mark.temporal]

SECRET = "s3cr3t-value"
ATP_CRITERIA = ("--criterion", "precarious_worker", "--criterion", "lives_in_territory")
EMAIL_REFERRER = ("--kind", "referrer", "--channel", "email", "--address", "ccas@example.org")
UNREACHABLE_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:1/x"


def as_coordinator(cli: Cli, *args: str) -> Result:
    return cli("--role", "coordinator", *args)


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


def cells(output: str, first: str) -> list[str]:
    """The cells of the table row whose first cell is `first`."""
    for line in output.splitlines():
        row = [cell.strip() for cell in line.split("│")[1:-1]]
        if row and row[0] == first:
            return row
    raise AssertionError(f"no row {first!r} in:\n{output}")


def header(output: str) -> list[str]:
    line = next(line for line in output.splitlines() if line.startswith("┃"))
    return [cell.strip() for cell in line.split("┃")[1:-1]]


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
            "Only a coordinator may change the partner directory: ask one, "
            "or use --role coordinator if you are one.\n",
        ),
        (
            "fr",
            "Seul un coordinateur peut modifier l'annuaire des partenaires : demandez à "
            "l'un d'eux, ou utilisez --role coordinator si vous l'êtes.\n",
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


# -- notifications from real pathways --------------------------------------------------------


def poll(cli: Cli, args: tuple[str, ...], done: Callable[[Any], bool]) -> Any:
    """The JSON of `parcours ARGS --json` once `done` holds (a few seconds at most)."""
    for _ in range(100):
        result = cli(*args, "--json")
        assert result.exit_code == 0, result.output
        found = json.loads(result.stdout)
        if done(found):
            return found
        time.sleep(0.1)
    raise AssertionError(f"{args} never got there: {found}")


def test_a_referrer_is_told_of_the_intake_in_its_folder_with_only_its_fields(
    cli: Cli, tmp_path: Path
) -> None:
    inbox = tmp_path / "ccas-inbox"
    added = as_coordinator(
        cli,
        "partners",
        "add",
        "CCAS",
        "--kind",
        "referrer",
        "--channel",
        "file",
        "--address",
        str(inbox),
    )
    assert added.exit_code == 0, added.output
    pathway_id = refer(cli)
    referred = json.loads(cli("timeline", pathway_id, "--json").stdout)
    assert referred[0]["details"]["referrer"] == "CCAS"  # the partner named by the referral
    assert cli("consent", "give", pathway_id, "referrer").exit_code == 0
    intake = cli("intake", "complete", pathway_id, *ATP_CRITERIA, "--json")
    assert intake.exit_code == 0, intake.output
    seq = json.loads(intake.stdout)["seq"]
    key = f"{pathway_id}:{seq}:referrer:CCAS"

    rows = poll(cli, ("notifications",), lambda rows: any(r["status"] == "sent" for r in rows))
    (row,) = rows
    assert {k: v for k, v in row.items() if k not in {"created_at", "sent_at"}} == {
        "key": key,
        "pathway_id": pathway_id,
        "partner_kind": "referrer",
        "partner_name": "CCAS",
        "channel": "file",
        "event_kind": "intake_completed",
        "event_seq": seq,
        "status": "sent",
        "attempts": 1,
        "last_error": "",
    }
    assert row["sent_at"] is not None

    (written,) = list(inbox.iterdir())
    assert written.name == file_name(key)
    assert written.stat().st_mode & 0o777 == 0o600
    intake_event = json.loads(cli("timeline", pathway_id, "--json").stdout)[seq - 1]
    assert json.loads(written.read_text(encoding="utf-8")) == {
        "idempotency_key": key,
        "partner": "CCAS",
        "partner_kind": "referrer",
        "event_kind": "intake_completed",
        "event_at": intake_event["at"],
        "fields": {"first_name": PERSON[1], "last_name": PERSON[3]},  # referrer's fields only
    }
    assert PERSON[5] not in written.read_text(encoding="utf-8")  # no birth date

    failed = cli("notifications", "--failed", "--json")
    assert failed.exit_code == 0, failed.output
    assert json.loads(failed.stdout) == []

    french = cli("--lang", "fr", "notifications")
    assert french.exit_code == 0, french.output
    assert french.stdout.splitlines()[0] == "Notifications (1)"
    assert header(french.stdout) == [
        "Clé",
        "Réf.",
        "Partenaire",
        "Événement",
        "Statut",
        "Essais",
        "Dernière erreur",
        "Envoyée",
    ]
    sent_at = datetime.fromisoformat(row["sent_at"]).astimezone(UTC)  # PARCOURS_TIMEZONE=UTC
    assert cells(french.stdout, key) == [
        key,
        pathway_id.removeprefix("pathway-")[:8],
        "CCAS (prescripteur, fichier)",
        "Accueil réalisé",
        "envoyée",
        "1",
        "",
        sent_at.strftime("%Y-%m-%d %H:%M"),
    ]


def test_a_notification_that_cannot_be_sent_is_listed_as_failed(cli: Cli) -> None:
    # The test worker has no SMTP relay: an e-mail partner is refused for good.
    added = as_coordinator(
        cli,
        "partners",
        "add",
        "Mission locale",
        "--kind",
        "referrer",
        "--channel",
        "email",
        "--address",
        "orientation@ml.example.org",
    )
    assert added.exit_code == 0, added.output
    referred = cli(
        "refer",
        "--programme",
        "atp-cergy",
        "--referrer",
        "Mission locale",
        "--reason",
        "short contracts",
        "--first-name",
        "Odile",
        "--last-name",
        "Brindejonc",
        "--birth-date",
        "1979-01-01",
        "--json",
    )
    assert referred.exit_code == 0, referred.output
    pathway_id = json.loads(referred.stdout)["pathway_id"]
    assert cli("consent", "give", pathway_id, "referrer").exit_code == 0
    intake = cli("intake", "complete", pathway_id, *ATP_CRITERIA, "--json")
    assert intake.exit_code == 0, intake.output
    key = f"{pathway_id}:{json.loads(intake.stdout)['seq']}:referrer:Mission locale"

    (row,) = poll(cli, ("notifications", "--failed"), bool)
    assert (row["key"], row["status"], row["attempts"], row["sent_at"]) == (key, "failed", 1, None)
    assert row["last_error"] == "e-mail partners need an SMTP relay"
    assert json.loads(cli("notifications", "--json").stdout) == [row]

    events = poll(
        cli,
        ("timeline", pathway_id),
        lambda events: any(e["kind"] == "notification_failed" for e in events),
    )
    failure = next(e for e in events if e["kind"] == "notification_failed")
    assert failure["role"] == "system"
    assert failure["details"]["partner_kind"] == "referrer"

    table = cli("notifications", "--failed")
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[0] == "Notifications (1)"
    assert cells(table.stdout, key)[2:7] == [
        "Mission locale (referrer, e-mail)",
        "Intake completed",
        "failed",
        "1",
        "e-mail partners need an SMTP relay",
    ]


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
