"""Every staff action through the CLI, on a real server, in English and French.

Each check goes through the CLI on a real dev server and worker: the action's own answer,
then `show --json` (the stage) and `timeline --json` (the recorded events).
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from parcours.cli.exit_codes import ExitCode
from tests.cli.programme_runs import open_session
from tests.cli.runner import Cli, refer

ATP_CRITERIA = ("--criterion", "precarious_worker", "--criterion", "lives_in_territory")
TO_COACHING = (
    ("intake", "complete", "{ref}", *ATP_CRITERIA),
    ("contract", "sign", "{ref}"),
    ("coaching", "start", "{ref}"),
)

DAY = [date.today() - timedelta(days=400 - n) for n in range(400 + 1)]
"""Dates counted back from today: the whole pathway is entered after the fact, every
action with `--on` (a date after now is refused), 400 days ago to 269 days ago."""
LATER = date.today() + timedelta(days=400)

FULL_ATP = [
    (
        "intake",
        "complete",
        "{ref}",
        "--criterion",
        "precarious_worker",
        "--criterion",
        "lives_in_territory",
        "--on",
        f"{DAY[0]}",
    ),
    ("barrier", "add", "{ref}", "housing", "--aid", "--on", f"{DAY[1]}"),
    ("barrier", "work", "{ref}", "b1", "--on", f"{DAY[1]}"),
    ("barrier", "resolve", "{ref}", "b1", "--on", f"{DAY[2]}"),
    ("barrier", "add", "{ref}", "childcare", "--on", f"{DAY[2]}"),
    (
        "barrier",
        "waive",
        "{ref}",
        "b2",
        "--reason",
        "family help with the children",
        "--on",
        f"{DAY[3]}",
    ),
    ("consent", "give", "{ref}", "referrer", "--expires", f"{LATER}", "--on", f"{DAY[3]}"),
    ("consent", "withdraw", "{ref}", "referrer", "--on", f"{DAY[4]}"),
    ("french", "assess", "{ref}", "B1", "--on", f"{DAY[4]}"),
    ("contact", "{ref}", "--on", f"{DAY[5]}"),
    ("contract", "sign", "{ref}", "--on", f"{DAY[5]}"),
    ("coaching", "start", "{ref}", "--on", f"{DAY[6]}"),
    (
        "appointment",
        "add",
        "{ref}",
        "--at",
        f"{DAY[7]}T18:30",
        "--kind",
        "individual",
        "--place",
        "mobile_office",
        "--late",
        "--on",
        f"{DAY[6]}",
    ),
    ("appointment", "attend", "{ref}", "a1", "--on", f"{DAY[8]}"),
    (
        "appointment",
        "add",
        "{ref}",
        "--at",
        f"{DAY[9]}T10:00",
        "--kind",
        "coaching",
        "--place",
        "office",
        "--on",
        f"{DAY[8]}",
    ),
    ("appointment", "miss", "{ref}", "a2", "--on", f"{DAY[10]}"),
    ("jobdating", "outcome", "{ref}", "training", "--agency", "Interim 95", "--on", f"{DAY[11]}"),
    (
        "training",
        "enrol",
        "{ref}",
        "--title",
        "CAP module 1",
        "--provider",
        "GRETA",
        "--start",
        f"{DAY[12]}",
        "--end",
        f"{DAY[93]}",
        "--paid",
        "--diploma-module",
        "--on",
        f"{DAY[11]}",
    ),
    ("training", "complete", "{ref}", "--on", f"{DAY[93]}"),
    ("suspend", "{ref}", "--reason", "hospital stay", "--on", f"{DAY[94]}"),
    ("resume", "{ref}", "--on", f"{DAY[95]}"),
    (
        "mission",
        "start",
        "{ref}",
        "--agency",
        "Interim 95",
        "--employer",
        "Logistique Nord",
        "--contract",
        "temp_mission",
        "--hours",
        "35",
        "--start",
        f"{DAY[96]}",
        "--end",
        f"{DAY[126]}",
    ),
    ("mission", "end", "{ref}", "--on", f"{DAY[126]}"),
    ("dropout", "{ref}", "--reason", "no news for two months", "--on", f"{DAY[127]}"),
    (
        "reenter",
        "{ref}",
        "--session",
        "2027-09",
        "--reason",
        "came back through the CCAS",
        "--on",
        f"{DAY[130]}",
    ),
    ("exit", "{ref}", "moved_away", "--reason", "moved to Lyon", "--on", f"{DAY[131]}"),
]


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


def local_day(instant: str) -> date:
    """The day of an ISO instant in the CLI's default zone."""
    return datetime.fromisoformat(instant).astimezone(ZoneInfo("Europe/Paris")).date()


