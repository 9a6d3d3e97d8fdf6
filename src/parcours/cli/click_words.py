"""Click's and Typer's own words in the invocation's language: "Usage:", "Options",
"[required]", "Show this message and exit.", and the usage errors.

Typer ships its own copy of Click, in which these words are written in the code rather
than looked up with gettext, and its rich help reads them from module constants; so the
catalogue's `click.*` words are put in their place:
- the usage line's prefix, by the help formatter every context makes (`speak`, called by
  `build_app` for each invocation);
- the help panels' titles and markers, in `typer.rich_utils`, when a formatter is first
  made: only help and usage errors make one, so a command that runs imports nothing more;
- the help option's and the completion options' help, by `lazy.localise` (`option_help`);
- usage errors, by the root group (`translated`), which reads Click's English sentence
  pattern by pattern; a sentence no pattern knows stays as Click wrote it.
"""

from __future__ import annotations

import re
from typing import Any

from typer._click.core import Context
from typer._click.exceptions import UsageError
from typer._click.formatting import HelpFormatter

from parcours.cli.i18n import Text

HELP_OPTION_NAMES = ["-h", "--help"]

OPTION_HELP = {
    "Show this message and exit.": "click.help_option",
    "Install completion for the current shell.": "click.install_completion",
    "Show completion for the current shell, to copy it or customize the installation.": (
        "click.show_completion"
    ),
}
"""Help Typer gives its own options, by the catalogue key of its words."""

RICH_WORDS = {
    "REQUIRED_LONG_STRING": "click.required",
    "DEFAULT_STRING": "click.default",
    "ENVVAR_STRING": "click.envvar",
    "DEPRECATED_STRING": "click.deprecated",
    "ARGUMENTS_PANEL_TITLE": "click.arguments",
    "OPTIONS_PANEL_TITLE": "click.options",
    "COMMANDS_PANEL_TITLE": "click.commands",
    "ERRORS_PANEL_TITLE": "click.error",
    "ABORTED_TEXT": "click.aborted",
    "RICH_HELP": "click.try_help",
}
"""`typer.rich_utils`' constants, by the catalogue key of their words."""


