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
from collections.abc import Iterable
from enum import StrEnum
from typing import TYPE_CHECKING

from parcours.cli.labels import event_label, listed, percent, semicolons, stage_label, word
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
            (_group(group, text), ", ".join(stage_label(s.value, text) for s in members))
            for group, members in found.stage_groups.items()
        ],
        (field("blocking"), _words("barrier_kind", found.blocking_barriers, text)),
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


def _group(group: str, text: Text) -> str:
    """A stage group as the moves name it (`@active`), with what it gathers in words."""
    said = word("programme.group", group, text)
    return f"@{group}" if said == group else f"{said} (@{group})"


def _words(kind: str, values: Iterable[StrEnum], text: Text) -> str:
    return listed((word(kind, v.value, text) for v in values), text)


def _named_partners(found: ProgrammeDefinition, text: Text) -> str:
    named = (
        text("programme.named", kind=word("partner_kind", kind.value, text), names=", ".join(names))
        for kind, names in found.partners.items()
    )
    return semicolons(named, text.lang) or text("none")


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
    """What makes one exit criterion hold, in words ("at least 35 hours a week")."""
    types = ", ".join(word("contract_type", t.value, text) for t in criterion.contract_types)
    said = [text("programme.contracts", types=types)]
    for key in ("min_weekly_hours", "max_weekly_hours"):
        value = getattr(criterion, key)
        if value is not None:
            said.append(text(f"programme.condition.{key}", hours=_number(value, text)))
    if criterion.min_months is not None:
        longer = "more_than_months" if criterion.strictly_longer else "min_months"
        said.append(text(f"programme.condition.{longer}", months=criterion.min_months))
    if criterion.min_count > 1:
        said.append(text("programme.condition.min_count", count=criterion.min_count))
    if criterion.sector_hiring:
        said.append(text("programme.condition.sector_hiring"))
    return text("programme.condition.separator").join(said)


def _number(value: float, text: Text) -> str:
    shown = f"{value:g}"
    return shown.replace(".", ",") if text.lang == "fr" else shown


def _timers(found: ProgrammeDefinition, text: Text) -> None:
    """Each timer in words with its file key, and its value with its unit."""
    rows = [
        [word("programme.timer", key, text), key, _number_list(value, text)]
        for key, value in found.timers.model_dump(mode="json").items()
    ]
    _table("timers", ("timer", "key", "value"), rows, text)


def _number_list(value: float | list[float], text: Text) -> str:
    values = value if isinstance(value, list) else [value]
    return ", ".join(_number(v, text) for v in values)


def _routes(found: ProgrammeDefinition, text: Text) -> None:
    rows = [
        [
            _routed_event(route.event, text),
            ", ".join(word("partner_kind", k.value, text) for k in route.partners),
            _narrowed(route, text),
        ]
        for route in found.routes
    ]
    _table("routes", ("event", "partners", "only"), rows, text)


def _routed_event(event: str, text: Text) -> str:
    """A route's event in words: "every event" for `*`, an alert by its rule."""
    if event == "*":
        return text("programme.every_event")
    kind, _, rule = event.partition(":")
    said = event_label(kind, text)
    if rule:
        said = text("timeline.about", label=said, about=word("rule", rule, text))
    return said


def _narrowed(route: Route, text: Text) -> str:
    said = [
        *(word("barrier_kind", b.value, text) for b in route.barrier_kinds),
        *(word("appointment_kind", a.value, text) for a in route.appointment_kinds),
    ]
    if route.aid_requested:
        said.append(text("programme.aid_requested"))
    return ", ".join(said) or "—"


def _partner_fields(found: ProgrammeDefinition, text: Text) -> None:
    rows = [
        [
            word("partner_kind", kind.value, text),
            listed((text(f"partner_mail.field.{f}").lower() for f in fields), text),
        ]
        for kind, fields in found.partner_fields.items()
    ]
    _table("partner_fields", ("kind", "fields"), rows, text)


def _table(name: str, columns: tuple[str, ...], rows: list[list[str]], text: Text) -> None:
    """A table titled `programme.NAME.title`, its columns `programme.col.COLUMN`."""
    headers = [text(f"programme.col.{column}") for column in columns]
    table(text(f"programme.{name}.title"), headers, rows)
