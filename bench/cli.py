"""The CLI as people feel it: whole processes, from start to printed result.

`python -m bench.cli --runs 15` times `parcours --help` and `parcours intake complete
--help`, then starts the embedded dev server and a worker (`parcours worker`), times
referrals (`parcours refer`, a different person each run) and one transition end to end
(`parcours contact REF`: process start, connect, update, printed result), without and
with a reason (which is sealed under the person's key, read from the read model). Every
action signs with a coordinator's credential, as `parcours serve` makes the first one:
staff always hold one.

`--against COMMIT` runs every timed command alternately on this code and on COMMIT's
`src/` (exported with `git archive`, put first on `PYTHONPATH`), against the same dev
server and worker, and gives each median's ratio to the baseline's: on a machine
shared with other work, only figures taken side by side compare.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from parcours.adapters.readmodel import open_store
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.devserver import DevServer
from parcours.adapters.temporal.keys import create_key_file
from parcours.app.staff import first_coordinator

PARCOURS = str(Path(sys.executable).parent / "parcours")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


CPU: dict[str, list[float]] = {}
"""CPU seconds (user and system) of each timed process, by `timed`'s `label`: on a machine
busy with other work they move far less than the time from start to exit."""


def children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def timed(args: list[str], env: dict[str, str], label: str = "") -> tuple[float, str]:
    """One whole `parcours ARGS` process: seconds from start to exit, and its output; its
    CPU seconds are added to `CPU[label]`."""
    started, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run([PARCOURS, *args], env=env, capture_output=True, text=True, check=True)
    CPU.setdefault(label, []).append(children_cpu() - cpu)
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
        "XDG_CONFIG_HOME": str(Path(scratch).resolve() / "config"),
        "PARCOURS_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "PARCOURS_UI_PORT": str(free_port()),
        "PARCOURS_ACTOR": "bench-staff",
        "PARCOURS_CONFIG": str(Path(scratch) / "none.toml"),
    }


def referral(number: int) -> list[str]:
    """`REFER` for the `number`th person: one open pathway per person and programme."""
    return [*REFER[: REFER.index("Bench")], f"Bench{number}", *REFER[REFER.index("Bench") + 1 :]]


Timings = dict[str, list[float]]
"""Seconds of each run, by command label."""

HELP = "`parcours --help`"
INTAKE_HELP = "`parcours intake complete --help`"
REFERRAL = "`parcours refer` (a new person each run, end to end)"
TRANSITION = "`parcours contact REF` (one transition, end to end)"
WITH_REASON = "`parcours contact REF --reason …` (the reason sealed)"
LABELS = (HELP, INTAKE_HELP, REFERRAL, TRANSITION, WITH_REASON)


def export_src(commit: str, into: str) -> str:
    """COMMIT's `src/` exported into `into`, compiled: the PYTHONPATH that runs that code."""
    archive = subprocess.run(
        ["git", "archive", commit, "src"], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", into], input=archive, check=True)
    return compiled(str(Path(into) / "src"))


def compiled(folder: str) -> str:
    """`folder` with every module's bytecode written, as an installed package has it: with
    PYTHONDONTWRITEBYTECODE set (as on the development machine), a code never compiled
    would compile every module it imports in every timed process. A folder that cannot be
    written stays as it is (its code is then timed compiling, as before)."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", folder], check=False)
    return folder


THIS_SRC = str(Path(__file__).resolve().parents[1] / "src")


def alternately(
    codes: dict[str, dict[str, str]], label: str, runs: int, args: list[str], into: Timings
) -> None:
    """Time `args` `runs` times on each code in turn (this code first, then the baseline)."""
    for _ in range(runs):
        for code, env in codes.items():
            key = f"{code}|{label}"
            into.setdefault(key, []).append(timed(args, env, key)[0])
    print(f"  {label}: {runs} runs done", flush=True)


def time_transitions(codes: dict[str, dict[str, str]], runs: int, into: Timings) -> None:
    """Start the dev server and a worker (this code's), time referrals, then `contact`."""
    env = codes["this code"]
    settings = replace(Settings.from_env(env))
    create_key_file(settings.key_file)
    with open_store(settings.readmodel_url) as store:  # the credential every action signs with
        first_coordinator(store, Path(env["PARCOURS_CONFIG"]), env["PARCOURS_ACTOR"])
    with DevServer(settings):
        worker = subprocess.Popen([PARCOURS, "worker"], env=env, stderr=subprocess.DEVNULL)
        try:
            time.sleep(3)
            _, out = timed(REFER, env)
            pathway_id = json.loads(out)["pathway_id"]
            number = iter(range(len(codes) * runs))
            for _ in range(runs):
                for code, code_env in codes.items():
                    key = f"{code}|{REFERRAL}"
                    into.setdefault(key, []).append(timed(referral(next(number)), code_env, key)[0])
            print(f"  refer: {runs} runs done", flush=True)
            alternately(codes, TRANSITION, runs, ["contact", pathway_id], into)
            reason = ["contact", pathway_id, "--reason", "called back"]
            alternately(codes, WITH_REASON, runs, reason, into)
        finally:
            worker.terminate()
            worker.wait(20)


def row(label: str, times: Timings, baseline: str | None) -> str:
    """Median time from start to exit and median CPU, with their ratios to the baseline."""
    ours = statistics.median(times[f"this code|{label}"])
    cpu = statistics.median(CPU[f"this code|{label}"])
    cells = [label, f"{1000 * ours:.0f}", f"{1000 * cpu:.0f}"]
    if baseline is not None:
        theirs = statistics.median(times[f"{baseline}|{label}"])
        their_cpu = statistics.median(CPU[f"{baseline}|{label}"])
        cells += [f"{1000 * theirs:.0f}", f"{ours / theirs:.2f}"]
        cells += [f"{1000 * their_cpu:.0f}", f"{cpu / their_cpu:.2f}"]
    return "| " + " | ".join(cells) + " |"


def main(runs: int, against: str | None = None) -> str:
    compiled(THIS_SRC)
    with tempfile.TemporaryDirectory() as scratch:
        env = bench_env(scratch)
        codes = {"this code": env}
        if against is not None:
            exported = export_src(against, scratch)
            codes[against] = {**env, "PYTHONPATH": exported}
        times: Timings = {}
        alternately(codes, HELP, runs, ["--help"], times)
        alternately(codes, INTAKE_HELP, runs, ["intake", "complete", "--help"], times)
        time_transitions(codes, runs, times)
    head = "| command | median ms | CPU ms |"
    rule = "|---|---:|---:|"
    if against is not None:
        head += f" ms at `{against}` | ratio | CPU ms at `{against}` | CPU ratio |"
        rule += "---:|---:|---:|---:|"
    load = os.getloadavg()
    return "\n".join(
        [
            f"whole processes, median of {runs} runs; load average {load[0]:.1f} at the end",
            "",
            head,
            rule,
            *(row(label, times, against) for label in LABELS),
        ]
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--against", help="a commit whose src/ is timed alternately")
    arguments = parser.parse_args()
    print(main(arguments.runs, arguments.against))
