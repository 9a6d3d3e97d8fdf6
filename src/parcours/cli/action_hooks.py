"""What an action's module adds around sending its command, by trigger: how it turns what
staff typed into the record it names (before), and what it says once the action is
recorded (after). `cli/act.py` runs both on the pathway's connection.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from parcours.cli.runtime import Session

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient
    from parcours.domain.commands import Command
    from parcours.workflows.messages import UpdateResult


Designate = Callable[[Session, "PathwayClient", str, "Command"], Awaitable["Command"]]
DESIGNATING: dict[str, Designate] = {}
"""How an action's module turns what staff typed into the record it names, by trigger,
before sending (an alert named by its rule rather than its long id)."""
Done = Callable[[Session, "PathwayClient", str, "Command", "UpdateResult"], Awaitable[None]]
AFTER_DONE: dict[str, Done] = {}
"""What an action's module says on stderr once the action is recorded, by trigger, never
before (a mission's agency the partner directory does not hold, a barrier of a kind
already open)."""


async def designated(
    session: Session, pathways: PathwayClient, pathway_id: str, command: Command
) -> Command:
    """The command naming the record staff meant (as typed when its module says nothing)."""
    designate = DESIGNATING.get(command.trigger)
    return await designate(session, pathways, pathway_id, command) if designate else command


async def after_done(
    session: Session,
    pathways: PathwayClient,
    pathway_id: str,
    command: Command,
    result: UpdateResult,
) -> None:
    """The action's module's notice once the action is recorded (a retried one too: its
    first notice may never have been read). A notice that fails is noted in the log: the
    action is done whatever it says."""
    from parcours.cli.typed_twice import ALIKE, say_alike

    done = AFTER_DONE.get(command.trigger)
    if done is None and command.trigger not in ALIKE:
        return
    try:
        if done is not None:
            await done(session, pathways, pathway_id, command, result)
        if command.trigger in ALIKE:
            state = await pathways.state_as_stored(pathway_id)
            say_alike(session, command.trigger, state, result)
    except Exception as err:  # noqa: BLE001 - a notice, never the action's outcome
        from parcours.adapters.logs import get_logger

        get_logger("parcours.cli").info(
            "notice not given", trigger=str(command.trigger), error=type(err).__name__
        )
