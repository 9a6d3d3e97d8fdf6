"""Who reads what: partners do not read pathways, auditors read them without the person."""

from __future__ import annotations

import json

import pytest

from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import Cli, refer


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "auditors, coordinators and staff read them."),
        ("fr", "ils sont consultés par les auditeurs, les coordinateurs et le personnel."),
    ],
)
def test_a_partner_reads_no_pathway(cli: Cli, lang: str, said: str) -> None:
    pathway_id = refer(cli)
    for command in (
        ("show", pathway_id),
        ("timeline", pathway_id),
        ("next", pathway_id),
        ("list",),
    ):
        result = cli("--lang", lang, "--role", "partner", *command)
        assert result.exit_code == ExitCode.REFUSED, (command, result.output)
        assert said in result.stderr
        assert "Quillfeather" not in result.output
    alerts = cli("--lang", lang, "--role", "partner", "alerts")
    assert alerts.exit_code == ExitCode.REFUSED


def test_an_auditor_reads_the_pathway_but_not_the_person(cli: Cli) -> None:
    pathway_id = refer(cli)
    shown = cli("--role", "auditor", "show", pathway_id, "--json")
    assert shown.exit_code == 0, shown.output
    document = json.loads(shown.stdout)
    assert document["participant"] is None
    assert document["status"]["pathway_id"] == pathway_id
    assert document["status"]["allowed"] == []
    assert "Quillfeather" not in shown.stdout
    # An auditor may take no action: nothing is offered.
    offered = json.loads(cli("--role", "auditor", "next", pathway_id, "--json").stdout)
    assert offered["allowed"] == []
    staff = json.loads(cli("show", pathway_id, "--json").stdout)
    assert staff["participant"]["last_name"] == "Quillfeather"
