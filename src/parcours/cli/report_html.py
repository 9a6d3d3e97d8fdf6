"""The report as one self-contained HTML page: figures and charts, readable offline.

Charts are drawn by matplotlib into SVG, inlined in the page: no script, no font, no
style sheet or image is fetched, so the page opens from a USB stick as well as from a
mail. Text in the charts stays text (`svg.fonttype = none`), so it scales and can be
searched. A hidden count (`<N`) is drawn as no bar, with its text where the bar would be.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from matplotlib.ticker import MaxNLocator

from parcours.cli.i18n import Text
from parcours.cli.labels import decimal, percent
from parcours.cli.report_view import (
    cell,
    counted_tables,
    derived,
    labelled,
    masking_note,
    selection_line,
    sentences,
    step_label,
)

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;color:#222}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;margin:.5rem 0}
th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}
td.n{text-align:right}.note{color:#555;font-style:italic}
figure{margin:1rem 0}svg{max-width:100%;height:auto}
"""

COLOUR, TARGET = "#2b6f97", "#c0392b"


Shown = Callable[[Any], str]
"""How a chart writes a value beside its bar."""


def _svg(figure: Any) -> str:
    import matplotlib

    out = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "parcours"}):
        figure.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    text = out.getvalue()
    return re.sub(r"<metadata>.*?</metadata>", "", text[text.index("<svg") :], flags=re.DOTALL)


def _figure(height: float = 3.2) -> tuple[Any, Any]:
    from matplotlib.figure import Figure

    figure = Figure(figsize=(8, height))
    return figure, figure.subplots()


def _numbers(values: Sequence[Any]) -> list[float]:
    return [v if isinstance(v, int | float) else 0 for v in values]


def _annotate(
    axes: Any, values: Sequence[Any], horizontal: bool, lang: str, shown_as: Shown | None = None
) -> None:
    for index, value in enumerate(values):
        rate = isinstance(value, float) and value <= 1
        shown = shown_as(value) if shown_as else cell(value, percent=rate, lang=lang)
        place = (_numbers([value])[0], index) if horizontal else (index, _numbers([value])[0])
        axes.annotate(
            shown,
            place,
            xytext=(4, 0) if horizontal else (0, 3),
            textcoords="offset points",
            va="center" if horizontal else "bottom",
            ha="left" if horizontal else "center",
            fontsize=8,
        )


def _count_axis(axis: Any, set_limits: Callable[..., Any], values: list[float], lang: str) -> None:
    """An axis of counts: from 0 (never below, even when every count is hidden and drawn
    as 0), whole numbers, a French decimal comma where a target is not whole."""
    axis.set_major_locator(MaxNLocator(integer=True, min_n_ticks=1))
    axis.set_major_formatter(lambda value, _: decimal(value, lang))
    set_limits(0, max([1.0, *values]) * 1.1)


def funnel_chart(doc: Mapping[str, Any], text: Text) -> str:
    funnel = doc["total"]["funnel"]
    labels = [step_label(s, text) for s in funnel]
    figure, axes = _figure()
    axes.barh(labels, _numbers(list(funnel.values())), color=COLOUR)
    axes.invert_yaxis()
    _annotate(axes, list(funnel.values()), horizontal=True, lang=text.lang)
    _count_axis(axes.xaxis, axes.set_xlim, _numbers(list(funnel.values())), text.lang)
    axes.set_title(text("report.funnel"))
    axes.set_xlabel(text("report.col.count"))
    return _svg(figure)


def exits_chart(doc: Mapping[str, Any], text: Text) -> str:
    whole = doc["selection"]["session"] or text("report.every_session")
    groups = [(whole, doc["total"])]
    groups += [item for item in doc["sessions"].items() if item[0] != whole]
    rates = [g["exits"]["rate"] for _, g in groups]
    figure, axes = _figure()
    axes.bar([name for name, _ in groups], _numbers(rates), color=COLOUR)
    target = doc["targets"]["positive_exit_rate"]
    axes.axhline(target, color=TARGET, linestyle="--", label=text("report.chart.target_rate"))
    _annotate(axes, rates, False, text.lang, lambda rate: derived(rate, text, percent=True))
    axes.set_ylim(0, 1.05)
    axes.yaxis.set_major_formatter(lambda value, _: percent(value, text.lang))
    axes.set_title(text("report.chart.exits"))
    axes.legend(loc="upper right")
    return _svg(figure)


