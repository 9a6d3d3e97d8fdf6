"""`parcours correct` on a real server: a drop-out voided, a date restated, refusals with
their exit codes, and the timeline saying both events, in English and French."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from parcours.cli.exit_codes import ExitCode
from tests.cli.jobdating_runs import in_coaching
from tests.cli.programme_runs import open_session
from tests.cli.runner import Cli, as_coordinator, refer

pytestmark = pytest.mark.temporal

WHY = ("--reason", "recorded on the wrong pathway")
CRITERIA = ("--criterion", "precarious_worker", "--criterion", "lives_in_territory")


def act(cli: Cli, *args: str) -> dict[str, Any]:
    result = cli(*args, "--json")
    assert result.exit_code == 0, (args, result.output)
    answer: dict[str, Any] = json.loads(result.stdout)
    return answer


def to_coaching(cli: Cli, *dated: str) -> str:
    """A pathway in coaching; with `dated`, referred on 2 January and moved on each day."""
    ref = refer(cli, *(("--on", "2026-01-02") if dated else ()))
    on = iter([("--on", f"2026-01-0{day}") if dated else () for day in (3, 4, 5)])
    act(cli, "intake", "complete", ref, *CRITERIA, *next(on))
    act(cli, "contract", "sign", ref, *next(on))
    act(cli, "coaching", "start", ref, *next(on))
    return ref


def stage_of(cli: Cli, ref: str) -> str:
    stage: str = json.loads(cli("show", ref, "--json").stdout)["status"]["stage"]
    return stage


def test_a_drop_out_voided_then_one_restated_through_the_cli(cli: Cli) -> None:
    ref = to_coaching(cli, "dated")
    dropped = act(cli, "dropout", ref, "--reason", "no news", "--on", "2026-01-12")
    said = cli("correct", ref, str(dropped["seq"]), *WHY)
    assert said.exit_code == 0, said.output
    assert "Event voided" in said.stdout
    assert stage_of(cli, ref) == "coaching"
    events = json.loads(cli("timeline", ref, "--json").stdout)
    voided = next(e for e in events if e["kind"] == "event_voided")
    assert voided["details"]["seq"] == str(dropped["seq"])
    timeline = cli("timeline", ref).stdout
    assert f"Dropped out (voided by #{voided['seq']})" in timeline
    assert f"Event voided: #{dropped['seq']} Dropped out" in timeline
    french = cli("--lang", "fr", "timeline", ref).stdout
    assert f"annulé par n°{voided['seq']}" in french
    assert f"Événement annulé : n°{dropped['seq']}" in french  # French spacing, not "annulé:"

    again = act(cli, "dropout", ref, "--reason", "no news", "--on", "2026-01-10")
    restated = act(cli, "correct", ref, str(again["seq"]), "--on", "2026-01-08T10:00", *WHY)
    assert (restated["event"], restated["stage"]) == ("event_restated", "dropped_out")
    shown = json.loads(cli("show", ref, "--json").stdout)["status"]
    assert shown["stage_since"].startswith("2026-01-08T10:00")
    assert "restated to 2026-01-08 10:00" in cli("timeline", ref).stdout


def test_corrections_refused_with_their_exit_codes(cli: Cli) -> None:
    ref = to_coaching(cli)
    dropped = act(cli, "dropout", ref, "--reason", "no news")
    open_session(cli, "2026-09", programme="atp-cergy")
    act(cli, "reenter", ref, "--session", "2026-09", "--reason", "back")
    depends = cli("correct", ref, str(dropped["seq"]), *WHY)
    assert depends.exit_code == ExitCode.REFUSED
    assert "later events depend on it" in depends.stderr
    no_reason = cli("correct", ref, str(dropped["seq"]))
    assert no_reason.exit_code == ExitCode.USAGE
    assert "say why with --reason" in no_reason.stderr
    assert cli("correct", ref, "999", *WHY).exit_code == ExitCode.NOT_FOUND
    assert cli("correct", ref, "0", *WHY).exit_code == ExitCode.USAGE
    assert cli("correct", ref, "two", *WHY).exit_code == ExitCode.USAGE
    assert cli("correct", ref, "1", *WHY).exit_code == ExitCode.REFUSED  # the referral
    contact = act(cli, "contact", ref)
    other = cli("correct", ref, str(contact["seq"]), *WHY, PARCOURS_ACTOR="staff-0000")
    assert other.exit_code == ExitCode.REFUSED
    assert "ask its author or a coordinator to correct it" in other.stderr  # not "--role"
    coordinated = as_coordinator(cli, "correct", ref, str(contact["seq"]), *WHY)
    assert coordinated.exit_code == 0, coordinated.output
    help_text = cli("correct", "--help").stdout
    assert "EVENT" in help_text
    assert "--on" in help_text


def test_an_exit_judged_again_at_its_corrected_date_says_so_everywhere(cli: Cli) -> None:
    """A permanent full-time job from 10 June 2025; the exit, typed on 1 August 2026, holds
    ATP's 13 months. Its date restated to 1 June 2026, it falls short: the correction says
    the exit is no longer positive, and the timeline and the trail, which keep the verdict
    as recorded, say the one that stands first. Before, they still read "positive exit"
    while `show` and the report counted it not positive."""
    ref = refer(cli, "--on", "2025-06-02")
    for step, day in ((("intake", "complete"), "03"), (("contract", "sign"), "04")):
        act(cli, *step, ref, *(CRITERIA if step[0] == "intake" else ()), "--on", f"2025-06-{day}")
    act(cli, "coaching", "start", ref, "--on", "2025-06-05")
    hired = ("--employer", "Leroy", "--contract", "permanent", "--hours", "35")
    act(cli, "mission", "start", ref, *hired, "--start", "2025-06-10", "--on", "2025-06-10")
    exited = act(cli, "exit", ref, "employment", "--reason", "hired for good", "--on", "2026-08-01")
    assert exited["details"]["positive"] == "True"

    args = ("correct", ref, str(exited["seq"]), "--on", "2026-06-01", *WHY)
    assert act(cli, *args)["exit_positive"] == {"was": True, "now": False}
    stood = "(not a positive exit since its correction; recorded as: positive exit)"
    assert stood in cli("timeline", ref, COLUMNS="400").stdout  # wide: one line a row
    assert stood in cli("--role", "auditor", "audit", "trail", ref, COLUMNS="400").stdout
    again = cli("--lang", "fr", "correct", ref, str(exited["seq"]), "--on", "2026-08-01", *WHY)
    assert again.exit_code == 0, again.output
    said = " ".join(again.stdout.split())
    assert "la sortie est désormais : sortie positive (saisie comme : sortie non positive)" in said
    assert "since its correction" not in cli("timeline", ref, COLUMNS="400").stdout  # as recorded


def test_a_barrier_of_a_kind_already_open_is_recorded_with_a_warning_and_how_to_void_it(
    cli: Cli,
) -> None:
    pathway_id = refer(cli)
    first = cli("barrier", "add", pathway_id, "housing", "--json")
    assert first.exit_code == 0, first.output
    assert first.stderr == ""
    second = cli("--lang", "fr", "barrier", "add", pathway_id, "logement")
    assert second.exit_code == 0, second.output
    said = " ".join(second.stderr.split())
    seq = json.loads(cli("timeline", pathway_id, "--json").stdout)[-1]["seq"]
    assert said == (
        "Ce parcours avait déjà un frein ouvert de type « logement » (b1), et les deux sont "
        "enregistrés : si le nouvel enregistrement fait doublon, annulez-le avec parcours "
        f'correct {pathway_id[8:16]} {seq} --reason "saisi deux fois".'
    )
    voided = cli("correct", pathway_id[8:16], str(seq), "--reason", "saisi deux fois")
    assert voided.exit_code == 0, voided.output
    barriers = json.loads(cli("show", pathway_id, "--json").stdout)["status"]["barriers"]
    assert [b["barrier_id"] for b in barriers] == ["b1"]
    assert cli("barrier", "resolve", pathway_id, "b1").exit_code == 0
    third = cli("barrier", "add", pathway_id, "housing")  # the first one is resolved
    assert third.exit_code == 0, third.output
    assert third.stderr == ""


def test_a_notice_that_fails_after_recording_leaves_the_action_done(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warning said once the action is recorded (a barrier of a kind already open) never
    turns a recorded action into a failure that staff would send again."""
    from parcours.cli.action_hooks import AFTER_DONE
    from parcours.domain import commands as c

    called: list[str] = []

    async def broken(*_: object) -> None:
        called.append("notice")
        raise KeyError("barrier_id")

    monkeypatch.setitem(AFTER_DONE, c.RecordContact.TRIGGER, broken)
    pathway_id = refer(cli)
    done = cli("contact", pathway_id, "--json")
    assert called == ["notice"]  # it did fail, after the recording
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["event"] == "contact_recorded"


