"""A person who exited comes back: what a referral asks of the pathway that holds them.

`app.referral` refers; here is what it says to, and asks of, a running pathway that
holds the person (`domain.returning`): a second referral is refused naming it, with its
stage for those who read pathways (so the refusal can say what to do instead); a
returning one asks the exited pathway to record `referred_again` before the reservation
is taken over for the new pathway.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

from parcours.app.client import PathwayClient
from parcours.app.errors import DuplicateReferral, PathwayNotFound, RequestRefused
from parcours.app.started import read_start
from parcours.domain.commands import Refer
from parcours.domain.permissions import PATHWAY_READERS
from parcours.domain.records import RequestMeta
from parcours.domain.returning import NOT_EXITED, ReferAgain
from parcours.workflows.messages import UpdateResult
from parcours.workflows.returning import REFER_AGAIN_UPDATE

AGAIN = ".again"
"""What the request id of a returning referral's note to the exited pathway ends with: the
referral's own, so that a retry of the referral answers the note it made before."""


async def duplicate(pathways: PathwayClient, held: str, meta: RequestMeta) -> DuplicateReferral:
    """The refusal of a second referral of a person `held` holds: it names the pathway, and,
    to a role that reads pathways, its stage (a partner who refers reads none)."""
    readers = meta.actor.role in PATHWAY_READERS
    return DuplicateReferral(held, await pathways.listed_stage(held) if readers else "")


async def note_return(
    pathways: PathwayClient, held: str, command: Refer, meta: RequestMeta
) -> None:
    """Ask the exited pathway `held` to record that its person is referred again by
    `command`; `DuplicateReferral` when it has not exited, `RequestRefused` for any other
    rule (a partner, a return dated before the exit). Sent again, it is answered as one."""
    note = replace(meta, request_id=meta.request_id + AGAIN, reason="")
    args = [note, ReferAgain(command.referred_at)]
    try:
        await pathways.update(held, REFER_AGAIN_UPDATE, args, note, UpdateResult)
    except RequestRefused as refused:
        if refused.code != NOT_EXITED:
            raise
        raise DuplicateReferral(held, refused.values.get("stage", "")) from None


async def referred_again(pathways: PathwayClient, held: str) -> bool:
    """Whether the person of the pathway `held` was referred again since: a reservation
    under an older key that still names it no longer holds the person."""
    return (await pathways.state_as_stored(held)).referred_again_at is not None


async def linked(pathways: PathwayClient, pathway_id: str) -> str:
    """The same person's earlier pathway `pathway_id` follows (`Refer.earlier_pathway_id`),
    read from the start its history keeps: whether it runs, ended, failed, cannot run or
    was closed by a coordinator, and with no worker asked; "" when it follows none or is
    not found."""
    try:
        return (await read_start(pathways.temporal, pathway_id)).earlier_pathway_id
    except PathwayNotFound:
        return ""


async def earlier_ones(pathways: PathwayClient, pathway_id: str) -> AsyncIterator[str]:
    """The pathways `pathway_id` follows, the latest first, each once: the same person's
    pathways before they came back."""
    seen = {pathway_id}
    earlier = await linked(pathways, pathway_id)
    while earlier and earlier not in seen:
        yield earlier
        seen.add(earlier)
        earlier = await linked(pathways, earlier)


async def running_earlier(pathways: PathwayClient, pathway_id: str) -> str:
    """The latest pathway still running among those `pathway_id` follows, in turn (through
    those that ended: erased, closed); "" when none runs."""
    async for earlier in earlier_ones(pathways, pathway_id):
        if await pathways.running(earlier):
            return earlier
    return ""
