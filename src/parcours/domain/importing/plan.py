"""A person's rows become one plan: the referral, then every command in the order it happened.

The people file's row gives the person and the referral; their dated columns and the
events file's rows tied to them by `key` give the events. Events are applied in the
order of their dates; on one day, in the order of the files: the people file's intake,
contract, coaching and job-dating first, then the events file's rows as written, then its
drop-out and exit. A row that cannot be read makes its person's plan a single fault.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, tzinfo

from parcours.domain.commands import AssignReferent, Command, Refer
from parcours.domain.commands.intake import referral
from parcours.domain.importing import columns, events
from parcours.domain.importing.cells import (
    CellFault,
    Fault,
    Namer,
    Raw,
    instant,
    items,
    keys_only,
    text,
)


@dataclass(frozen=True)
class Row:
    """One row of a file: the file's name, its row number as a spreadsheet shows it, cells."""

    file: str
    line: int
    cells: Mapping[str, Raw]


@dataclass(frozen=True)
class Identity:
    """Who the person is, as the CLI's `refer` takes it: goes only into the encrypted input."""

    first_name: str
    last_name: str
    birth_date: str
    phone: str = ""
    email: str = ""
    address: str = ""
    availability: str = ""
    skills: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Step:
    """One command of a plan, with when it happened, its reason, and the cell it came from."""

    index: int
    command: Command
    at: datetime
    reason: str
    origin: tuple[str, int, str]
    reason_column: str = "reason"
    """The column its reason comes from: named when a reason is required and missing."""


@dataclass(frozen=True)
class PersonPlan:
    key: str
    row: Row
    identity: Identity
    referral: Refer
    reason: str
    steps: tuple[Step, ...]


@dataclass(frozen=True)
class _Event:
    name: str
    at: datetime
    order: int
    cells: events.Cells
    origin: tuple[str, int, str]
    column_of: Mapping[str, str]


def plan_person(
    row: Row, own: Sequence[Row], zone: tzinfo, actor_id: str, names: Namer = keys_only
) -> PersonPlan | Fault:
    """The plan of one person's row and their event rows, or the first fault found; a
    value is its key or a name `names` knows."""
    try:
        identity, refer, reason = _referral(row, zone, actor_id)
        found = [*_milestones(row, zone, names), *(_event_of(e, zone, names) for e in own)]
        steps = _without_repeated_referents(_steps(found), refer.referent)
        return PersonPlan(text(row.cells.get(columns.KEY)), row, identity, refer, reason, steps)
    except _Located as located:
        return located.fault


class _Located(Exception):
    def __init__(self, fault: Fault) -> None:
        super().__init__(fault.message)
        self.fault = fault


@contextmanager
def _at(row: Row, column_of: Mapping[str, str] | None = None) -> Iterator[None]:
    """A cell fault raised inside becomes the fault of `row`, naming the file's column
    (`column_of` maps an event's column to the people file's one it was read from)."""
    try:
        yield
    except CellFault as err:
        column = (column_of or {}).get(err.column, err.column)
        values = {**err.values, "column": column}
        fault = Fault(row.file, row.line, column, "import_cell", err.code, err.message, values)
        raise _Located(fault) from None


def _referral(row: Row, zone: tzinfo, actor_id: str) -> tuple[Identity, Refer, str]:
    x = events.Cells(row.cells, zone)
    with _at(row):
        for column in columns.PEOPLE:
            if column.required:
                x.text(column.name, required=True)
        birth = instant("birth_date", row.cells["birth_date"], zone).date().isoformat()
        referred_at = x.instant("referral_date")
    identity = Identity(
        x.text("first_name"),
        x.text("last_name"),
        birth,
        phone=x.text("phone"),
        email=x.text("email"),
        address=x.text("address"),
        availability=x.text("availability"),
        skills=items(row.cells.get("skills")),
        languages=items(row.cells.get("languages")),
    )
    refer = referral(
        x.text("referrer"),
        referred_at,
        actor_id,
        zone=zone,
        session=x.text("session") or None,
        referent=x.text("referent") or None,
    )
    return identity, refer, x.text("referral_reason")


