"""`parcours audit` over history files: the committed histories, changed, tampered, misread."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
from temporalio import workflow
from temporalio.client import WorkflowHistory

from parcours.audit.history import PathwayHistory, read_history_file
from parcours.audit.replay import replay_histories
from parcours.cli.exit_codes import ExitCode
from parcours.workflows.messages import AlertDelivery, PathwayInput, PathwayResult
from parcours.workflows.pathway import ACTIVITY_RETRY, ParticipantPathway
from tests.audit.helpers import COMMITTED, json_of, other_keys
from tests.cli.runner import Cli
from tests.histories.record import HERE, history_keyring
from tests.support import RECOGNISABLE_NAME

FULL = HERE / "atp-full-pathway.json"
OPEN = HERE / "atp-open-suspended.json"
FIRST, LAST = RECOGNISABLE_NAME.split()


def test_every_committed_history_replays_through_the_cli(history_cli: Cli) -> None:
    assert len(COMMITTED) >= 3
    result = history_cli("audit", "replay", *map(str, COMMITTED))
    assert result.exit_code == 0, result.output
    assert f"{len(COMMITTED)} replayed cleanly, 0 failed" in result.stdout
    report = json_of(history_cli("audit", "replay", *map(str, COMMITTED), "--json"))
    assert (report["replayed"], report["failed"]) == (len(COMMITTED), 0)


def test_a_changed_history_is_caught_with_the_event_named(history_cli: Cli, tmp_path: Path) -> None:
    document = json.loads(OPEN.read_text(encoding="utf-8"))
    scheduled = next(
        e for e in document["events"] if e["eventType"] == "EVENT_TYPE_ACTIVITY_TASK_SCHEDULED"
    )
    scheduled["activityTaskScheduledEventAttributes"]["activityType"]["name"] = "deliver_v0"
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(document), encoding="utf-8")
    result = history_cli("audit", "replay", str(changed), str(OPEN))
    assert result.exit_code == ExitCode.INVALID_FILE
    failed = [line for line in result.stdout.splitlines() if line.startswith("FAILED")]
    assert len(failed) == 1
    assert f"event {scheduled['eventId']} (ActivityTaskScheduled)" in failed[0]
    assert "deliver_v0" in failed[0]
    assert "1 replayed cleanly, 1 failed" in result.stderr


@pytest.mark.parametrize("kept", [1, 2, 3])
def test_a_pathway_whose_first_task_has_not_run_yet_is_said_so(
    history_cli: Cli, tmp_path: Path, kept: int
) -> None:
    """Before, a history read while its first task waited for a worker (or ran) was said
    to have failed, with an empty error, and exit 8 sent staff to `doctor`; it is not yet
    run (exit 5: try again in a moment)."""
    document = json.loads(OPEN.read_text(encoding="utf-8"))
    document["events"] = document["events"][:kept]  # started, scheduled, started its task
    early = tmp_path / "early.json"
    early.write_text(json.dumps(document), encoding="utf-8")
    for command in ("trail", "at"):
        extra = ["--when", "2026-12-01"] if command == "at" else []
        said = history_cli("audit", command, str(early), *extra)
        assert said.exit_code == ExitCode.UNAVAILABLE, said.output
        assert "its first workflow task has not run" in said.stderr
        assert "failed" not in said.stderr


@workflow.defn(name="ParticipantPathway")
class RenamedAlertActivity(ParticipantPathway):
    """A careless change: the alert activity renamed without `workflow.patched`."""

    @workflow.run
    async def run(self, start: PathwayInput) -> PathwayResult:
        return await super().run(start)

    async def _deliver(self, delivery: AlertDelivery) -> None:
        await workflow.execute_activity(
            "deliver_alerts_v2",
            delivery,
            start_to_close_timeout=ACTIVITY_RETRY.maximum_interval,
            retry_policy=ACTIVITY_RETRY,
        )


@pytest.mark.asyncio(loop_scope="session")
async def test_a_changed_workflow_is_caught_with_the_event_named() -> None:
    # Defined in a test module, the changed class is replayed outside the sandbox.
    history = read_history_file(OPEN)
    [outcome] = await replay_histories(
        [history], history_keyring(), sandboxed=False, workflows=[RenamedAlertActivity]
    )
    assert outcome.failed
    assert outcome.workflow_id.startswith("pathway-")  # named from the start input
    first_alerts = next(
        e.event_id
        for e in history.runs[0].events
        if e.HasField("activity_task_scheduled_event_attributes")
    )
    assert (outcome.event_id, outcome.event_type) == (first_alerts, "ActivityTaskScheduled")
    assert "nondetermin" in outcome.message.lower()
    assert "deliver_alerts_v2" in outcome.message
    [control] = await replay_histories([history], history_keyring(), sandboxed=False)
    assert not control.failed


@workflow.defn(name="ParticipantPathway")
class BrokenStatusUpsert(ParticipantPathway):
    """A change that makes the workflow's own code fail while it replays."""

    @workflow.run
    async def run(self, start: PathwayInput) -> PathwayResult:
        return await super().run(start)

    def _upsert_search_attributes(self) -> None:
        raise RuntimeError("the referent attribute was removed")


