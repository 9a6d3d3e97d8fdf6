"""`parcours serve` stopped by SIGTERM or Ctrl-C, as `make run` is: a whole process.

Each case runs the installed command with its own data folder and free ports, signals it,
and checks that it exits 0 with one line, without a traceback, and that the `temporal`
child it started is gone and its port free again: the next `make run` must not find
the port busy. Every wait is bounded, so a hang fails the test instead of blocking it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from parcours.adapters.temporal.devserver import port_is_free
from tests.polling import eventually_blocking
from tests.receivers import free_port

pytestmark = pytest.mark.temporal

PARCOURS = str(Path(sys.executable).parent / "parcours")
READY = "The worker is running"
STOPPED = "parcours stopped"
START_TIMEOUT = 90.0  # `serve` itself gives the dev server 60 s
STOP_TIMEOUT = 45.0  # the worker drains, then up to 20 s of grace for the dev server


def children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            found += [int(child) for child in (task / "children").read_text().split()]
    except FileNotFoundError:
        pass
    return found


def is_temporal(pid: int) -> bool:
    """True once the child has exec'd the binary (before, it is a fork of parcours)."""
    try:
        return Path(os.readlink(f"/proc/{pid}/exe")).name == "temporal"
    except OSError:
        return False


def running(pid: int) -> bool:
    """A zombie waiting for a reaper counts as gone: it holds no port and runs nothing."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@dataclass
class Serve:
    """A running `parcours serve`, its output collected line by line as it comes."""

    process: subprocess.Popen[str]
    address: tuple[str, int]
    ui_port: int
    stdout: list[str] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    readers: list[threading.Thread] = field(default_factory=list)
    temporal: int | None = None

    def collect(self) -> None:
        for stream, lines in (
            (self.process.stdout, self.stdout),
            (self.process.stderr, self.stderr),
        ):
            assert stream is not None
            reader = threading.Thread(target=lines.extend, args=(stream,), daemon=True)
            reader.start()
            self.readers.append(reader)

    def find_temporal(self, timeout: float) -> int:
        def started() -> bool:
            self.temporal = next(filter(is_temporal, children(self.process.pid)), None)
            return self.temporal is not None or self.process.poll() is not None

        eventually_blocking(
            started, what="parcours serve started the temporal binary", timeout=timeout, every=0.01
        )
        assert self.temporal is not None, f"serve exited early: {self.output()}"
        return self.temporal

    def wait_ready(self, timeout: float) -> None:
        eventually_blocking(
            lambda: any(READY in line for line in self.stdout) or self.process.poll() is not None,
            what="parcours serve said the worker is running",
            timeout=timeout,
            every=0.01,
        )
        assert any(READY in line for line in self.stdout), f"serve exited: {self.output()}"

    def stop(self, sig: signal.Signals, timeout: float, *, group: bool = False) -> int:
        """Signal parcours alone, or its whole process group as a terminal's Ctrl-C does."""
        if group:
            os.killpg(self.process.pid, sig)
        else:
            self.process.send_signal(sig)
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            pytest.fail(f"parcours serve still running {timeout:.0f} s after {sig.name}")
        for reader in self.readers:
            reader.join(timeout=5)
        return code

    def output(self) -> str:
        return "".join(self.stdout) + "".join(self.stderr)