def _patterns(*rows: tuple[str, str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each catalogue key with its pattern compiled (`.` also matches a line break)."""
    return tuple((key, re.compile(pattern, re.DOTALL)) for key, pattern in rows)


ERRORS = _patterns(
    ("missing_option", r"Missing option (?P<name>.+?)\.(?P<rest>.*)"),
    ("missing_argument", r"Missing argument (?P<name>.+?)\.(?P<rest>.*)"),
    ("missing_parameter", r"Missing parameter (?P<name>.+?)\.(?P<rest>.*)"),
    (
        "no_such_option_near",
        r"No such option: (?P<name>\S+) \(Possible options: (?P<near>.*)\)",
    ),
    ("no_such_option", r"No such option: (?P<name>\S+)"),
    ("no_such_command_near", r"No such command (?P<name>'.*?')\. Did you mean (?P<near>.*)\?"),
    ("no_such_command", r"No such command (?P<name>'.*?')\."),
    ("missing_command", r"Missing command\."),
    ("extra_arguments", r"Got unexpected extra argument(?:s|\(s\))? \((?P<args>.*)\)"),
    ("needs_value", r"Option (?P<name>'.*?') requires an argument\."),
    ("needs_values", r"Option (?P<name>'.*?') requires (?P<count>\d+) arguments\."),
    ("takes_no_value", r"Option (?P<name>'.*?') does not take a value\."),
    ("invalid_value_for", r"Invalid value for (?P<name>.+?): (?P<detail>.*)"),
    ("invalid_value", r"Invalid value: (?P<detail>.*)"),
)
"""Click's usage errors, by the catalogue key (`click.error.KEY`) of their words."""

DETAILS = _patterns(
    ("not_one_of", r"Value error, (?P<value>'.*?') is not one of (?P<choices>.*)\."),
    ("not_integer", r"Input should be a valid integer.*"),
    ("not_number", r"Input should be a valid number.*"),
    ("at_least", r"Input should be greater than or equal to (?P<bound>\S+)"),
    ("at_most", r"Input should be less than or equal to (?P<bound>\S+)"),
    ("choose_from", r" Choose from:(?P<choices>.*)"),
)
"""What an error says after its first sentence (`click.detail.KEY`): pydantic's checks of
a typed value, and the choices of a missing one."""


def speak(text: Text) -> None:
    """Make every help and usage line of this invocation speak `text`'s language."""
    Context.formatter_class = _formatter_speaking(text)


def _formatter_speaking(text: Text) -> type[HelpFormatter]:
    class Localised(HelpFormatter):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            _speak_rich(text)

        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, args, text("click.usage") if prefix is None else prefix)

    return Localised


def _speak_rich(text: Text) -> None:
    rich_utils = _rich_help()
    for constant, key in RICH_WORDS.items():
        setattr(rich_utils, constant, text(key))
    _speak_types(text)


TYPE_WORDS = {
    "str": "click.type.text",
    "int": "click.type.integer",
    "int range": "click.type.integer",
    "float": "click.type.number",
    "float range": "click.type.number",
    "path": "click.type.file",
}
"""The Python types Typer writes in the help's type column (`<str>`, `<list[str]>`,
`<int range>`…), by the catalogue key of the words staff read instead (TEXT, TEXTE…); a
choice keeps its values, without the brackets (`office|mobile_office`)."""


def _speak_types(text: Text) -> None:
    """The help's type column and usage line in staff's words: `TEXTE`, not `<str>`; an
    argument's name alone (`REF`, already saying what it takes), not `{REF}` nor `<str>`."""
    from typer import core

    parameter: Any = core._TyperParameter  # where Typer writes the type
    english = parameter.__dict__.get("english_display_type", parameter.display_type)
    parameter.english_display_type = english

    def display_type(self: Any, ctx: Context) -> str | None:
        said: str | None = english(self, ctx)
        if said == "<bool>":
            return None  # a flag takes no value (`--help`)
        if isinstance(self, core.TyperArgument) and self.metavar:
            return None  # an argument's name says what it takes (its help, a choice's values)
        return None if said is None else _in_words(said, text)

    parameter.display_type = display_type
    setattr(core.TyperArgument, "_usage_display_name", _usage_name)  # noqa: B010 - a method


def _in_words(said: str, text: Text) -> str:
    """`<list[str]>` as TEXTE, `<int range>` as ENTIER, `<a|b>` as a|b."""
    inner = said.removeprefix("<").removesuffix(">")
    if inner.startswith("list[") and inner.endswith("]"):
        inner = inner[len("list[") : -1]
    return text(TYPE_WORDS[inner]) if inner in TYPE_WORDS else inner


def speak_metavar(param: Any, text: Text) -> None:
    """A parameter's placeholder in the reader's words (`MOTIF_DE_SORTIE` for
    `EXIT_REASON`), when the catalogue has them (`metavar.EXIT_REASON`)."""
    from parcours.locale import catalogue

    metavar = getattr(param, "metavar", None)
    said = catalogue(text.lang).get(f"metavar.{metavar}") if metavar else None
    if said:
        param.metavar = said


def _usage_name(argument: Any) -> str:
    """An argument in the usage line: `REF` when required, `[REF]` when not."""
    name = argument.display_name_raw if argument.required else f"[{argument.display_name_raw}]"
    return name + ("..." if argument.nargs != 1 else "")


UNUSED_BY_HELP = {"rich.markdown": "Markdown", "rich.traceback": "Traceback"}
"""What `typer.rich_utils` imports but parcours' help never uses: Markdown, for the
"markdown" help mode (parcours uses "rich"), and Traceback, for pretty exceptions (off).
With their own imports (markdown_it, pygments, attrs) they were a fifth of `--help`."""


def _rich_help() -> Any:
    """`typer.rich_utils`, imported without the modules in `UNUSED_BY_HELP`: while it is
    imported, each stands in as an empty module, taken away again at once, so anything
    that imports it later (structlog's console renderer) gets the real one."""
    import sys
    import types

    if "typer.rich_utils" in sys.modules:
        return sys.modules["typer.rich_utils"]
    standing_in = [name for name in UNUSED_BY_HELP if name not in sys.modules]
    for name in standing_in:
        placeholder = types.ModuleType(name)
        setattr(placeholder, UNUSED_BY_HELP[name], None)
        sys.modules[name] = placeholder
    try:
        from typer import rich_utils
    finally:
        for name in standing_in:
            del sys.modules[name]
    return rich_utils


def option_help(command: Any, text: Text) -> None:
    """Put `text`'s words in the help of Typer's own options of `command` (`--help`, and
    the root's completion options). The help option is made here, as Click would make it
    when first asked, with the names the root gives every command."""
    helper = command.get_help_option(Context(command, help_option_names=HELP_OPTION_NAMES))
    for param in (*command.params, helper):
        key = OPTION_HELP.get(getattr(param, "help", None) or "")
        if key is not None:
            param.help = text(key)


def translated(error: UsageError, text: Text) -> UsageError:
    """`error` in `text`'s words, as a plain usage error (exit 2) of the same context."""
    _speak_rich(text)  # the error panel's title, even when no usage line is printed
    said = error.format_message()
    for key, pattern in ERRORS:
        match = pattern.fullmatch(said)
        if match is not None:
            values = {k: _detail(v, text) for k, v in match.groupdict().items()}
            return Said(text(f"click.error.{key}", **values), error.ctx)
    return error


def _detail(said: str, text: Text) -> str:
    for key, pattern in DETAILS:
        match = pattern.fullmatch(said)
        if match is not None:
            return text(f"click.detail.{key}", **match.groupdict())
    return said


class Said(UsageError):
    """A usage error already in the reader's words: printed as given."""

    def format_message(self) -> str:
        return self.message
