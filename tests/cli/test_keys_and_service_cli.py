"""`parcours keys create|rotate` and `parcours serve` refusing a busy port."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

from parcours.adapters.temporal.keys import Keyring, create_key_file
from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import Cli
from tests.receivers import free_port


def test_keys_create_then_rotate(offline_cli: Cli, tmp_path: Path) -> None:
    key_file = tmp_path / "keys" / "keys.json"
    created = offline_cli("keys", "create", "--file", str(key_file))
    assert created.exit_code == 0, created.output
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = offline_cli("keys", "create", "--file", str(key_file))
    assert again.exit_code == ExitCode.KEYS
    assert "not overwritten" in again.stderr
    rotated = offline_cli("--lang", "fr", "keys", "rotate", "--file", str(key_file))
    assert rotated.exit_code == 0, rotated.output
    assert "k2" in rotated.stdout
    assert [k.key_id for k in Keyring.from_file(key_file).keys] == ["k2", "k1"]
    missing = offline_cli("keys", "rotate", "--file", str(tmp_path / "none.json"))
    assert missing.exit_code == ExitCode.KEYS


def test_keys_create_and_rotate_act_on_an_older_install_key_file(
    offline_cli: Cli, tmp_path: Path
) -> None:
    env = {"PARCOURS_DATA_DIR": str(tmp_path / "data"), "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    old = tmp_path / "data" / "keys.json"
    create_key_file(old)
    again = offline_cli("keys", "create", **env)
    assert again.exit_code == ExitCode.KEYS  # not a second, different key file
    assert str(old) in again.stderr
    rotated = offline_cli("keys", "rotate", **env)
    assert rotated.exit_code == 0, rotated.output
    assert [k.key_id for k in Keyring.from_file(old).keys] == ["k2", "k1"]
    assert not (tmp_path / "cfg").exists()
    fresh = offline_cli(
        "keys",
        "create",
        PARCOURS_DATA_DIR=str(tmp_path / "new"),
        **{"XDG_CONFIG_HOME": str(tmp_path / "cfg")},
    )
    assert fresh.exit_code == 0, fresh.output
    assert (tmp_path / "cfg" / "parcours" / "keys.json").exists()


def test_serve_refuses_a_busy_port_in_one_sentence(offline_cli: Cli, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for lang, said in (("en", f"Port {port} on"), ("fr", f"Le port {port} sur")):
            result = offline_cli(
                "--lang",
                lang,
                "serve",
                PARCOURS_TEMPORAL_ADDRESS=f"127.0.0.1:{port}",
                PARCOURS_KEYS="",
                PARCOURS_DATA_DIR=str(tmp_path / "data"),
                PARCOURS_CODEC_PORT=str(free_port()),
                XDG_CONFIG_HOME=str(tmp_path / "config"),
            )
            assert result.exit_code == ExitCode.UNAVAILABLE
            assert result.stderr.startswith(said), result.stderr  # the sentence alone
            assert len(result.stderr.splitlines()) == 1
            assert "Traceback" not in result.output
    # refused before anything was written: no key file, no database, no data folder
    assert not (tmp_path / "config").exists()
    assert not (tmp_path / "data").exists()


def test_serve_refuses_a_busy_codec_port_in_one_sentence(offline_cli: Cli, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for lang, said in (("en", f"Port {port} on 127.0.0.1"), ("fr", f"Le port {port} de")):
            result = offline_cli(
                "--lang",
                lang,
                "serve",
                PARCOURS_TEMPORAL_ADDRESS=f"127.0.0.1:{free_port()}",
                PARCOURS_CODEC_PORT=str(port),
                PARCOURS_DATA_DIR=str(tmp_path / "data"),
            )
            assert result.exit_code == ExitCode.UNAVAILABLE
            last = result.stderr.splitlines()[-1]  # after the service's JSON log lines
            assert last.startswith(said), result.stderr
            assert "PARCOURS_CODEC_PORT" in last
            assert "Traceback" not in result.output


def test_a_worker_without_a_server_says_so(offline_cli: Cli) -> None:
    result = offline_cli("worker")
    assert result.exit_code == ExitCode.UNAVAILABLE
    assert "did not answer" in result.stderr
