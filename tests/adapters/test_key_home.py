"""The key file lives in the user's config folder, away from the engine's database.

A key file an older parcours left in the data folder is still read, `parcours serve`
moves it (and says so), two that differ are refused by name rather than one picked, and
`serve` warns when the key file shares the database's folder anyway."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.key_home import move_legacy_key_file, shares_folder_with_database
from parcours.adapters.temporal.keys import KeyringError, create_key_file, load_keyring
from parcours.cli.i18n import Text
from parcours.service import prepare_keys


def settings_in(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env(
        {
            "PARCOURS_DATA_DIR": str(tmp_path / "data"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
            **env,
        }
    )


def test_an_old_key_file_is_read_until_serve_moves_it(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    assert settings.legacy_key_file is not None
    old = create_key_file(settings.legacy_key_file)
    assert load_keyring(settings) == old  # an existing install keeps working as it was

    said: list[str] = []
    prepare_keys(settings, said.append, said.append, Text("en"))

    assert not settings.legacy_key_file.exists()
    assert stat.S_IMODE(settings.key_file.stat().st_mode) == 0o600
    assert load_keyring(settings) == old
    assert said == [
        f"Moved the key file from {settings.legacy_key_file} (beside the engine's database) "
        f"to {settings.key_file} (mode 0600)."
    ]
    again: list[str] = []
    prepare_keys(settings, again.append, again.append, Text("en"))
    assert again == []


def test_a_first_run_creates_the_key_file_in_the_config_folder(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    said: list[str] = []
    prepare_keys(settings, said.append, said.append, Text("fr"))
    assert settings.key_file.exists()
    assert said == [
        f"Fichier de clés {settings.key_file} créé (mode 0600) : gardez-le précieusement."
    ]
    assert settings.legacy_key_file is not None
    assert not settings.legacy_key_file.exists()


def test_a_copy_left_behind_is_removed_and_a_different_one_refused(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    assert settings.legacy_key_file is not None
    kept = create_key_file(settings.key_file)
    settings.legacy_key_file.parent.mkdir(parents=True)
    settings.legacy_key_file.write_bytes(settings.key_file.read_bytes())
    settings.legacy_key_file.chmod(0o600)
    assert move_legacy_key_file(settings) == settings.legacy_key_file
    assert not settings.legacy_key_file.exists()

    create_key_file(settings.legacy_key_file)  # another keyring, in the data folder
    assert move_legacy_key_file(settings) is None
    assert settings.legacy_key_file.exists()  # never removed: it may be the right one
    with pytest.raises(KeyringError) as refused:
        load_keyring(settings)
    assert refused.value.reason == "two_files"
    assert load_keyring(settings_in(tmp_path, PARCOURS_KEY_FILE=str(settings.key_file))) == kept


def test_a_key_file_beside_the_database_is_warned_about(tmp_path: Path) -> None:
    beside = settings_in(tmp_path, PARCOURS_KEY_FILE=str(tmp_path / "data" / "keys.json"))
    warned: list[str] = []
    said: list[str] = []
    prepare_keys(beside, said.append, warned.append, Text("en"))
    assert shares_folder_with_database(beside) == (tmp_path / "data").resolve()
    assert len(warned) == 1
    assert warned[0].startswith(f"Warning: the key file {beside.key_file} is in")
    assert "with the engine's database" in warned[0]
    assert shares_folder_with_database(settings_in(tmp_path)) is None
    in_env = settings_in(tmp_path, PARCOURS_KEYS="{}", PARCOURS_KEY_FILE=str(beside.key_file))
    assert shares_folder_with_database(in_env) is None
