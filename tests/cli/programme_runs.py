"""Running a programme through the CLI: partners, sessions, people referred into them,
and waiting for the read model to hold them. Shared by the session and job-dating tests."""

from __future__ import annotations

import json

from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import Cli, as_coordinator
from tests.polling import eventually_blocking

ND_CRITERIA = (
    "--criterion",
    "referred_by_partner_association",
    "--criterion",
    "wishes_to_leave_prostitution",
    "--criterion",
    "temp_work_presented",
)
ATP_CRITERIA = ("--criterion", "precarious_worker", "--criterion", "lives_in_territory")
AMICALE = "Amicale du Nid"


def add_referrer(cli: Cli, name: str = AMICALE) -> None:
    added = as_coordinator(
        cli, "partners", "add", name, "--kind", "referrer", "--channel", "email",
        "--address", "orientation@amicale.example.org",
    )  # fmt: skip
    assert added.exit_code == 0, added.output


def open_session(cli: Cli, name: str, *extra: str, programme: str = "nouveau-depart") -> None:
    opened = as_coordinator(
        cli, "session", "open", name, "--programme", programme, "--start", "2026-03-01", *extra
    )
    assert opened.exit_code == 0, opened.output


def refer_into(cli: Cli, first: str, *extra: str, programme: str = "nouveau-depart") -> str:
    """Refer a person (named `first` Quillfeather) by the Amicale du Nid; the pathway id."""
    referred = cli(
        "refer", "--programme", programme, "--referrer", AMICALE, "--reason", "wants to work",
        "--first-name", first, "--last-name", "Quillfeather", "--birth-date", "1990-04-02",
        "--json", *extra,
    )  # fmt: skip
    assert referred.exit_code == 0, referred.output
    pathway_id: str = json.loads(referred.stdout)["pathway_id"]
    return pathway_id


def session_people(cli: Cli, name: str) -> dict[str, list[str]]:
    shown = cli("session", "show", name, "--json")
    assert shown.exit_code == 0, shown.output
    by_stage: dict[str, list[str]] = json.loads(shown.stdout)["by_stage"]
    return by_stage


def when_projected(cli: Cli, name: str, stages: dict[str, int]) -> dict[str, list[str]]:
    """The session's people once the read model shows this many at each stage. A month's
    session nobody opened is known once its first pathway is projected: until then it is
    not found, and asked again."""

    def people() -> dict[str, list[str]]:
        if cli("session", "show", name).exit_code == ExitCode.NOT_FOUND:
            return {}
        return session_people(cli, name)

    return eventually_blocking(
        people,
        lambda found: {stage: len(ids) for stage, ids in found.items()} == stages,
        what=f"the read model shows {stages} in session {name}",
    )


def act(cli: Cli, *args: str) -> None:
    done = cli(*args)
    assert done.exit_code == 0, done.output
