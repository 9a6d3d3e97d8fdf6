"""`parcours keys create|rotate` and `parcours serve` refusing a busy port."""

from __future__ import annotations

import socket
import stat
from pathlib import Path

from parcours.adapters.temporal.keys import Keyring
from parcours.cli.exit_codes import ExitCode
from tests.cli.runner import Cli


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


def test_serve_refuses_a_busy_port_in_one_sentence(offline_cli: Cli, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = offline_cli(
            "serve",
            PARCOURS_TEMPORAL_ADDRESS=f"127.0.0.1:{port}",
            PARCOURS_KEYS="",
            PARCOURS_DATA_DIR=str(tmp_path / "data"),
        )
    assert result.exit_code == ExitCode.UNAVAILABLE
    assert f"Port {port}" in result.stderr
    assert "Traceback" not in result.output
    assert (tmp_path / "data" / "keys.json").exists()  # first run made the key file


def test_a_worker_without_a_server_says_so(offline_cli: Cli) -> None:
    result = offline_cli("worker")
    assert result.exit_code == ExitCode.UNAVAILABLE
    assert "did not answer" in result.stderr
