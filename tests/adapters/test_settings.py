"""Settings from the environment: a number that cannot be used is refused by name."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from parcours.adapters.settings import InvalidSetting, Settings

PARCOURS = Path(sys.executable).parent / "parcours"

INT_SETTINGS = {"PARCOURS_UI_PORT": 8233, "PARCOURS_SMTP_PORT": 25, "PARCOURS_CODEC_PORT": 8081}
"""Every whole-number setting and its default."""


def from_env(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"PARCOURS_DATA_DIR": str(tmp_path), **env})


def test_the_defaults(tmp_path: Path) -> None:
    settings = from_env(tmp_path)
    assert (settings.ui_port, settings.smtp_port, settings.codec_port) == (8233, 25, 8081)


@pytest.mark.parametrize("variable", INT_SETTINGS)
@pytest.mark.parametrize("value", ["", "  "])
def test_an_empty_number_means_its_default(tmp_path: Path, variable: str, value: str) -> None:
    settings = from_env(tmp_path, **{variable: value})
    assert (settings.ui_port, settings.smtp_port, settings.codec_port) == (8233, 25, 8081)


def test_the_keys_and_the_codec_secret_live_in_the_config_folder(tmp_path: Path) -> None:
    config = tmp_path / "xdg"
    settings = from_env(tmp_path / "data", XDG_CONFIG_HOME=str(config))
    assert settings.key_file == config / "parcours" / "keys.json"
    assert settings.codec_secret_file == config / "parcours" / "codec-secret"
    assert settings.legacy_key_file == tmp_path / "data" / "keys.json"
    by_home = from_env(tmp_path, HOME=str(tmp_path / "home"), XDG_CONFIG_HOME="relative/xdg")
    assert by_home.key_file == tmp_path / "home" / ".config" / "parcours" / "keys.json"
    named = from_env(tmp_path, PARCOURS_KEY_FILE=str(tmp_path / "k.json"))
    assert (named.key_file, named.legacy_key_file) == (tmp_path / "k.json", None)
    secret = from_env(tmp_path, PARCOURS_CODEC_SECRET_FILE=str(tmp_path / "s"))
    assert secret.codec_secret_file == tmp_path / "s"


def test_good_numbers_are_read(tmp_path: Path) -> None:
    settings = from_env(tmp_path, PARCOURS_UI_PORT=" 18233 ", PARCOURS_SMTP_PORT="65535")
    assert (settings.ui_port, settings.smtp_port) == (18233, 65535)


@pytest.mark.parametrize("variable", INT_SETTINGS)
@pytest.mark.parametrize("value", ["abc", "25.0", "-1", "0", "65536", "1e3", "٢٥", "2 5"])
def test_a_bad_number_names_the_variable_the_value_and_what_is_allowed(
    tmp_path: Path, variable: str, value: str
) -> None:
    with pytest.raises(InvalidSetting) as raised:
        from_env(tmp_path, **{variable: value})
    err = raised.value
    assert (err.variable, err.value, err.low, err.high) == (variable, value, 1, 65535)
    assert err.default == INT_SETTINGS[variable]
    assert err.allowed == "a whole number between 1 and 65535"
    assert str(err) == (
        f'{variable} is set to "{value}", which is not a whole number between 1 and 65535: '
        f"fix it, or unset it to use the default ({INT_SETTINGS[variable]})."
    )
    assert isinstance(err, ValueError)


def run_parcours(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The installed command, with this test's environment only."""
    base = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("PARCOURS_", "LC_")) and name != "LANG"
    }
    base.update(
        PARCOURS_DATA_DIR=str(tmp_path / "data"),
        PARCOURS_CONFIG=str(tmp_path / "missing-config.toml"),
        PARCOURS_ACTOR="staff-1",
    )
    return subprocess.run(
        [str(PARCOURS), *args],
        env={**base, **env},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


ENGLISH = (
    'PARCOURS_SMTP_PORT is set to "abc", which is not a whole number between 1 and 65535: '
    "fix it, or unset it to use the default (25)."
)
FRENCH = (
    "PARCOURS_UI_PORT vaut « abc », qui n'est pas un nombre entier entre 1 et 65535 : "
    "corrigez cette variable, ou supprimez-la pour garder la valeur par défaut (8233)."
)


@pytest.mark.parametrize(
    ("args", "env", "sentence"),
    [
        (["list"], {"PARCOURS_SMTP_PORT": "abc", "PARCOURS_LANG": "en"}, ENGLISH),
        (["--lang", "fr", "list"], {"PARCOURS_UI_PORT": "abc"}, FRENCH),
        (["serve"], {"PARCOURS_UI_PORT": "abc", "PARCOURS_LANG": "fr"}, FRENCH),
        (["worker"], {"PARCOURS_SMTP_PORT": "abc", "LANG": "en_GB.UTF-8"}, ENGLISH),
    ],
    ids=["list-en", "list-fr", "serve-fr", "worker-en"],
)
def test_the_cli_says_it_in_one_sentence_with_exit_code_2(
    tmp_path: Path, args: list[str], env: dict[str, str], sentence: str
) -> None:
    done = run_parcours(tmp_path, *args, **env)
    assert done.stderr.splitlines() == [sentence]
    assert done.stdout == ""
    assert done.returncode == 2
    assert not (tmp_path / "data").exists()  # refused before anything started


def test_help_still_works_with_a_bad_number(tmp_path: Path) -> None:
    done = run_parcours(tmp_path, "--help", PARCOURS_SMTP_PORT="abc")
    assert done.returncode == 0, done.stderr
    assert "Usage" in done.stdout


def test_a_bad_setting_is_one_sentence_in_process_too(tmp_path: Path) -> None:
    """The in-process app (what Typer's CliRunner runs) says it like the installed command."""
    from typer.testing import CliRunner

    from parcours.cli.app import build_app

    env = {"PARCOURS_UI_PORT": "abc", "PARCOURS_CONFIG": str(tmp_path / "none.toml")}
    result = CliRunner().invoke(build_app("fr"), ["programme", "list"], env=env)
    assert result.exit_code == 2
    assert result.stderr.strip().startswith("PARCOURS_UI_PORT vaut « abc »")
    assert "Traceback" not in result.output


def test_the_worker_cache_is_read_and_bounded(tmp_path: Path) -> None:
    assert from_env(tmp_path).worker_cache == 1000
    assert from_env(tmp_path, PARCOURS_WORKER_CACHE=" 400 ").worker_cache == 400
    for value in ("0", "9", "100001", "half", "-5"):
        with pytest.raises(InvalidSetting) as raised:
            from_env(tmp_path, PARCOURS_WORKER_CACHE=value)
        assert str(raised.value) == (
            f'PARCOURS_WORKER_CACHE is set to "{value}", which is not a whole number between '
            "10 and 100000: fix it, or unset it to use the default (1000)."
        )