COACHING = ("--kind", "coaching", "--place", "office")


def test_an_appointment_or_a_job_dating_typed_twice_is_told_with_how_to_void_it(
    cli: Cli,
) -> None:
    pathway_id = refer(cli)
    day = (date.today() + timedelta(days=4)).isoformat()
    slot = ("appointment", "add", pathway_id, "--at", f"{day}T10:00", *COACHING)
    assert cli(*slot).stderr == ""
    again = cli(*slot, "--json")
    assert again.exit_code == 0, again.output
    seq = json.loads(again.stdout)["seq"]
    assert " ".join(again.stderr.split()) == (
        f"This pathway already had an appointment at {day} 10:00 (a1), and both are "
        f"recorded: if the new one is a duplicate, void it with parcours correct "
        f'{pathway_id[8:16]} {seq} --reason "typed twice".'
    )
    other = cli("appointment", "add", pathway_id, "--at", f"{day}T14:00", *COACHING)
    assert other.stderr == ""  # another time: another appointment
    hired = in_coaching(cli, "Ada")
    first = cli("--lang", "fr", "jobdating", "outcome", hired, "embauchée", "--agency", "Adecco")
    assert first.exit_code == 0, first.output
    assert first.stderr == ""
    twice = cli("--lang", "fr", "jobdating", "outcome", hired, "embauche", "--agency", "Adecco")
    assert twice.exit_code == 0, twice.output
    said = " ".join(twice.stderr.split())
    held = json.loads(cli("show", hired, "--json").stdout)["status"]["job_datings"][0]["held_at"]
    first_at = datetime.fromisoformat(held).strftime("%Y-%m-%d %H:%M")
    assert said.startswith(
        "Ce parcours avait déjà une autre issue de job-dating à moins de 12 heures d'écart "
        f"(embauche, {first_at}), et les deux sont enregistrés : si le nouvel enregistrement"
    ), said


