"""The CLI as people feel it: whole processes, from start to printed result.

`python -m bench.cli --runs 15` times `parcours --help` and `parcours intake complete
--help`, then starts the embedded dev server and a worker (`parcours worker`), times
referrals (`parcours refer`, a different person each run) and one transition end to end
(`parcours contact REF`: process start, connect, update, printed result).
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


def referral(number: int) -> list[str]:
    """`REFER` for the `number`th person: one open pathway per person and programme."""
    return [*REFER[: REFER.index("Bench")], f"Bench{number}", *REFER[REFER.index("Bench") + 1 :]]


def time_transitions(env: dict[str, str], runs: int) -> tuple[list[float], list[float]]:
    """Start the dev server and a worker, time referrals, then `contact` on one of them."""
    settings = replace(Settings.from_env(env))
    create_key_file(settings.key_file)
    with DevServer(settings):
        worker = subprocess.Popen([PARCOURS, "worker"], env=env, stderr=subprocess.DEVNULL)
        try:
            time.sleep(3)
            _, out = timed(REFER, env)
            pathway_id = json.loads(out)["pathway_id"]
            refer_times = [timed(referral(number), env)[0] for number in range(runs)]
            print(f"  refer: {runs} runs done", flush=True)
            transition_times = [timed(["contact", pathway_id], env)[0] for _ in range(runs)]
            print(f"  transition: {runs} runs done", flush=True)
        finally:
            worker.terminate()
            worker.wait(20)
    return refer_times, transition_times


def row(label: str, times: list[float]) -> str:
    return f"| {label} | {1000 * statistics.median(times):.0f} | {1000 * max(times):.0f} |"


def main(runs: int) -> str:
    with tempfile.TemporaryDirectory() as scratch:
        env = bench_env(scratch)
        help_times = [timed(["--help"], env)[0] for _ in range(runs)]
        print(f"  --help: {runs} runs done", flush=True)
        intake_help = [timed(["intake", "complete", "--help"], env)[0] for _ in range(runs)]
        print(f"  intake complete --help: {runs} runs done", flush=True)
        refer_times, transition_times = time_transitions(env, runs)
    return "\n".join(
        [
            f"whole processes, median of {runs} runs",
            "",
            "| command | median ms | max ms |",
            "|---|---:|---:|",
            row("`parcours --help`", help_times),
            row("`parcours intake complete --help`", intake_help),
            row("`parcours refer` (a new person each run, end to end)", refer_times),
            row("`parcours contact REF` (one transition, end to end)", transition_times),
        ]
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    print(main(parser.parse_args().runs))
