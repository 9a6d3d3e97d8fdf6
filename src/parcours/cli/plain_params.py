"""Text parameters taken as typed, without pydantic.

Typer checks every parameter's value with a pydantic `TypeAdapter` built when the value
is first read, so the first command line that gives a text argument (`parcours contact
REF`) imports pydantic and builds adapters: about a fifth of a staff action's time, to
check that a string from the command line is a string. A parameter whose type is `str`,
with no parser of its own, (and every flag) is given Typer's own pass-through check instead, which
accepts a string as it is and refuses anything else with the same usage error; flags
(`bool`) likewise, whose value Click has already made a boolean, or None when absent. Numbers,
dates, choices and lists keep Typer's checks (and their translated error sentences), built
only when a value is given: an option left out (`alerts --status`) or a number left at its
default (`list --limit`, 200) is taken as it is, so `parcours list` and `parcours alerts`
do not import pydantic either. A text parameter with a parser of text (a programme's name,
folded) gets its parser alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from typer._coercion import PassThroughRuntimeParam, RuntimeParam, build_runtime_param

PLAIN = (str, bool)
"""Types whose command-line values arrive already typed: text as typed, flags as
booleans (no parcours option reads a flag from text or the environment)."""
NUMBERS = (int, float)
"""Types whose default is taken as it is, and whose typed values keep Typer's check."""


@dataclass(frozen=True)
class CheckedWhenGiven(RuntimeParam):
    """Typer's own check, built when a value is given: an absent option is None (or an
    empty tuple for a repeatable one) before any check, and a number's default (already a
    number) passes as it is."""

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        if self.annotation in NUMBERS and type(value) is self.annotation:
            return value
        return build_runtime_param(param.type_descriptor).coerce(value, param, ctx)


@dataclass(frozen=True)
class ParsedText(RuntimeParam):
    """A text parameter with a parser of text (`options.programme_key`): the parser's
    answer, a string, with no check that a string is a string."""

    def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
        parser = self.parameter_info.parser
        assert parser is not None  # given to text parameters with a parser only
        return parser(value)


def take_text_as_typed(command: Any) -> None:
    """Give every plain text parameter of `command` and its subcommands the pass-through
    check, and the others Typer's own check built when a value is given."""
    helper = getattr(command, "_help_option", None)  # made once, by `click_words.option_help`
    for param in (*getattr(command, "params", ()), *([helper] if helper else [])):
        described = getattr(param, "type_descriptor", None)
        if described is None or getattr(param, "_runtime_param", False) is not None:
            continue
        parser = described.parameter_info.parser
        if described.annotation is str and parser is not None:
            param._runtime_param = ParsedText(
                parameter_info=described.parameter_info, annotation=str
            )
        elif described.annotation in PLAIN and parser is None and described.file_annotation is None:
            param._runtime_param = PassThroughRuntimeParam(
                parameter_info=described.parameter_info, annotation=described.annotation
            )
        elif described.file_annotation is None:
            param._runtime_param = CheckedWhenGiven(
                parameter_info=described.parameter_info, annotation=described.annotation
            )
    for sub in getattr(command, "commands", {}).values():
        take_text_as_typed(sub)
