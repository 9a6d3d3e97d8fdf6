"""Whether a correction changed the exit's verdict, said right after `parcours correct`:
restating an exit's date makes the programme's rule judge it again (an ATP exit a month
earlier may fall short of its 13 months of employment), and the confirmation said only
the stage, which stays "exited"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from parcours.cli.render import console

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.cli.runtime import Session
    from parcours.domain.commands import Command

Verdicts = tuple[bool | None, bool | None]
"""Whether the exit was positive before the correction, and after (None: not exited)."""


async def exit_positive(pathways: PathwayClient, pathway_id: str, command: Command) -> bool | None:
    """Whether the pathway's exit is positive, asked around a correction only (None for any
    other action, and for a pathway that has not exited)."""
    from parcours.domain.commands import CorrectEvent

    if not isinstance(command, CorrectEvent):
        return None
    outcome = (await pathways.status(pathway_id)).outcome
    return outcome.positive if outcome else None


def rejudged(verdicts: Verdicts) -> dict[str, bool]:
    """`{"was": …, "now": …}` when the correction turned the verdict; empty otherwise."""
    was, now = verdicts
    return {"was": was, "now": now} if was is not None and now is not None and was != now else {}


def say_rejudged(session: Session, verdicts: Verdicts) -> None:
    changed = rejudged(verdicts)
    if changed:
        text = session.text
        now, was = (
            text("show.positive" if changed[k] else "show.not_positive") for k in ("now", "was")
        )
        console.print(text("act.exit_rejudged", now=now, was=was))
