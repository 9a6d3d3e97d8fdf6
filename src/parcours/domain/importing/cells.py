"""One cell of an imported file, read as what its column holds, or a fault naming it.

A fault says where (the file, its row as a spreadsheet numbers it, the column), which rule
refused it, and what is allowed instead; its `code` and `values` let a front end say it
in the reader's language, its `message` is the English sentence logs and tests read.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from enum import StrEnum
from typing import TypeVar

E = TypeVar("E", bound=StrEnum)

Namer = Callable[[type[StrEnum], str], "str | None"]
"""Which value of an enumeration a cell's word names in the people's languages (the
catalogue's names, which a front end reads: the domain has none); None when none."""


def keys_only(kinds: type[StrEnum], written: str) -> str | None:
    """The namer that knows no names: a value is written as its key."""
    return None


DATE_FORMATS = (
    *("%Y-%m-%d", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %Hh%M", "%Y-%m-%d %Hh"),
    *("%d/%m/%Y", "%d/%m/%Y %H:%M", "%d/%m/%YT%H:%M", "%d/%m/%Y %Hh%M", "%d/%m/%Y %HH%M"),
    *("%d/%m/%Y %Hh", "%d/%m/%Y %HH"),
)
"""How a date may be written, as the CLI takes it: ISO, or day/month/year as French
writes it (`12/03/2026 14h30`, `12/03/2026 9h` too, and the hour so after an ISO day,
`2026-03-12 9h`), to the minute (the CLI also takes
seconds, for an auditor's `--when`); a spreadsheet's own date cells are taken as they are."""
SAID_FORMATS = "YYYY-MM-DD, YYYY-MM-DDTHH:MM, DD/MM/YYYY"

TRUE_WORDS = frozenset({"yes", "oui", "true", "vrai", "1", "x"})
FALSE_WORDS = frozenset({"no", "non", "false", "faux", "0", ""})
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Fault:
    """A row refused: where, by which rule, and what is allowed instead."""

    file: str
    line: int
    column: str
    rule: str
    code: str
    message: str
    values: Mapping[str, str] = field(default_factory=dict)
    allowed: tuple[str, ...] = ()
    """Actions allowed at that point of the pathway, for a refusal of the pathway's rules."""


class CellFault(ValueError):
    """A cell that does not hold what its column takes; the caller knows the row."""

    def __init__(self, column: str, code: str, message: str, **values: str) -> None:
        super().__init__(message)
        self.column, self.code, self.message = column, code, message
        self.values = {"column": column, **values}

    def at(self, file: str, line: int) -> Fault:
        return Fault(file, line, self.column, "import_cell", self.code, self.message, self.values)


Raw = object
"""A cell as a reader gives it: text, a number, a date, a boolean, or None when empty."""


def is_empty(value: Raw) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(value: Raw) -> str:
    """The cell as text, trimmed; a whole number written by a spreadsheet as 12.0 is 12."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def instant(column: str, value: Raw, zone: tzinfo) -> datetime:
    """A date or date-time in local time (`zone`), as an aware instant."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime.combine(value, time())
    else:
        parsed = _parsed(column, text(value))
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)


def _parsed(column: str, written: str) -> datetime:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(written, pattern)
        except ValueError:
            continue
    raise CellFault(
        column,
        "bad_date",
        f"{written!r} is not a date; write {SAID_FORMATS}",
        found=written,
        formats=SAID_FORMATS,
    )


def choice(column: str, value: Raw, kinds: type[E], names: Namer = keys_only) -> E:
    """One of an enumeration's values, as the CLI takes them: its key (`housing`), or a
    name `names` knows ("logement")."""
    written = text(value)
    for member in kinds:
        if written.lower() == member.value.lower():
            return member
    named = names(kinds, written)
    if named is not None:
        return kinds(named)
    allowed = ", ".join(member.value for member in kinds)
    raise CellFault(
        column,
        "unknown_value",
        f"{written!r} is not one of the values this column takes: {allowed}",
        found=written,
        allowed=allowed,
    )


def number(column: str, value: Raw, low: float, high: float) -> float:
    """A number between `low` and `high`; a decimal comma is taken as a point."""
    try:
        found = (
            float(value) if isinstance(value, int | float) else float(text(value).replace(",", "."))
        )
    except ValueError:
        found = float("nan")
    if low <= found <= high:
        return found
    said = text(value)
    raise CellFault(
        column,
        "bad_number",
        f"{said!r} is not a number from {low:g} to {high:g}",
        found=said,
        low=f"{low:g}",
        high=f"{high:g}",
    )


def flag(column: str, value: Raw) -> bool:
    """Yes or no: yes, oui, true, vrai, 1, x; no, non, false, faux, 0 or empty."""
    if isinstance(value, bool):
        return value
    written = text(value).lower()
    if written in TRUE_WORDS or written in FALSE_WORDS:
        return written in TRUE_WORDS
    raise CellFault(column, "bad_flag", f"{text(value)!r} is not yes or no", found=text(value))


def items(value: Raw) -> tuple[str, ...]:
    """A list written in one cell, separated by semicolons."""
    return tuple(part.strip() for part in text(value).split(LIST_SEPARATOR) if part.strip())
