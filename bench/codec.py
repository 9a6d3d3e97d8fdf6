"""What a decode by the codec server costs, the read log's write included.

`python -m bench.codec --n 300 --repeat 3` runs the codec server (`parcours.codec`) on
loopback with a SQLite read model, and sends it N `/decode` requests one after the other
on one keep-alive connection, as the web UI's page does (one request per event), in
three modes, alternating runs:

- baseline: a staff pass and a payload that is not encrypted: HTTP, the pass checked,
  nothing opened and nothing logged;
- staff: a pathway's start input, encrypted: decrypted, and one read written to the log;
- auditor: the same, decrypted, the identity masked, one read logged.

It reports p50 and p99 latency and requests per second, the median of `--repeat` runs,
and each mode's throughput as a ratio of the baseline's; and, to tell where the time
goes, one append to the read log alone (the same store, no HTTP), p50 of N.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import logging
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from google.protobuf import json_format
from temporalio.api.common.v1 import Payloads

from parcours.adapters.logs import configure_logging
from parcours.adapters.readmodel import open_store
from parcours.adapters.secret_file import read_secret_file
from parcours.adapters.settings import Settings
from parcours.adapters.temporal.converter import data_converter
from parcours.adapters.temporal.keys import Keyring
from parcours.app.read_log import ReadCommand, log_reads
from parcours.app.staff_access import issue_pass
from parcours.codec.run import running_codec_server
from parcours.domain.commands import Refer
from parcours.domain.records import Actor, RequestMeta
from parcours.domain.vocabulary import Role
from parcours.programmes import get_programme
from parcours.workflows.messages import Participant, PathwayInput

MODES = ("baseline", "staff", "auditor")


def _start_input() -> PathwayInput:
    person = Participant("Ada", "Bench", "1990-04-02", phone="+33 6 00 00 00 00")
    referral = Refer("CCAS", datetime.now(UTC), "bench", referent="staff-1")
    meta = RequestMeta("bench", Actor("staff-1", Role.STAFF), "bench")
    programme = get_programme("atp-cergy").model_dump(mode="json")
    return PathwayInput("pathway-00000000000000b1", programme, person, referral, meta)


async def _bodies(keyring: Keyring) -> dict[str, bytes]:
    converter = data_converter(keyring)
    sealed = await converter.encode([_start_input()])
    clear = converter.payload_converter.to_payloads(["not encrypted"])
    encrypted = json_format.MessageToJson(Payloads(payloads=sealed)).encode()
    return {
        "baseline": json_format.MessageToJson(Payloads(payloads=clear)).encode(),
        "staff": encrypted,
        "auditor": encrypted,
    }


def _run(port: int, body: bytes, token: str, n: int) -> tuple[list[float], float]:
    """N decodes on one connection: each one's latency (s), and the whole run's time."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {
        "Content-Type": "application/json",
        "X-Namespace": "default",
        "Authorization": f"Bearer {token}",
    }
    latencies: list[float] = []
    started = time.perf_counter()
    try:
        for _ in range(n):
            sent = time.perf_counter()
            connection.request("POST", "/decode", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"decode answered {response.status}")
            latencies.append(time.perf_counter() - sent)
    finally:
        connection.close()
    return latencies, time.perf_counter() - started


def _appends(settings: Settings, n: int) -> list[float]:
    """N appends to the read log, each timed: what a logged decode adds to the baseline."""
    reader = Actor("staff-1", Role.STAFF)
    timed: list[float] = []
    with open_store(settings.readmodel_url) as store:
        for _ in range(n):
            started = time.perf_counter()
            log_reads(store, reader, ReadCommand.CODEC_DECODE, ["pathway-00000000000000b1"])
            timed.append(time.perf_counter() - started)
    return timed


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _table(
    results: dict[str, list[tuple[list[float], float]]], n: int, appends: list[float]
) -> str:
    def median(pick: Callable[[tuple[list[float], float]], float], mode: str) -> float:
        return statistics.median(pick(run) for run in results[mode])

    rates = {mode: median(lambda run: n / run[1], mode) for mode in MODES}
    lines = [
        f"codec server: {n} /decode requests per run, one keep-alive connection, SQLite read log",
        "",
        "| mode | p50 ms | p99 ms | requests/s | throughput ratio to baseline |",
        "|---|---:|---:|---:|---:|",
    ]
    for mode in MODES:
        p50 = median(lambda run: _percentile(run[0], 0.5), mode) * 1000
        p99 = median(lambda run: _percentile(run[0], 0.99), mode) * 1000
        ratio = rates[mode] / rates["baseline"]
        lines.append(f"| {mode} | {p50:.1f} | {p99:.1f} | {rates[mode]:.0f} | {ratio:.2f} |")
    p50, p99 = _percentile(appends, 0.5) * 1000, _percentile(appends, 0.99) * 1000
    lines.append(f"| one read-log append alone | {p50:.1f} | {p99:.1f} | – | – |")
    return "\n".join(lines)


async def main(n: int = 300, repeat: int = 3) -> str:
    keyring = Keyring.generate()
    bodies = await _bodies(keyring)
    results: dict[str, list[tuple[list[float], float]]] = {mode: [] for mode in MODES}
    with tempfile.TemporaryDirectory(prefix="bench-codec-") as folder:
        settings = Settings.self_contained(folder)
        with running_codec_server(settings, keyring, port=0) as server:
            secret = read_secret_file(settings.codec_secret_file)
            expires = datetime.now(UTC) + timedelta(hours=1)
            tokens = {
                "baseline": issue_pass(secret, Actor("staff-1", Role.STAFF), expires),
                "staff": issue_pass(secret, Actor("staff-1", Role.STAFF), expires),
                "auditor": issue_pass(secret, Actor("aud-1", Role.AUDITOR), expires),
            }
            for _ in range(repeat):
                for mode in MODES:
                    run = _run(server.port, bodies[mode], tokens[mode], n)
                    results[mode].append(run)
        appends = _appends(settings, n)
    return _table(results, n, appends)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    configure_logging(logging.WARNING)
    print(asyncio.run(main(args.n, args.repeat)))
