"""`audit replay --jobs N`: histories replayed on several processes say what one says."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from parcours.audit.spread import CHUNK
from parcours.cli.exit_codes import ExitCode
from tests.audit import tampering as t
from tests.audit.helpers import COMMITTED, cli_for, json_of
from tests.cli.runner import Cli
from tests.histories.record import KEY_FILE
from tests.processes import PARCOURS


def test_several_processes_replay_what_one_replays_in_the_same_order(history_cli: Cli) -> None:
    files = [str(path) for path in COMMITTED]
    assert len(files) > CHUNK  # more than one chunk: the second process has work
    alone = json_of(history_cli("audit", "replay", *files, "--jobs", "1", "--json"))
    spread = json_of(history_cli("audit", "replay", *files, "--jobs", "2", "--json"))
    assert spread == alone
    assert (spread["replayed"], spread["failed"]) == (len(files), 0)


def test_a_tampered_history_is_refused_with_the_same_sentence(
    history_cli: Cli, tmp_path: Path
) -> None:
    flipped = t.write(t.history_with_flipped_byte(t.read(t.FULL)), tmp_path / "flipped.json")
    files = [*map(str, COMMITTED), str(flipped)]  # the altered one in the last chunk
    said = {}
    for jobs in ("1", "2"):
        result = history_cli("audit", "replay", *files, "--jobs", jobs)
        assert result.exit_code == ExitCode.INVALID_FILE, result.output
        assert "Traceback" not in result.output
        said[jobs] = result.stderr.strip()
    assert said["2"] == said["1"]
    assert f"event {t.TAMPERED}" in said["2"]


def test_jobs_below_one_is_one_sentence_in_either_language(history_cli: Cli) -> None:
    for lang, start in (("en", "--jobs takes a whole number"), ("fr", "--jobs attend un nombre")):
        result = history_cli("--lang", lang, "audit", "replay", str(t.FULL), "--jobs", "0")
        assert result.exit_code == ExitCode.USAGE
        assert result.stderr.strip().startswith(start), result.stderr
        assert "\n" not in result.stderr.strip()


def test_ctrl_c_stops_every_process_at_once(tmp_path: Path) -> None:
    """Interrupted once its processes have started, the replay ends with exit 130 and no
    traceback, and none of its processes is left running."""
    files = []
    for copy in range(6):  # enough histories that the replay is still running
        for path in COMMITTED:
            files.append(shutil.copy(path, tmp_path / f"{copy}-{path.name}"))
    env = {
        **cli_for(tmp_path, KEY_FILE.read_text(encoding="utf-8")).env,
        "PATH": os.environ.get("PATH", ""),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    replay = subprocess.Popen(
        [str(PARCOURS), "audit", "replay", *map(str, files), "--jobs", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # noqa: PLW1509
    )
    pool = eventually_children(replay.pid)
    replay.send_signal(signal.SIGINT)
    _, stderr = replay.communicate(timeout=60)
    assert replay.returncode == 130, stderr
    assert "Traceback" not in stderr
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in pool) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in pool if Path(f"/proc/{pid}").exists()]


def eventually_children(parent: int) -> list[int]:
    """The processes `parent` started, once it has started some (60 s at most)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = Path(f"/proc/{parent}/task/{parent}/children")
        pids = [int(pid) for pid in found.read_text().split()] if found.exists() else []
        if len(pids) >= 2:
            return pids
        time.sleep(0.1)
    raise AssertionError("the replay started no process")
