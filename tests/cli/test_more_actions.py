"""The job-dating outcomes, dropping a training, and a short pathway typed in French.

Each check goes through the CLI on a real dev server and worker: the action's own answer,
then `show --json` (the stage) and `timeline --json` (the recorded events).
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

import pytest

from parcours.cli.exit_codes import ExitCode
from tests.cli.conftest import Cli
from tests.cli.test_refer_and_read import refer

pytestmark = [pytest.mark.temporal]

ATP_CRITERIA = ("--criterion", "precarious_worker", "--criterion", "lives_in_territory")
TO_COACHING = (
    ("intake", "complete", "{ref}", *ATP_CRITERIA),
    ("contract", "sign", "{ref}"),
    ("coaching", "start", "{ref}"),
)


def to_coaching(cli: Cli) -> str:
    """An ATP pathway referred, taken in, under contract and in coaching."""
    pathway_id = refer(cli)
    for step in TO_COACHING:
        result = cli(*(part.format(ref=pathway_id) for part in step), "--json")
        assert result.exit_code == 0, (step, result.output)
    assert stage_of(cli, pathway_id) == "coaching"
    return pathway_id


def stage_of(cli: Cli, pathway_id: str, *lang: str) -> str:
    shown = cli(*lang, "show", pathway_id, "--json")
    assert shown.exit_code == 0, shown.output
    stage: str = json.loads(shown.stdout)["status"]["stage"]
    return stage


def events_of(cli: Cli, pathway_id: str, *lang: str) -> list[dict[str, Any]]:
    timeline = cli(*lang, "timeline", pathway_id, "--json")
    assert timeline.exit_code == 0, timeline.output
    return [e for e in json.loads(timeline.stdout) if e["kind"] != "alert_raised"]


def act(cli: Cli, *args: str) -> dict[str, Any]:
    result = cli(*args, "--json")
    assert result.exit_code == 0, (args, result.output)
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


@pytest.mark.parametrize("outcome", ["hired", "no_match"])
def test_a_jobdating_outcome_leads_to_awaiting_a_mission(cli: Cli, outcome: str) -> None:
    pathway_id = to_coaching(cli)
    answer = act(
        cli, "jobdating", "outcome", pathway_id, outcome, "--agency", "Interim 95", "--reason", "JD"
    )
    assert (answer["event"], answer["stage"], answer["seq"]) == (
        f"jobdating_{outcome}",
        "awaiting_mission",
        5,
    )
    assert "start_mission" in answer["allowed"]
    assert stage_of(cli, pathway_id) == "awaiting_mission"
    events = events_of(cli, pathway_id)
    assert [e["kind"] for e in events] == [
        "referred",
        "intake_completed",
        "contract_signed",
        "coaching_started",
        f"jobdating_{outcome}",
    ]
    last = events[-1]
    assert (last["stage"], last["reason"], last["actor_id"]) == (
        "awaiting_mission",
        "JD",
        "staff-7f3a",
    )
    assert last["details"]["outcome"] == outcome
    assert last["details"]["agency"] == "Interim 95"


def test_a_dropped_training_leads_to_awaiting_a_mission(cli: Cli) -> None:
    pathway_id = to_coaching(cli)
    starts = date.today() + timedelta(days=7)  # well inside the 24-month accompaniment
    ends = starts + timedelta(days=60)
    enrolled = act(
        cli,
        "training",
        "enrol",
        pathway_id,
        "--title",
        "CAP module 1",
        "--provider",
        "GRETA",
        "--start",
        starts.isoformat(),
        "--end",
        ends.isoformat(),
    )
    assert (enrolled["event"], enrolled["stage"]) == ("training_enrolled", "training")
    assert stage_of(cli, pathway_id) == "training"

    dropped = act(cli, "training", "drop", pathway_id, "--reason", "left the module")
    assert (dropped["event"], dropped["stage"]) == ("training_dropped", "awaiting_mission")
    assert stage_of(cli, pathway_id) == "awaiting_mission"
    events = events_of(cli, pathway_id)
    assert [e["kind"] for e in events][-2:] == ["training_enrolled", "training_dropped"]
    assert events[-2]["details"]["provider"] == "GRETA"
    last = events[-1]
    assert last["details"] == {"training_id": events[-2]["details"]["training_id"]}
    assert (last["stage"], last["reason"]) == ("awaiting_mission", "left the module")

    again = cli("training", "drop", pathway_id)
    assert again.exit_code == ExitCode.REFUSED
    assert again.stderr.startswith("Refused by the rule stage: ")
    assert again.stderr.count("\n") == 1
    assert len(events_of(cli, pathway_id)) == len(events)  # the refusal left no event


def test_a_short_pathway_in_french(cli: Cli) -> None:
    fr = ("--lang", "fr")
    referred = cli(
        *fr,
        "refer",
        "--programme",
        "atp-cergy",
        "--referrer",
        "CCAS",
        "--reason",
        "temps partiel subi",
        "--first-name",
        "Aurèle",
        "--last-name",
        "Vantardise",
        "--birth-date",
        "1988-07-14",
    )
    assert referred.exit_code == 0, referred.output
    found = re.fullmatch(
        r"Orientation enregistrée : parcours (pathway-[0-9a-f]{16}) "
        r"\(référence courte ([0-9a-f]{8})\)\.\n",
        referred.stdout,
    )
    assert found is not None, referred.stdout
    pathway_id, short = found.groups()
    assert pathway_id.removeprefix("pathway-").startswith(short)

    signed = "Contrat d'engagement signé"  # the event and the stage it leads to
    for args, event, seq, stage in (
        (
            ("intake", "complete", pathway_id, *ATP_CRITERIA),
            "Accueil réalisé",
            2,
            "Levée des freins",
        ),
        (("contract", "sign", pathway_id), signed, 3, signed),
        (("coaching", "start", pathway_id), "Coaching commencé", 4, "Coaching"),
    ):
        done = cli(*fr, *args)
        assert done.exit_code == 0, (args, done.output)
        first, second = done.stdout.splitlines()
        assert first == f"Enregistré : {event} (événement {seq}) sur {short} ; étape : {stage}."
        assert second.startswith("Possible maintenant : ")

    refused = cli(*fr, "mission", "end", pathway_id)
    assert refused.exit_code == ExitCode.REFUSED
    assert refused.stdout == ""
    assert refused.stderr.startswith("Refusé par la règle stage : ")
    assert " Possible maintenant : " in refused.stderr
    assert "commencer une mission ou un emploi" in refused.stderr
    assert refused.stderr.endswith(".\n")
    assert refused.stderr.count("\n") == 1
    assert "Traceback" not in refused.output

    assert stage_of(cli, pathway_id, *fr) == "coaching"
    assert [e["kind"] for e in events_of(cli, pathway_id, *fr)] == [
        "referred",
        "intake_completed",
        "contract_signed",
        "coaching_started",
    ]  # the refused end of mission never reached history
    timeline = cli(*fr, "timeline", pathway_id)
    assert timeline.exit_code == 0, timeline.output
    assert timeline.stdout.splitlines()[0] == f"Historique de {pathway_id}"
    assert "Coaching commencé" in timeline.stdout
    assert "temps partiel subi" in timeline.stdout
