"""`parcours audit trail`, `at` and `replay` check a history before they use it.

Every file here is a real recorded history or a bundle `parcours audit bundle` made of
one, damaged as a person would (`tests/audit/tampering.py`): each damage is refused in
one sentence naming what is wrong and where, with a documented exit code, and never with
a traceback, on any of the three commands.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from parcours.adapters.temporal.keys import Key, Keyring
from parcours.cli.exit_codes import ExitCode
from tests.audit import tampering as t
from tests.audit.helpers import json_of, other_keys
from tests.cli.runner import Cli
from tests.histories.record import KEY_FILE

COMMANDS: dict[str, tuple[str, ...]] = {
    "trail": ("trail",),
    "at": ("at", "--when", "now"),
    "replay": ("replay",),
}
"""The commands that read what a history says, each ending with the file to read."""


def audit(cli: Cli, command: str, path: Path, *first: str, **env: str) -> Result:
    verb, *options = COMMANDS[command]
    return cli(*first, "audit", verb, str(path), *options, **env)


def refusal(result: Result, code: ExitCode) -> str:
    """The one sentence a refusal says, once it is checked to be one and nothing else."""
    assert result.exit_code == code, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    said = result.stderr.strip()
    assert said, result.output
    assert "\n" not in said, said
    return said


@pytest.fixture
def bundle(history_cli: Cli, tmp_path: Path) -> dict[str, Any]:
    """The bundle of the committed whole ATP pathway, as `parcours audit bundle` writes it."""
    out = tmp_path / "intact.json"
    made = history_cli("audit", "bundle", str(t.FULL), "--out", str(out))
    assert made.exit_code == 0, made.output
    return t.read(out)


def run_id_of(bundle: dict[str, Any]) -> str:
    run_id: str = bundle["runs"][0]["runId"]
    return run_id


def broken(path: Path, link: str) -> str:
    return (
        f"{path} was not used, as its chain does not hold: {link};"
        f" `parcours audit verify {path}` names the same link."
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_an_intact_bundle_is_used(
    history_cli: Cli, bundle: dict[str, Any], tmp_path: Path, command: str
) -> None:
    path = t.write(bundle, tmp_path / "copy.json")
    result = audit(history_cli, command, path)
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.stderr
    said = {"trail": "programme atp-cergy v1", "at": "Exited", "replay": "1 replayed cleanly"}
    assert said[command] in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bundle_with_a_deleted_event_is_not_used(
    history_cli: Cli, bundle: dict[str, Any], tmp_path: Path, command: str
) -> None:
    path = t.write(t.bundle_without_event(bundle), tmp_path / "deleted.json")
    link = (
        f"the hash chain breaks at run 1 ({run_id_of(bundle)}), where event {t.DELETED}"
        f" was removed (event {t.DELETED + 1} stands in its place)"
    )
    said = refusal(audit(history_cli, command, path), ExitCode.INVALID_FILE)
    assert said == broken(path, link)
    verified = refusal(history_cli("audit", "verify", str(path)), ExitCode.INVALID_FILE)
    assert verified == f"Tampered: {link}."


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bundle_with_two_events_swapped_is_not_used(
    history_cli: Cli, bundle: dict[str, Any], tmp_path: Path, command: str
) -> None:
    path = t.write(t.bundle_swapped(bundle), tmp_path / "swapped.json")
    link = (
        f"the hash chain breaks at run 1 ({run_id_of(bundle)}), where events were moved"
        f" (event {t.SECOND_SWAPPED} stands where event {t.FIRST_SWAPPED} should)"
    )
    said = refusal(audit(history_cli, command, path), ExitCode.INVALID_FILE)
    assert said == broken(path, link)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bundle_whose_programme_was_changed_is_not_used(
    history_cli: Cli, bundle: dict[str, Any], tmp_path: Path, command: str
) -> None:
    path = t.write(t.bundle_with_longer_accompaniment(bundle), tmp_path / "programme.json")
    link = "the bundle's header (workflow id, run ids or programme definition) was changed"
    said = refusal(audit(history_cli, command, path), ExitCode.INVALID_FILE)
    assert said == broken(path, link)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_bundle_with_a_payload_byte_flipped_is_not_used(
    history_cli: Cli, bundle: dict[str, Any], tmp_path: Path, command: str
) -> None:
    """The chain catches it before any key is tried."""
    entries = bundle["runs"][0]["entries"]
    events = {"events": [entry["event"] for entry in entries]}
    flipped = t.history_with_flipped_byte(events)["events"]
    for entry, event in zip(entries, flipped, strict=True):
        entry["event"] = event
    path = t.write(bundle, tmp_path / "flipped.json")
    link = f"the hash chain breaks at run 1 ({run_id_of(bundle)}), event {t.TAMPERED}"
    said = refusal(audit(history_cli, command, path), ExitCode.INVALID_FILE)
    assert said == broken(path, link)


@pytest.mark.parametrize("command", COMMANDS)
def test_a_history_with_a_payload_byte_flipped_is_altered_not_a_wrong_key(
    history_cli: Cli, tmp_path: Path, command: str
) -> None:
    path = t.write(t.history_with_flipped_byte(t.read(t.FULL)), tmp_path / "flipped.json")
    said = refusal(audit(history_cli, command, path), ExitCode.INVALID_FILE)
    assert said == (
        f"{path} was not used: the payload of event {t.TAMPERED} (run 1) was altered or is"
        " not from this service, as it fails authentication under the key k1, which opens"
        " the history's other payloads."
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_a_wrong_key_is_said_to_be_the_keys_fault(history_cli: Cli, command: str) -> None:
    said = refusal(audit(history_cli, command, t.FULL, PARCOURS_KEYS=other_keys()), ExitCode.KEYS)
    assert said == (
        "The stored data cannot be decrypted with the keys given: their key k1 is not the"
        " one that encrypted it; use the key file (or PARCOURS_KEYS) of this service."
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_a_key_the_keys_do_not_hold_is_named(history_cli: Cli, command: str) -> None:
    only_k2 = Keyring((Key("k2", os.urandom(32)),)).to_json()
    said = refusal(audit(history_cli, command, t.FULL, PARCOURS_KEYS=only_k2), ExitCode.KEYS)
    assert said == (
        "The stored data cannot be decrypted with the keys given: it was encrypted with the"
        " key k1, which they do not hold; use the key file (or PARCOURS_KEYS) of this"
        " service, with its older keys."
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_a_registry_history_is_not_a_pathway(history_cli: Cli, command: str) -> None:
    said = refusal(audit(history_cli, command, t.REGISTRY), ExitCode.INVALID_FILE)
    assert said == (
        f"{t.REGISTRY} is the history of a ReferralRegistry workflow: parcours audit reads"
        " only the histories of pathways and job-datings (ParticipantPathway, JobDating)."
    )


@pytest.mark.parametrize("command", COMMANDS)
def test_a_plain_history_with_an_event_deleted_or_moved_is_not_used(
    history_cli: Cli, tmp_path: Path, command: str
) -> None:
    """No chain in an export or a Temporal file: the event ids still show it."""
    full = t.read(t.FULL)
    deleted = t.write(t.history_without_event(full), tmp_path / "deleted.json")
    said = refusal(audit(history_cli, command, deleted), ExitCode.INVALID_FILE)
    assert said == (
        f"{deleted} cannot be read as a history: event {t.DELETED} of run 1 is missing"
        f" (event {t.DELETED + 1} stands in its place)."
    )
    swapped = t.write(t.history_swapped(full), tmp_path / "swapped.json")
    said = refusal(audit(history_cli, command, swapped), ExitCode.INVALID_FILE)
    assert said == (
        f"{swapped} cannot be read as a history: the events of run 1 are out of order"
        f" (event {t.SECOND_SWAPPED} stands where event {t.FIRST_SWAPPED} should)."
    )


def test_the_refusals_in_french(history_cli: Cli, bundle: dict[str, Any], tmp_path: Path) -> None:
    deleted = t.write(t.bundle_without_event(bundle), tmp_path / "deleted.json")
    said = refusal(audit(history_cli, "at", deleted, "--lang", "fr"), ExitCode.INVALID_FILE)
    assert said.startswith(f"{deleted} n'a pas été utilisé, car sa chaîne ne tient pas : ")
    assert f"où l'événement {t.DELETED} a été retiré" in said
    flipped = t.write(t.history_with_flipped_byte(t.read(t.FULL)), tmp_path / "flipped.json")
    said = refusal(audit(history_cli, "trail", flipped, "--lang", "fr"), ExitCode.INVALID_FILE)
    assert f"les données de l'événement {t.TAMPERED} (exécution 1) ont été modifiées" in said
    assert "ne viennent pas de ce service" in said
    said = refusal(audit(history_cli, "replay", t.REGISTRY, "--lang", "fr"), ExitCode.INVALID_FILE)
    assert said == (
        f"{t.REGISTRY} est l'historique d'un workflow ReferralRegistry : parcours audit ne lit"
        " que les historiques de parcours et de job-datings (ParticipantPathway, JobDating)."
    )
    wrong = audit(history_cli, "trail", t.FULL, "--lang", "fr", PARCOURS_KEYS=other_keys())
    assert "leur clé k1 n'est pas celle qui les a chiffrées" in refusal(wrong, ExitCode.KEYS)


def test_a_broken_bundle_is_not_bundled_again_nor_exported(
    history_cli: Cli, bundle: dict[str, Any], tmp_path: Path
) -> None:
    """Bundling a tampered bundle would give it an intact chain: it is refused too."""
    path = t.write(t.bundle_without_event(bundle), tmp_path / "deleted.json")
    for verb in ("bundle", "export"):
        result = history_cli("audit", verb, str(path), "--out", str(tmp_path / f"{verb}.json"))
        assert refusal(result, ExitCode.INVALID_FILE).startswith(f"{path} was not used")
        assert not (tmp_path / f"{verb}.json").exists()


def test_verify_json_names_the_event_removed(
    history_cli: Cli, bundle: dict[str, Any], tmp_path: Path
) -> None:
    path = t.write(t.bundle_without_event(bundle), tmp_path / "deleted.json")
    result = history_cli("audit", "verify", str(path), "--json")
    assert result.exit_code == ExitCode.INVALID_FILE
    verdict = json_of_failed(result)
    assert (verdict["broken"], verdict["event_id"], verdict["found"]) == (
        "missing",
        str(t.DELETED),
        str(t.DELETED + 1),
    )
    swapped = t.write(t.bundle_swapped(bundle), tmp_path / "swapped.json")
    verdict = json_of_failed(history_cli("audit", "verify", str(swapped), "--json"))
    assert (verdict["broken"], verdict["run"]) == ("order", 1)
    assert json_of(
        history_cli("audit", "verify", str(t.write(bundle, tmp_path / "b.json")), "--json")
    )["intact"]


def json_of_failed(result: Result) -> dict[str, Any]:
    assert result.exit_code == ExitCode.INVALID_FILE, result.output
    document: dict[str, Any] = json.loads(result.stdout)
    assert document["intact"] is False
    return document


PARCOURS = Path(sys.executable).parent / "parcours"


@pytest.mark.parametrize("damage", ["flipped", "registry", "wrong_key", "deleted"])
def test_replay_as_a_process_prints_one_sentence_and_no_traceback(
    bundle: dict[str, Any], tmp_path: Path, damage: str
) -> None:
    """The installed command, stderr read from its file descriptor: what the replayer's
    core and the SDK's loggers would print lands there too."""
    keys = KEY_FILE.read_text(encoding="utf-8")
    files = {
        "flipped": lambda: t.write(
            t.history_with_flipped_byte(t.read(t.FULL)), tmp_path / "f.json"
        ),
        "registry": lambda: t.REGISTRY,
        "wrong_key": lambda: t.FULL,
        "deleted": lambda: t.write(t.bundle_without_event(bundle), tmp_path / "d.json"),
    }
    env = {
        "PATH": os.environ.get("PATH", ""),
        "PARCOURS_KEYS": other_keys() if damage == "wrong_key" else keys,
        "PARCOURS_DATA_DIR": str(tmp_path / "data"),
        "PARCOURS_CONFIG": str(tmp_path / "no-config.toml"),
        "PARCOURS_ACTOR": "staff-7f3a",
        "PARCOURS_ROLE": "auditor",
        "PARCOURS_LANG": "en",
        "PARCOURS_TEMPORAL_ADDRESS": "127.0.0.1:1",
    }
    path = files[damage]()
    done = subprocess.run(
        [str(PARCOURS), "audit", "replay", str(path)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    expected = ExitCode.KEYS if damage == "wrong_key" else ExitCode.INVALID_FILE
    assert done.returncode == expected, done.stderr
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    [said] = done.stderr.strip().splitlines()
    assert said.startswith(SAID[damage].format(path)), said


SAID = {
    "flipped": f"{{}} was not used: the payload of event {t.TAMPERED} (run 1) was altered",
    "registry": f"{t.REGISTRY} is the history of a ReferralRegistry workflow",
    "wrong_key": "The stored data cannot be decrypted with the keys given: their key k1",
    "deleted": "{} was not used, as its chain does not hold",
}
"""How each refusal of the process test begins ({} is the file)."""
