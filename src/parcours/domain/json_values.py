"""Plain JSON values of what the domain and its front ends carry: one conversion for the
signed digest (`signing.canonical`, instants in UTC) and for the CLI's `--json` output
(`cli.render.plain`, instants as they were given)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any


def json_values(value: Any, *, in_utc: bool = False) -> Any:
    """`value` as plain JSON values: dataclasses as objects of their fields, enums as their
    values, dates and instants as ISO 8601 (instants moved to UTC with `in_utc`), dict keys
    as text, tuples as lists; anything else as it is."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return json_values(value.value, in_utc=in_utc)
    if isinstance(value, datetime) and in_utc and value.tzinfo:
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_values(v, in_utc=in_utc) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_values(v, in_utc=in_utc) for v in value]
    return value
