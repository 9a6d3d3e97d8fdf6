"""Arguments and options many commands share, as `Annotated` aliases.

Help is given as a catalogue key (`help.opt.json`); `lazy.localise` puts the text of the
invocation's language in its place when the command is assembled, so the aliases stay
plain module constants and `--help` speaks one language only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

JsonFlag = Annotated[bool, typer.Option("--json", help="help.opt.json")]
ReasonOpt = Annotated[str, typer.Option("--reason", help="help.opt.reason")]
RequestOpt = Annotated[str | None, typer.Option("--request-id", help="help.opt.request_id")]

Ref = Annotated[str, typer.Argument(help="help.arg.ref", metavar="REF")]
"""A pathway: its id or a short, unambiguous prefix of it."""

On = Annotated[str | None, typer.Option("--on", help="help.opt.on")]
"""When it happened, in local time; now when left out."""

Out = Annotated[Path | None, typer.Option("--out", help="help.opt.out", metavar="FILE")]
ProgrammeOpt = Annotated[str | None, typer.Option(help="help.opt.programme")]
VersionOpt = Annotated[int | None, typer.Option(help="help.opt.version")]
