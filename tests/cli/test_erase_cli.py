"""Erasing a person through the CLI on the dev server: afterwards nothing parcours can open
with every key it holds (the engine's history, the read model, the file outbox, the logs)
names the person, while the same search finds them before (the control); the pathway's
events, report, extract and audits still work; another person is untouched; and a second
erasure is refused."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from google.protobuf.message import Message
from sqlalchemy import create_engine, inspect, pool, text
from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment
from typer.testing import Result

from parcours.activities.lazy_store import LazyStore
from parcours.activities.person_keys import PersonSealer
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.encryption import EncryptionCodec
from parcours.adapters.temporal.fingerprint import fingerprints
from parcours.app.client import PathwayClient
from parcours.app.referral import refer_person
from parcours.cli.app import build_app
from parcours.cli.exit_codes import ExitCode
from parcours.programmes import get_programme
from parcours.workflows.reservation import reservation_id
from tests.cli.logged_reads import read_log_rows
from tests.cli.runner import Cli, as_coordinator, refer
from tests.polling import eventually_blocking
from tests.servers import TEST_KEYRING
from tests.support import meta, participant, referral

pytestmark = pytest.mark.temporal

PHONE = "+33 6 55 44 33 22"
BORN = "1990-04-02"
UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/x"
NAMES = ("Zephyrine", "Quillfeather", "1990-04-02", PHONE)
WAIVED = "Zephyrine Quillfeather's sister houses her"
"""A reason staff typed that names the person: sealed under her key like her identity."""
REFERRED = "Zephyrine Quillfeather, sent by the CCAS after her eviction"
"""The referral's reason, typed at the most sensitive moment: sealed under her key too."""
OTHER = ("--first-name", "Ottoline", "--last-name", "Brackenridge", "--birth-date", "1984-11-30")


def history_opened(address: str, settings: Settings, pathway_id: str) -> str:
    """Every payload of the pathway's history, decrypted with the keyring, with every sealed
    value opened with the person keys the read model still holds: all parcours can read."""

    async def fetch() -> list[str]:
        client = await Client.connect(address)
        history = await client.get_workflow_handle(pathway_id).fetch_history()
        texts: list[str] = []
        for event in history.events:
            _decode_all(event, EncryptionCodec(TEST_KEYRING), texts)
        return texts

    sealer = PersonSealer(LazyStore(settings.readmodel_url), TEST_KEYRING)
    return " ".join(sealer.open(asyncio.run(fetch())))


def _decode_all(message: Message, codec: EncryptionCodec, texts: list[str]) -> None:
    """The text of every payload inside `message`, decrypted."""
    if isinstance(message, Payload):
        texts.append(codec.decrypt(message).data.decode(errors="replace"))
        return
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if isinstance(value, Message):
            _decode_all(value, codec, texts)
            continue
        for item in value.values() if hasattr(value, "values") else value:
            if isinstance(item, Message):
                _decode_all(item, codec, texts)


def readmodel_text(url: str) -> str:
    engine = create_engine(url, poolclass=pool.NullPool)
    try:
        with engine.connect() as conn:
            return " ".join(
                str(row)
                for table in inspect(conn).get_table_names()
                for row in conn.execute(text(f'SELECT * FROM "{table}"'))
            )
    finally:
        engine.dispose()


def files_text(folder: Path) -> str:
    if not folder.exists():
        return ""
    return " ".join(p.read_text(errors="replace") for p in folder.rglob("*") if p.is_file())


def answering(cli: Cli, stdin: str, *args: str) -> Result:
    """`parcours ARGS` as a coordinator, typing `stdin` at the prompt."""
    env = {**cli.env, "PARCOURS_ROLE": "coordinator"}
    return cli.runner.invoke(build_app("en"), list(args), env=env, input=stdin)


def found(names: tuple[str, ...], *texts: str) -> list[str]:
    joined = " ".join(texts)
    variants = {n: (n, json.dumps(n)[1:-1]) for n in names}
    return [n for n, forms in variants.items() if any(f in joined for f in forms)]


def engine_files_text(temporal_env: WorkflowEnvironment) -> str:
    """The dev server's SQLite file (and its write-ahead log) as stored, bytes as text."""
    db: Path = temporal_env.db_path  # type: ignore[attr-defined]
    paths = [db, db.with_name(db.name + "-wal")]
    return " ".join(p.read_bytes().decode(errors="replace") for p in paths if p.exists())


