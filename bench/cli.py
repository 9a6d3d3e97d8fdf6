"""The CLI as people feel it: whole processes, from start to printed result.

`python -m bench.cli --runs 15` times `parcours --help`, then starts the embedded dev
server and a worker (`parcours worker`), refers one pathway and times one transition
end to end (`parcours contact REF`: process start, connect, update, printed result).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from parcours.adapters.settings import Settings
from parcours.adapters.temporal.devserver import DevServer
from parcours.adapters.temporal.keys import create_key_file

PARCOURS = str(Path(sys.executable).parent / "parcours")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def timed(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([PARCOURS, *args], env=env, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout


REFER = [
    "refer",
    "--programme",
    "atp-cergy",
    "--referrer",
    "CCAS",
    "--reason",
    "bench",
    "--first-name",
    "Bench",
    "--last-name",
    "Person",
    "--birth-date",
    "1980-01-01",
    "--json",
]
"""The referral the timed transitions then move."""


def bench_env(scratch: str) -> dict[str, str]:
    """The environment of every timed process: a scratch data folder and free ports."""
    return {
        **os.environ,
        "PARCOURS_DATA_DIR": scratch,
        "PARCOURS_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "PARCOURS_UI_PORT": str(free_port()),
        "PARCOURS_ACTOR": "bench-staff",
        "PARCOURS_CONFIG": str(Path(scratch) / "none.toml"),
    }


def time_transitions(env: dict[str, str], runs: int) -> list[float]:
    """Start the dev server and a worker, refer one pathway, time `contact` on it."""
    settings = replace(Settings.from_env(env))
    create_key_file(settings.key_file)
    with DevServer(settings):
        worker = subprocess.Popen([PARCOURS, "worker"], env=env, stderr=subprocess.DEVNULL)
        try:
            time.sleep(3)
            _, out = timed(REFER, env)
            pathway_id = json.loads(out)["pathway_id"]
            transition_times = [timed(["contact", pathway_id], env)[0] for _ in range(runs)]
            print(f"  transition: {runs} runs done", flush=True)
        finally:
            worker.terminate()
            worker.wait(20)
    return transition_times


def main(runs: int) -> str:
    with tempfile.TemporaryDirectory() as scratch:
        env = bench_env(scratch)
        help_times = [timed(["--help"], env)[0] for _ in range(runs)]
        print(f"  --help: {runs} runs done", flush=True)
        transition_times = time_transitions(env, runs)
    return "\n".join(
        [
            f"whole processes, median of {runs} runs",
            "",
            "| command | median ms | max ms |",
            "|---|---:|---:|",
            f"| `parcours --help` | {1000 * statistics.median(help_times):.0f} "
            f"| {1000 * max(help_times):.0f} |",
            f"| `parcours contact REF` (one transition, end to end) "
            f"| {1000 * statistics.median(transition_times):.0f} "
            f"| {1000 * max(transition_times):.0f} |",
        ]
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    print(main(parser.parse_args().runs))
