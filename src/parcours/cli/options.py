"""Options shared by many commands (`--json`, `--reason`, `--request-id`), in both languages.

They are module-level `Annotated` aliases because command signatures are read by Typer
from their annotations. Their help text is set from the catalogue by `localise`, which
`build_app` calls before any command is built, so `--help` speaks one language only.
"""

from __future__ import annotations

from typing import Annotated

import typer
from typer.models import OptionInfo

from parcours.cli.i18n import Text

_JSON = typer.Option("--json")
_REASON = typer.Option("--reason")
_REQUEST = typer.Option("--request-id")

JsonFlag = Annotated[bool, _JSON]
ReasonOpt = Annotated[str, _REASON]
RequestOpt = Annotated[str | None, _REQUEST]

_HELP_KEYS: tuple[tuple[OptionInfo, str], ...] = (
    (_JSON, "help.opt.json"),
    (_REASON, "help.opt.reason"),
    (_REQUEST, "help.opt.request_id"),
)


def localise(t: Text) -> None:
    """Give the shared options their help text in the language of this invocation."""
    for info, key in _HELP_KEYS:
        info.help = t(key)
