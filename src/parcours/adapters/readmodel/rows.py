"""Between records, rows and views: a column is named after the field it holds.

The summary column `stage` holds the batch's `stage` and comes back as the view's `stage`,
so each conversion copies fields by name and spells out only what differs (a value
computed on the way, a column the source does not carry). A field renamed on one side
only fails every read-model test at once instead of being copied wrong in silence.
"""

from __future__ import annotations

from dataclasses import fields
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from parcours.adapters.readmodel.tables import Base

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

View = TypeVar("View", bound="DataclassInstance")


@cache
def _field_names(view: type[DataclassInstance]) -> tuple[str, ...]:
    return tuple(f.name for f in fields(view))


@cache
def _column_names(table: type[Base]) -> tuple[str, ...]:
    return tuple(table.__table__.columns.keys())


def view_of(view: type[View], row: object, **given: Any) -> View:
    """A view whose fields are read from the row's attributes of the same name, but `given`."""
    copied = {name: getattr(row, name) for name in _field_names(view) if name not in given}
    return view(**copied, **given)


def column_values(table: type[Base], source: object, **given: Any) -> dict[str, Any]:
    """Every column of `table`, read from the source's attribute of the same name, but `given`."""
    return {
        name: given[name] if name in given else getattr(source, name)
        for name in _column_names(table)
    }
