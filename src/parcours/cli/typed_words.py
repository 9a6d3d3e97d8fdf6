"""Values staff type by their name: a stage, an exit reason, a barrier kind.

Each value has a key (`moved_away`) and a name in each language ("déménagement", "moved
away"), and maybe other forms of it ("coordinatrice" beside "coordinateur"); staff may
type any of them, whatever its case and accents, and a name with an
inclusive ending ("Orienté·e") in any of its forms ("orientee", "oriente"). A value that
names none is refused in one sentence listing each key with its name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator

from parcours.cli.i18n import Text
from parcours.locale import catalogue

_MIDDLE_DOT = re.compile(r"·\w+")
LANGUAGES = ("en", "fr")


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
    wanted, keys = folded(typed), list(values)
    for value in keys:  # a key first: a name never hides another value's key
        if wanted == folded(value):
            return value
    for value in keys:
        if any(wanted in spellings(name) for name in _names(kind, value)):
            return value
    return None


def _names(kind: str, value: str) -> Iterator[str]:
    """The names of a value in either language, and the other forms the catalogue gives
    them (`KIND.VALUE.forms`, comma-separated: "coordinatrice" beside "coordinateur")."""
    for lang in LANGUAGES:
        words = catalogue(lang)
        yield from filter(None, [words.get(f"{kind}.{value}")])
        forms = words.get(f"{kind}.{value}.forms", "")
        yield from (form.strip() for form in forms.split(",") if form.strip())


def allowed(kind: str, values: Iterable[str], text: Text) -> str:
    """Each key with its name in the reader's words where that says more: `moved_away
    (déménagement), …`."""
    return ", ".join(_worded(value, kind, text) for value in values)


def _worded(value: str, kind: str, text: Text) -> str:
    """`value (its name)`, unless the catalogue has no name for it or the name is the value."""
    said = catalogue(text.lang).get(f"{kind}.{value}")
    plain = value.replace("_", " ")
    return value if not said or said.lower() == plain.lower() else f"{value} ({said})"
