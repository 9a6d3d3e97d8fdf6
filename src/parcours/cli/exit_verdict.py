"""Whether a pathway's exit is positive now, where it may differ from the verdict its
exit event recorded: restating an exit's date makes the programme's rule judge it again
(an ATP exit a month earlier may fall short of its 13 months of employment). Said right
after `parcours correct`, whose confirmation gave only the stage, which stays "exited";
and read by `timeline` to say the verdict that stands (`corrected.described`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from parcours.cli.render import console

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.cli.runtime import Session
    from parcours.domain.commands import Command

Verdicts = tuple[bool | None, bool | None]
"""Whether the exit was positive before the correction, and after (None: not exited, or
not asked)."""


async def positive_now(pathways: PathwayClient, pathway_id: str) -> bool | None:
    """Whether the pathway's exit is positive now; None while it has not exited. Read from
    its status as stored: no sealed reason is opened for one boolean."""
    outcome = await pathways.outcome(pathway_id)
    return outcome.positive if outcome else None


async def around_correction(
    pathways: PathwayClient, pathway_id: str, command: Command
) -> bool | None:
    """`positive_now` asked around a correction only (None for any other action); a
    question that fails is None: the action itself is done, or not, whatever it answers."""
    from parcours.domain.commands import CorrectEvent

    if not isinstance(command, CorrectEvent):
        return None
    try:
        return await positive_now(pathways, pathway_id)
    except Exception:  # noqa: BLE001 - a notice, never the action's outcome
        return None


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
