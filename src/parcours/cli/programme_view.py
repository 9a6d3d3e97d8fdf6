"""`parcours programme show NAME`: every part of a programme file, in the reader's language.

The summary gives one line per single-valued part; each list-valued part (criteria, exit
criteria, timers, routes, partner fields, named partners, moves) gets a table of its own.
A part of the file this module has no words for yet (a key added to the programme format)
is still printed, as written, in the summary (`_others`), so `programme show` never hides
a part of the file; `tests/cli/test_programme_cli.py` checks every key of the model shows.
Timers are printed from the file's own `[timers]` keys, so a new timer shows at once.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from parcours.cli.labels import listed, percent, stage_label, word
from parcours.cli.render import pairs, table

if TYPE_CHECKING:
    from parcours.cli.i18n import Text
    from parcours.domain.programme import Label, ProgrammeDefinition, Route
    from parcours.domain.programme_data import PositiveExitCriterion

SHOWN = frozenset(
    {
        *("name", "version", "title", "description", "initial_stage", "stages"),
        *("stage_groups", "blocking_barriers", "training_prerequisites", "accompaniment"),
        *("targets", "referrers", "outcome", "eligibility", "timers", "routes"),
        *("partner_fields", "partners", "moves", "reporting"),
    }
)
"""The parts of the file printed in words of their own; any other part is printed as is."""


def show_programme(found: ProgrammeDefinition, text: Text) -> None:
    """Print the whole programme: the summary, then one table per list-valued part."""
    pairs(f"{found.name} v{found.version}", [*_summary(found, text), *_others(found)])
    _criteria(found, text)
    _positive_exits(found, text)
    _timers(found, text)
    _routes(found, text)
    _partner_fields(found, text)


def _said(label: Label, text: Text) -> str:
    return label.said(text.lang)


def _summary(found: ProgrammeDefinition, text: Text) -> list[tuple[str, str]]:
    def field(key: str) -> str:
        return text(f"programme.field.{key}")

    targets = found.targets
    rate = percent(targets.positive_exit_rate, text.lang)
    return [
        (field("title"), _said(found.title, text)),
        (field("description"), _said(found.description, text)),
        (field("initial_stage"), stage_label(found.initial_stage.value, text)),
        (field("stages"), ", ".join(stage_label(s.value, text) for s in found.stages)),
        *[
            (f"@{group}", ", ".join(stage_label(s.value, text) for s in members))
            for group, members in found.stage_groups.items()
        ],
        (field("blocking"), listed((b.value for b in found.blocking_barriers), text)),
        (field("training_prerequisites"), _prerequisites(found, text)),
        (field("accompaniment"), _accompaniment(found, text)),
        (field("targets"), text("programme.targets", intake=targets.yearly_intake, rate=rate)),
        (
            field("reporting"),
            text("programme.reporting", threshold=found.reporting.small_cell_threshold),
        ),
        (field("referrers"), listed(found.referrers, text)),
        (field("partners"), _named_partners(found, text)),
        (field("outcome"), _said(found.outcome.description, text)),
    ]


def _named_partners(found: ProgrammeDefinition, text: Text) -> str:
    named = (
        text("programme.named", kind=word("partner_kind", kind.value, text), names=", ".join(names))
        for kind, names in found.partners.items()
    )
    return "; ".join(named) or text("none")


def _prerequisites(found: ProgrammeDefinition, text: Text) -> str:
    level = found.training_prerequisites.french_level
    return text("programme.french_level", level=level.value) if level else text("none")


def _accompaniment(found: ProgrammeDefinition, text: Text) -> str:
    period = found.accompaniment
    if period is None:
        return text("none")
    start = word("programme.start", period.starts_on, text)
    return text("programme.accompaniment", months=period.months, start=start)


def _others(found: ProgrammeDefinition) -> list[tuple[str, str]]:
    """Parts of the file with no words here yet, as written (JSON), so none is hidden."""
    dumped = found.model_dump(mode="json")
    return [
        (key, json.dumps(value, ensure_ascii=False))
        for key, value in dumped.items()
        if key not in SHOWN
    ]


def _criteria(found: ProgrammeDefinition, text: Text) -> None:
    rows = [[c.key, _said(c.label, text)] for c in found.eligibility]
    _table("criteria", ("key", "label"), rows, text)


def _positive_exits(found: ProgrammeDefinition, text: Text) -> None:
    rows = [[_said(c.label, text), _conditions(c, text)] for c in found.outcome.positive_if_any]
    _table("positive", ("criterion", "conditions"), rows, text)


def _conditions(criterion: PositiveExitCriterion, text: Text) -> str:
    """What makes one exit criterion hold, as the file says it (`min_months=13`…)."""
    types = ", ".join(word("contract_type", t.value, text) for t in criterion.contract_types)
    said = [text("programme.contracts", types=types)]
    for key in ("min_weekly_hours", "max_weekly_hours", "min_months"):
        value = getattr(criterion, key)
        if value is not None:
            said.append(f"{key}={value:g}")
    if criterion.strictly_longer:
        said.append("strictly_longer")
    if criterion.min_count > 1:
        said.append(f"min_count={criterion.min_count}")
    if criterion.sector_hiring:
        said.append("sector_hiring")
    return "; ".join(said)


def _timers(found: ProgrammeDefinition, text: Text) -> None:
    rows = [
        [key, ", ".join(map(str, value)) if isinstance(value, list) else str(value)]
        for key, value in found.timers.model_dump(mode="json").items()
    ]
    _table("timers", ("timer", "value"), rows, text)


def _routes(found: ProgrammeDefinition, text: Text) -> None:
    rows = [
        [
            route.event,
            ", ".join(word("partner_kind", k.value, text) for k in route.partners),
            _narrowed(route, text),
        ]
        for route in found.routes
    ]
    _table("routes", ("event", "partners", "only"), rows, text)


def _narrowed(route: Route, text: Text) -> str:
    said = [*(b.value for b in route.barrier_kinds), *(a.value for a in route.appointment_kinds)]
    if route.aid_requested:
        said.append(text("programme.aid_requested"))
    return ", ".join(said) or "—"


def _partner_fields(found: ProgrammeDefinition, text: Text) -> None:
    rows = [
        [word("partner_kind", kind.value, text), listed(fields, text)]
        for kind, fields in found.partner_fields.items()
    ]
    _table("partner_fields", ("kind", "fields"), rows, text)


def _table(name: str, columns: tuple[str, ...], rows: list[list[str]], text: Text) -> None:
    """A table titled `programme.NAME.title`, its columns `programme.col.COLUMN`."""
    headers = [text(f"programme.col.{column}") for column in columns]
    table(text(f"programme.{name}.title"), headers, rows)
