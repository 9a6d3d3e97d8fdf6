"""The person's reservation, as staff tools reach it: claim, give back, look up, erase.

One `ReferralReservation` workflow per person and programme (`workflows.reservation`),
named after the person's fingerprint under the current key. A person referred before a
key rotation is still recognised under an older key's fingerprint, and one referred
before reservations existed, by the programme's old `ReferralRegistry`: both are asked by
`legacy_holders` and never written again.

A claim and a release carry the referral's request (`Claim.meta`), which the signing
client signs and the worker checks (`app.actor_check`); a refusal comes back as
`RequestRefused`, as a pathway's do. What the service moves itself from the old registry
is sealed by it instead (`adapters.temporal.seal`), as it seals what it hands on.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from typing import Any

from temporalio.client import (
    Client,
    WithStartWorkflowOperation,
    WorkflowExecutionStatus,
    WorkflowHandle,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.service import RPCError, RPCStatusCode

from parcours.activities.erasure import delete_reservations
from parcours.adapters.temporal.keys import Keyring
from parcours.adapters.temporal.seal import seal
from parcours.app.errors import refusal_of
from parcours.domain.records import Actor, RequestMeta
from parcours.domain.vocabulary import Role
from parcours.programmes import catalogue
from parcours.workflows.registry import ReferralRegistry, registry_id
from parcours.workflows.reservation import (
    CLAIM_UPDATE,
    Claim,
    Claimed,
    ReferralReservation,
    ReservationInput,
    claim_content,
    reservation_id,
)

_PURPOSE = b"parcours referral pathway id v1"
TASK_TIMEOUT = timedelta(seconds=30)
"""A reservation's workflow task timeout (the service's default is 10 s): a worker that
a burst of referrals keeps busy finishes its tasks late rather than in a failed state,
which would refuse claims; a worker that died is replaced within it."""
_PAUSES = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0)
"""Seconds between claims refused while the reservation's workflow task is retried."""
HANDED = ".handed"
"""What the request id of an erasure's hand-over of the reservation ends with."""
_FROM_REGISTRY = "moved-from-the-registry"
"""The request id of a reservation copied from the old registry."""
_SERVICE = Actor("parcours", Role.SYSTEM)
"""Who moves a reservation from the old registry: the service itself."""


def referral_pathway_id(keyring: Keyring, task_queue: str, request_id: str) -> str:
    """The pathway id a referral proposes: keyed from its request id, so that a retry
    proposes the same one and a request id reused for someone else meets it.

    Opaque (HMAC under a key derived from the current key) and never derived from who the
    person is; request ids are random unless staff type one.
    """
    derived = hmac.new(keyring.current.secret, _PURPOSE, hashlib.sha256).digest()
    digest = hmac.new(derived, f"{task_queue}\x1f{request_id}".encode(), hashlib.sha256)
    return f"pathway-{digest.hexdigest()[:16]}"


