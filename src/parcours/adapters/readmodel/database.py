"""What every part of the store shares: the engine, the clock, sessions and filters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Self, TypeVarTuple

from sqlalchemy import Engine, Select
from sqlalchemy.orm import Session

from parcours.adapters.readmodel.rows import View, view_of
from parcours.adapters.readmodel.tables import Base

Clock = Callable[[], datetime]

Columns = TypeVarTuple("Columns")


def _utcnow() -> datetime:
    return datetime.now(UTC)


def where_given(stmt: Select[*Columns], *filters: tuple[Any, object | None]) -> Select[*Columns]:
    """`stmt` narrowed to rows whose column equals each value given; None filters nothing."""
    for column, value in filters:
        if value is not None:
            stmt = stmt.where(column == value)
    return stmt


def starting_with(column: Any, prefix: str) -> Any:
    """`column LIKE 'prefix%'`, the prefix taken as typed (its `%` and `_` are no wildcards)."""
    escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return column.like(f"{escaped}%", escape="\\")


class Database:
    """The read model's engine; `clock` is injectable for tests."""

    def __init__(self, engine: Engine, clock: Clock = _utcnow) -> None:
        self.engine = engine
        self._clock = clock

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _read(self) -> Iterator[Session]:
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    def _views(self, view: type[View], stmt: Select[Any]) -> list[View]:
        """The rows `stmt` selects, each as a `view`."""
        with self._read() as s:
            return [view_of(view, row) for row in s.scalars(stmt)]

    def _view(self, view: type[View], table: type[Base], key: str) -> View | None:
        """The row of `table` with primary key `key` as a `view`; None when there is none."""
        with self._read() as s:
            row = s.get(table, key)
            return view_of(view, row) if row else None