@pytest.mark.asyncio(loop_scope="session")
async def test_a_workflow_failing_on_replay_reports_its_own_message() -> None:
    """Not "Encoded failure": replay keeps failures readable, since it stores nothing."""
    history = read_history_file(OPEN)
    [outcome] = await replay_histories(
        [history], history_keyring(), sandboxed=False, workflows=[BrokenStatusUpsert]
    )
    assert outcome.failed
    assert "the referent attribute was removed" in outcome.message
    assert "Encoded failure" not in outcome.message


def test_trail_says_who_did_what_when_why_under_which_programme(history_cli: Cli) -> None:
    trail = json_of(history_cli("audit", "trail", str(FULL), "--json"))
    assert (trail["programme"], trail["programme_version"]) == ("atp-cergy", 1)
    entries = trail["entries"]
    assert isinstance(entries, list)
    assert [e["seq"] for e in entries] == list(range(1, len(entries) + 1))
    assert entries[0]["event"] == "referred"
    assert (entries[0]["actor_id"], entries[0]["role"]) == ("staff-7f3a", "staff")
    by_kind = {e["event"]: e for e in entries}
    assert by_kind["barrier_waived"]["reason"] == "grandmother looks after the children"
    assert by_kind["suspended"]["reason"] == "hospitalised"
    assert by_kind["exited"]["reason"]
    alerts = [e for e in entries if e["event"] == "alert_raised"]
    assert alerts
    assert all((e["actor_id"], e["role"]) == ("parcours", "system") for e in alerts)
    run_id = read_history_file(FULL).run_ids[0]
    for entry in entries:
        assert (entry["programme"], entry["programme_version"]) == ("atp-cergy", 1)
        assert entry["run_id"] == run_id
        assert entry["history_event_id"] > 0
    table = history_cli("audit", "trail", str(FULL))
    assert table.exit_code == 0
    assert "programme atp-cergy v1" in table.stdout
    assert "hospitalised" in table.stdout
    for output in (json.dumps(trail), table.stdout):
        assert FIRST not in output
        assert LAST not in output


def test_trail_says_when_an_entry_made_after_the_fact_was_recorded(history_cli: Cli) -> None:
    """A pathway typed in later with `--on` is told from one recorded live: each entry's
    `recorded_at` beside `at`, and "(saisi le …)" where the two differ to the minute."""
    entered = HERE / "atp-entered-after-the-fact.json"
    entries = json_of(history_cli("audit", "trail", str(entered), "--json"))["entries"]
    assert isinstance(entries, list)
    late = [e for e in entries if e["recorded_at"] > e["at"]]
    assert late, "the history holds entries made after the fact"
    live = json_of(history_cli("audit", "trail", str(FULL), "--json"))["entries"]
    assert isinstance(live, list)
    assert all(e["recorded_at"] >= e["at"] for e in live)
    shown = history_cli("--lang", "fr", "audit", "trail", str(entered))
    assert shown.exit_code == 0, shown.output
    assert "saisi le" in shown.stdout
    # `audit at` names its last event by the trail's number: the same kind, the same day.
    by_seq = {e["seq"]: e for e in entries}
    numbered = 0
    for entry in late:
        at = json_of(history_cli("audit", "at", str(entered), "--when", entry["at"], "--json"))
        last = at["last_event"]
        assert isinstance(last, dict)
        assert at["last_event_seq"] == last["seq"]
        if last["seq"]:
            numbered += 1
            assert (by_seq[last["seq"]]["event"], by_seq[last["seq"]]["at"]) == (
                last["kind"],
                last["at"],
            ), entry
    assert numbered