def _milestones(row: Row, zone: tzinfo, names: Namer) -> list[_Event]:
    found: list[_Event] = []
    for number, (date_column, name, fields) in enumerate(columns.MILESTONES):
        if not events.Cells(row.cells, zone).given(date_column):
            continue
        values = {"date": row.cells[date_column]} | {
            mine: row.cells.get(theirs) for mine, theirs in fields.items()
        }
        column_of = {"date": date_column, **fields}
        late = name in columns.LATE_MILESTONES
        with _at(row, column_of):
            at = instant("date", values["date"], zone)
        cells = events.Cells(values, zone, names)
        origin = (row.file, row.line, date_column)
        order = (1 << 30 if late else -100) + number
        found.append(_Event(name, at, order, cells, origin, column_of))
    return found


def _event_of(row: Row, zone: tzinfo, names: Namer) -> _Event:
    x = events.Cells(row.cells, zone, names)
    with _at(row):
        name = events.event_named(x.text("event", required=True))
        at = x.instant("date")
    return _Event(name, at, row.line, x, (row.file, row.line, "date"), {})


def _without_repeated_referents(steps: tuple[Step, ...], referent: str) -> tuple[Step, ...]:
    """The steps but an assignment of the referent already in force: an older system logs
    the first assignment beside the referral's referent, and the pathway refuses a handover
    that hands nothing over (`referent_unchanged`), which would refuse the whole row."""
    kept = []
    for step in steps:
        if isinstance(step.command, AssignReferent):
            if step.command.referent == referent:
                continue
            referent = step.command.referent
        kept.append(step)
    return tuple(kept)


def _steps(found: list[_Event]) -> tuple[Step, ...]:
    refs, steps = events.References(), []
    for index, event in enumerate(sorted(found, key=lambda e: (e.at, e.order)), start=1):
        file, line, _ = event.origin
        with _at(Row(file, line, {}), event.column_of):
            at, command = events.command_of(event.name, event.cells, refs)
        reason = event.cells.text("reason")
        reason_column = event.column_of.get("reason", "reason")
        steps.append(Step(index, command, at, reason, event.origin, reason_column))
    return tuple(steps)


def plan_file(
    people: Sequence[Row],
    event_rows: Sequence[Row],
    zone: tzinfo,
    actor_id: str,
    names: Namer = keys_only,
) -> tuple[list[PersonPlan], list[Fault]]:
    """Every person's plan, and the faults of rows refused before any rule is asked: a
    key given twice, an event row whose key is in no person's row, a row not readable."""
    keys = [text(row.cells.get(columns.KEY)) for row in people]
    by_key: dict[str, list[Row]] = defaultdict(list)
    faults: list[Fault] = []
    for row in event_rows:
        key = text(row.cells.get(columns.KEY))
        if key and key in keys:
            by_key[key].append(row)
        else:
            faults.append(_unknown_key(row, key))
    plans: list[PersonPlan] = []
    first_line: dict[str, int] = {}
    for row, key in zip(people, keys, strict=True):
        if key in first_line:
            faults.append(_key_twice(row, key, first_line[key]))
            continue
        first_line[key] = row.line
        planned = plan_person(row, by_key[key], zone, actor_id, names)
        (faults if isinstance(planned, Fault) else plans).append(planned)  # type: ignore[arg-type]
    return plans, faults


def _unknown_key(row: Row, key: str) -> Fault:
    return Fault(
        row.file,
        row.line,
        columns.KEY,
        "import_cell",
        "unknown_key",
        f"no row of the people file has the key {key!r}",
        {"found": key},
    )


def _key_twice(row: Row, key: str, first: int) -> Fault:
    return Fault(
        row.file,
        row.line,
        columns.KEY,
        "import_cell",
        "key_twice",
        f"the key {key!r} is already the key of row {first}",
        {"found": key, "first": str(first)},
    )
