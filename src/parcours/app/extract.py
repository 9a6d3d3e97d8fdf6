"""`parcours extract`: the evaluator's pseudonymised extract, as CSV and as Parquet.

The rows come from the pathways themselves (their state, and the birth date from the
encrypted identity, read only to work out the age band). Each pathway's id is replaced
by a keyed pseudonym: HMAC-SHA256 under the extract key, a secret the coordinator keeps
in a file of its own (mode 0600, created on first use). Two extracts made with the same
key give a person the same pseudonym, so an evaluator can follow them across years;
without the key a pseudonym leads nowhere, not even to the pathway id.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import hmac
import os
import secrets
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.parquet as pq

from parcours.app.health import PathwayCannotRun, Trouble
from parcours.app.queries import pathways_query
from parcours.domain.extract import COLUMNS, Value, extract_row

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient

PURPOSE = b"parcours evaluator extract v1\x1f"
KEY_BYTES = 32
FILES = ("extract.csv", "extract.parquet", "dictionary.csv")


class ExtractKeyError(ValueError):
    """The extract key file cannot be used: unreadable, malformed, or readable by others."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = path, problem


def load_or_create_key(path: Path) -> tuple[bytes, bool]:
    """The extract key and whether it was just created (32 random bytes, hex, mode 0600)."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as file:
            file.write(secrets.token_hex(KEY_BYTES) + "\n")
        return load_or_create_key(path)[0], True
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ExtractKeyError(path, "others_may_read")
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError, UnicodeDecodeError):
        raise ExtractKeyError(path, "malformed") from None
    if len(key) != KEY_BYTES:
        raise ExtractKeyError(path, "malformed")
    return key, False


def pseudonym(key: bytes, pathway_id: str) -> str:
    return hmac.new(key, PURPOSE + pathway_id.encode(), hashlib.sha256).hexdigest()[:24]


def _birth(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@dataclass(frozen=True)
class Extracted:
    rows: list[dict[str, Value]]
    troubled: tuple[Trouble, ...]
    opened: tuple[str, ...] = ()
    """The pathways whose identity was opened (for the birth date): each a logged read."""


async def gather_rows(
    pathways: PathwayClient,
    programme: str,
    key: bytes,
    *,
    answer_timeout: float,
    on_listed: Callable[[int], None],
    on_done: Callable[[int], None],
    zone: tzinfo = UTC,
) -> Extracted:
    """One row per pathway of `programme`, open or closed, in pseudonym order; months and
    ages on the calendar of `zone`."""
    query = pathways_query(pathways.task_queue, programme=programme, include_closed=True)
    ids = [pid async for pid in pathways.pathway_ids(query)]
    on_listed(len(ids))
    rows, troubled, opened = [], [], []
    for done, pathway_id in enumerate(ids, start=1):
        try:
            state = await asyncio.wait_for(pathways.state(pathway_id), answer_timeout)
            person = await asyncio.wait_for(pathways.participant(pathway_id), answer_timeout)
        except PathwayCannotRun as err:
            troubled.append(err.trouble)
        else:  # the identity goes no further than the age band
            birth = _birth(person.birth_date)
            rows.append(extract_row(state, birth, pseudonym(key, pathway_id), zone))
            opened.append(pathway_id)
        on_done(done)
    rows.sort(key=lambda row: str(row["pseudonym"]))
    return Extracted(rows, tuple(troubled), tuple(opened))


def write_extract(
    folder: Path, rows: Sequence[dict[str, Value]], dictionary: Sequence[tuple[str, str, str]]
) -> list[Path]:
    """Write the rows as CSV and Parquet, and the data dictionary (column, type, French,
    English) as CSV; the files written."""
    folder.mkdir(parents=True, exist_ok=True)
    names = [c.name for c in COLUMNS]
    paths = [folder / name for name in FILES]
    with paths[0].open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=names, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    types = {"string": pa.string(), "integer": pa.int64(), "boolean": pa.bool_()}
    schema = pa.schema([(c.name, types[c.kind]) for c in COLUMNS])
    pq.write_table(pa.Table.from_pylist(list(rows), schema=schema), paths[1])
    kinds = {c.name: c.kind for c in COLUMNS}
    with paths[2].open("w", encoding="utf-8", newline="") as file:
        writer_ = csv.writer(file, lineterminator="\n")
        writer_.writerow(["column", "type", "description_fr", "description_en"])
        for name, french, english in dictionary:
            writer_.writerow([name, kinds[name], french, english])
    return paths