@contextmanager
def serve(tmp_path: Path, *, own_group: bool = False) -> Iterator[Serve]:
    """Start `parcours serve`; whatever the test does, leave no process behind.

    `own_group` makes it lead a process group, as a shell's foreground job does.
    """
    address = ("127.0.0.1", free_port())
    ui_port = free_port()
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARCOURS_")}
    env |= {
        "PARCOURS_DATA_DIR": str(tmp_path / "data"),
        "PARCOURS_TEMPORAL_ADDRESS": f"{address[0]}:{address[1]}",
        "PARCOURS_UI_PORT": str(ui_port),
        "PARCOURS_CODEC_PORT": str(free_port()),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "PARCOURS_CONFIG": str(tmp_path / "none.toml"),
        "PARCOURS_LANG": "en",
        "COLUMNS": "400",  # one message, one line
    }
    process = subprocess.Popen(
        [PARCOURS, "serve"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=own_group,
    )
    running_serve = Serve(process, address, ui_port)
    running_serve.collect()
    try:
        yield running_serve
    finally:
        leftovers = [process.pid, *children(process.pid)]
        if running_serve.temporal is not None:
            leftovers.append(running_serve.temporal)
        for pid in leftovers:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


@contextmanager
def ready_serve(tmp_path: Path, *, own_group: bool = False) -> Iterator[Serve]:
    """A `parcours serve` whose worker runs. Ports are picked free, then bound by the dev
    server a moment later: if another process took one meanwhile the server stops at
    start, which is not what these tests are about, so that case alone is tried again."""
    for attempt in range(3):
        with serve(tmp_path / f"attempt-{attempt}", own_group=own_group) as running_serve:
            running_serve.find_temporal(START_TIMEOUT)
            eventually_blocking(
                lambda: (
                    any(READY in line for line in running_serve.stdout)
                    or running_serve.process.poll() is not None
                ),
                what="parcours serve said the worker is running",
                timeout=START_TIMEOUT,
                every=0.01,
            )
            if running_serve.process.poll() is None or "stopped at start" not in (
                running_serve.output()
            ):
                running_serve.wait_ready(START_TIMEOUT)
                yield running_serve
                return
    raise AssertionError("the dev server stopped at start three times")


def assert_stopped_cleanly(running_serve: Serve, code: int, sig: signal.Signals) -> None:
    output = running_serve.output()
    assert code == 0, output
    assert "Traceback" not in output
    stdout = [line for line in running_serve.stdout if line.strip()]
    assert STOPPED in stdout[-1], output
    assert sig.name in stdout[-1]
    temporal = running_serve.temporal
    assert temporal is not None
    eventually_blocking(  # reparented zombies may wait a moment for a reaper
        lambda: not running(temporal), what=f"temporal pid {temporal} stopped", timeout=5
    )
    host, port = running_serve.address
    assert port_is_free(host, port)
    assert port_is_free(host, running_serve.ui_port)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_running_service_stops_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    with ready_serve(tmp_path) as running_serve:
        code = running_serve.stop(sig, STOP_TIMEOUT)
        assert_stopped_cleanly(running_serve, code, sig)
        assert "service started" in "".join(running_serve.stderr)


def test_a_terminal_ctrl_c_reaches_parcours_only(tmp_path: Path) -> None:
    """Ctrl-C goes to the terminal's whole foreground group; the dev server is not in it."""
    with ready_serve(tmp_path, own_group=True) as running_serve:
        temporal = running_serve.temporal
        assert temporal is not None
        assert os.getpgid(temporal) != os.getpgid(running_serve.process.pid)
        code = running_serve.stop(signal.SIGINT, STOP_TIMEOUT, group=True)
        assert_stopped_cleanly(running_serve, code, signal.SIGINT)


def test_sigterm_while_the_dev_server_is_still_starting(tmp_path: Path) -> None:
    """The signal lands as soon as the temporal child exists, long before it answers."""
    with serve(tmp_path) as running_serve:
        running_serve.find_temporal(START_TIMEOUT)
        code = running_serve.stop(signal.SIGTERM, STOP_TIMEOUT)
        assert_stopped_cleanly(running_serve, code, signal.SIGTERM)
        assert not any(READY in line for line in running_serve.stdout)


def test_a_server_left_by_a_killed_serve_is_stopped_by_the_next_one(tmp_path: Path) -> None:
    """`kill -9` of `serve` leaves its dev server running in its own session. An outage
    trial's next `serve` was refused "port in use", and on another port ran a second
    server on the same SQLite file; now the next `serve`, whatever its ports, stops the
    one left behind (said on stderr) and starts its own on the same record."""
    with ready_serve(tmp_path) as first:
        leftover = first.temporal
        assert leftover is not None
        os.kill(first.process.pid, signal.SIGKILL)
        first.process.wait(timeout=10)
        assert running(leftover)
        folder = next(tmp_path.glob("attempt-*"))
        with serve(folder) as second:
            second.find_temporal(START_TIMEOUT)
            second.wait_ready(START_TIMEOUT)
            said = "".join(second.stderr)
            assert f"Stopped the Temporal dev server (pid {leftover})" in said, second.output()
            eventually_blocking(
                lambda: not running(leftover), what="the leftover server stopped", timeout=10
            )
            code = second.stop(signal.SIGTERM, STOP_TIMEOUT)
            assert_stopped_cleanly(second, code, signal.SIGTERM)


def test_a_dev_server_killed_under_serve_stops_it_with_a_sentence(tmp_path: Path) -> None:
    """A trial killed the dev server: `serve` ran on, logging connection errors, and kept
    its codec port, so that `make run` was refused until it was killed by hand."""
    with ready_serve(tmp_path) as running_serve:
        temporal = running_serve.temporal
        assert temporal is not None
        os.kill(temporal, signal.SIGKILL)
        code = running_serve.process.wait(timeout=STOP_TIMEOUT)
        output = running_serve.output()
        assert code == 5, output
        assert "Traceback" not in output
        assert "The Temporal dev server stopped while parcours ran" in output
        host, port = running_serve.address
        assert port_is_free(host, running_serve.ui_port)
        assert port_is_free(host, port)
