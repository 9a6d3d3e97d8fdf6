"""Output: rich tables for people, JSON for scripts (`--json`)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import TYPE_CHECKING, Any, NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rich.console import Console
from rich.segment import Segment
from rich.table import Table
from rich.text import Text as RichText

from parcours.domain.controls import without_controls
from parcours.domain.json_values import json_values

if TYPE_CHECKING:
    from parcours.app.health import Trouble
    from parcours.cli.i18n import Text


class _CommandConsole(Console):
    """A rich console that each command makes anew (`fresh_consoles`): its width (COLUMNS),
    colours (NO_COLOR, FORCE_COLOR) and terminal are the running command's, not those of
    whichever command first imported this module in the same process.

    Without markup: what it prints is what was recorded, brackets and all. With rich's
    markup, a value such as `[erased]` (an erased person's name) or a reason typed as
    "[urgent] no housing" lost its bracketed words, and a cell showed blank; nor emoji
    codes, which would turn a typed `:warning:` into a picture."""

    def __init__(self, *, stderr: bool = False) -> None:
        super().__init__(highlight=False, soft_wrap=True, markup=False, emoji=False, stderr=stderr)

    def render_str(self, text: str, **options: Any) -> RichText:
        """Every string it prints, in a table or alone, with its invisible controls shown
        as U+FFFD: a record typed before they were refused may hold an ESC sequence, which
        would otherwise rewrite the reader's screen."""
        return super().render_str(without_controls(text), **options)

    def renew(self) -> None:
        super().__init__(
            highlight=False, soft_wrap=True, markup=False, emoji=False, stderr=self.stderr
        )


console = _CommandConsole()
err_console = _CommandConsole(stderr=True)
"""For progress that must not mix with JSON on stdout."""


def fresh_consoles() -> None:
    """Read the terminal's settings again for the command about to run: the app's callback
    calls it, so commands run one after another in one process (the tests' in-process
    runner) each print at their own width."""
    console.renew()
    err_console.renew()


class Tally(NamedTuple):
    """A progress bar's two hands: `listed(n)` says how many there are, `done(n)` how far."""

    listed: Callable[[int], None]
    done: Callable[[int], None]


@contextmanager
def tally(title: str, *, as_json: bool) -> Iterator[Tally]:
    """A progress bar over a walk of the pathways. With --json it goes to stderr, so stdout
    holds the JSON alone."""
    from rich.progress import Progress

    with Progress(console=err_console if as_json else console) as progress:
        task = progress.add_task(title, total=None)
        yield Tally(
            listed=lambda count: progress.update(task, total=count),
            done=lambda done: progress.update(task, completed=done),
        )


def plain(value: Any) -> Any:
    """A JSON-ready copy of dataclasses, enums, datetimes, lists and dicts."""
    return json_values(value)


def print_json(value: Any) -> None:
    print(json.dumps(plain(value), ensure_ascii=False, indent=2, sort_keys=True))


DEFAULT_ZONE = "Europe/Paris"


def zone_name() -> str:
    """The time zone staff type and read dates in (PARCOURS_TIMEZONE, default Europe/Paris)."""
    return os.environ.get("PARCOURS_TIMEZONE", DEFAULT_ZONE)


def local_zone() -> ZoneInfo:
    """The local zone; `open_session` has already refused a zone that does not exist."""
    try:
        return ZoneInfo(zone_name())
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_ZONE)


def when(value: datetime | None, empty: str = "—") -> str:
    """An instant as staff read it: in local time, to the minute, as they typed it."""
    if value is None:
        return empty
    if value.tzinfo is not None:
        value = value.astimezone(local_zone())
    return value.strftime("%Y-%m-%d %H:%M")


def table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A table whose columns fold to fit the terminal, but for those that hold single
    words (ids, short references, key ids, session names): those are kept whole for
    copying while the terminal leaves the others room (`_whole_widths`). A terminal too
    narrow to keep every such word whole beside the others, or for the table at all
    (rich then cuts its right-hand columns off), gets one block of `heading value` lines
    a row instead (`records`): an id folded over two lines cannot be copied."""
    words = _one_word_columns(headers, rows)
    whole = _whole_widths(len(headers), words)
    if len(whole) < len(words):
        records(title, headers, rows)
        return
    grid = Table(title=title, title_justify="left", show_lines=False)
    for index, header in enumerate(headers):
        grid.add_column(header, overflow="fold", min_width=whole.get(index))
    for row in rows:
        grid.add_row(*row)
    fitted(grid, headers, rows)


def fitted(grid: Table, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """`grid` as it is when the terminal holds it, else its rows as `records`: rich draws
    a table wider than the terminal and cuts off its right-hand columns (a trial read
    `staff list` at 80 columns without its last one)."""
    drawn = console.render(grid, console.options.update(no_wrap=True))
    widest = max((Segment.get_line_length(line) for line in Segment.split_lines(drawn)), default=0)
    if widest > console.width:
        title = grid.title if isinstance(grid.title, str) else ""
        records(title, headers, rows)
        return
    console.print(grid)  # drawn again, as rich prints it: its title unwrapped, unpadded


FOLDING_ROOM = 8
"""The width left to each column that folds, at the least, when others are kept whole."""


def _whole_widths(columns: int, words: dict[int, int]) -> dict[int, int]:
    """The width of each one-word column (`words`), narrowest first, as long as the
    terminal holds them whole beside `FOLDING_ROOM` for every other of the `columns`."""
    room = console.width - 3 * columns - 1  # what the borders leave
    needed = FOLDING_ROOM * columns
    kept: dict[int, int] = {}
    for index, width in sorted(words.items(), key=lambda item: item[1]):
        if needed - FOLDING_ROOM + width > room:
            break
        kept[index], needed = width, needed - FOLDING_ROOM + width
    return kept


def _one_word_columns(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> dict[int, int]:
    """The columns every cell of which is one word, with the width of their widest, in the
    terminal's cells (a wide character takes two)."""
    from rich.cells import cell_len

    words: dict[int, int] = {}
    for index in range(len(headers)):
        cells = [row[index] for row in rows if index < len(row) and row[index]]
        if cells and not any(len(cell.split()) > 1 for cell in cells):
            words[index] = max(cell_len(cell) for cell in cells)
    return words


def records(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """The rows of a table too wide for the terminal, one block each: its headings down the
    left, its values beside them, folded only where a value is wider than what is left."""
    console.print(title, markup=False)
    for row in rows:
        console.print()
        pairs("", list(zip(headers, row, strict=False)))


def listing(
    text: Text,
    name: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[str]],
    nothing: str = "",
) -> None:
    """What a listing command found: titled `NAME.title` with how many, `NAME.col.*` heads;
    nothing found, the sentence `nothing` when given, not an empty table under "(0)"."""
    if not rows and nothing:
        console.print(nothing, markup=False)
        return
    headers = [text(f"{name}.col.{column}") for column in columns]
    table(text(f"{name}.title", count=len(rows)), headers, rows)


def pairs(title: str, items: Sequence[tuple[str, str]]) -> None:
    grid = Table(title=title, title_justify="left", show_header=False, box=None)
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    for key, value in items:
        grid.add_row(key, value)
    console.print(grid)


def say_troubled(text: Text, key: str, troubled: Sequence[Trouble]) -> None:
    """Name, on stderr, the pathways a listing went past because they cannot run."""
    if troubled:
        names = ", ".join(t.pathway_id for t in troubled)
        err_console.print(text(key, pathways=names), markup=False)
