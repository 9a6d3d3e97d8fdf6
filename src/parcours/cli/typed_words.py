"""Values staff type by their name: a stage, an exit reason, a barrier kind.

Each value has a key (`moved_away`) and a name in each language ("déménagement", "moved
away"); staff may type either, whatever its case and accents, and a name with an
inclusive ending ("Orienté·e") in any of its forms ("orientee", "oriente"). A value that
names none is refused in one sentence listing each key with its name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any, TypeVar

from parcours.cli.i18n import Text
from parcours.locale import catalogue

_MIDDLE_DOT = re.compile(r"·\w+")
LANGUAGES = ("en", "fr")
Choice = TypeVar("Choice", bound=StrEnum)


def kind_of(choices: type[StrEnum]) -> str:
    """The catalogue's prefix for the names of `choices`: `ExitReason`, `exit_reason`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", choices.__name__).lower()


def folded(words: str) -> str:
    """`words` without case, accents or extra spaces: how a typed name is compared."""
    bare = unicodedata.normalize("NFKD", words.casefold())
    return " ".join("".join(c for c in bare if not unicodedata.combining(c)).split())


def spellings(label: str) -> set[str]:
    """A name as people type it: as written, and with its inclusive ending ("Orienté·e")
    in either form ("orientee", "oriente")."""
    bare = (label, label.replace("·", ""), _MIDDLE_DOT.sub("", label))
    return {folded(form) for form in bare}


def named(kind: str, values: Iterable[str], typed: str) -> str | None:
    """The value of `kind` that `typed` names: its key, or its name in either language
    (the catalogue's `KIND.VALUE`); None when it names none."""
    wanted = folded(typed)
    for value in values:
        names = (catalogue(lang).get(f"{kind}.{value}") for lang in LANGUAGES)
        if wanted == folded(value) or any(wanted in spellings(n) for n in names if n):
            return value
    return None


def allowed(kind: str, values: Iterable[str], text: Text) -> str:
    """Each key with its name in the reader's words where that says more: `moved_away
    (déménagement), …`."""
    return ", ".join(_worded(value, kind, text) for value in values)


def choices_help(param: Any, text: Text) -> str:
    """What a named argument taking one of a list may be, for its help: each value as it is
    typed, with its name in the reader's words where that says more (`moved_away
    (déménagement)`); "" for any other parameter."""
    from typer.core import TyperArgument

    if not isinstance(param, TyperArgument) or not param.metavar:
        return ""
    described = param.type_descriptor
    if not described.is_choice:
        return ""
    kind = kind_of(described.annotation)
    choices = described.choices or ()
    values = [_worded(str(getattr(c, "value", c)), kind, text) for c in choices]
    return text("help.one_of", values=", ".join(values))


def _worded(value: str, kind: str, text: Text) -> str:
    """`value (its name)`, unless the catalogue has no name for it or the name is the value."""
    said = catalogue(text.lang).get(f"{kind}.{value}")
    plain = value.replace("_", " ")
    return value if not said or said.lower() == plain.lower() else f"{value} ({said})"


def by_name(choices: type[Choice], placeholder: str) -> Callable[[str], Choice]:
    """A parser for an argument taking one of `choices` (`placeholder` in help): by its
    key or its name; a usage error, in the reader's words, otherwise."""
    kind = kind_of(choices)

    def parse(typed: str | Choice) -> Choice:
        if isinstance(typed, choices):
            return typed
        keys = [c.value for c in choices]
        found = named(kind, keys, str(typed))
        if found is not None:
            return choices(found)
        from parcours.cli.click_words import Said
        from parcours.cli.runtime import current_session

        text = current_session().text
        option = catalogue(text.lang).get(f"metavar.{placeholder}", placeholder)
        said = text(
            "error.bad_choice", value=typed, option=option, allowed=allowed(kind, keys, text)
        )
        raise Said(said)

    return parse