def every_month(counts: Mapping[str, Any]) -> dict[str, Any]:
    """The counts of each month from the first to the last, a month without any at 0."""
    if not counts:
        return {}
    first, last = min(counts), max(counts)
    year, month = int(first[:4]), int(first[5:])
    found: dict[str, Any] = {}
    while (key := f"{year:04d}-{month:02d}") <= last:
        found[key] = counts.get(key, 0)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def intake_chart(doc: Mapping[str, Any], text: Text) -> str:
    months = every_month(doc["total"]["intake_by_month"])
    figure, axes = _figure()
    values = list(months.values())
    axes.bar(list(months), _numbers(values), color=COLOUR)
    monthly = doc["targets"]["yearly_intake"] / 12
    axes.axhline(
        monthly,
        color=TARGET,
        linestyle="--",
        label=text("report.chart.target_monthly", yearly=doc["targets"]["yearly_intake"]),
    )
    _annotate(axes, values, horizontal=False, lang=text.lang)
    axes.tick_params(axis="x", labelrotation=45)
    _count_axis(axes.yaxis, axes.set_ylim, [*_numbers(values), monthly], text.lang)
    axes.set_title(text("report.chart.intake"))
    axes.set_ylabel(text("report.col.count"))
    axes.legend(loc="upper right")
    return _svg(figure)


def _table(title: str, head: str, rows: Sequence[tuple[str, Any]], text: Text) -> str:
    if not rows:
        return f"<h2>{html.escape(title)}</h2><p>{html.escape(text('report.none', what=title))}</p>"
    shown = [
        (html.escape(label), html.escape(cell(value, lang=text.lang))) for label, value in rows
    ]
    body = "".join(f"<tr><td>{label}</td><td class=n>{value}</td></tr>" for label, value in shown)
    heads = f"<tr><th>{html.escape(head)}</th><th>{html.escape(text('report.col.count'))}</th></tr>"
    return f"<h2>{html.escape(title)}</h2><table>{heads}{body}</table>"


def _tables(figures: Mapping[str, Any], text: Text) -> list[str]:
    return [
        _table(text(title), text(head), labelled(figures[name], label), text)
        for title, head, name, label in counted_tables(text)
    ]


def _sentences(figures: Mapping[str, Any], text: Text) -> list[str]:
    return [f"<p>{html.escape(s)}</p>" for s in sentences(figures, text)]


def report_page(doc: Mapping[str, Any], text: Text) -> str:
    """The whole page: title, selection, charts, the figures, each session's figures."""
    title = doc["title"]["fr" if text.lang == "fr" else "en"]
    heading = html.escape(text("report.title", title=title, version=doc["version"]))
    parts = [
        f"<!doctype html><html lang={text.lang}><head><meta charset=utf-8>",
        '<link rel="icon" href="data:,">',
        f"<title>{heading}</title><style>{STYLE}</style></head><body>",
        f"<h1>{heading}</h1><p>{html.escape(selection_line(doc, text))}</p>",
        f"<p class=note>{html.escape(masking_note(doc, text))}</p>",
        *(
            f"<figure>{chart(doc, text)}</figure>"
            for chart in (funnel_chart, exits_chart, intake_chart)
        ),
        *_sentences(doc["total"], text),
        *_tables(doc["total"], text),
    ]
    for name, figures in doc["sessions"].items():
        parts.append(f"<h2>{html.escape(text('report.session', session=name))}</h2>")
        parts.append(
            _table(
                text("report.funnel"),
                text("report.col.step"),
                [(step_label(s, text), v) for s, v in figures["funnel"].items()],
                text,
            )
        )
        parts.extend(_sentences(figures, text))
        parts.extend(_tables(figures, text))
    parts.append("</body></html>")
    return "\n".join(parts)
