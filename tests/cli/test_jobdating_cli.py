"""`parcours jobdating plan|invite|record|show|list` on a real dev server, with a temp
agency behind a real webhook receiver on loopback, in English and French."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from parcours.cli.exit_codes import ExitCode
from tests.cli.jobdating_runs import AGENCY, add_agency, in_coaching, plan_event
from tests.cli.programme_runs import (
    act,
    add_referrer,
    open_session,
    refer_into,
    when_projected,
)
from tests.cli.runner import Cli, as_coordinator
from tests.polling import eventually_blocking
from tests.receivers import HttpReceiver

pytestmark = [pytest.mark.temporal]

SOON = (datetime.now() + timedelta(days=30)).strftime("%Y-%m-%dT09:00")
"""A day to plan a job-dating for: within the year ahead that plans may reach."""


def test_agencies_are_invited_and_an_event_is_shown_and_listed(
    cli: Cli, http_receiver: HttpReceiver
) -> None:
    add_referrer(cli)
    add_agency(cli, http_receiver)
    candidate = in_coaching(cli, "Ada")
    event_id = plan_event(cli, datetime.now() + timedelta(days=3), candidate)
    eventually_blocking(  # the server may hold other tests' events: this one is among them
        lambda: json.loads(cli("jobdating", "list", "--json").stdout),
        lambda found: event_id in [e["event_id"] for e in found],
        what="the event is listed (the short reference resolves from then on)",
    )
    invited = cli("jobdating", "invite", event_id[10:18])
    assert invited.exit_code == 0, invited.output
    assert invited.stdout == (
        f"Job-dating {event_id[10:18]}: agencies invited: 1; candidates presented: 1; left out "
        "without their consent: 0.\n"  # not "1 agencies"
    )
    kinds = eventually_blocking(
        lambda: sorted(r.json()["event_kind"] for r in http_receiver.received),
        lambda found: "jobdating_candidate" in found,
        what="the agency heard of the candidate",
    )
    assert "jobdating_invitation" in kinds
    early = cli("jobdating", "record", event_id, "--outcome", f"{candidate}=hired")
    assert early.exit_code == ExitCode.REFUSED
    assert early.stderr.startswith("Refused: the job-dating is on ")
    shown = json.loads(cli("jobdating", "show", event_id, "--json").stdout)
    assert (shown["presented"], shown["agencies"]) == (1, [AGENCY])
    assert shown["invited_at"] is not None
    french = cli("--lang", "fr", "jobdating", "show", event_id)
    assert "Candidats (1)" in french.stdout
    assert "en attente d'une issue" in french.stdout
    assert "prévu le " in french.stdout  # invited three days ahead: reminded the day before
    printed = cli("jobdating", "list")
    assert event_id[10:18] in printed.stdout


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_an_agency_that_refuses_its_invitation_is_not_counted_as_invited(
    cli: Cli, http_receiver: HttpReceiver, lang: str
) -> None:
    """The agency's endpoint refuses every message for good (410): the summary counts no
    agency invited and no candidate presented, and one sentence names the messages left
    failed and how to send them again (exit 5)."""
    add_referrer(cli)
    add_agency(cli, http_receiver)
    http_receiver.status = 410
    candidate = in_coaching(cli, "Ada")
    event_id = plan_event(cli, datetime.now() + timedelta(days=3), candidate)

    invited = cli("--lang", lang, "jobdating", "invite", event_id)

    assert invited.exit_code == ExitCode.UNAVAILABLE, invited.output
    counts = {
        "en": "agencies invited: 0; candidates presented: 0;",
        "fr": "agences invitées : 0 ; candidats présentés : 0 ;",
    }
    assert counts[lang] in invited.stdout
    (said,) = invited.stderr.strip().splitlines()
    assert f"{event_id}:invitation:{AGENCY}" in said
    assert f"{event_id}:candidate:{candidate}:{AGENCY}" in said
    assert "notifications retry" in said
    shown = cli("--lang", lang, "jobdating", "show", event_id).stdout
    unreached = {"en": f"(not reached: {AGENCY})", "fr": f"(non reçue par : {AGENCY})"}
    assert unreached[lang] in shown
    presented = {"en": "Candidates presented", "fr": "Candidats présentés"}
    (row,) = [line for line in shown.splitlines() if presented[lang] in line]
    assert row.split()[-1] == "0"  # before: 1, though no agency heard of the candidate
    again = cli("jobdating", "invite", event_id, "--json")  # asked again: what it did
    assert again.exit_code == ExitCode.UNAVAILABLE, again.output
    answer = json.loads(again.stdout)
    assert (answer["agencies"], answer["agencies_invited"]) == (1, 0)
    assert (answer["presented"], answer["candidates_reached"]) == ([candidate], [])
    http_receiver.status = 200


def test_outcomes_are_recorded_in_one_command_and_a_refusal_is_reported(
    cli: Cli, http_receiver: HttpReceiver
) -> None:
    add_referrer(cli)
    add_agency(cli, http_receiver)
    hired, paused = in_coaching(cli, "Ada"), in_coaching(cli, "Berthe")
    event_id = plan_event(cli, datetime.now() - timedelta(hours=1), hired, paused)
    yesterday = date.today() - timedelta(days=1)
    act(cli, "suspend", paused, "--reason", "health", "--on", f"{yesterday}T12:00")
    recorded = cli(
        "jobdating", "record", event_id, "--outcome", f"{hired[8:16]}=hired:{AGENCY}",
        "--outcome", f"{paused}=training", "--request-id", "jd-1",
    )  # fmt: skip
    assert recorded.exit_code == ExitCode.REFUSED, recorded.output
    lines = recorded.stdout.splitlines()
    assert lines[0].startswith(f"{hired[8:16]}: outcome recorded on the pathway (event ")
    assert lines[1] == (
        f"{paused[8:16]}, refused: “record an orientation to training at a "
        "job-dating” is not allowed while the pathway is at the stage “Suspended”. [rule stage]"
    )
    show = json.loads(cli("show", hired, "--json").stdout)
    assert show["status"]["stage"] == "awaiting_mission"
    again = cli("jobdating", "record", event_id, "--outcome", f"{hired}=no_match")
    assert again.exit_code == ExitCode.REFUSED
    assert "outcome_recorded" in again.stderr
    act(cli, "resume", paused, "--on", f"{yesterday}T13:00")
    french = f"{paused}=formation"  # a name in French, as staff say it, not the key
    later = cli("jobdating", "record", event_id, "--outcome", french, "--json")
    shown = cli("--lang", "fr", "jobdating", "show", event_id).stdout
    assert "aucun : les agences ont été invitées moins d'un jour avant" in shown  # not "pas encore"
    assert later.exit_code == 0, later.output
    assert json.loads(later.stdout)["answers"][0]["applied"] is True
    # Every outcome recorded, its run ends: it is over, not unknown (it was exit 4).
    over = eventually_blocking(
        lambda: cli("--lang", "fr", "jobdating", "invite", event_id),
        lambda said: "est terminé" in said.stderr,
        what="the finished event said so",
    )
    assert over.exit_code == ExitCode.REFUSED, over.output


def test_an_event_entered_after_the_fact_is_dated_with_on(
    cli: Cli, http_receiver: HttpReceiver
) -> None:
    add_referrer(cli)
    add_agency(cli, http_receiver)
    candidate = in_coaching(cli, "Ada")
    day = datetime.now().replace(second=0, microsecond=0) - timedelta(hours=2)
    event_id = plan_event(cli, day, candidate)
    eventually_blocking(  # a reference resolves once the event is listed
        lambda: json.loads(cli("jobdating", "list", "--json").stdout),
        lambda found: event_id in [e["event_id"] for e in found],
        what="the event is listed",
    )
    late = cli("--lang", "fr", "jobdating", "invite", event_id, "--on", day.isoformat())
    assert late.exit_code == ExitCode.REFUSED
    assert "jobdating_past" in late.stderr
    invited = cli("jobdating", "invite", event_id, "--on", (day - timedelta(hours=1)).isoformat())
    assert invited.exit_code == 0, invited.output
    # Its day has gone by: the invitation is recorded, and nothing told to the agency.
    assert "parcours sent nothing" in invited.stdout
    shown = json.loads(cli("jobdating", "show", event_id, "--json").stdout)
    assert (shown["invited_unsent"], shown["presented"]) == (True, 0)
    assert shown["invited_at"] is not None
    said = cli("--lang", "fr", "jobdating", "show", event_id).stdout
    assert "rien envoyé par parcours" in " ".join(said.split())
    listed = cli("jobdating", "list", COLUMNS="300").stdout
    assert "(recorded after the day: nothing sent by parcours)" in listed
    assert http_receiver.received == []
    early = (day - timedelta(minutes=30)).isoformat()
    refused = cli(
        "jobdating", "record", event_id, "--outcome", f"{candidate}=no_match", "--on", early
    )
    assert refused.exit_code == ExitCode.REFUSED
    assert refused.stderr.startswith("Refused: the job-dating is on ")
    on_the_day = (day + timedelta(minutes=30)).isoformat()
    recorded = cli(
        "jobdating", "record", event_id, "--outcome", f"{candidate}=no_match", "--on", on_the_day
    )
    assert recorded.exit_code == 0, recorded.output


@pytest.mark.parametrize(
    ("args", "code", "said"),
    [
        (
            ("record", "abcd1234", "--outcome", "x=maybe"),
            ExitCode.USAGE,
            "x=maybe is not an outcome",
        ),
        (("show", "abcd1234"), ExitCode.NOT_FOUND, "No job-dating matches abcd1234"),
        (
            ("show", "jobdating-0123456789abcdef"),  # whole: asked of the event itself
            ExitCode.NOT_FOUND,
            "No job-dating matches jobdating-0123456789abcdef",
        ),
        (("show", "ab"), ExitCode.USAGE, "too short to name a job-dating"),
    ],
    ids=["bad-outcome", "unknown-event", "unknown-whole-id", "short-reference"],
)
def test_bad_input_is_one_sentence(
    cli: Cli, args: tuple[str, ...], code: ExitCode, said: str
) -> None:
    refused = cli("jobdating", *args)
    assert refused.exit_code == code, refused.output
    assert said in refused.stderr


def test_a_plan_refuses_what_is_not_a_temp_agency_or_not_ready(
    cli: Cli, http_receiver: HttpReceiver
) -> None:
    add_referrer(cli)
    add_agency(cli, http_receiver)
    fresh = refer_into(cli, "Ada", programme="atp-cergy")
    typed = ("jobdating", "plan", "--programme", "atp-cergy", "--on", SOON,
             "--place", "Cergy", "--candidate", fresh)  # fmt: skip
    not_agency = cli(*typed, "--agency", "Amicale du Nid")
    assert not_agency.exit_code == ExitCode.REFUSED, not_agency.output
    assert "rule agency_not_temp_agency" in not_agency.stderr
    not_ready = cli("--lang", "fr", *typed, "--agency", AGENCY)
    assert not_ready.exit_code == ExitCode.REFUSED, not_ready.output
    assert not_ready.stderr == (
        f"Refusé : le parcours {fresh} est à l'étape « Orienté·e », "
        "d'où son programme ne prévoit pas de job-dating. [règle jobdating_stage]\n"
    )


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_job_dating_or_a_session_more_than_a_year_ahead_is_refused_as_a_slip(
    cli: Cli, lang: str
) -> None:
    """2126 for 2026 is a slip of the keyboard: refused in one sentence naming the latest
    day allowed (exit 3), nothing planned or opened."""
    far = (datetime.now() + timedelta(days=400)).strftime("%Y-%m-%dT09:00")
    latest = (date.today() + timedelta(days=366)).isoformat()
    planned = cli(
        "--lang", lang, "jobdating", "plan", "--programme", "atp-cergy", "--on", far,
        "--place", "Cergy", "--agency", AGENCY, "--candidate", "pathway-0000",
    )  # fmt: skip
    opened = as_coordinator(
        cli, "--lang", lang, "session", "open", "S-far", "--programme", "atp-cergy",
        "--start", far[:10],
    )  # fmt: skip
    for refused in (planned, opened):
        assert refused.exit_code == ExitCode.REFUSED, refused.output
        (said,) = refused.stderr.strip().splitlines()
        assert "date_horizon" in said
        assert latest in said or (date.today() + timedelta(days=367)).isoformat() in said
    assert json.loads(cli("session", "list", "--json").stdout) == []


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_day_without_an_hour_is_refused_where_people_are_asked_to_come(
    cli: Cli, lang: str
) -> None:
    """A job-dating's `--on` and an appointment's `--at` are sent to agencies and people:
    a day alone, read as its midnight, is refused asking for the hour (exit 2), before
    anything is sent: nothing scheduled, and the same day with its hour is taken."""
    day = SOON[:10]
    planned = cli(
        "--lang", lang, "jobdating", "plan", "--programme", "atp-cergy", "--on", day,
        "--place", "Cergy", "--agency", AGENCY, "--candidate", "pathway-0000",
    )  # fmt: skip
    pathway_id = refer_into(cli, "Ada", programme="atp-cergy")
    scheduled = cli(
        "--lang", lang, "appointment", "add", pathway_id, "--at", day,
        "--kind", "coaching", "--place", "office",
    )  # fmt: skip
    words = "est un jour sans heure" if lang == "fr" else "is a day without an hour"
    for refused in (planned, scheduled):
        assert refused.exit_code == ExitCode.USAGE, refused.output
        (said,) = refused.stderr.strip().splitlines()
        assert words in said
        assert f"{day}T09:30" in said
    trail = json.loads(cli("timeline", pathway_id, "--json").stdout)
    assert "appointment_scheduled" not in [e["kind"] for e in trail]
    at_nine = cli("appointment", "add", pathway_id, "--at", f"{day}T09:00", "--kind", "coaching",
                  "--place", "office")  # fmt: skip
    assert at_nine.exit_code == 0, at_nine.output


def test_a_session_gives_its_candidates_and_leaves_out_who_may_not_come(
    cli: Cli, http_receiver: HttpReceiver
) -> None:
    add_referrer(cli)
    add_agency(cli, http_receiver)
    open_session(cli, "2026-S1", programme="atp-cergy")
    ready = in_coaching(cli, "Ada", "--session", "2026-S1")
    early = refer_into(cli, "Berthe", "--session", "2026-S1", programme="atp-cergy")
    when_projected(cli, "2026-S1", {"referred": 1, "coaching": 1})
    planned = cli(
        "jobdating", "plan", "--programme", "atp-cergy", "--on", SOON,
        "--place", "Cergy", "--agency", AGENCY, "--session", "2026-S1", "--json",
    )  # fmt: skip
    assert planned.exit_code == 0, planned.output
    answer = json.loads(planned.stdout)
    assert answer["candidates"] == [ready]
    assert answer["left_out"] == [[early, "jobdating_stage"]]
    french = cli(
        "--lang", "fr", "jobdating", "plan", "--programme", "atp-cergy", "--on", SOON,
        "--place", "Cergy", "--agency", AGENCY, "--session", "2026-S1", COLUMNS="400",
    )  # fmt: skip
    assert french.exit_code == 0, french.output
    why = f"Écarté : {early[8:16]} : le parcours {early} est à l'étape « Orienté·e »"
    assert why in french.stdout, french.stdout  # a sentence, not a bare rule

    slip = cli(
        "--lang", "fr", "jobdating", "plan", "--programme", "atp-cergy",
        "--on", SOON, "--place", "Cergy", "--agency", AGENCY,
        "--candidate", ready, "--session", "2026-S2",
    )  # fmt: skip
    assert slip.exit_code == 4, slip.output  # before: planned, the session's people missing
    assert "le programme atp-cergy n'a pas de session 2026-S2" in slip.stderr


def test_a_session_whose_people_may_not_come_yet_plans_nothing_and_says_why(
    cli: Cli, http_receiver: HttpReceiver
) -> None:
    """Before: "a job-dating needs one candidate at least: … take a session's with
    --session", to staff who had just typed --session."""
    add_referrer(cli)
    add_agency(cli, http_receiver)
    open_session(cli, "2026-S4", programme="atp-cergy")
    early = refer_into(cli, "Berthe", "--session", "2026-S4", programme="atp-cergy")
    when_projected(cli, "2026-S4", {"referred": 1})
    planned = cli(
        "--lang", "fr", "jobdating", "plan", "--programme", "atp-cergy", "--on", SOON,
        "--place", "Cergy", "--agency", AGENCY, "--session", "2026-S4",
    )  # fmt: skip
    assert planned.exit_code == ExitCode.REFUSED, planned.output
    (said,) = planned.stderr.strip().splitlines()
    assert said.startswith("Rien n'est planifié : personne de la session 2026-S4")
    assert f"{early[8:16]}: le parcours {early} est à l'étape « Orienté·e »" in said
    assert "[jobdating_stage]" in said  # why in a sentence, the rule beside it
    assert "prenez ceux d'une session avec --session" not in said
