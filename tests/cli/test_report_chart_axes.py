"""The HTML report's charts count from 0 in whole numbers, French with a decimal comma:
with every count hidden (drawn as 0), a trial's funnel axis read −0.045 to 0.045, and the
intake axis 0.00, 0.08… beside a monthly target of 0.75."""

from __future__ import annotations

import re
from typing import Any

from parcours.cli.i18n import Text
from parcours.cli.report_html import funnel_chart, intake_chart

HIDDEN = "<5"
DOC: dict[str, Any] = {
    "total": {
        "funnel": {"referred": HIDDEN, "intake": HIDDEN, "exited": HIDDEN},
        "intake_by_month": {"2026-09": HIDDEN, "2026-10": HIDDEN},
    },
    "targets": {"yearly_intake": 9},
}


def tick_labels(svg: str) -> list[str]:
    """The words of the chart (`svg.fonttype = none` keeps them as text)."""
    return [t.strip() for t in re.findall(r"<text[^>]*>([^<]*)</text>", svg)]


def test_hidden_counts_draw_no_negative_and_no_fractional_tick() -> None:
    for chart in (funnel_chart, intake_chart):
        words = tick_labels(chart(DOC, Text("fr")))
        numbers = [w for w in words if re.fullmatch(r"[−\-]?\d+([.,]\d+)?", w)]
        assert numbers, words  # the control: the axis has ticks
        assert not [n for n in numbers if n.startswith(("−", "-"))], numbers
        assert not [n for n in numbers if "." in n or "," in n], numbers
