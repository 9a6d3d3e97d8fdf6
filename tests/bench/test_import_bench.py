"""The import benchmark still runs, at its smallest size (one person of each of four shapes)."""

from __future__ import annotations

import pytest

from bench import importing

pytestmark = [pytest.mark.temporal, pytest.mark.asyncio(loop_scope="session")]


async def test_the_import_benchmark_reports_its_rows() -> None:
    report = await importing.main(4, 1, jobs=2)
    for row in ("dry run (read + pure domain)", "import, ", "baseline: one person", "second run"):
        assert f"| {row}" in report
    assert "time for 1,000 rows: " in report
    assert "ratio to the baseline (rows/s, same run): " in report