def test_at_shows_the_pathway_at_an_instant_without_the_person(history_cli: Cli) -> None:
    trail = json_of(history_cli("audit", "trail", str(FULL), "--json"))
    entries = trail["entries"]
    assert isinstance(entries, list)
    suspended = next(e for e in entries if e["event"] == "suspended")
    snapshot = json_of(history_cli("audit", "at", str(FULL), "--when", suspended["at"], "--json"))
    assert snapshot["stage"] == "suspended"
    assert snapshot["last_event_seq"] == suspended["seq"]
    last = snapshot["last_event"]
    assert isinstance(last, dict)
    assert (last["actor_id"], last["reason"]) == ("staff-7f3a", "hospitalised")
    barriers = snapshot["barriers"]
    assert isinstance(barriers, list)
    assert [b["status"] for b in barriers] == ["resolved", "waived"]
    human = history_cli("audit", "at", str(FULL), "--when", suspended["at"])
    assert human.exit_code == 0
    assert "Suspended" in human.stdout
    assert "why: hospitalised" in human.stdout
    assert "Barriers (2)" in human.stdout  # the records, section by section, as `show` has them
    assert "Resumes to" in human.stdout
    for output in (json.dumps(snapshot), human.stdout):
        assert FIRST not in output
        assert LAST not in output
    french = history_cli("--lang", "fr", "audit", "at", str(FULL), "--when", suspended["at"])
    assert "motif : hospitalised" in french.stdout
    before = history_cli("audit", "at", str(FULL), "--when", "2000-01-01")
    assert before.exit_code == ExitCode.NOT_FOUND
    assert "did not exist yet" in before.stderr


def test_bundle_verifies_intact_and_names_the_first_broken_link(
    history_cli: Cli, tmp_path: Path
) -> None:
    bundle = tmp_path / "bundle.json"
    made = history_cli("audit", "bundle", str(FULL), "--out", str(bundle))
    assert made.exit_code == 0, made.output
    document = json.loads(bundle.read_text(encoding="utf-8"))
    head = document["head"]
    assert head in made.stdout
    assert document["programme"]["name"] == "atp-cergy"
    intact = history_cli("audit", "verify", str(bundle), "--head", head)
    assert intact.exit_code == 0, intact.output
    recorded = len(json.loads(FULL.read_text(encoding="utf-8"))["events"])
    assert f"Intact: {recorded} events in 1 run(s)" in intact.stdout
    # The bundle is a history too: it replays.
    assert history_cli("audit", "replay", str(bundle)).exit_code == 0

    wrong_head = history_cli("audit", "verify", str(bundle), "--head", "0" * 64)
    assert wrong_head.exit_code == ExitCode.INVALID_FILE
    assert "Not the bundle expected" in wrong_head.stderr

    # One byte of one event's attributes: a letter of an encrypted payload of event 5.
    text = bundle.read_text(encoding="utf-8")
    at = text.index('"eventId": "5"')
    data = re.compile(r'"data": "([A-Za-z0-9+/=]+)"').search(text, at)
    assert data is not None
    flip = data.start(1) + 10
    tampered = text[:flip] + ("A" if text[flip] != "A" else "B") + text[flip + 1 :]
    bundle.write_text(tampered, encoding="utf-8")
    broken = history_cli("audit", "verify", str(bundle))
    assert broken.exit_code == ExitCode.INVALID_FILE
    run_id = document["runs"][0]["runId"]
    assert broken.stderr.strip() == (
        f"Tampered: the hash chain breaks at run 1 ({run_id}), event 5."
    )

    document["programme"]["version"] = 2
    bundle.write_text(json.dumps(document), encoding="utf-8")
    header = history_cli("audit", "verify", str(bundle), "--json")
    assert header.exit_code == ExitCode.INVALID_FILE
    assert json.loads(header.stdout)["broken"] == "header"


