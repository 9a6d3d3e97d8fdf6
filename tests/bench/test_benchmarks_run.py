"""The benchmarks still run, at the smallest size: they are measured on demand, not here.

No timing is asserted; the reports must have every row they promise, so a benchmark that
breaks is found by `make test` rather than the day someone needs its figures.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bench import (
    audit,
    cli,
    codec,
    deliveries,
    memory,
    pathways,
    referrals,
    scale,
    signing,
    workers,
)

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]


async def test_the_pathway_benchmark_reports_every_mode() -> None:
    report = await pathways.main(1, 1)
    for row in ("durable, concurrent", "durable, one at a time", "baseline (SQLAlchemy"):
        assert f"| {row}" in report
    assert "throughput ratio" in report


async def test_the_audit_benchmark_replays_and_folds() -> None:
    report = await audit.main(4, 2, 1)
    for row in ("replay, sandboxed", "replay, unsandboxed", "audit at: decode + snapshot"):
        assert f"| {row}" in report
    assert "discrepancies found by full folds of the distinct set: 0" in report
    assert "audit at, cached / temporalio's default conversion:" in report
    assert "spread / one-process sandboxed replay throughput ratio:" in report


@pytest.mark.timeout(600)  # a loaded machine starts each new worker slowly
async def test_the_duplicate_window_benchmark_counts_repeats_under_kills() -> None:
    report = await deliveries.main(1, 5.0)
    assert "| messages delivered | repeats (same key) | repeats per 1,000 | kills |" in report
    row = report.splitlines()[4]
    delivered = int(row.split("|")[1])
    assert delivered >= 29, report  # every event of the pathway reached the evaluator


async def test_the_referral_benchmark_refers_at_once_and_refuses_duplicates() -> None:
    report = await referrals.main(3)
    assert "| 3 | 3 | 0 |" in report
    assert "referred again at once: 3 refused as duplicates, 0 accepted (of 3)" in report


async def test_the_workers_benchmark_reports_one_and_two_workers() -> None:
    report = await workers.main(1, 1)
    for row in ("| 1 |", "| 2 |"):
        assert row in report
    assert "load average" in report


async def test_the_codec_benchmark_decodes_in_every_mode() -> None:
    report = await codec.main(3, 1)
    for row in ("| baseline |", "| staff |", "| auditor |", "| one read-log append alone |"):
        assert row in report


async def test_the_scale_benchmark_refers_moves_and_times_the_listings(tmp_path: Path) -> None:
    first = await scale.main(2, 1, keep=str(tmp_path), cache=20)
    assert "at the cache's 20:" in first, first
    for row in ("2 pathways", "referrals:", "moves:", "worker RSS, MiB: idle", "KiB per pathway"):
        assert row in first, first
    for command in scale.COMMANDS:
        assert f"| {command} |" in first, first
    assert not scale.FAILED, scale.FAILED
    again = await scale.main(5, 1, keep=str(tmp_path))  # the kept 2, not 5 new ones
    assert first.split("\n")[2:6] == again.split("\n")[2:6]  # the same service's figures
    assert "2 pathways" in again, again
    assert not scale.FAILED, scale.FAILED


async def test_the_cli_benchmark_times_every_command() -> None:
    report = await asyncio.to_thread(cli.main, 1)
    for label in cli.LABELS:
        assert f"| {label} |" in report, report


async def test_the_memory_benchmark_takes_the_cache_apart() -> None:
    report = await memory.main(2, ["sandbox"], None, 0)
    assert "imported again: __main__, datetime, parcours, parcours.workflows, parcours" in report
    assert "- unsandboxed: " in report
    assert "imported again: none" in report
    assert "| sandbox | " in report, report
    assert "sandbox, traced KiB a pathway by source file:" in report, report


async def test_the_signing_benchmark_reports_both_modes() -> None:
    report = json.loads(await signing.main(1, 1))
    assert report["requests"] == 2
    for key in ("declared_requests_per_s", "signed_requests_per_s", "sign_us", "check_us"):
        assert report[key] > 0
