"""The words people read, in French and English: `en.toml` and `fr.toml`, one key a text.

Reading them is I/O, so it lives here and not in the domain; the CLI (`cli/i18n.py`), the
partner mails (`adapters/channels/render.py`) and the English of an adapter's errors
(`adapters/temporal/connection.py`) all read their words from here. A test checks both
catalogues have the same keys and the same {placeholders}.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path

LANGUAGES = ("fr", "en")
LOCALE_DIR = Path(__file__).parent


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every text of one language by its dotted key (`event.referred`)."""
    with (LOCALE_DIR / f"{lang}.toml").open("rb") as file:
        return _flatten(tomllib.load(file))


def _flatten(tree: Mapping[str, object], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat
