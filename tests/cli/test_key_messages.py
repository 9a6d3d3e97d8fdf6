"""Key problems are one sentence in the reader's language, with exit code 7."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.keys import Keyring, KeyringError, create_key_file
from parcours.cli.app import build_app
from parcours.cli.errors import keyring_sentence
from parcours.cli.exit_codes import ExitCode
from parcours.cli.i18n import Text
from tests.cli.runner import Cli


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def _failures(tmp: Path) -> dict[str, Callable[[], object]]:
    good = Keyring.generate().to_json()
    return {
        "missing": lambda: Keyring.from_file(tmp / "none.json"),
        "not_private": lambda: Keyring.from_file(_shared(_write(tmp / "shared.json", good))),
        "not_json": lambda: Keyring.from_file(_write(tmp / "notes.json", "meeting notes")),
        "bad_shape": lambda: Keyring.from_env_value("[]"),
        "no_current": lambda: Keyring.from_env_value('{"current": "k9", "keys": {}}'),
        "bad_key_in": lambda: Keyring.from_env_value('{"current": "k1", "keys": {"k1": "QUJD"}}'),
        "exists": lambda: create_key_file(_write(tmp / "there.json", good)),
    }


def _shared(path: Path) -> Path:
    path.chmod(0o644)
    return path


@pytest.mark.parametrize(
    "reason",
    ["missing", "not_private", "not_json", "bad_shape", "no_current", "bad_key_in", "exists"],
)
def test_each_key_problem_has_its_french_sentence(tmp_path: Path, reason: str) -> None:
    with pytest.raises(KeyringError) as caught:
        _failures(tmp_path)[reason]()
    err = caught.value
    assert err.reason == reason
    english, french = keyring_sentence(err, Text("en")), keyring_sentence(err, Text("fr"))
    assert english == str(err)  # the catalogue says what the library says
    assert french != english
    assert french.endswith(".")
    assert "b64" not in json.dumps(err.values)  # no key material in the values


@pytest.mark.parametrize(("lang", "said"), [("en", "does not exist"), ("fr", "n'existe pas")])
def test_a_missing_key_file_stops_a_command_with_exit_7(
    tmp_path: Path, lang: str, said: str
) -> None:
    env = {
        "PARCOURS_DATA_DIR": str(tmp_path),
        "PARCOURS_KEY_FILE": str(tmp_path / "keys.json"),
        "PARCOURS_TEMPORAL_ADDRESS": "127.0.0.1:1",
        "PARCOURS_ACTOR": "staff-1",
        "PARCOURS_CONFIG": str(tmp_path / "none.toml"),
    }
    result = CliRunner().invoke(build_app(lang), ["show", "abcd1234"], env=env)
    assert result.exit_code == ExitCode.KEYS, result.output
    assert said in result.stderr
    assert str(tmp_path / "keys.json") in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_two_differing_key_files_stop_a_command_with_exit_7(
    offline_cli: Cli, tmp_path: Path
) -> None:
    settings = Settings.from_env(
        {"PARCOURS_DATA_DIR": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "config")}
    )
    assert settings.legacy_key_file is not None
    create_key_file(settings.key_file)
    create_key_file(settings.legacy_key_file)
    env = {
        "PARCOURS_KEYS": "",
        "PARCOURS_DATA_DIR": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    for lang, start in (("en", "There are two key files"), ("fr", "Il y a deux fichiers de clés")):
        result = offline_cli("--lang", lang, "worker", **env)
        assert result.exit_code == ExitCode.KEYS, result.output
        assert result.stderr.startswith(start), result.stderr
        assert str(settings.legacy_key_file) in result.stderr
