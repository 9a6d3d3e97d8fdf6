"""The root command group: each command module is imported when its command is used.

`parcours --help` lists the commands from the table in `parcours.cli.commands` without
importing a single command module, and `parcours barrier add` imports the barriers'
module only. Help is written as catalogue keys (`help.barrier.add`) in the command
modules; `localise` puts the text of the invocation's language in their place when a
command is assembled.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import typer
from typer._click.exceptions import UsageError
from typer.core import TyperCommand, TyperGroup

from parcours.cli.click_words import option_help, speak_metavar, translated
from parcours.cli.commands import COMMANDS
from parcours.cli.i18n import Text
from parcours.cli.options import HELP_VALUES, choices_help
from parcours.cli.plain_params import take_text_as_typed

if TYPE_CHECKING:
    # Recent Typer builds on its own copy of Click: the types its classes are made of.
    from typer._click import Command, Context, HelpFormatter

HELP_KEY_PREFIX = "help."


def localise(command: Any, text: Text) -> None:
    """Replace every help key of `command`, its parameters and its subcommands by text."""
    for owner in (command, *command.params):
        speak_metavar(owner, text)
        for attribute in ("help", "short_help"):
            value = getattr(owner, attribute, None)
            if isinstance(value, str) and value.startswith(HELP_KEY_PREFIX):
                values = HELP_VALUES[value](text) if value in HELP_VALUES else {}
                setattr(owner, attribute, text(value, **values) + choices_help(owner, text))
    option_help(command, text)  # --help, and the root's completion options
    if getattr(command, "subcommand_metavar", None):  # a group's `COMMAND [ARGS]...`
        said = text("click.subcommand_metavar")
        # A group that runs alone (`parcours alerts` lists the alerts) takes no command.
        optional = getattr(command, "invoke_without_command", False)
        command.subcommand_metavar = f"[{said}]" if optional else said
    for sub in getattr(command, "commands", {}).values():
        localise(sub, text)


class Pending(TyperCommand):
    """A command not imported yet: its name and help, enough to list it."""

    def __init__(self, name: str, module: str, text: Text) -> None:
        super().__init__(name, help=text(f"{HELP_KEY_PREFIX}{name}"))
        self.module = module


class LazyGroup(TyperGroup):
    """The root group: commands are `Pending` until first used, then imported and built."""

    text = Text("en")

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        localise(self, self.text)
        self._listing = False
        self._built: dict[str, TyperGroup] = {}
        for name, module in COMMANDS:
            self.commands[name] = Pending(name, module, self.text)

    @classmethod
    def speaking(cls, text: Text) -> type[LazyGroup]:
        """The group class for one invocation's language (Typer builds it from a class)."""
        return type("LocalisedGroup", (cls,), {"text": text})

    def make_context(
        self, info_name: str | None, args: list[str], parent: Context | None = None, **extra: Any
    ) -> Context:
        """The root's own options parsed; a usage error is said in the invocation's words."""
        try:
            return super().make_context(info_name, args, parent, **extra)
        except UsageError as err:
            raise translated(err, self.text) from None

    def invoke(self, ctx: Context) -> Any:
        """Run the command; a usage error of any subcommand in the invocation's words."""
        try:
            return super().invoke(ctx)
        except UsageError as err:
            raise translated(err, self.text) from None

    def get_params(self, ctx: Context) -> list[Any]:
        option_help(self, self.text)  # Typer adds the completion options after __init__
        params = super().get_params(ctx)
        take_text_as_typed(self)  # the root's own options (--lang, --as, --role)
        return params

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        command = self.commands.get(cmd_name)
        if isinstance(command, Pending) and not self._listing:
            command = self.commands[cmd_name] = self._build(command.module).commands[cmd_name]
        return command

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        """List the commands by name and help, without importing their modules."""
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def _build(self, module: str) -> TyperGroup:
        """The commands of one command module, in this invocation's language."""
        if module not in self._built:
            commands = importlib.import_module(f"parcours.cli.commands.{module}").commands
            group = typer.main.get_group(commands)
            localise(group, self.text)
            take_text_as_typed(group)
            self._built[module] = group
        return self._built[module]
