"""The report in the terminal (tables with bars) and as CSV, from the report's document.

A cell is a number, `None` (no figure yet: no exit, no mission), the hidden text `<N` or
a withheld count (`x` in the document, said "hidden"); hidden cells draw no bar.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from rich.table import Table

from parcours.cli.i18n import Text
from parcours.cli.labels import percent as as_percent
from parcours.cli.labels import stage_label
from parcours.cli.render import console, fitted
from parcours.domain.closure import PERSON_GONE
from parcours.domain.disclosure import WITHHELD

BAR_WIDTH = 30
WHOLE = ""
"""The CSV's session for the figures of every pathway selected."""


def cell(value: Any, *, percent: bool = False, lang: str = "en") -> str:
    """A figure as the reader writes it: "60%" and "44.5" in English, "60 %" and "44,5"
    in French (a no-break space before the sign, a decimal comma)."""
    if value is None:
        return "—"
    if value == WITHHELD:  # not "<5": it is withheld to protect a small count beside it
        return Text(lang)("report.masked_figure")
    if isinstance(value, str):
        return value
    if percent:
        return as_percent(value, lang)
    if isinstance(value, float):
        shown = f"{value:.1f}"
        return shown.replace(".", ",") if lang == "fr" else shown
    return str(value)


def derived(value: Any, text: Text, *, percent: bool = False) -> str:
    """A rate or a median: worked out from hidden counts, it is said hidden, since "<5"
    beside a rate or a number of days would read as a value below 5."""
    if isinstance(value, str):
        return text("report.masked_figure")
    return cell(value, percent=percent, lang=text.lang)


def bar(value: Any, largest: float) -> str:
    if not isinstance(value, int | float) or largest <= 0:
        return ""
    return "█" * max(1 if value else 0, round(BAR_WIDTH * value / largest))


def _largest(values: Sequence[Any]) -> float:
    return max((v for v in values if isinstance(v, int | float)), default=0)


def counted(title: str, head: str, items: Sequence[tuple[str, Any]], text: Text) -> None:
    """A table of counts with a bar each; a line saying so when there is none."""
    if not items:
        console.print(text("report.none", what=title), markup=False)
        return
    largest = _largest([v for _, v in items])
    grid = Table(title=title, title_justify="left")
    grid.add_column(head, overflow="fold")
    grid.add_column(text("report.col.count"), justify="right")
    if largest > 0:  # every count masked, or none above 0: no bar to draw, no empty column
        grid.add_column("", no_wrap=True)
    for label, value in items:
        bars = [bar(value, largest)] if largest > 0 else []
        grid.add_row(label, cell(value, lang=text.lang), *bars)
    console.print(grid)


def labelled(values: Mapping[str, Any], label: Callable[[str], str]) -> list[tuple[str, Any]]:
    return [(label(key), value) for key, value in values.items()]


def step_label(step: str, text: Text) -> str:
    return text(f"report.step.{step}")


def agency_label(agency: str, text: Text) -> str:
    """An agency's name; direct hires said as such (`report.DIRECT_HIRE_KEY` in the JSON)."""
    from parcours.domain.report import DIRECT_HIRE_KEY

    return text("report.direct_hire") if agency in ("", DIRECT_HIRE_KEY) else agency


Label = Callable[[str], str]


def counted_tables(text: Text) -> list[tuple[str, str, str, Label]]:
    """The tables of counts besides the funnel: (title key, heading key, figure, label)."""

    def stage(value: str) -> str:
        """A stage, or what closed the pathway when its person is gone (`stage_now`)."""
        gone = value in {c.value for c in PERSON_GONE}
        return text(f"report.closure.{value}") if gone else stage_label(value, text)

    return [
        ("report.stages_now", "report.col.stage", "stages_now", stage),
        ("report.dropouts", "report.col.stage", "dropouts_by_stage", stage),
        (
            "report.jobdating",
            "report.col.outcome",
            "jobdating_outcomes",
            lambda o: text(f"report.jobdating.{o}"),
        ),
        ("report.referrers", "report.col.referrer", "referrals_by_referrer", str),
        ("report.providers", "report.col.provider", "trainings_by_provider", str),
        (
            "report.agencies",
            "report.col.agency",
            "missions_by_agency",
            lambda a: agency_label(a, text),
        ),
    ]


def print_figures(figures: Mapping[str, Any], text: Text) -> None:
    funnel = labelled(figures["funnel"], lambda s: step_label(s, text))
    counted(text("report.funnel"), text("report.col.step"), funnel, text)
    for title, head, name, label in counted_tables(text):
        counted(text(title), text(head), labelled(figures[name], label), text)
    _print_intake(figures, text)
    for said in sentences(figures, text):
        console.print(said)


def _same(figures: Mapping[str, Any], name: str) -> list[tuple[str, Any]]:
    return list(figures[name].items())