def act(cli: Cli, *args: str) -> dict[str, Any]:
    result = cli(*args, "--json")
    assert result.exit_code == 0, (args, result.output)
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def test_a_whole_pathway_through_the_cli(cli: Cli) -> None:
    """Entered after the fact: every event is dated when it happened, not when typed."""
    pathway_id = refer(cli, "--on", f"{DAY[0]}")
    open_session(cli, "2027-09", programme="atp-cergy")  # the session the re-entry names
    for step in FULL_ATP:
        args = [part.format(ref=pathway_id) for part in step]
        result = cli(*args, "--json")
        assert result.exit_code == 0, (args, result.output)
        assert json.loads(result.stdout)["pathway_id"] == pathway_id
    shown = json.loads(cli("show", pathway_id, "--json").stdout)
    assert shown["status"]["stage"] == "exited"
    assert shown["status"]["outcome"]["reason"] == "moved_away"
    events = json.loads(cli("timeline", pathway_id, "--json").stdout)
    # what staff entered: the referral and each step (alerts and notification failures,
    # which depend on timing and on the partners' receivers, are the system's)
    assert len([e for e in events if e["role"] != "system"]) == len(FULL_ATP) + 1
    waived = next(e for e in events if e["kind"] == "barrier_waived")
    assert waived["reason"] == "family help with the children"
    assert waived["actor_id"] == "staff-7f3a"
    assert local_day(waived["at"]) == DAY[3]  # when it happened, from --on
    # when it was typed: today in the same zone (the machine's own day differs from 23:00 UTC)
    assert local_day(waived["recorded_at"]) == local_day(datetime.now(UTC).isoformat())
    assert local_day(shown["status"]["stage_since"]) == DAY[131]
    lines = cli("timeline", pathway_id).stdout
    assert "(recorded " in lines


@pytest.mark.temporal
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


@pytest.mark.temporal
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
    assert again.stderr.startswith("Refused: ")
    assert again.stderr.count("\n") == 1
    assert len(events_of(cli, pathway_id)) == len(events)  # the refusal left no event


@pytest.mark.temporal
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
    assert refused.stderr.startswith("Refusé : ")
    assert " Possible maintenant : " in refused.stderr
    assert "commencer une mission ou un emploi" in refused.stderr
    assert refused.stderr.endswith(". [règle stage]\n")
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
    assert timeline.stdout.splitlines()[0] == f"Historique du parcours {pathway_id}"
    assert "Coaching commencé" in timeline.stdout
    assert "temps partiel subi" in timeline.stdout


def test_a_refused_move_names_the_rule_and_what_is_allowed(cli: Cli) -> None:
    pathway_id = refer(cli)
    english = cli("contract", "sign", pathway_id)
    assert english.exit_code == ExitCode.REFUSED
    assert "[rule stage]" in english.stderr
    assert "Allowed now: complete the intake, " in english.stderr
    assert english.stderr.count("\n") == 1
    assert "Traceback" not in english.output
    french = cli("--lang", "fr", "contract", "sign", pathway_id)
    assert french.exit_code == ExitCode.REFUSED
    assert "[règle stage]" in french.stderr
    timeline = json.loads(cli("timeline", pathway_id, "--json").stdout)
    assert [e["kind"] for e in timeline] == ["referred"]  # refusals never reach history


def test_an_unknown_criterion_is_named_with_the_programmes_criteria(cli: Cli) -> None:
    pathway_id = refer(cli)
    typed = ("--criterion", "precarious_worker", "--criterion", "lives_in_territory")
    nonsense = cli("intake", "complete", pathway_id, *typed, "--criterion", "nonsense")
    assert nonsense.exit_code == ExitCode.REFUSED
    assert "criterion_unknown" in nonsense.stderr
    assert "unknown eligibility criterion: nonsense" in nonsense.stderr
    assert "(precarious_worker), Lives in the plan's territory (lives_in_territory)" in (
        nonsense.stderr
    )
    timeline = json.loads(cli("timeline", pathway_id, "--json").stdout)
    assert [e["kind"] for e in timeline] == ["referred"]


