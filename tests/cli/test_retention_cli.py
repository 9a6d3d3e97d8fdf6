"""`parcours retention list|extend` on the dev server: a new pathway is listed with the date
its person is to be anonymised (24 months after the referral, its last contact), `--within`
narrows the list, a coordinator's extension moves the date, and bad input is refused in
one sentence with its exit code, in English and French."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from parcours.cli.exit_codes import ExitCode
from parcours.domain.calendar import add_months
from tests.cli.runner import Cli, as_coordinator, refer
from tests.polling import eventually_blocking

pytestmark = pytest.mark.temporal


def listed(cli: Cli, *extra: str) -> dict[str, datetime]:
    result = cli("retention", "list", "--json", *extra)
    assert result.exit_code == 0, result.output
    return {
        row["pathway_id"]: datetime.fromisoformat(row["retention_due_at"])
        for row in json.loads(result.stdout)
    }


def test_a_new_pathway_is_listed_and_a_coordinator_extends_it(cli: Cli) -> None:
    # Referred 200 days ago: an extension 90 days past the due date stays within the 24
    # months ahead an extension may go.
    pid = refer(cli, "--on", (datetime.now(UTC) - timedelta(days=200)).isoformat())
    due = eventually_blocking(lambda: listed(cli).get(pid), what="the pathway's due date")
    referred = json.loads(cli("show", pid, "--json").stdout)["status"]["referred_at"]
    assert due == add_months(datetime.fromisoformat(referred), 24)
    assert pid not in listed(cli, "--within", "30")
    assert pid in listed(cli, "--within", "600")
    shown = cli("show", pid)  # not exited: `show` gives the date all the same
    assert shown.exit_code == 0, shown.output
    assert "Person to be anonymised on (retention from the last entry" in shown.stdout
    assert due.date().isoformat() in shown.stdout
    assert json.loads(cli("show", pid, "--json").stdout)["status"]["retention_due_at"]
    printed = cli("--lang", "fr", "retention", "list")
    assert printed.exit_code == 0, printed.output
    assert "Dossiers à anonymiser" in printed.stdout
    assert "Orienté" in printed.stdout  # the stage in the reader's words
    assert " referred " not in printed.stdout  # not its stored key

    until = (due + timedelta(days=90)).date().isoformat()
    extend = ("retention", "extend", pid, "--until", until, "--reason", "court")
    done = as_coordinator(cli, *extend, "--request-id", f"req-extend-{pid}")
    assert done.exit_code == 0, done.output
    assert "The record is kept until" in done.stdout
    again = as_coordinator(cli, *extend, "--request-id", f"req-extend-{pid}")  # a retry
    assert again.exit_code == 0, again.output
    moved = eventually_blocking(
        lambda: listed(cli).get(pid) if listed(cli).get(pid) != due else None,
        what="the extended date",
    )
    assert moved is not None
    assert moved.date().isoformat() == until
    kinds = [e["kind"] for e in json.loads(cli("timeline", pid, "--json").stdout)]
    assert kinds[-1] == "retention_extended"
    assert kinds.count("retention_extended") == 1


def test_bad_input_is_refused_in_one_sentence(cli: Cli) -> None:
    pid = refer(cli)
    cases = [
        (("retention", "list", "--within", "-3"), ExitCode.USAGE, "--within takes a number"),
        (("--role", "staff", "retention", "extend", pid, "--until", "2031-01-01",
          "--reason", "court"), ExitCode.REFUSED, "Only a coordinator may extend"),
        (("--role", "coordinator", "retention", "extend", pid, "--until", "2031-01-01"),
         ExitCode.USAGE, "An extension needs a reason"),
        (("--role", "coordinator", "retention", "extend", pid, "--until", "soon",
          "--reason", "court"), ExitCode.USAGE, "is not a date for --until"),
        (("--role", "coordinator", "retention", "extend", pid, "--until", "2020-01-01",
          "--reason", "court"), ExitCode.REFUSED, "must be after the current due date"),
        (("--role", "coordinator", "retention", "extend", pid, "--until", "2099-01-01",
          "--reason", "court"), ExitCode.REFUSED, "the latest date allowed is"),
    ]  # fmt: skip
    for args, code, said in cases:
        result = cli(*args)
        assert result.exit_code == code, (args, result.output)
        assert said in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    french = cli("--lang", "fr", "--role", "coordinator", "retention", "extend", pid,
                 "--until", "2020-01-01", "--reason", "court")  # fmt: skip
    assert french.exit_code == ExitCode.REFUSED, french.output
    assert "doit être postérieure à l'échéance actuelle" in french.stderr
    too_far = cli("--lang", "fr", "--role", "coordinator", "retention", "extend", pid,
                  "--until", "2099-01-01", "--reason", "court")  # fmt: skip
    assert too_far.exit_code == ExitCode.REFUSED, too_far.output
    assert "la date la plus tardive permise est le" in too_far.stderr


def test_adopt_says_what_it_did_and_refuses_bad_input(cli: Cli) -> None:
    """A new pathway follows the rule from its start: adopting it changes nothing, said in
    one sentence; `--all` reports the same in JSON (the workflow lane shows an earlier
    pathway adopting it, `tests/workflows/test_retention_adopt.py`)."""
    pid = refer(cli)
    cases = [
        (("--role", "coordinator", "retention", "adopt"), ExitCode.USAGE, "Name one pathway"),
        (("--role", "coordinator", "retention", "adopt", pid, "--all"), ExitCode.USAGE,
         "Name one pathway"),
        (("--role", "staff", "retention", "adopt", pid), ExitCode.REFUSED,
         "Only a coordinator may make a pathway follow"),
    ]  # fmt: skip
    for args, code, said in cases:
        result = cli(*args)
        assert result.exit_code == code, (args, result.output)
        assert said in result.stderr, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    done = as_coordinator(cli, "retention", "adopt", pid)
    assert done.exit_code == 0, done.output
    assert "already follows the retention by the last contact" in done.stdout
    french = cli("--lang", "fr", "--role", "coordinator", "retention", "adopt", pid)
    assert "suit déjà la conservation après le dernier contact" in french.stdout
    every = as_coordinator(cli, "retention", "adopt", "--all", "--json")
    assert every.exit_code == 0, every.output
    assert pid not in json.loads(every.stdout)["adopted"]
    # Counted as following, as `retention list` lists it (it was "already: 0").
    eventually_blocking(lambda: listed(cli).get(pid), what="the pathway's due date projected")
    assert (
        pid
        in json.loads(as_coordinator(cli, "retention", "adopt", "--all", "--json").stdout)[
            "already"
        ]
    )
    said = as_coordinator(cli, "retention", "adopt", "--all").stdout
    assert "already following it: 1;" in said