class Reservations:
    """The reservations of one person in one programme, on one deployment."""

    def __init__(self, client: Client, task_queue: str, programme: str, marks: list[str]):
        self._client, self._task_queue = client, task_queue
        self._programme, self._marks = programme, marks

    @property
    def current_id(self) -> str:
        return reservation_id(self._programme, self._marks[0], self._task_queue)

    async def claim(self, claim: Claim) -> Claimed:
        """Claim the current key's reservation, starting its workflow if need be.

        A reservation whose last workflow task timed out (a worker overloaded by a burst)
        refuses updates until its next attempt succeeds: the claim is sent again, a few
        times, which the reservation answers as one (it knows the request id).
        """
        for pause in _PAUSES:
            try:
                return await self._claim(claim)
            except RPCError as err:
                if err.status != RPCStatusCode.FAILED_PRECONDITION:
                    raise
            await asyncio.sleep(pause)
        return await self._claim(claim)

    async def _claim(self, claim: Claim) -> Claimed:
        try:
            result: Claimed = await self._client.execute_update_with_start_workflow(
                ReferralReservation.claim,
                claim,
                id=f"claim-{uuid.uuid4().hex}",
                start_workflow_operation=WithStartWorkflowOperation(
                    ReferralReservation.run,
                    ReservationInput(),
                    id=self.current_id,
                    id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
                    task_queue=self._task_queue,
                    task_timeout=TASK_TIMEOUT,
                ),
            )
        except WorkflowUpdateFailedError as err:  # the worker refused who sent it
            raise refusal_of(err.cause) from None
        return result

    async def hand_over(self, held: str, to: str, meta: RequestMeta) -> None:
        """Give the reservation `held` holds to the person's pathway `to`: what erasing the
        holder does while the person has other pathways that run, so that the person stays
        held (a second referral is refused, a return follows `to`). The current key's
        reservation is claimed for `to` when none holds it either (`held`'s was under an
        older key, which the erasure deletes). Sent again, it is one."""
        holder = await self.holder()
        if holder not in ("", held):  # held by the person's later pathway already
            return
        handing = replace(meta, request_id=meta.request_id + HANDED, reason="")
        await self.claim(Claim(to, handing.request_id, replaces=holder, meta=handing))

    async def release(self, claim: Claim) -> None:
        handle = self._client.get_workflow_handle(self.current_id)
        try:
            await handle.execute_update(ReferralReservation.release, claim)
        except WorkflowUpdateFailedError as err:
            raise refusal_of(err.cause) from None

    def sealed(self, claim: Claim, secret: bytes, handed_by: str) -> Claim:
        """`claim` as the service makes it itself, sealed (`adapters.temporal.seal`)."""
        meta = RequestMeta(claim.request_id, _SERVICE, handed_by=handed_by)
        mark = seal(secret, CLAIM_UPDATE, self.current_id, meta, claim_content(claim))
        return replace(claim, meta=replace(meta, seal=mark))

    async def holder(self) -> str:
        """The pathway the current key's reservation holds; "" if none."""
        return await self._holder(self.current_id)

    async def previous(self) -> str:
        """The pathway the current key's reservation held before its holder; "" if none."""
        return await self._holder(self.current_id, ReferralReservation.previous)

    async def legacy_holders(self) -> list[str]:
        """Pathways held for the person where referrals no longer reserve: under an older
        key's fingerprint, or in the programme's old registry (before reservations)."""
        older = [
            self._holder(reservation_id(self._programme, mark, self._task_queue))
            for mark in self._marks[1:]
        ]
        held = await asyncio.gather(self._registry_holder(), *older)
        return [pathway_id for pathway_id in held if pathway_id]

    async def _holder(
        self, workflow_id: str, asked: Callable[[ReferralReservation], str] | None = None
    ) -> str:
        try:
            found: str = await self._client.get_workflow_handle(workflow_id).query(
                asked or ReferralReservation.holder
            )
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                return ""
            raise
        return found

    async def _registry_holder(self) -> str:
        """Asked only while the registry runs: once retired (`retire_registry`), or on a
        deployment that never had one, the service's description answers at once."""
        handle = self._client.get_workflow_handle(registry_id(self._programme, self._task_queue))
        if not await _runs(handle):
            return ""
        found: str = await handle.query(ReferralRegistry.holder, self._marks)
        return found

    async def erase(self, pathway_id: str) -> int:
        """Delete every reservation of the person (each key's) that `pathway_id` holds, or
        none, history and all: what a person's erasure calls while it can still compute
        their fingerprints. Returns how many there were. One held by the person's later
        pathway stays; entries of the old registry are not touched here."""
        return await delete_reservations(
            self._client, self._task_queue, self._programme, self._marks, pathway_id
        )


async def _runs(handle: WorkflowHandle[Any, Any]) -> bool:
    try:
        described = await handle.describe()
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            return False
        raise
    return described.status == WorkflowExecutionStatus.RUNNING


Seals = Callable[[], list[bytes]]
"""The service's seal secrets (`adapters.temporal.seal`); None in the declared-roles mode."""


async def retire_registry(
    client: Client, task_queue: str, programme: str, seals: Seals | None = None
) -> int | None:
    """Move what the programme's old registry holds into reservations, then end it.

    Each fingerprint it holds gets the reservation of that fingerprint, holding the same
    pathway (unless a referral since claimed it), and the registry is retired, so that
    referrals stop asking it. Until then they ask it, so a person it holds is never
    missed. Returns how many entries moved, or None if there was no registry to retire.
    Safe to run again, and by several workers at once. Each claim is sealed with `seals`
    (the service's own, checked like staff's requests), unless the worker takes roles as
    declared.
    """
    handle = client.get_workflow_handle(registry_id(programme, task_queue))
    for _ in range(3):  # an older client may reserve in it meanwhile: copy again
        if not await _runs(handle):
            return None
        held: dict[str, str] = await handle.query(ReferralRegistry.entries)
        for fingerprint, pathway_id in held.items():
            reservations = Reservations(client, task_queue, programme, [fingerprint])
            moved = Claim(pathway_id, _FROM_REGISTRY)
            if seals is not None:
                moved = reservations.sealed(moved, seals()[0], handle.id)
            await reservations.claim(moved)
        try:
            if await handle.execute_update(ReferralRegistry.retire, len(held)):
                return len(held)
        except RPCError as err:  # retired by another worker meanwhile
            if err.status != RPCStatusCode.NOT_FOUND:
                raise
    return None


async def retire_registries(
    client: Client, task_queue: str, seals: Seals | None = None
) -> dict[str, int]:
    """`retire_registry` for every programme: what a worker does when it starts."""
    moved = {}
    for programme in sorted(catalogue()):
        count = await retire_registry(client, task_queue, programme, seals)
        if count is not None:
            moved[programme] = count
    return moved