def test_erasure_leaves_nothing_of_the_person_and_keeps_the_pathway(
    cli: Cli,
    cli_settings: Settings,
    cli_env: dict[str, str],
    tmp_path: Path,
    temporal_env: WorkflowEnvironment,
) -> None:
    address, url = cli_env["PARCOURS_TEMPORAL_ADDRESS"], cli_settings.readmodel_url
    outbox = tmp_path / "partner-outbox"
    added = as_coordinator(
        cli, "partners", "add", "CCAS", "--kind", "referrer", "--channel", "file",
        "--address", str(outbox),
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    pid = refer(cli, "--phone", PHONE, "--reason", REFERRED)  # the last --reason is taken
    other = refer(cli, *OTHER)
    for args in (
        ("consent", "give", pid, "referrer"),
        ("intake", "complete", pid, "--criterion", "precarious_worker",
         "--criterion", "lives_in_territory"),
        ("barrier", "add", pid, "housing"),
        ("barrier", "waive", pid, "b1", "--reason", WAIVED),
        ("contact", pid),
    ):  # fmt: skip
        done = cli(*args)
        assert done.exit_code == 0, (args, done.output)
    eventually_blocking(lambda: files_text(outbox), what="the referrer's message in the outbox")

    def everything() -> list[str]:
        return found(
            NAMES,
            history_opened(address, cli_settings, pid),
            readmodel_text(url),
            files_text(outbox),
            files_text(tmp_path / "logs"),
        )

    assert "Quillfeather" in cli("show", pid).stdout
    assert WAIVED in cli("timeline", pid, "--json").stdout  # opened for the reader
    assert WAIVED not in readmodel_text(url)  # the read model holds it sealed
    assert REFERRED in cli("timeline", pid, "--json").stdout
    assert REFERRED not in readmodel_text(url)
    rebuilt = as_coordinator(cli, "readmodel", "rebuild")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert [t for t in (REFERRED, WAIVED) if t in readmodel_text(url)] == []  # still sealed
    assert set(everything()) >= {"Zephyrine", "Quillfeather", "1990-04-02"}  # the control
    assert found(NAMES, engine_files_text(temporal_env)) == []  # as stored: always encrypted

    refused = cli("erase", pid, "--reason", "asked by the person", "--yes")
    assert refused.exit_code == ExitCode.REFUSED, refused.output  # staff may not
    declined = answering(cli, "n\n", "erase", pid, "--reason", "asked by the person")
    assert declined.exit_code == 0
    assert "Nothing was erased" in declined.stdout
    asked = "Erase Zephyrine Quillfeather (born 1990-04-02), the person of"
    assert asked in declined.stderr  # named before the answer: the wrong person is not erased
    named = [r["command"] for r in read_log_rows(url) if r["pathway_id"] == pid]
    assert named[-1] == "erase_confirm"  # naming them is a read, logged
    erased = as_coordinator(cli, "erase", pid, "--reason", "asked by the person", "--yes")
    assert erased.exit_code == 0, erased.output
    assert "reason(s) typed on" not in erased.stdout  # every reason was sealed

    assert everything() == []
    assert found(NAMES, engine_files_text(temporal_env)) == []
    again = as_coordinator(cli, "erase", pid, "--reason", "asked again", "--yes")
    assert again.exit_code == ExitCode.REFUSED
    assert "already_erased" in again.output
    erasures = [r for r in read_log_rows(url) if r["command"] == "erase" and r["pathway_id"] == pid]
    assert len(erasures) == 1  # the refused second erasure opened nothing: no read logged
    assert "Allowed now" not in again.output  # no pathway's actions: not "none" either

    shown = cli("show", pid)
    assert shown.exit_code == 0, shown.output
    assert "Quillfeather" not in shown.stdout
    assert "[erased]" in shown.stdout  # said, not a blank that reads as never known
    (due,) = [line for line in shown.stdout.splitlines() if "Next alert due" in line]
    assert due.split()[-2:] == ["due", "—"]  # a closed pathway raises no alert again
    after = cli("next", pid)
    assert after.exit_code == 0, after.output
    assert "is closed for good since" in after.stdout  # not an empty table of actions
    assert json.loads(cli("show", pid, "--json").stdout)["status"]["next_alert_at"] is None
    assert json.loads(cli("next", pid, "--json").stdout)["closed_at"] is not None
    listed = eventually_blocking(  # its run ends: `list --closed` names no next alert
        lambda: json.loads(cli("list", "--closed", "--json").stdout),
        lambda rows: any(r["pathway_id"] == pid and not r["running"] for r in rows),
        what=f"{pid}'s run has ended",
    )
    assert [r["next_alert_at"] for r in listed if r["pathway_id"] == pid] == [None]
    # Its run has ended: an action is refused saying what closed it, not only that it is.
    contact = cli("contact", pid)
    assert contact.exit_code == ExitCode.REFUSED, contact.output
    assert "when its person was erased at a coordinator's request" in contact.stderr
    assert "aucune : clos définitivement" in cli("--lang", "fr", "list", "--closed").stdout
    assert "[erased]" in cli("timeline", pid).stdout  # the waiver's reason
    french = cli("--lang", "fr", "show", pid).stdout
    assert "[effacé]" in french  # in the reader's words, once for the name
    assert "[erased]" not in french
    assert "[effacé] [effacé]" not in french
    assert "[effacé]" in cli("--lang", "fr", "timeline", pid).stdout
    timeline = cli("timeline", pid, "--json")
    kinds = [e["kind"] for e in json.loads(timeline.stdout)]
    assert "[erased]" in [e["reason"] for e in json.loads(timeline.stdout)]
    assert kinds[-1] == "person_erased"
    assert "intake_completed" in kinds
    assert "Ottoline" in cli("show", other).stdout  # another person is untouched
    reads: list[tuple[str, ...]] = [
        ("--role", "coordinator", "report", "atp-cergy"),
        (
            "--as",
            "aud-01",
            "--role",
            "auditor",
            "extract",
            "atp-cergy",
            "--out",
            str(tmp_path / "x"),
        ),
        ("--as", "aud-01", "--role", "auditor", "audit", "trail", pid),
        ("--as", "aud-01", "--role", "auditor", "audit", "at", pid, "--when", "2099-01-01"),
    ]
    for read in reads:
        done = cli(*read)
        assert done.exit_code == 0, (read, done.output)
        assert found(NAMES, done.stdout) == [], read
    # Every pathway of the shared dev server replays, some left failing on purpose by other
    # tests (exit 6 then): this one's line says it replayed cleanly, with no name in it.
    replay = ("--as", "aud-01", "--role", "auditor", "audit", "replay", "--all", "--jobs", "1")
    replayed = cli(*replay)
    (ours,) = [line for line in replayed.stdout.splitlines() if pid in line]
    assert ours.startswith("ok"), replayed.output
    assert found(NAMES, replayed.stdout) == []


def test_a_pathway_referred_before_sealing_is_erased_and_says_what_its_history_keeps(
    cli: Cli, cli_settings: Settings, cli_env: dict[str, str]
) -> None:
    """Referred by a client without person keys (as before them): the erasure records its
    event, closes the pathway and deletes the reservation all the same, `show` no longer
    names the person, and the command says the history still holds the identity, which
    the history (decrypted with the keyring) indeed does: the documented limit."""
    address = cli_env["PARCOURS_TEMPORAL_ADDRESS"]

    async def refer_in_clear() -> str:
        client = await Client.connect(address, data_converter=data_converter(TEST_KEYRING))
        pathways = PathwayClient(client, cli_settings.task_queue)
        person = participant("Ottoline", "Brackenridge")
        return (await refer_person(
            pathways, get_programme("atp-cergy"), person, referral(),
            meta=meta(reason="Brackenridge asked for help"), keyring=TEST_KEYRING,
        )).pathway_id  # fmt: skip

    async def reservations_left() -> int:
        client = await Client.connect(address)
        left = 0
        for mark in fingerprints(TEST_KEYRING, "atp-cergy", "Brackenridge", "Ottoline", BORN):
            queue = cli_settings.task_queue
            handle = client.get_workflow_handle(reservation_id("atp-cergy", mark, queue))
            try:
                await handle.describe()
            except RPCError as err:
                if err.status != RPCStatusCode.NOT_FOUND:
                    raise
                continue
            left += 1
        return left

    pid = asyncio.run(refer_in_clear())
    assert "Brackenridge" in cli("show", pid).stdout
    assert asyncio.run(reservations_left()) == 1
    erased = as_coordinator(cli, "erase", pid, "--reason", "asked by the person", "--yes")
    assert erased.exit_code == 0, erased.output
    assert "referred before identities were sealed" in erased.stdout
    # ...and that the reason typed at the referral stays readable under the keyring.
    assert "Note: 1 reason(s) in the history of" in erased.stdout
    assert "Brackenridge" not in cli("show", pid).stdout
    assert "Brackenridge" in history_opened(address, cli_settings, pid)  # the limit
    assert asyncio.run(reservations_left()) == 0


def test_without_the_read_model_no_one_is_referred(cli: Cli) -> None:
    """The person's key cannot be stored: nothing is sent or claimed (exit 5, one line)."""
    for lang, start in (("en", "Nothing is shown or sent"), ("fr", "Rien n'est affiché ni")):
        result = cli(
            "--lang", lang, "refer", "--programme", "atp-cergy", "--referrer", "CCAS",
            "--reason", "precarious part-time work", *OTHER,
            PARCOURS_READMODEL_URL=UNREACHABLE,
        )  # fmt: skip
        assert result.exit_code == ExitCode.UNAVAILABLE, result.output
        assert result.stderr.startswith(start), result.stderr
        assert result.stderr.count("\n") == 1
    assert refer(cli, *OTHER).startswith("pathway-")  # not claimed: referred once it is back


def test_the_question_is_asked_in_french_and_a_closed_input_erases_nothing(cli: Cli) -> None:
    """`[o/N]` answered `oui` in French; a script that forgot --yes (no input to read) is
    told how to go on, with the usage exit code, and nothing is erased."""
    person = ("--first-name", "Philippa", "--last-name", "Marchbanks", "--birth-date", "1979-06-15")
    pid = refer(cli, *person)
    closed = answering(cli, "", "erase", pid, "--reason", "asked by the person")
    assert closed.exit_code == ExitCode.USAGE, closed.output
    assert "add --yes to go ahead without being asked" in closed.stderr
    assert "Marchbanks" in cli("show", pid).stdout
    env = {**cli.env, "PARCOURS_ROLE": "coordinator"}
    args = ["--lang", "fr", "erase", pid, "--reason", "à sa demande"]
    french = cli.runner.invoke(build_app("fr"), args, env=env, input="oui\n")
    assert french.exit_code == 0, french.output
    assert "[o/N]" in french.stderr  # asked on stderr: --json output stays JSON
    assert "Effacer définitivement Philippa Marchbanks (né(e) le 1979-06-15)" in french.stderr
    assert "Marchbanks" not in cli("show", pid).stdout


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_erased_pathway_says_what_closed_it_and_nothing_reads_as_alive(
    cli: Cli, lang: str
) -> None:
    """A DPO's trial: after an erasure `show` said only "Closed for good on …", its
    consent still "valid" and its appointment to come "scheduled", as if the person were
    still followed. Now each says the pathway closed, and why."""
    pid = refer(cli)
    assert cli("consent", "give", pid, "referrer").exit_code == 0
    slot = ("--at", f"{date.today() + timedelta(days=7)}T10:00", "--kind", "individual")
    assert cli("appointment", "add", pid, *slot, "--place", "office").exit_code == 0
    erased = as_coordinator(cli, "erase", pid, "--reason", "asked by the person", "--yes")
    assert erased.exit_code == 0, erased.output

    shown = " ".join(cli("--lang", lang, "show", pid, COLUMNS="400").stdout.split())
    said = {
        "en": (
            "(its person erased at a coordinator's request)",
            "no longer used: the pathway closed on",
            "not held: the pathway closed on",
        ),
        "fr": (
            "(sa personne effacée à la demande d'un coordinateur)",
            "plus utilisé : le parcours a été clos le",
            "sans suite : le parcours a été clos le",
        ),
    }
    for words in said[lang]:
        assert words in shown, shown
    assert {"en": " valid ", "fr": " valable "}[lang] not in shown
    assert said[lang][0] in " ".join(cli("--lang", lang, "next", pid).stdout.split())
    status = json.loads(cli("show", pid, "--json").stdout)["status"]
    assert status["closure"] == "erased"
