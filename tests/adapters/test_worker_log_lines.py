"""Every line `parcours worker` writes is a JSON object, the SDK core's included.

A real worker process runs a pathway on a dev server of the test's own; the server is
then killed, so the core retries its polls and says so. Without routing, the core writes
those lines as coloured text on stdout; routed, they are JSON lines on stderr like the
rest, and no line names the participant.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.devserver import DevServer, wait_for_server
from tests.cli.runner import PERSON, Cli, refer
from tests.polling import eventually_blocking
from tests.receivers import free_port
from tests.servers import TEST_KEYRING

pytestmark = pytest.mark.temporal

PARCOURS = str(Path(sys.executable).parent / "parcours")
CORE = "temporalio.core"


@contextmanager
def worker_process(env: dict[str, str]) -> Iterator[tuple[list[str], list[str]]]:
    """`parcours worker` with `env`; its stdout and stderr lines as they come, killed after."""
    process = subprocess.Popen(
        [PARCOURS, "worker"],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    out: list[str] = []
    err: list[str] = []
    readers = [
        threading.Thread(target=lines.extend, args=(stream,), daemon=True)
        for lines, stream in ((out, process.stdout), (err, process.stderr))
    ]
    for reader in readers:
        reader.start()
    try:
        yield out, err
    finally:
        process.kill()
        process.wait(30)
        for reader in readers:
            reader.join(30)


def test_the_cores_lines_are_json_on_stderr_and_name_nobody(tmp_path: Path) -> None:
    env = {
        "PARCOURS_DATA_DIR": str(tmp_path / "data"),
        "PARCOURS_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "PARCOURS_UI_PORT": str(free_port()),
        "PARCOURS_KEYS": TEST_KEYRING.to_json(),
        "PARCOURS_CONFIG": str(tmp_path / "no-config.toml"),
        "PARCOURS_ACTOR": "staff-7f3a",
        "PARCOURS_LANG": "en",
    }
    settings = Settings.from_env(env)
    with DevServer(settings) as server:
        asyncio.run(wait_for_server(settings.temporal_address, settings.namespace, 60.0, server))
        with worker_process(env) as (out, err):
            cli = Cli(env)
            pathway_id = refer(cli)
            eventually_blocking(
                lambda: cli("show", pathway_id).exit_code,
                lambda code: code == 0,
                what="the worker answers",
                timeout=60,
            )
            assert server.process is not None
            server.process.kill()  # the service goes away: the core retries its polls
            server.process.wait(30)
            eventually_blocking(
                lambda: [line for line in out + err if "retried" in line],
                what="the core says it retries its polls, on either stream",
                timeout=90,
            )
    lines = out + err
    assert not [line for line in lines if "\x1b" in line], lines
    parsed = [json.loads(line) for line in lines]
    assert all(isinstance(line, dict) for line in parsed)
    assert out == [], out  # stdout is for commands' output: the worker has none
    core = [line for line in parsed if line["logger"] == CORE]
    assert core
    assert all(line["core_target"] and line["level"] for line in core)
    for personal in PERSON[1::2]:  # first name, last name, birth date
        assert not [line for line in lines if personal in line]
