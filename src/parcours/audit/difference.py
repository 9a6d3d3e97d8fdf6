"""Where a folded state first differs from the state a workflow recorded: what a
discrepancy of the audit fold names (ids and dates only, never a person's text)."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from enum import Enum
from typing import Any


def first_difference(recorded: Any, folded: Any, path: str = "state") -> str:
    """Where two states first differ, as `path: recorded X, folded Y` (ids and dates only)."""
    if dataclasses.is_dataclass(recorded) and type(recorded) is type(folded):
        for item in dataclasses.fields(recorded):
            name = item.name
            a, b = getattr(recorded, name), getattr(folded, name)
            if a != b:
                return first_difference(a, b, f"{path}.{name}")
    elif isinstance(recorded, list | tuple) and isinstance(folded, list | tuple):
        for index, (a, b) in enumerate(zip(recorded, folded, strict=False)):
            if a != b:
                return first_difference(a, b, f"{path}[{index}]")
        if len(recorded) != len(folded):
            return f"{path}: {len(recorded)} recorded, {len(folded)} folded"
    elif isinstance(recorded, dict) and isinstance(folded, dict):
        for key in sorted(set(recorded) | set(folded), key=str):
            if recorded.get(key) != folded.get(key):
                return first_difference(recorded.get(key), folded.get(key), f"{path}[{key!r}]")
    return f"{path}: recorded {_shown(recorded)}, folded {_shown(folded)}"


def _shown(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return str(value.value)
    return repr(value)