def _print_intake(figures: Mapping[str, Any], text: Text) -> None:
    counted(
        text("report.intake_by_month"),
        text("report.col.month"),
        _same(figures, "intake_by_month"),
        text,
    )
    years = figures["intake_by_year"]
    if not years:
        return
    grid = Table(title=text("report.intake_by_year"), title_justify="left")
    for head in ("year", "count", "target"):
        grid.add_column(text(f"report.col.{head}"), justify="right")
    grid.add_column("", no_wrap=True)
    for year, found in years.items():
        grid.add_row(
            year,
            cell(found["count"], lang=text.lang),
            str(found["target"]),
            bar(found["count"], found["target"]),
        )
    console.print(grid)


def sentences(figures: Mapping[str, Any], text: Text) -> list[str]:
    """The figures said in words: the exits, the partner's share, the first mission."""
    exits, share = figures["exits"], figures["partner_referrals"]
    days = figures["days_to_first_mission"]
    return [
        text(
            "report.exits",
            positive=cell(exits["positive"], lang=text.lang),
            exits=cell(exits["exits"], lang=text.lang),
            rate=derived(exits["rate"], text, percent=True),
            target=cell(exits["target"], percent=True, lang=text.lang),
        ),
        text(
            "report.partner_share",
            partner=cell(share["partner"], lang=text.lang),
            total=cell(share["total"], lang=text.lang),
            share=derived(share["share"], text, percent=True),
        ),
        text(
            "report.first_mission",
            median=_days(days["median"], text),
            pathways=cell(days["pathways"], lang=text.lang),
        ),
    ]


def _days(median: Any, text: Text) -> str:
    if median is None or isinstance(median, str):
        return derived(median, text)
    return text("report.days", days=cell(median, lang=text.lang))


SESSION_COLUMNS = (
    "referred",
    "intake",
    "job_dating",
    "training",
    "employment",
    "exited",
    "dropped_out",
)


def print_sessions(doc: Mapping[str, Any], text: Text) -> None:
    """Every session on one line each: its funnel, exits against the target, median."""
    sessions = doc["sessions"]
    if not sessions:
        return
    steps = [s for s in SESSION_COLUMNS if s in doc["steps"]]
    grid = Table(title=text("report.by_session"), title_justify="left")
    headers = [
        text("report.col.session"),
        *(step_label(step, text) for step in steps),
        *(text(f"report.col.{head}") for head in ("rate", "median")),
    ]
    grid.add_column(headers[0], no_wrap=True)  # a name to type again
    for header in headers[1:]:  # a heading cut to "Refe…" says nothing: whole words or none
        grid.add_column(header, justify="right", min_width=max(map(len, header.split())))
    rows = [
        [
            name,
            *(cell(figures["funnel"][s], lang=text.lang) for s in steps),
            derived(figures["exits"]["rate"], text, percent=True),
            derived(figures["days_to_first_mission"]["median"], text),
        ]
        for name, figures in sessions.items()
    ]
    for row in rows:
        grid.add_row(*row)
    fitted(grid, headers, rows)


def print_report(doc: Mapping[str, Any], text: Text) -> None:
    title = doc["title"]["fr" if text.lang == "fr" else "en"]
    console.print(text("report.title", title=title, version=doc["version"]), markup=False)
    console.print(selection_line(doc, text), markup=False)
    print_figures(doc["total"], text)
    print_sessions(doc, text)
    console.print(masking_note(doc, text), markup=False)


def selection_line(doc: Mapping[str, Any], text: Text) -> str:
    chosen = doc["selection"]
    if not (chosen["from"] or chosen["to"]):
        every = chosen["session"] or text("report.every_session")
        return text("report.selection_any", session=every)
    return text(
        "report.selection",
        session=chosen["session"] or text("report.every_session"),
        since=chosen["from"] or "…",
        until=chosen["to"] or "…",
    )


def masking_note(doc: Mapping[str, Any], text: Text) -> str:
    masking = doc["masking"]
    key = "report.masked_note" if masking["masked"] else "report.unmasked_note"
    threshold = masking["threshold"]
    return text(key, threshold=threshold, largest=threshold - 1, hidden=masking["hidden"])


def _flat(prefix: str, value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, Mapping):
        for key, inner in value.items():
            yield from _flat(f"{prefix}.{key}" if prefix else str(key), inner)
    else:
        yield prefix, value


def report_csv(doc: Mapping[str, Any]) -> str:
    """One row per figure: session (empty for every pathway selected), figure, value."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["programme", "session", "figure", "value"])
    groups = [(WHOLE, doc["total"]), *doc["sessions"].items()]
    for session, figures in groups:
        for figure, value in _flat("", figures):
            writer.writerow([doc["programme"], session, figure, "" if value is None else value])
    return out.getvalue()