def test_a_guard_refusal_and_a_missing_reason(cli: Cli) -> None:
    pathway_id = refer(cli)
    ineligible = cli("intake", "complete", pathway_id, "--criterion", "precarious_worker")
    assert ineligible.exit_code == ExitCode.REFUSED
    assert "eligibility_met" in ineligible.stderr
    cli(
        "intake",
        "complete",
        pathway_id,
        "--criterion",
        "precarious_worker",
        "--criterion",
        "lives_in_territory",
    )
    no_reason = cli("suspend", pathway_id)  # a slip on the command line: nothing is sent
    assert no_reason.exit_code == ExitCode.USAGE
    assert no_reason.stderr.startswith("To suspend the pathway, say why with --reason")
    assert "Nothing was sent." in no_reason.stderr
    assert len(no_reason.stderr.strip().splitlines()) == 1
    french = cli("--lang", "fr", "exit", pathway_id, "moved_away", "--reason", "  ")
    assert french.exit_code == ExitCode.USAGE
    assert french.stderr.startswith("Pour sortir du parcours, dites pourquoi avec --reason")
    assert json.loads(cli("show", pathway_id, "--json").stdout)["status"]["stage"] == (
        "barrier_work"
    )


def test_roles_are_checked_by_the_workflow(cli: Cli) -> None:
    pathway_id = refer(cli)
    auditor = cli("--role", "auditor", "contact", pathway_id)
    assert auditor.exit_code == ExitCode.REFUSED
    assert "auditor role may not record a contact" in auditor.stderr
    staff = cli("referent", "assign", pathway_id, "staff-0042")
    assert staff.exit_code == ExitCode.REFUSED
    coordinator = cli("--role", "coordinator", "referent", "assign", pathway_id, "staff-0042")
    assert coordinator.exit_code == 0, coordinator.output
    unknown_role = cli("--role", "director", "contact", pathway_id)
    assert unknown_role.exit_code == ExitCode.USAGE
    assert "coordinator" in unknown_role.stderr


def test_todays_date_typed_as_on_means_now_not_the_midnight_before_the_referral(
    cli: Cli,
) -> None:
    """Staff type today's date for what happened today: it passes after a referral made
    this morning (before, it was midnight, before the referral: refused), and a command
    that dates itself too (`intake complete`) gets the same instant as its request."""
    pathway_id = refer(cli)
    today = datetime.now(UTC).date().isoformat()  # the test's staff calendar is UTC
    contact = cli("contact", pathway_id, "--on", today)
    assert contact.exit_code == 0, contact.output
    intake = cli("intake", "complete", pathway_id, *ATP_CRITERIA, "--on", today)
    assert intake.exit_code == 0, intake.output
    events = json.loads(cli("timeline", pathway_id, "--json").stdout)
    referred, contacted = events[0]["at"], events[1]["at"]
    assert contacted >= referred
    assert not contacted.endswith("T00:00:00+00:00")
    yesterday = (datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    before = cli("contact", pathway_id, "--on", yesterday)  # another day: its midnight still
    assert before.exit_code == ExitCode.REFUSED, before.output
    for step in (("contract", "sign"), ("coaching", "start")):
        assert cli(*step, pathway_id, "--on", today).exit_code == 0
    hired = ("mission", "start", pathway_id, "--employer", "Leroy", "--contract", "permanent",
             "--hours", "35", "--start", today)  # fmt: skip
    started = cli(*hired, "--on", today)  # the same day twice: one instant, not a mismatch
    assert started.exit_code == 0, started.output


def test_a_retried_request_applies_once(cli: Cli) -> None:
    pathway_id = refer(cli)
    first = cli("contact", pathway_id, "--request-id", "req-contact-1", "--json")
    again = cli("contact", pathway_id, "--request-id", "req-contact-1", "--json")
    assert first.exit_code == again.exit_code == 0
    assert json.loads(again.stdout)["seq"] == json.loads(first.stdout)["seq"]
    events = json.loads(cli("timeline", pathway_id, "--json").stdout)
    assert [e["kind"] for e in events].count("contact_recorded") == 1


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("contract", "sign", "ffff0000"), ExitCode.NOT_FOUND, "No pathway matches"),
        (("barrier", "add", "abcd", "plumbing"), ExitCode.USAGE, "housing"),
        (("contact", "abcd", "--on", "yesterday"), ExitCode.USAGE, "YYYY-MM-DD"),
        (("show",), ExitCode.USAGE, "REF"),
    ],
)
def test_bad_input_gets_one_sentence(
    cli: Cli, args: tuple[str, ...], code: ExitCode, words: str
) -> None:
    result = cli(*args)
    assert result.exit_code == code, result.output
    assert words in result.output
    assert "Traceback" not in result.output


def test_without_an_actor_the_cli_says_how_to_give_one(cli: Cli) -> None:
    result = cli("contact", "abcd", PARCOURS_ACTOR="")
    assert result.exit_code == ExitCode.USAGE
    assert "--as" in result.stderr


