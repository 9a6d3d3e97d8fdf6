"""The lazy table of `parcours.cli.commands` names every command and group each module
defines, and only those: a command missing from it would be unreachable, and the root's
`--help` lists the commands from it without importing the modules."""

from __future__ import annotations

import importlib
import pkgutil

import typer
from typer.main import get_group

from parcours.cli import commands
from parcours.cli.commands import COMMANDS


def defined_commands() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for module_info in pkgutil.iter_modules(commands.__path__):
        module = importlib.import_module(f"{commands.__name__}.{module_info.name}")
        app = getattr(module, "commands", None)
        if isinstance(app, typer.Typer):
            group = get_group(app)  # as the lazy root builds a module: a group, even of one
            names = group.commands
            found |= {(name, module_info.name) for name in names}
    return found


def test_the_lazy_table_is_exactly_what_the_modules_define() -> None:
    assert len(COMMANDS) == len(set(COMMANDS))
    assert set(COMMANDS) == defined_commands()
