"""Why a pathway whose run has ended refuses a request, as the domain says it.

The service answers an update to an ended run with "not found"; the pathway itself would
have said what closed it (the end of its retention after exit, its person anonymised, or
erased at a coordinator's request: `domain.retention.refuse_if_closed`). Its state, read
from its history, says the same; when it cannot be read (no worker to replay it, the
service gone), the general sentence stands.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from temporalio.client import WorkflowQueryFailedError
from temporalio.service import RPCError

from parcours.app.errors import PathwayNotFound, RequestRefused, closed_for_good
from parcours.app.health import PathwayCannotRun
from parcours.domain.errors import DomainError
from parcours.domain.records import PathwayState

READ_FOR_S = 5.0
"""How long the refusal waits for the state before it gives the general sentence."""

UNREADABLE = (RPCError, WorkflowQueryFailedError, PathwayNotFound, PathwayCannotRun, TimeoutError)


async def closed_refusal(
    pathway_id: str, state: Callable[[], Awaitable[PathwayState]]
) -> RequestRefused:
    """The refusal of a request to the ended run of `pathway_id`, saying what closed it."""
    # The domain's rules only once a request was refused so: an action's command line
    # imports no more than sending it needs (tests/cli/test_process.py).
    from parcours.domain.retention import refuse_if_closed  # noqa: PLC0415

    try:
        refuse_if_closed(await asyncio.wait_for(state(), READ_FOR_S))
    except DomainError as refused:
        return RequestRefused.of(refused)
    except UNREADABLE:
        pass
    return closed_for_good(pathway_id)