def test_a_void_is_undone_by_voiding_it(cli: Cli) -> None:
    """A trial voided a drop-out it meant to keep, on a pathway that had exited since: no
    entry could record it again. Voiding the void undoes it, said as such, both ways."""
    ref = to_coaching(cli, "dated")
    dropped = act(cli, "dropout", ref, "--reason", "no news", "--on", "2026-01-12")
    voided = act(cli, "correct", ref, str(dropped["seq"]), *WHY)
    assert stage_of(cli, ref) == "coaching"
    undone = act(cli, "correct", ref, str(voided["seq"]), "--reason", "voided by mistake")
    assert undone["stage"] == "dropped_out"
    assert stage_of(cli, ref) == "dropped_out"
    timeline = cli("timeline", ref).stdout
    assert (
        f"Void undone: #{voided['seq']} voided #{dropped['seq']} Dropped out, which counts again"
        in " ".join(timeline.split())
    ), timeline
    french = " ".join(cli("--lang", "fr", "timeline", ref).stdout.split())
    assert f"Annulation défaite : n°{voided['seq']} annulait n°{dropped['seq']}" in french
    again = cli("correct", ref, str(undone["seq"]), *WHY)  # an undoing is not undone
    assert again.exit_code == ExitCode.REFUSED, again.output
    assert "void the event again" in again.stderr
