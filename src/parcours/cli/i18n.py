"""French and English text for the CLI, from the catalogues in `parcours/locale/`.

The language is `--lang`, else `PARCOURS_LANG`, else the locale (`LC_ALL`, `LC_MESSAGES`,
`LANG`): French when it starts with `fr`, English otherwise.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from parcours.locale import LANGUAGES, catalogue


def choose_language(argv: Sequence[str], env: Mapping[str, str] | None = None) -> str:
    """`--lang X` or `--lang=X` anywhere on the line wins, then PARCOURS_LANG, then the
    locale. A language parcours does not speak is passed over for the next choice, so the
    sentence that refuses it comes in the reader's language (`runtime.open_session`)."""
    env = os.environ if env is None else env
    typed = [_known(value) for value in _lang_options(argv) if _speaks(value)]
    if typed:
        return typed[-1]  # the last one, as the option itself takes
    if _speaks(lang_variable(env)):
        return _known(lang_variable(env))
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        if env.get(variable):
            return "fr" if env[variable].lower().startswith("fr") else "en"
    return "en"


def lang_variable(env: Mapping[str, str]) -> str:
    """PARCOURS_LANG as set, or "" when unset or blank (then the locale decides)."""
    return env.get("PARCOURS_LANG", "").strip()


def _lang_options(argv: Sequence[str]) -> list[str]:
    """The values given to `--lang` on the line, in order."""
    found: list[str] = []
    for index, arg in enumerate(argv):
        if arg == "--lang" and index + 1 < len(argv):
            found.append(argv[index + 1])
        elif arg.startswith("--lang="):
            found.append(arg.split("=", 1)[1])
    return found


def _speaks(lang: str) -> bool:
    return lang.lower()[:2] in LANGUAGES


def _known(lang: str) -> str:
    lang = lang.lower()[:2]
    return lang if lang in LANGUAGES else "en"


class Text:
    """Looks messages up in one language; a missing key falls back to English."""

    def __init__(self, lang: str) -> None:
        self.lang = _known(lang)

    def __call__(self, key: str, **values: object) -> str:
        template = catalogue(self.lang).get(key) or catalogue("en").get(key)
        if template is None:
            raise KeyError(f"no text {key!r} in the catalogue")
        return template.format(**values) if values else template
