"""Commands that report what they did give scripts JSON with --json, and nothing else on stdout."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from parcours.adapters.temporal.keys import Keyring
from parcours.cli.app import build_app
from tests.cli.runner import Cli


def _run(tmp_path: Path, *args: str, **env: str) -> dict[str, object]:
    base = {"PARCOURS_DATA_DIR": str(tmp_path), "PARCOURS_CONFIG": str(tmp_path / "none.toml")}
    result = CliRunner().invoke(build_app("en"), list(args), env={**base, **env})
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert isinstance(document, dict)
    return document


def test_keys_create_and_rotate(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    created = _run(tmp_path, "keys", "create", "--file", str(path), "--json")
    assert created == {"path": str(path), "current": "k1", "keys": 1}
    rotated = _run(tmp_path, "keys", "rotate", "--file", str(path), "--json")
    assert rotated == {"path": str(path), "current": "k2", "keys": 2}
    assert Keyring.from_file(path).current.key_id == "k2"


def test_partners_add_and_rebuild_speak_json(cli: Cli, tmp_path: Path) -> None:
    added = cli(
        "--role",
        "coordinator",
        "partners",
        "add",
        "CCAS",
        "--kind",
        "referrer",
        "--channel",
        "file",
        "--address",
        str(tmp_path / "ccas"),
        "--json",
    )
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout) == {
        "name": "CCAS",
        "kind": "referrer",
        "channel": "file",
        "saved": True,
    }
    rebuilt = cli("readmodel", "rebuild", "--json")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert set(json.loads(rebuilt.stdout)) == {"rebuilt", "removed", "cannot_run"}
