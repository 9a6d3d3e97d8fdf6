"""Every staff action takes `--on`: when what it records happened (issue: `barrier`,
`french assess`, `appointment add` and others had none)."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterator
from typing import Any

import typer
from typer.main import get_command

from parcours.cli import commands

NOT_DATED = {
    "refer",
    "notifications retry",
    "jobdating record",
    "retention extend",
    "retention adopt",
}
"""`refer` has its own `--on`; a retry sends a message again and records no event; a
job-dating's outcomes are dated at the event's own day; a coordinator's decision on how
long a record is kept (an extension, adopting the rule) takes effect when it is made, and
its dates are the record's, not the person's."""


def staff_actions() -> Iterator[tuple[str, Any]]:
    """Every command that sends a staff action: the ones with `--request-id` and
    `--reason` (what `staff_action` adds), by their full name."""

    def walk(name: str, command: Any) -> Iterator[tuple[str, Any]]:
        if hasattr(command, "commands"):  # a group
            for sub_name, sub in command.commands.items():
                yield from walk(f"{name} {sub_name}".strip(), sub)
            return
        options = {p.name for p in command.params}
        if {"request_id", "reason"} <= options and name not in NOT_DATED:
            yield name, command

    for module_info in pkgutil.iter_modules(commands.__path__):
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        app = getattr(module, "commands", None)
        if isinstance(app, typer.Typer):
            yield from walk("", get_command(app))


def test_every_staff_action_takes_on_once() -> None:
    found = dict(staff_actions())
    assert "refer" not in found
    assert {"barrier add", "barrier resolve", "french assess", "appointment add"} <= set(found)
    assert {"alerts ack", "referent assign", "mission start", "exit"} <= set(found)
    for name, command in found.items():
        ons = [p for p in command.params if "--on" in getattr(p, "opts", [])]
        assert len(ons) == 1, name