def test_an_unavailable_server_is_one_sentence(offline_cli: Cli) -> None:
    for lang, words in (("en", "cannot be reached"), ("fr", "injoignable")):
        result = offline_cli("--lang", lang, "show", "pathway-0123456789abcdef")
        assert result.exit_code == ExitCode.UNAVAILABLE
        assert words in result.stderr
        assert "Traceback" not in result.output


@pytest.mark.temporal
def test_a_positive_exit_names_the_way_it_held_in_the_readers_language(cli: Cli) -> None:
    """The outcome shows which of the programme's ways of exiting positively held, worded
    by the programme version the pathway ran under, in French or English."""
    from tests.samples import ND_CRITERIA

    pathway_id = refer(cli, programme="nouveau-depart")
    criteria = [part for key in ND_CRITERIA for part in ("--criterion", key)]
    for step in (
        ("intake", "complete", pathway_id, *criteria),
        ("coaching", "start", pathway_id),
        ("jobdating", "outcome", pathway_id, "hired", "--agency", "Adecco"),
        ("mission", "start", pathway_id, "--agency", "Adecco", "--employer", "Entrepôt"),
        ("exit", pathway_id, "employment", "--reason", "hired through the agency"),
    ):
        extra = ("--contract", "temp_mission", "--hours", "35") if step[0] == "mission" else ()
        done = cli(*step, *extra)
        assert done.exit_code == 0, (step, done.output)
    english = cli("show", pathway_id)
    assert "positive exit: access to temp work" in english.stdout, english.stdout
    french = cli("--lang", "fr", "show", pathway_id)
    assert "sortie positive : Accès à l'emploi en intérim" in french.stdout, french.stdout


@pytest.mark.temporal
def test_a_direct_hire_needs_no_agency_and_a_blank_agency_is_refused(cli: Cli) -> None:
    """An employer may hire without a temp agency: `--agency` is left out. Given empty or
    blank, it is a mistake said in one sentence (exit 2), in French and English."""
    pathway_id = to_coaching(cli)
    hire = ("mission", "start", pathway_id, "--employer", "Boulangerie Martin")
    terms = ("--contract", "permanent", "--hours", "35")
    for lang, words in (("en", "direct hire"), ("fr", "embauche directe")):
        for blank in ("", "   "):
            refused = cli("--lang", lang, *hire, *terms, "--agency", blank)
            assert refused.exit_code == ExitCode.USAGE, refused.output
            assert words in refused.stderr, refused.stderr
            assert len(refused.stderr.strip().splitlines()) == 1, refused.stderr
            assert "Traceback" not in refused.output
    assert stage_of(cli, pathway_id) == "coaching"
    done = cli(*hire, *terms)
    assert done.exit_code == 0, done.output
    assert stage_of(cli, pathway_id) == "in_employment"
    events = json.loads(cli("timeline", pathway_id, "--json").stdout)
    assert "Boulangerie Martin" in json.dumps(events, ensure_ascii=False)


def test_a_kind_or_reason_typed_by_its_french_name_is_taken(cli: Cli) -> None:
    """A French trial typed `exit REF déménagement` and got a list of English keys: a
    value's name in either language is taken for its key, whatever its case and accents."""
    pathway_id = refer(cli)
    added = cli("--lang", "fr", "barrier", "add", pathway_id, "Logement", "--json")
    assert added.exit_code == 0, added.output
    slot = ("--at", f"{date.today() + timedelta(days=7)}T10:00")
    names = ("--kind", "Individuel", "--place", "bureau mobile")
    booked = cli("appointment", "add", pathway_id, *names, *slot)
    assert booked.exit_code == 0, booked.output
    left = cli("exit", pathway_id, "déménagement", "--reason", "moved to Lyon", "--json")
    assert left.exit_code == 0, left.output
    shown = json.loads(cli("show", pathway_id, "--json").stdout)["status"]
    assert [b["kind"] for b in shown["barriers"]] == ["housing"]
    assert [(a["kind"], a["place"]) for a in shown["appointments"]] == [
        ("individual", "mobile_office")
    ]
    assert shown["outcome"]["reason"] == "moved_away"


@pytest.mark.parametrize("now", ["now", "maintenant"])
def test_now_typed_as_on_is_one_instant_for_the_request_and_the_command(cli: Cli, now: str) -> None:
    """`--on now` dated the request and the command at two instants a moment apart, and
    the pathway refused them as differing (rule `instant_bound`)."""
    pathway_id = refer(cli)
    for action in (("contact",), ("intake", "complete"), ("consent", "give")):
        args = (*ATP_CRITERIA,) if action == ("intake", "complete") else ()
        extra = ("referrer",) if action == ("consent", "give") else ()
        done = cli(*action, pathway_id, *extra, *args, "--on", now)
        assert done.exit_code == 0, (action, done.output)
