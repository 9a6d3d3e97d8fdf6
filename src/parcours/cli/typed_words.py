"""What a value typed by its name is refused with, when it names none: each key with its
name, in one sentence. Which value a name names is `parcours.locale.words.named`.
"""

from __future__ import annotations

from collections.abc import Iterable

from parcours.cli.i18n import Text
from parcours.locale import catalogue


def allowed(kind: str, values: Iterable[str], text: Text) -> str:
    """Each key with its name in the reader's words where that says more: `moved_away
    (déménagement), …`."""
    return ", ".join(_worded(value, kind, text) for value in values)


def _worded(value: str, kind: str, text: Text) -> str:
    """`value (its name)`, unless the catalogue has no name for it or the name is the value."""
    said = catalogue(text.lang).get(f"{kind}.{value}")
    plain = value.replace("_", " ")
    return value if not said or said.lower() == plain.lower() else f"{value} ({said})"
