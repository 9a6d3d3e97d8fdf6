"""Arguments and options many commands share, as `Annotated` aliases.

Help is given as a catalogue key (`help.opt.json`); `lazy.localise` puts the text of the
invocation's language in its place when the command is assembled, so the aliases stay
plain module constants and `--help` speaks one language only.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

import typer

from parcours.cli.typed_words import allowed
from parcours.locale.words import named

if TYPE_CHECKING:
    from parcours.cli.i18n import Text

Choice = TypeVar("Choice", bound=StrEnum)

HELP_VALUES: dict[str, Callable[[Text], dict[str, str]]] = {}
"""Help whose text takes values worked out as its command is assembled, by catalogue key
(`help.opt.criterion` lists the programmes' criteria); a command module registers them."""


def flag(name: str, key: str | None = None) -> Any:
    """An option that turns something on (`--paid`), not Typer's `--paid/--no-paid` pair.

    Its help is `help.opt.KEY`, KEY being the name's words (`sector_hiring`) unless given;
    its type column stays empty (a flag takes no value: not `<bool>`).
    """
    return typer.Option(name, help=f"help.opt.{key or name[2:].replace('-', '_')}", metavar="")


def named_choice(
    choices: type[StrEnum], kind: str, help_key: str, metavar: str, *, option: bool = False
) -> Any:
    """An argument (an option with `option`) taking one of `choices`, by its key
    (`moved_away`) or its name in either language ("déménagement", the catalogue's
    `KIND.VALUE`); its help lists both (`choices_help`)."""

    make = typer.Option if option else typer.Argument
    return make(help=help_key, metavar=metavar, parser=ByName(choices, kind, metavar))


def named_option(choices: type[StrEnum], kind: str, help_key: str, metavar: str) -> Any:
    """An option taking one of `choices` by its key or its name (`named_choice`)."""
    return named_choice(choices, kind, help_key, metavar, option=True)


JsonFlag = Annotated[bool, flag("--json")]
BirthDateOpt = Annotated[str, typer.Option(help="help.opt.birth_date", metavar="DATE")]
"""A person's birth date, as the referral gave it (`refer`, `find`)."""
ReasonOpt = Annotated[str, typer.Option("--reason", help="help.opt.reason")]
RequestOpt = Annotated[str | None, typer.Option("--request-id", help="help.opt.request_id")]

Ref = Annotated[str, typer.Argument(help="help.arg.ref", metavar="REF")]
"""A pathway: its id or a short, unambiguous prefix of it."""

Agency = Annotated[str, typer.Option(help="help.opt.agency")]
"""The temp agency a mission or a job dating went through."""

On = Annotated[str | None, typer.Option("--on", help="help.opt.on")]
"""When it happened, in local time; now when left out."""

Out = Annotated[Path | None, typer.Option("--out", help="help.opt.out", metavar="FILE")]


def programme_key(typed: str) -> str:
    """A programme's name as the catalogue keys it (lower case, no accent, hyphens), from
    what was typed: "Nouveau-Départ" is `nouveau-depart`. One that names no programme is
    refused later, by the command, listing the programmes."""
    from parcours.locale.words import folded

    return folded(typed).replace(" ", "-")


ProgrammeOpt = Annotated[
    str | None, typer.Option(help="help.opt.programme", parser=programme_key, metavar="TEXT")
]
RequiredProgramme = Annotated[
    str, typer.Option(help="help.opt.programme", parser=programme_key, metavar="TEXT")
]
"""`--programme` where it must be given (`refer`, `session open`, `jobdating plan`)."""
ProgrammeArg = Annotated[
    str, typer.Argument(help="help.arg.programme", metavar="PROGRAMME", parser=programme_key)
]
"""A programme by its name (`atp-cergy`), typed with accents or capitals or not."""
VersionOpt = Annotated[int | None, typer.Option(help="help.opt.version")]


def subgroup(
    parent: typer.Typer, name: str, *, invoke_without_command: bool = False
) -> typer.Typer:
    """A command group `parcours NAME ...`, its help from the catalogue's `help.NAME`.

    Without a command, it prints its help, unless it runs its own callback
    (`invoke_without_command`, as `parcours alerts` lists the open alerts).
    """
    group = typer.Typer(
        name=name,
        help=f"help.{name}",
        no_args_is_help=not invoke_without_command,
        invoke_without_command=invoke_without_command,
    )
    parent.add_typer(group, name=name)
    return group


def group_module(
    name: str, *, invoke_without_command: bool = False
) -> tuple[typer.Typer, typer.Typer]:
    """A module's `commands` Typer (what `parcours.cli.commands` reads) holding its one group
    `parcours NAME`: `commands, barrier = group_module("barrier")`."""
    commands = typer.Typer()
    return commands, subgroup(commands, name, invoke_without_command=invoke_without_command)


class ByName(Generic[Choice]):
    """A parser for an argument taking one of `choices` (`placeholder` in help), whose
    names the catalogue holds as `KIND.VALUE`: by its key or its name; a usage error, in
    the reader's words, otherwise."""

    def __init__(self, choices: type[Choice], kind: str, placeholder: str) -> None:
        self.choices, self.kind, self.placeholder = choices, kind, placeholder

    def __call__(self, typed: str | Choice) -> Choice:
        if isinstance(typed, self.choices):
            return typed
        keys = [c.value for c in self.choices]
        found = named(self.kind, keys, str(typed))
        if found is not None:
            return self.choices(found)
        from parcours.cli.click_words import Said
        from parcours.cli.runtime import current_session
        from parcours.locale import catalogue

        text = current_session().text
        option = catalogue(text.lang).get(f"metavar.{self.placeholder}", self.placeholder)
        listed = allowed(self.kind, keys, text)
        raise Said(text("error.bad_choice", value=typed, option=option, allowed=listed))


def choices_help(param: Any, text: Text) -> str:
    """What an argument taken by name (`ByName`) may be, for its help: each key as it is
    typed, with its name in the reader's words where that says more (`moved_away
    (déménagement)`); "" for any other parameter."""
    described = getattr(param, "type_descriptor", None)
    parser = getattr(getattr(described, "parameter_info", None), "parser", None)
    if not isinstance(parser, ByName):
        return ""
    keys = [c.value for c in parser.choices]
    return text("help.one_of", values=allowed(parser.kind, keys, text))


DECIMAL = re.compile(r"[0-9]+(?:[.,][0-9]+)?")
"""A number as staff write one: digits, and maybe a point or a comma and more digits; not
what Python's `float` also takes (`1_5`, `1e1`, `inf`, other scripts' digits)."""


class Decimal:
    """A parser for a number of hours or the like, written with a decimal point or, as
    French writes it, a comma (`17,5`), from `low` to `high` when they are given; a usage
    error in the reader's words otherwise, naming the option (`--hours`)."""

    def __init__(self, option: str, low: float | None = None, high: float | None = None) -> None:
        self.option, self.low, self.high = option, low, high

    def __call__(self, typed: str | float) -> float:
        written = DECIMAL.fullmatch(str(typed).strip()) if not isinstance(typed, float) else None
        value = typed if isinstance(typed, float) else math.nan
        if written is not None:
            value = float(written.group().replace(",", "."))
        low = -math.inf if self.low is None else self.low
        high = math.inf if self.high is None else self.high
        if low <= value <= high:  # false for nan
            return value
        raise self._refused(typed)

    def _refused(self, typed: object) -> Exception:
        from parcours.cli.click_words import Said
        from parcours.cli.labels import decimal
        from parcours.cli.runtime import current_session

        text = current_session().text
        if self.low is None or self.high is None:
            return Said(text("error.not_decimal", value=typed, option=self.option))
        bounds = {"low": decimal(self.low, text.lang), "high": decimal(self.high, text.lang)}
        return Said(text("error.bad_decimal", value=typed, option=self.option, **bounds))


def decimal_option(
    name: str, help_key: str, low: float | None = None, high: float | None = None
) -> Any:
    """An option taking a number, from `low` to `high` when given, with a decimal point
    or comma."""
    return typer.Option(name, help=help_key, metavar="NUMBER", parser=Decimal(name, low, high))
