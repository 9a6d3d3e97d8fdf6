"""`parcours retention sweep` on the dev server: pathways whose run ended under the earlier
rule (closed for good at the end of the retention after exit: the worker answers
`RETENTION_BY_CONTACT_PATCH` no, as workers did before it) are erased once their retention
by the last contact is over. One past due is erased (its key destroyed, its identity
`[erased]`, the read log keeping who erased it), one not yet due is left, one erased
already is skipped, a running one is never listed; `--dry-run` and a declined prompt
change nothing; one failure stops nothing and ends in exit 5 (no answer) or 3 (refused);
staff are refused."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from typer.testing import Result

from parcours.adapters.readmodel import open_store
from parcours.adapters.settings import Settings
from parcours.app.erasure import erase_person
from parcours.app.errors import RequestRefused
from parcours.cli.app import build_app
from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import Cli, ThreadedWorker, as_coordinator, refer
from tests.polling import eventually_blocking
from tests.workflows.races import answered_no

pytestmark = pytest.mark.temporal

NOW = datetime.now(UTC)


@pytest.fixture
def earlier_cli(
    monkeypatch: pytest.MonkeyPatch, cli_env: dict[str, str], cli_settings: Settings
) -> Iterator[Cli]:
    """`parcours` with a worker of before the retention by the last contact."""
    answered_no(monkeypatch)
    with ThreadedWorker(cli_env["PARCOURS_TEMPORAL_ADDRESS"], cli_settings):
        yield Cli(cli_env)


def ended(cli: Cli, programme: str, exited_days_ago: int) -> str:
    """A pathway referred three years ago and exited `exited_days_ago` days ago: past its
    retention after exit, it closes for good at once, its run completed."""
    pid = refer(cli, "--on", (NOW - timedelta(days=1100)).isoformat(), programme=programme)
    on = (NOW - timedelta(days=exited_days_ago)).isoformat()
    done = cli("exit", pid, "moved_away", "--reason", "moved away", "--on", on)
    assert done.exit_code == 0, done.output
    eventually_blocking(
        lambda: json.loads(cli("list", "--closed", "--json").stdout),
        lambda rows: any(r["pathway_id"] == pid and not r["running"] for r in rows),
        what=f"{pid} closed for good",
    )
    return pid


def declining(cli: Cli, *args: str) -> Result:
    """`parcours ARGS` as a coordinator, answering no at the prompt."""
    env = {**cli.env, "PARCOURS_ROLE": "coordinator"}
    return cli.runner.invoke(build_app("en"), list(args), env=env, input="n\n")


def dry_run(cli: Cli) -> dict[str, Any]:
    result = as_coordinator(cli, "retention", "sweep", "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.stdout)
    return found


def keys(settings: Settings, pathway_id: str) -> int:
    with open_store(settings.readmodel_url) as store:
        return len(store.keys_of_pathway(pathway_id))


def test_sweep_erases_the_ended_pathways_past_due_and_only_them(
    earlier_cli: Cli, cli_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = earlier_cli
    past = ended(cli, "atp-cergy", 800)  # last contact 800 days ago: due 70 days ago
    failing = ended(cli, "atp-cergy", 790)
    not_yet = ended(cli, "nouveau-depart", 400)  # closed after a year, due in 330 days
    erased = ended(cli, "atp-cergy", 800)
    done = as_coordinator(cli, "erase", erased, "--reason", "asked by the person", "--yes")
    assert done.exit_code == 0, done.output
    running = refer(cli, "--on", (NOW - timedelta(days=1100)).isoformat())

    listed = dry_run(cli)
    due = {row["pathway_id"]: row for row in listed["due"]}
    assert set(due) == {past, failing}, (listed, not_yet, erased, running)
    exited = datetime.fromisoformat(due[past]["due_at"]) - timedelta(days=730)
    assert abs(exited - (NOW - timedelta(days=800))) < timedelta(days=2)
    assert due[past]["reason"].startswith("retention: no contact since ")
    printed = cli("--lang", "fr", "--role", "coordinator", "retention", "sweep", "--dry-run")
    assert printed.exit_code == 0, printed.output
    assert "Parcours terminés dont la conservation est écoulée, à effacer (2)" in printed.stdout
    # The data-protection officer (an auditor) sees the same list; only a coordinator erases.
    audited = cli("--role", "auditor", "retention", "sweep", "--dry-run", "--json")
    assert audited.exit_code == 0, audited.output
    assert {row["pathway_id"] for row in json.loads(audited.stdout)["due"]} == {past, failing}
    not_theirs = cli("--role", "auditor", "retention", "sweep", "--yes")
    assert not_theirs.exit_code == ExitCode.REFUSED, not_theirs.output
    declined = declining(cli, "retention", "sweep")
    assert declined.exit_code == 0, declined.output
    assert "Nothing was erased." in declined.stdout
    assert past in declined.stdout
    assert keys(cli_settings, past) == keys(cli_settings, failing) == 1  # nothing changed

    failure: list[Exception] = [TimeoutError()]  # no answer: exit 5, then a refusal: 3

    async def failing_once(*args: Any) -> Any:
        if args[3] == failing:
            raise failure[0]
        return await erase_person(*args)

    monkeypatch.setattr("parcours.app.retention_sweep.erase_person", failing_once)
    swept = as_coordinator(cli, "retention", "sweep", "--yes")
    assert swept.exit_code == ExitCode.UNAVAILABLE, swept.output
    assert [line.split(" could not be erased:")[0] for line in swept.stderr.splitlines()] == [
        failing
    ]
    assert "Persons erased: 1; failed: 1." in swept.stdout
    failure[0] = RequestRefused("the service refused it", "pathway_closed", [], "", {})
    refused = as_coordinator(cli, "--lang", "fr", "retention", "sweep", "--yes")
    assert refused.exit_code == ExitCode.REFUSED, refused.output
    assert f"{failing} n'a pas pu être effacé :" in refused.stderr
    assert "Personnes effacées : 0 ; échecs : 1." in refused.stdout
    monkeypatch.setattr("parcours.app.retention_sweep.erase_person", erase_person)

    assert keys(cli_settings, past) == 0
    assert keys(cli_settings, not_yet) == keys(cli_settings, running) == 1
    shown = as_coordinator(cli, "show", past, "--json")
    assert shown.exit_code == 0, shown.output
    assert "Quillfeather" not in shown.stdout
    assert "[erased]" in shown.stdout
    reads = json.loads(as_coordinator(cli, "audit", "reads", past, "--json").stdout)["reads"]
    assert [(r["command"], r["actor_id"], r["role"]) for r in reads if r["command"] == "erase"] == [
        ("erase", "staff-7f3a", "coordinator")
    ]

    again = as_coordinator(cli, "retention", "sweep", "--yes", "--json")
    assert again.exit_code == 0, again.output
    assert [e["pathway_id"] for e in json.loads(again.stdout)["erased"]] == [failing]
    assert dry_run(cli)["due"] == []


def test_only_a_coordinator_sweeps(offline_cli: Cli) -> None:
    for lang, said, preview in (
        (
            "en",
            "Only a coordinator may erase the persons of pathways whose retention is over.",
            "Only auditors and coordinators may list what a sweep would erase",
        ),
        (
            "fr",
            "Seul un coordinateur peut effacer les personnes des parcours dont la conservation",
            "Seuls les auditeurs et les coordinateurs peuvent lister",
        ),
    ):
        for dry, words in (((), said), (("--dry-run",), preview)):
            refused: Result = offline_cli(
                "--lang", lang, "--role", "staff", "retention", "sweep", *dry
            )
            assert refused.exit_code == ExitCode.REFUSED, refused.output
            assert words in refused.stderr
            assert len(refused.stderr.strip().splitlines()) == 1