def test_audit_bundle_reports_its_head(history_cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "bundle.json"
    report = json_of(history_cli("audit", "bundle", str(FULL), "--out", str(out), "--json"))
    assert report["head"] == json.loads(out.read_text(encoding="utf-8"))["head"]
    assert report["runs"] == 1
    assert str(report["pathway_id"]).startswith("pathway-")


def test_a_wrong_key_is_one_sentence_and_exit_7(history_cli: Cli, tmp_path: Path) -> None:
    for args in (
        ("replay", str(FULL)),
        ("at", str(FULL), "--when", "now"),
        ("trail", str(OPEN)),
        ("bundle", str(OPEN)),
    ):
        result = history_cli("audit", *args, PARCOURS_KEYS=other_keys())
        assert result.exit_code == ExitCode.KEYS, (args, result.output)
        assert result.stdout == ""
        assert result.stderr.strip() == (
            "The stored data cannot be decrypted with the keys given: their key k1 is not"
            " the one that encrypted it; use the key file (or PARCOURS_KEYS) of this service."
        )
    # Copying or checking a history needs no key.
    exported = tmp_path / "copy.json"
    export = history_cli("audit", "export", str(OPEN), "--out", str(exported))
    assert export.exit_code == 0


def test_files_and_arguments_that_do_not_fit(history_cli: Cli, tmp_path: Path) -> None:
    missing = history_cli("audit", "replay", str(tmp_path / "nope.json"))
    assert missing.exit_code == ExitCode.INVALID_FILE
    assert "no such file" in missing.stderr
    not_json = tmp_path / "notes.json"
    not_json.write_text("meeting notes", encoding="utf-8")
    assert history_cli("audit", "replay", str(not_json)).exit_code == ExitCode.INVALID_FILE
    french = history_cli("--lang", "fr", "audit", "trail", str(not_json))
    assert french.exit_code == ExitCode.INVALID_FILE
    assert "ce n'est pas du JSON (ligne 1, colonne 1)" in french.stderr  # not "line 1"
    latin1 = tmp_path / "latin1.json"
    latin1.write_bytes('{"r\u00e9sum\u00e9": 1}'.encode("latin-1"))
    assert "pas du texte UTF-8" in history_cli("--lang", "fr", "audit", "trail", str(latin1)).stderr
    not_bundle = history_cli("audit", "verify", str(OPEN))
    assert not_bundle.exit_code == ExitCode.INVALID_FILE
    assert "not a bundle" in not_bundle.stderr
    assert history_cli("audit", "replay").exit_code == ExitCode.USAGE
    assert history_cli("audit", "replay", str(OPEN), "--all").exit_code == ExitCode.USAGE
    bad_date = history_cli("audit", "at", str(OPEN), "--when", "yesterday")
    assert bad_date.exit_code == ExitCode.USAGE


def test_export_per_run_writes_temporal_own_history_files(history_cli: Cli, tmp_path: Path) -> None:
    folder = tmp_path / "runs"
    result = history_cli("audit", "export", str(FULL), "--per-run", str(folder))
    assert result.exit_code == 0, result.output
    [written] = sorted(folder.iterdir())
    document = json.loads(written.read_text(encoding="utf-8"))
    assert list(document) == ["events"]  # exactly `temporal workflow show --output json`
    recorded = json.loads(FULL.read_text(encoding="utf-8"))["events"]
    assert len(document["events"]) == len(recorded)
    assert ".run1." in written.name
    assert history_cli("audit", "replay", str(written)).exit_code == 0


@pytest.mark.asyncio(loop_scope="session")
async def test_a_run_that_has_only_started_is_replayed_as_nothing_to_check() -> None:
    """A pathway caught just after it continued as new: its new run holds one event.

    Temporal's replayer never returns from such a history; replay must not hand it over.
    """
    history = read_history_file(OPEN)
    started_only = WorkflowHistory(history.workflow_id, list(history.runs[0].events)[:1])
    both = PathwayHistory(history.workflow_id, (history.runs[0], started_only))
    outcomes = await asyncio.wait_for(replay_histories([both], history_keyring()), timeout=60)
    assert [(o.failed, o.events) for o in outcomes] == [
        (False, len(history.runs[0].events)),
        (False, 1),
    ]


def test_at_says_an_event_after_the_history_is_projected(history_cli: Cli) -> None:
    """Beyond the history's end, `audit at` projects what the timers would raise: its last
    event is said to be due, projected, not in the history, rather than as if it happened."""
    far = json_of(history_cli("audit", "at", str(OPEN), "--when", "2099-01-01", "--json"))
    last = far["last_event"]
    assert isinstance(last, dict)
    assert far["last_event_projected"] is True
    assert str(last["at"]) > str(far["recorded_until"])
    said = history_cli("audit", "at", str(OPEN), "--when", "2099-01-01")
    assert "projected from the timers, not in the history" in said.stdout
    french = history_cli("--lang", "fr", "audit", "at", str(OPEN), "--when", "2099-01-01")
    assert "projeté d'après les minuteries, absent de l'historique" in french.stdout
    recorded = json_of(
        history_cli("audit", "at", str(OPEN), "--when", str(far["recorded_until"]), "--json")
    )
    assert recorded["last_event_projected"] is False


def test_the_reason_the_service_anonymised_a_person_is_said_in_the_readers_words(
    history_cli: Cli,
) -> None:
    """The history keeps "retention: no contact since DAY", the service's own words; the
    trail says it in the reader's language, as any label."""
    anonymised = str(HERE / "atp-anonymised.json")
    trail = json_of(history_cli("audit", "trail", anonymised, "--json"))["entries"]
    assert isinstance(trail, list)
    [erased] = [e for e in trail if e["event"] == "person_erased"]
    day = str(erased["reason"]).removeprefix("retention: no contact since ")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", day), erased["reason"]
    french = history_cli("--lang", "fr", "audit", "trail", anonymised, COLUMNS="400")
    assert (
        f"fin de la conservation : dernière saisie sur la personne le {day} (UTC)" in french.stdout
    )
    english = history_cli("audit", "trail", anonymised, COLUMNS="400")
    assert f"retention over: last entry about the person on {day} (UTC)" in english.stdout
