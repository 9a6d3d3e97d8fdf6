"""Staff see what they entered: `show` prints every record of a pathway with its id, and
every command that creates a record says the new record's id (issue 10).

Through the CLI on a real dev server and worker, in English and French, as people read
it and as scripts read it (`--json`).
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

from tests.cli.jobdating_runs import in_coaching
from tests.cli.runner import Cli, refer
from tests.polling import eventually_blocking

ATP_CRITERIA = ("--criterion", "precarious_worker", "--criterion", "lives_in_territory")


def day(offset: int) -> str:
    """A day counted from today (the walk's dates lie around the run, whatever day it is)."""
    return (date.today() + timedelta(days=offset)).isoformat()


def ok(cli: Cli, *args: str) -> str:
    result = cli(*args)
    assert result.exit_code == 0, (args, result.output)
    return result.stdout


def answer(cli: Cli, *args: str) -> dict[str, Any]:
    said: dict[str, Any] = json.loads(ok(cli, *args, "--json"))
    return said


def lines_with(output: str, *words: str) -> list[str]:
    """The lines of `output` holding every one of `words` (a table row, a sentence)."""
    return [line for line in output.splitlines() if all(w in line for w in words)]


TRAINING = ("--title", "CAP module 1", "--provider", "GRETA", "--start", day(-3), "--end", day(60))
OFFICE = ("--place", "office")


def walk_to_employment(cli: Cli, ref: str) -> None:
    """An ATP pathway with two barriers, consent, French, two appointments (one past and
    never recorded), a job-dating and a completed training, waiting for a mission."""
    for step in (
        ("barrier", "add", ref, "mobility", "--aid"),
        ("intake", "complete", ref, *ATP_CRITERIA),
        ("barrier", "work", ref, "b1"),
        ("barrier", "add", ref, "childcare"),
        ("barrier", "waive", ref, "b2", "--reason", "family help with the children"),
        ("consent", "give", ref, "referrer", "--expires", day(400)),
        ("french", "assess", ref, "B1"),
        ("contract", "sign", ref),
        ("coaching", "start", ref),
        ("appointment", "add", ref, "--at", f"{day(-5)}T10:00", "--kind", "coaching", *OFFICE),
        ("appointment", "add", ref, "--at", f"{day(-4)}T09:00", "--kind", "career_advice", *OFFICE),
        ("appointment", "attend", ref, "a2"),
        ("jobdating", "outcome", ref, "training", "--agency", "Interim 95"),
        ("training", "enrol", ref, *TRAINING, "--paid"),
        ("training", "complete", ref),
    ):
        ok(cli, *step)


def test_every_command_that_creates_a_record_says_its_id(cli: Cli) -> None:
    pathway_id = refer(cli)
    short = pathway_id.removeprefix("pathway-")[:8]
    said = ok(cli, "barrier", "add", pathway_id, "housing", "--aid")
    assert f"New barrier: b1 (to name in `parcours barrier work|resolve|waive {short} b1`)." in (
        said
    ), said
    french = ok(cli, "--lang", "fr", "barrier", "add", pathway_id, "mobility")
    assert "Nouveau frein : b2 " in french, french
    scripted = answer(cli, "barrier", "add", pathway_id, "health", "--request-id", "third-barrier")
    assert (scripted["barrier_id"], scripted["event"]) == ("b3", "barrier_opened")
    assert scripted["details"]["kind"] == "health"
    again = answer(cli, "barrier", "add", pathway_id, "health", "--request-id", "third-barrier")
    assert (again["barrier_id"], again["seq"]) == ("b3", scripted["seq"])  # a retry names it

    when = f"{day(3)}T10:00"
    kind = ("--kind", "coaching", *OFFICE)
    appointment = ok(cli, "appointment", "add", pathway_id, "--at", when, *kind)
    assert "New appointment: a1 (to name in `parcours appointment attend|miss" in appointment
    rdv = answer(cli, "--lang", "fr", "appointment", "add", pathway_id, "--at", when, *kind)
    assert (rdv["appointment_id"], rdv["details"]["at"][:10]) == ("a2", day(3))

    contact = answer(cli, "contact", pathway_id)  # creates nothing staff name later
    assert not {"barrier_id", "appointment_id", "training_id", "mission_id"} & set(contact)
    assert "New " not in ok(cli, "french", "assess", pathway_id, "A2")

    ok(cli, "intake", "complete", pathway_id, *ATP_CRITERIA)
    for barrier in ("b1", "b2", "b3"):
        ok(cli, "barrier", "resolve", pathway_id, barrier)
    for step in (("contract", "sign"), ("coaching", "start")):
        ok(cli, *step, pathway_id)
    ok(cli, "jobdating", "outcome", pathway_id, "training", "--agency", "Interim 95")
    enrolled = ok(cli, "training", "enrol", pathway_id, *TRAINING)
    said = " ".join(enrolled.split())
    told = f"`parcours training complete|drop {short}` act on the current training, without its id"
    assert f"New training: t1 (on {short}; {told})." in said, said
    ok(cli, "training", "drop", pathway_id, "--reason", "changed plans")
    mission = ("--employer", "Logistique Nord", "--contract", "temp_mission", "--hours", "35")
    started = answer(cli, "mission", "start", pathway_id, *mission, "--agency", "Interim 95")
    assert (started["mission_id"], started["details"]["employer"]) == ("m1", "Logistique Nord")
    ok(cli, "mission", "end", pathway_id)
    second = ok(cli, "--lang", "fr", "mission", "start", pathway_id, *mission)
    said = " ".join(second.split())
    told = f"`parcours mission end {short}` termine la mission en cours, sans son identifiant"
    assert f"Nouvelle mission : m2 (sur {short} ; {told})." in said, said


def test_show_prints_every_record_with_its_id(cli: Cli) -> None:
    pathway_id = refer(cli, "--on", day(-10))
    walk_to_employment(cli, pathway_id)
    hired = ("--employer", "Logistique Nord", "--contract", "fixed_term", "--hours", "24")
    ok(cli, "mission", "start", pathway_id, *hired, "--agency", "Interim 95", "--end", day(60))

    def failure_alert_open(status: dict[str, Any]) -> bool:
        return any(a["rule"] == "notification_failed" for a in status["open_alerts"])

    # Telling the referrer (absent from the directory) of the contract fails: an alert at
    # once. The past appointment left unrecorded raises its own only once the entries have
    # settled, an hour after the last (README "Alerts").
    shown = eventually_blocking(
        lambda: answer(cli, "show", pathway_id)["status"],
        failure_alert_open,
        what="the failed notification's alert",
    )
    assert [(b["barrier_id"], b["status"]) for b in shown["barriers"]] == [
        ("b1", "in_progress"),
        ("b2", "waived"),
    ]
    assert [(t["training_id"], t["provider"]) for t in shown["trainings"]] == [("t1", "GRETA")]
    assert shown["trainings"][0]["completed_at"] is not None
    mission = shown["missions"][0]
    assert (mission["mission_id"], mission["agency"], mission["contract_type"]) == (
        "m1",
        "Interim 95",
        "fixed_term",
    )
    assert [(a["appointment_id"], a["kind"], a["status"]) for a in shown["appointments"]] == [
        ("a1", "coaching", "scheduled"),
        ("a2", "career_advice", "attended"),
    ]
    assert [j["outcome"] for j in shown["job_datings"]] == ["training"]
    assert shown["french_level"] == "B1"
    assert shown["intake_completed_at"] is not None
    assert shown["eligibility_criteria_met"] == ["precarious_worker", "lives_in_territory"]
    alert_id = next(
        a["alert_id"] for a in shown["open_alerts"] if a["rule"] == "notification_failed"
    )
    assert all(a["rule"] != "appointment_unrecorded" for a in shown["open_alerts"])

    english = ok(cli, "show", pathway_id)
    for words in (
        ("French level", "B1"),
        ("Intake completed", "Precarious worker (involuntary part time"),
        ("Barriers (2)",),
        ("b1", "mobility", "being worked on", "aid requested"),
        ("b2", "childcare", "waived", "reason: family help with the children"),
        ("Training (1)",),
        ("t1", "CAP module 1 (GRETA)", "completed"),
        ("Missions and jobs (1)",),
        ("m1", "Logistique Nord (Interim 95)", "fixed-term contract, 24 h/week", "ongoing"),
        ("Appointments (2)",),
        ("a1", f"{day(-5)} 10:00", "coaching", "office", "scheduled, now past: record whether"),
        ("a2", "career advice", "attended on "),
        ("Job-datings (1)",),
        ("oriented to training", "Interim 95"),
        ("Consent (1)",),
        ("referrer", "valid"),
        ("notification failed", "open"),
        (alert_id,),
    ):
        assert lines_with(english, *words), (words, english)

    [signed] = lines_with(english, "Contract signed")  # ATP's engagement contract
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", signed), signed

    french = ok(cli, "--lang", "fr", "show", pathway_id)
    for words in (
        ("Niveau de français", "B1"),
        ("Accueil réalisé le", "Salarié·e précaire"),
        ("Freins (2)",),
        ("b1", "mobilité", "aide demandée"),
        ("Formations (1)",),
        ("t1", "CAP module 1 (GRETA)", "terminée le"),
        ("Missions et emplois (1)",),
        ("m1", "CDD, 24 h/semaine", "en cours"),
        ("Rendez-vous (2)",),
        ("a1", "prévu, date passée : indiquez s'il a été honoré"),
        ("a2", "conseil en évolution professionnelle", "honoré le "),
        ("Alertes ouvertes (",),
        (alert_id,),
    ):
        assert lines_with(french, *words), (words, french)


def test_show_says_when_a_pathway_has_no_record_of_a_kind(cli: Cli) -> None:
    pathway_id = refer(cli)
    english = ok(cli, "show", pathway_id)
    for sentence in (
        "Barriers: none recorded.",
        "Training: none.",
        "Missions and jobs: none.",
        "Appointments: none.",
        "Job-datings: none.",
        "Consent: none given.",
        "Open alerts: none.",
    ):
        assert sentence in english, (sentence, english)
    assert lines_with(english, "French level", "not assessed")
    french = ok(cli, "--lang", "fr", "show", pathway_id)
    assert "Formations : aucune." in french
    assert "Rendez-vous : aucun." in french
    shown = answer(cli, "show", pathway_id)["status"]
    assert (shown["appointments"], shown["trainings"], shown["missions"]) == ([], [], [])


def test_an_exit_that_is_not_positive_says_what_the_programme_counts_as_one(cli: Cli) -> None:
    """A case worker exited someone "for employment" without the job entered as a mission:
    the exit is not positive, and `show` now says from what the programme would count it."""
    pathway_id = refer(cli)
    ok(cli, "exit", pathway_id, "employment", "--reason", "found a permanent job")
    english = " ".join(ok(cli, "show", pathway_id).split())
    assert "employment (not a positive exit)" in english
    assert (
        "Positive exit if (from the missions recorded) one of: full-time job of at least 13 "
        "months | two part-time permanent contracts |"
    ) in english
    french = " ".join(ok(cli, "--lang", "fr", "show", pathway_id).split())
    assert "Sortie positive si (d'après les missions saisies) au choix : Emploi à temps" in french
    # The timeline says the exit's reason and verdict too, not only "Exited".
    assert "Exited: employment (not a positive exit)" in ok(cli, "timeline", pathway_id)
    timeline = ok(cli, "--lang", "fr", "timeline", pathway_id)
    assert ": emploi (sortie non positive)" in timeline


def test_a_mission_not_ended_at_the_exit_says_so_rather_than_ongoing(cli: Cli) -> None:
    """After the exit parcours hears no more of the mission: "ongoing" would read as known."""
    pathway_id = in_coaching(cli, "Ada")
    hired = ("--employer", "Leroy", "--contract", "permanent", "--hours", "35")
    ok(cli, "mission", "start", pathway_id, *hired)
    ongoing = ok(cli, "show", pathway_id)
    assert lines_with(ongoing, "m1", "ongoing"), ongoing
    ok(cli, "exit", pathway_id, "employment", "--reason", "hired for good")
    french = ok(cli, "--lang", "fr", "show", pathway_id)
    assert lines_with(french, "m1", f"en cours à la sortie ({day(0)})"), french


def test_show_names_the_alert_that_comes_next(cli: Cli) -> None:
    """A consent for ten days is warned of an hour after it is entered (the entry settles
    first): `show` said only "Next alert due 10:15", and `alerts` listed nothing yet, so a
    trial could not tell what was coming."""
    pathway_id = refer(cli)
    expires = (date.today() + timedelta(days=10)).isoformat()
    given = cli("consent", "give", pathway_id, "referrer", "--expires", expires)
    assert given.exit_code == 0, given.output
    english = " ".join(cli("show", pathway_id, COLUMNS="300").stdout.split())
    assert re.search(r"Next alert due \S+ \S+ \(consent expiring\)", english), english
    french = " ".join(cli("--lang", "fr", "show", pathway_id, COLUMNS="300").stdout.split())
    assert "(consentement bientôt expiré)" in french, french
    shown = json.loads(cli("show", pathway_id, "--json").stdout)["status"]
    assert shown["next_alert_rule"] == "consent_expiring"
