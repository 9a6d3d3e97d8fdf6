"""Every `StrEnum` of parcours with its members' values, as `enum_values.json` pins them.

A member's value is a wire format (stored in workflow histories, the read model and the
partners' messages for years), so the committed snapshot is what `test_enum_values.py`
holds the code to. After adding a member or an enum, write the snapshot again:

    .venv/bin/python -m tests.domain.enum_snapshot
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys
from enum import StrEnum
from pathlib import Path

import parcours
from parcours.domain.vocabulary import Trigger

SNAPSHOT = Path(__file__).with_name("enum_values.json")
SKIPPED = ".migrations"
"""Alembic's scripts run a migration when imported; they declare no enum."""


def _import_every_module() -> None:
    for module in pkgutil.walk_packages(parcours.__path__, "parcours."):
        if SKIPPED not in module.name:
            importlib.import_module(module.name)


def _subclasses(cls: type[StrEnum]) -> list[type[StrEnum]]:
    found: list[type[StrEnum]] = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


def _declared(cls: type[StrEnum]) -> bool:
    """Whether `cls` is the class its module holds now: a module imported again (a workflow
    sandbox, a test that reloads) leaves its earlier classes among the subclasses until
    they are collected."""
    return getattr(sys.modules.get(cls.__module__), cls.__qualname__, None) is cls


def enum_values() -> dict[str, dict[str, str]]:
    """`{"Enum": {"MEMBER": "value", ...}}` for every StrEnum parcours declares with members,
    by class name alone: moving an enum to another module changes no stored value. The event
    each trigger records is a wire format too: `{"AreaTrigger.records": {"MEMBER": "event"}}`."""
    _import_every_module()
    enums = [c for c in _subclasses(StrEnum) if c.__module__.startswith("parcours.") and len(c)]
    enums = [c for c in enums if _declared(c)]
    names = [cls.__qualname__ for cls in enums]
    assert len(set(names)) == len(names), f"two StrEnums share a name: {sorted(names)}"
    enums.sort(key=lambda cls: cls.__qualname__)
    values = {cls.__qualname__: {member.name: member.value for member in cls} for cls in enums}
    return values | {
        f"{cls.__qualname__}.records": {m.name: m.records for m in cls if m.records is not None}
        for cls in enums
        if issubclass(cls, Trigger)
    }


def pinned() -> dict[str, dict[str, str]]:
    loaded: dict[str, dict[str, str]] = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    return loaded


if __name__ == "__main__":
    SNAPSHOT.write_text(json.dumps(enum_values(), indent=2) + "\n", encoding="utf-8")
