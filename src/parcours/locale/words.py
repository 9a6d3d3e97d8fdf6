"""Values people type by their name: a stage, an exit reason, a barrier kind.

Each value has a key (`moved_away`) and a name in each language ("déménagement", "moved
away"), and maybe other forms of it ("coordinatrice" beside "coordinateur"); a value is
named by any of them, whatever its case and accents, and a name with an inclusive ending
("Orienté·e") in any of its forms ("orientee", "oriente"). The CLI reads its options so
(`cli/typed_words.py`), and a caseload's cells so (`cli/commands/importing.py`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from enum import StrEnum

from parcours.locale import catalogue

_MIDDLE_DOT = re.compile(r"·\w+")
LANGUAGES = ("en", "fr")


APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'"})
"""The typographic apostrophes French keyboards and word processors write ("garde d’enfants"),
read as the straight one the catalogues hold."""


def folded(words: str) -> str:
    """`words` without case, accents, typographic apostrophes or extra spaces: how a typed
    name is compared."""
    bare = unicodedata.normalize("NFKD", words.casefold().translate(APOSTROPHES))
    return " ".join("".join(c for c in bare if not unicodedata.combining(c)).split())


def spellings(label: str) -> set[str]:
    """A name as people type it: as written, and with its inclusive ending ("Orienté·e")
    in either form ("orientee", "oriente")."""
    bare = (label, label.replace("·", ""), _MIDDLE_DOT.sub("", label))
    return {folded(form) for form in bare}


def is_named(typed: str, names: Iterable[str]) -> bool:
    """Whether `typed` is one of `names` as people type them (`spellings`)."""
    wanted = folded(typed)
    return any(wanted in spellings(name) for name in names)


def named(kind: str, values: Iterable[str], typed: str) -> str | None:
    """The value of `kind` that `typed` names: its key, or its name in either language
    (the catalogue's `KIND.VALUE`); None when it names none."""
    wanted, keys = folded(typed), list(values)
    for value in keys:  # a key first: a name never hides another value's key
        if wanted == folded(value):
            return value
    for value in keys:
        if is_named(typed, _names(kind, value)):
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


def catalogue_kind(kinds: type[StrEnum]) -> str:
    """The catalogue's prefix for the names of an enumeration's values: `barrier_kind` for
    `BarrierKind` (its name in snake case; `jobdating_outcome` as the catalogue spells it)."""
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", kinds.__name__).lower()
    return snake.replace("job_dating", "jobdating")


def value_named(kinds: type[StrEnum], typed: str) -> str | None:
    """The value of `kinds` that `typed` names by a name or form the catalogue gives it in
    either language ("logement" for `housing`); None when it names none. A caseload's
    cells are read with it (`domain.importing.cells.Namer`)."""
    return named(catalogue_kind(kinds), [k.value for k in kinds], typed)
