"""Reading a caseload from CSV or XLSX, and writing the import template.

CSV is read with the standard `csv` module (UTF-8, with or without a byte-order mark;
comma, semicolon or tab, as the header row shows), XLSX with openpyxl (the first sheet
holds the people, a sheet named `events` or `evenements` the dated events). A file that
cannot be read as a caseload raises `UnreadableFile`, naming the row and column when
there is one; rows are numbered as a spreadsheet shows them (the header is row 1).
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from openpyxl import Workbook, load_workbook

from parcours.domain.importing import columns
from parcours.domain.importing.cells import CellFault, Raw
from parcours.domain.importing.columns import Column
from parcours.domain.importing.plan import Row

EVENT_SHEETS = frozenset({"events", "evenements", "événements"})
DELIMITERS = ",;\t"


class UnreadableFile(Exception):
    """A file that is not a caseload parcours can read: `reason` says why (`missing`,
    `encoding`, `format`, `csv`, `empty`, `missing_column`, `column_twice`), `line` and `column`
    where, when there is a where."""

    def __init__(self, path: Path, reason: str, line: int = 0, column: str = "") -> None:
        super().__init__(f"{path}: {reason} (row {line}, column {column})")
        self.path, self.reason, self.line, self.column = path, reason, line, column


def read_caseload(people: Path, events: Path | None = None) -> tuple[list[Row], list[Row]]:
    """The people rows and the event rows (from `events`, or the workbook's events sheet)."""
    if _is_workbook(people):
        tables = _workbook(people)
        people_table, sheet_events = tables[0], (tables[1] if len(tables) > 1 else None)
    else:
        people_table, sheet_events = _csv(people), None
    found_events: list[Row] = []
    if events is not None:
        events_table = _workbook(events)[0] if _is_workbook(events) else _csv(events)
        found_events = _rows(events, events_table, columns.EVENTS)
    elif sheet_events is not None:
        found_events = _rows(people, sheet_events, columns.EVENTS)
    return _rows(people, people_table, columns.PEOPLE), found_events


Table = list[Sequence[Raw]]


def _is_workbook(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm")


def _csv(path: Path) -> Table:
    try:
        raw = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise UnreadableFile(path, "missing") from None
    lines: list[str] = []
    for number, line in enumerate(raw.splitlines(keepends=True), start=1):
        try:
            lines.append(line.decode("utf-8-sig" if number == 1 else "utf-8"))
        except UnicodeDecodeError:
            raise UnreadableFile(path, "encoding", number) from None
    text = "".join(lines)
    if not text.strip():
        raise UnreadableFile(path, "empty", 1)
    header = text.splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=max(DELIMITERS, key=header.count))
    try:
        return list(reader)
    except csv.Error:  # a NUL byte, a quote left open at the end of the file
        raise UnreadableFile(path, "csv", reader.line_num) from None


def _workbook(path: Path) -> list[Table]:
    """The first sheet, then the events sheet if there is one (else nothing)."""
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (FileNotFoundError, IsADirectoryError, PermissionError):
        raise UnreadableFile(path, "missing") from None
    except (zipfile.BadZipFile, OSError, KeyError, ValueError):
        raise UnreadableFile(path, "format") from None
    try:
        sheets = book.worksheets
        events = [s for s in sheets[1:] if s.title.strip().lower() in EVENT_SHEETS]
        chosen = [sheets[0], *events[:1]]
        return [[tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in chosen]
    finally:
        book.close()


def _rows(path: Path, table: Table, wanted: Sequence[Column]) -> list[Row]:
    if not table or not any(str(cell or "").strip() for cell in table[0]):
        raise UnreadableFile(path, "empty", 1)
    try:
        found = columns.header_map(table[0], wanted)
    except CellFault as twice:
        raise UnreadableFile(path, "column_twice", 1, twice.column) from None
    lacking = columns.missing(found, wanted)
    if lacking:
        raise UnreadableFile(path, "missing_column", 1, lacking[0].name)
    rows: list[Row] = []
    for number, cells in enumerate(table[1:], start=2):
        if all(cell is None or not str(cell).strip() for cell in cells):
            continue
        named = {name: cells[index] for index, name in found.items() if index < len(cells)}
        rows.append(Row(path.name, number, named))
    return rows


def write_template(
    path: Path,
    people: Sequence[Sequence[str]],
    events: Sequence[Sequence[str]],
    sheets: Iterable[str],
) -> list[Path]:
    """Write the template: one workbook with two sheets (`.xlsx`), or two CSV files (the
    events beside the people, `NAME.events.csv`). Returns the files written."""
    people_sheet, events_sheet = sheets
    if _is_workbook(path):
        book = Workbook()
        first = book.active
        assert first is not None
        first.title = people_sheet
        for row in people:
            first.append(list(row))
        second = book.create_sheet(events_sheet)
        for row in events:
            second.append(list(row))
        book.save(path)
        return [path]
    events_path = path.with_name(f"{path.stem}.{events_sheet}.csv")
    for target, table in ((path, people), (events_path, events)):
        with target.open("w", encoding="utf-8", newline="") as file:
            csv.writer(file).writerows(table)
    return [path, events_path]
