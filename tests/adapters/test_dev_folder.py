"""One `serve`, and one dev server, per data folder: a second `serve` is refused naming the
first, and a dev server a killed `serve` left running is stopped by the next one, which
then starts its own (an outage trial was told "port in use" for its own leftover server,
followed the advice to pick another port, and ran two servers on one SQLite file)."""

from __future__ import annotations

import os
import socket
import time
from dataclasses import replace
from pathlib import Path

import pytest

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.devserver import (
    DataFolder,
    DevServer,
    DevServerError,
    wait_for_server,
)
from parcours.cli.errors import translate
from parcours.cli.i18n import Text


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def settings_in(folder: Path) -> Settings:
    base = Settings.from_env({"PARCOURS_DATA_DIR": str(folder)})
    return replace(base, temporal_address=f"127.0.0.1:{free_port()}", ui_port=free_port())


def test_a_second_serve_on_the_same_folder_is_refused_naming_the_first(tmp_path: Path) -> None:
    first = DataFolder(settings_in(tmp_path))
    assert first.claim() is None
    (tmp_path / "temporal.pid").write_text("4242\n")  # stale: never named
    with pytest.raises(DevServerError) as refused:
        DataFolder(settings_in(tmp_path)).claim()
    said = translate(refused.value, Text("en")).message
    assert said.startswith(f"Another parcours serve (pid {os.getpid()}) runs on the data folder")
    assert "4242" not in said
    assert "PARCOURS_DATA_DIR" in said
    assert "Un autre parcours serve" in translate(refused.value, Text("fr")).message
    first.close()
    assert DataFolder(settings_in(tmp_path)).claim() is None  # the first one gone: free


async def test_a_server_left_by_a_killed_serve_is_stopped_by_the_next(tmp_path: Path) -> None:
    settings = settings_in(tmp_path)
    killed = DevServer(settings).__enter__()  # a serve that is then killed: never stopped
    await wait_for_server(settings.temporal_address, settings.namespace, 30.0, killed)
    assert killed.process is not None
    leftover = killed.process.pid
    killed.folder.close()  # what the kernel does of the killed serve's descriptors

    again = DataFolder(settings)
    assert again.claim() == leftover
    killed.process.wait(timeout=0)  # raises unless it has exited already (the test reaps it)
    assert not (tmp_path / "temporal.pid").exists()  # it no longer names a server
    with DevServer(settings, again) as server:  # its ports and its folder are free again
        await wait_for_server(settings.temporal_address, settings.namespace, 30.0, server)
        assert server.exited() is None
        with pytest.raises(DevServerError, match="Another parcours serve"):
            DataFolder(settings).claim()
    assert not (tmp_path / "temporal.pid").exists()  # stopped cleanly: forgotten
    again.close()
    assert DataFolder(settings).claim() is None  # `serve` lets its folder go itself


def test_a_lock_held_by_a_server_parcours_did_not_start_is_not_killed(tmp_path: Path) -> None:
    """The pid file names a process that is no dev server of this folder: said, not killed."""
    import subprocess

    settings = settings_in(tmp_path)
    tmp_path.mkdir(exist_ok=True)
    holder = subprocess.Popen(  # holds temporal.lock as a server would, but is none
        ["flock", str(tmp_path / "temporal.lock"), "sleep", "30"]
    )
    try:
        time.sleep(0.3)
        (tmp_path / "temporal.pid").write_text(f"{holder.pid}\n")
        with pytest.raises(DevServerError, match="that parcours cannot stop holds") as held:
            DataFolder(settings).claim()
        assert str(holder.pid) not in str(held.value)  # not ours: not named as a server
        assert holder.poll() is None  # still running
    finally:
        holder.kill()
        holder.wait()
