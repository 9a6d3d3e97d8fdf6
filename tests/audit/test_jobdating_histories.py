"""`parcours audit replay|trail|at` on a job-dating's history (a `JobDating` workflow's),
read from the committed files with their throwaway key, no server needed."""

from __future__ import annotations

import json

from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import Cli
from tests.histories.record_jobdating import JOBDATING_HISTORIES

EVENT = JOBDATING_HISTORIES / "jobdating-event.json"
DATED = JOBDATING_HISTORIES / "jobdating-entered-after-the-fact.json"
LATE = JOBDATING_HISTORIES / "jobdating-invited-after-the-day.json"


def test_replay_checks_a_jobdating_with_todays_code(history_cli: Cli) -> None:
    replayed = history_cli("audit", "replay", str(EVENT), str(DATED))
    assert replayed.exit_code == 0, replayed.output
    assert "of 0 pathway(s) and 2 job-dating(s): 2 replayed cleanly, 0 failed." in replayed.stdout
    assert replayed.stdout.startswith("ok      jobdating-")


def test_trail_lists_what_the_event_was_asked_and_did(history_cli: Cli) -> None:
    trail = history_cli("audit", "trail", str(EVENT), "--json", PARCOURS_ROLE="auditor")
    assert trail.exit_code == 0, trail.output
    document = json.loads(trail.stdout)
    assert document["jobdating"].startswith("jobdating-")
    assert document["programme"] == "atp-cergy"
    entries = document["entries"]
    assert [e["what"] for e in entries] == [
        "planned",
        "invite",
        "reminder",
        "record",
        "completed",
    ]
    assert [e["role"] for e in entries] == [
        "coordinator",
        "coordinator",
        "system",
        "staff",
        "system",
    ]
    assert entries[0]["details"]["agencies"] == "Interim 95, Adecco"
    assert entries[3]["details"]["outcomes"].count("=") == 2
    dated = json.loads(history_cli("audit", "trail", str(DATED), "--json").stdout)["entries"]
    invite = next(e for e in dated if e["what"] == "invite")
    assert invite["effective_at"] == "2026-01-06T09:00:00+00:00"  # --on, not when typed
    shown = history_cli("--lang", "fr", "audit", "trail", str(DATED))
    assert shown.exit_code == 0, shown.output
    assert "Historique du job-dating jobdating-" in shown.stdout
    assert "agences invitées" in shown.stdout


def test_at_is_refused_in_one_sentence_saying_what_to_use(history_cli: Cli) -> None:
    for lang, words in (
        ("en", "a job-dating has no pathway state to rebuild at an instant; use parcours audit"),
        ("fr", "un job-dating n'a pas d'état de parcours à reconstituer à un instant"),
    ):
        refused = history_cli("--lang", lang, "audit", "at", str(EVENT), "--when", "now")
        assert refused.exit_code == ExitCode.USAGE
        assert refused.stdout == ""
        said = refused.stderr.strip()
        assert "\n" not in said
        assert words in said
        assert "audit trail" in said


def test_trail_says_an_invitation_recorded_after_the_day_sent_nothing(history_cli: Cli) -> None:
    """Since `JOBDATING_LATE_INVITATION_PATCH`: the invitation of an event entered after its
    day is recorded only; the trail says so after the `invite` line. The same walk
    recorded before it sent the invitation, and its trail says nothing of the kind."""
    late = json.loads(history_cli("audit", "trail", str(LATE), "--json").stdout)["entries"]
    whats = [e["what"] for e in late]
    assert whats.index("nothing_sent") == whats.index("invite") + 1
    before = json.loads(history_cli("audit", "trail", str(DATED), "--json").stdout)["entries"]
    assert "nothing_sent" not in [e["what"] for e in before]
    shown = history_cli("--lang", "fr", "audit", "trail", str(LATE))
    assert "invitation saisie après le jour : rien envoyé" in " ".join(shown.stdout.split())
