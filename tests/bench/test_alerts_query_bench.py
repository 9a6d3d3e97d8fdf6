"""`bench.alerts_query` still runs, at a small size; its figures are measured on demand."""

from __future__ import annotations

from bench import alerts_query


def test_the_alerts_query_benchmark_times_and_explains_both_listings() -> None:
    report = alerts_query.main(20)
    for row in ("| every programme |", "| `--programme atp-cergy` |", "- plan, every programme:"):
        assert row in report, report
    assert "ix_alerts_open_due_at" in report
