"""Reaching the pathways from a command: keys, client, dates typed by staff."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.render import local_zone
from parcours.cli.session import Session

if TYPE_CHECKING:
    from parcours.app.client import PathwayClient

T = TypeVar("T")

CONNECT_TIMEOUT_S = 5.0


def with_pathways(
    session: Session,
    work: Callable[[PathwayClient], Awaitable[T]],
    *,
    whole_timeout: bool = True,
) -> T:
    """Connect with the project's encrypting converter, run `work`, and return its result.

    `work` gets `answer_timeout()` seconds in all; a long job (a rebuild) passes
    `whole_timeout=False` and bounds each question it asks instead. Either way a question
    left unanswered ends the command with "no worker answered".
    """
    import asyncio

    from parcours.adapters.temporal.connection import connect
    from parcours.adapters.temporal.keys import load_keyring
    from parcours.app.client import AmbiguousReference, DuplicateReferral, PathwayClient

    keyring = load_keyring(session.settings)
    text = session.text

    async def main() -> T:
        try:
            client = await asyncio.wait_for(
                connect(session.settings, keyring), timeout=CONNECT_TIMEOUT_S
            )
        except (TimeoutError, RuntimeError, OSError):
            raise CliError(
                text("error.unavailable_at", address=session.settings.temporal_address),
                ExitCode.UNAVAILABLE,
            ) from None
        pathways = PathwayClient(client, session.settings.task_queue)
        try:
            if not whole_timeout:
                return await work(pathways)
            return await asyncio.wait_for(work(pathways), timeout=answer_timeout())
        except TimeoutError:
            raise CliError(
                text("error.no_worker", seconds=f"{answer_timeout():.0f}"), ExitCode.UNAVAILABLE
            ) from None

    try:
        return asyncio.run(main())
    except AmbiguousReference as err:
        raise CliError(
            text("error.ambiguous", reference=err.reference, candidates=", ".join(err.candidates)),
            ExitCode.USAGE,
        ) from None
    except DuplicateReferral as err:
        raise CliError(text("error.duplicate", pathway=err.pathway_id), ExitCode.REFUSED) from None


def answer_timeout() -> float:
    """How long a command waits for a worker to answer (PARCOURS_ANSWER_TIMEOUT, seconds)."""
    try:
        return float(os.environ.get("PARCOURS_ANSWER_TIMEOUT", "30"))
    except ValueError:
        return 30.0


def parse_instant(value: str | None, session: Session, option: str) -> datetime:
    """A date or date-time typed in local time (PARCOURS_TIMEZONE, default Europe/Paris)."""
    if value is None or value == "now":
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise CliError(
            session.text("error.bad_date", value=value, option=option), ExitCode.USAGE
        ) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=local_zone())
    return parsed.astimezone(UTC)
