"""A request id names one request: a retry is answered once, another command is refused.

On today's main, a second command under a request id already used was dropped by the
service and answered with the first command's result, printed as if it were the second's.
"""

from __future__ import annotations

import json

from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import Cli, refer
from tests.polling import eventually_blocking


def timeline_kinds(cli: Cli, pathway_id: str) -> list[str]:
    return [e["kind"] for e in json.loads(cli("timeline", pathway_id, "--json").stdout)]


def test_a_request_id_reused_for_another_command_is_refused_naming_the_first(cli: Cli) -> None:
    pathway_id = refer(cli)
    first = cli("contact", pathway_id, "--request-id", "req-1", "--json")
    assert first.exit_code == 0, first.output
    before = timeline_kinds(cli, pathway_id)

    other = cli("barrier", "add", pathway_id, "housing", "--request-id", "req-1")
    assert other.exit_code == ExitCode.USAGE, other.output
    assert other.stderr.strip() == (
        "The request id req-1 was already used to record a contact: a request id names one "
        "request, and nothing was recorded for this one. Send it again with a new "
        "--request-id, or with none."
    )
    french = cli("--lang", "fr", "french", "assess", pathway_id, "B1", "--request-id", "req-1")
    assert french.exit_code == ExitCode.USAGE, french.output
    assert (
        "L'identifiant de requête req-1 a déjà servi à : enregistrer un contact." in french.stderr
    )
    assert timeline_kinds(cli, pathway_id) == before

    again = cli("contact", pathway_id, "--request-id", "req-1", "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["seq"] == json.loads(first.stdout)["seq"]
    assert timeline_kinds(cli, pathway_id) == before


def test_a_referrals_request_id_is_not_taken_by_a_later_command(cli: Cli) -> None:
    pathway_id = refer(cli, "--request-id", "req-referral")
    reused = cli("contact", pathway_id, "--request-id", "req-referral")
    assert reused.exit_code == ExitCode.USAGE, reused.output
    assert "already used to refer a participant" in reused.stderr
    assert timeline_kinds(cli, pathway_id) == ["referred"]


def test_a_referral_retried_answers_its_pathway_and_another_under_its_id_is_refused(
    cli: Cli,
) -> None:
    pathway_id = refer(cli, "--request-id", "req-ref-2")
    retried = refer(cli, "--request-id", "req-ref-2")
    assert retried == pathway_id

    someone_else = cli(
        "refer", "--programme", "atp-cergy", "--referrer", "CCAS", "--reason", "r",
        "--first-name", "Ana", "--last-name", "Ferreira", "--birth-date", "1988-06-01",
        "--request-id", "req-ref-2",
    )  # fmt: skip
    assert someone_else.exit_code == ExitCode.USAGE, someone_else.output
    assert "The request id req-ref-2 was already used to refer a participant" in (
        someone_else.stderr
    )
    listed = eventually_blocking(  # the service's visibility lists a start within moments
        lambda: json.loads(cli("list", "--json").stdout),
        what="the referral listed",
    )
    assert [p["pathway_id"] for p in listed] == [pathway_id]


def test_a_request_sent_again_under_its_id_says_it_was_recorded_earlier(cli: Cli) -> None:
    """The service answers a request id it has seen with its first answer: an outage trial
    read "Done" on its retry, and could not tell that the first try had gone through."""
    pathway_id = refer(cli)
    first = cli("contact", pathway_id, "--request-id", "req-phoned", "--reason", "phoned")
    assert first.stdout.startswith("Done: Contact recorded"), first.output
    again = cli("contact", pathway_id, "--request-id", "req-phoned", "--reason", "phoned")
    assert again.exit_code == 0, again.output
    assert again.stdout.startswith("Already recorded earlier as Contact recorded"), again.stdout
    said = json.loads(
        cli(
            "contact", pathway_id, "--request-id", "req-phoned", "--reason", "phoned", "--json"
        ).stdout
    )
    assert said["duplicate"] is True
    fresh = cli("contact", pathway_id, "--request-id", "req-new", "--reason", "again")
    assert fresh.stdout.startswith("Done: Contact recorded"), fresh.output  # new: done now
    assert timeline_kinds(cli, pathway_id).count("contact_recorded") == 2
