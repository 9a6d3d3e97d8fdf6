"""What erasing a person destroys besides the pathway's own record, for both erasures: a
coordinator's (`parcours erase`, `app.erasure`) and the pathway's own at the end of its
retention (the activity `anonymise_person`, `workflows.retention`).

In this order, so that one interrupted half-way is finished by running it again: the
person's reservations (their ids are keyed fingerprints of the identity, computed while it
can still be opened), the partner messages the file channel wrote about them, then their
keys: every value sealed under them can never be opened again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from temporalio import activity
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import DeleteWorkflowExecutionRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from parcours.activities.person_keys import PersonSealer
from parcours.adapters.channels.files import file_name
from parcours.adapters.readmodel import Store
from parcours.adapters.temporal.fingerprint import fingerprints
from parcours.adapters.temporal.keys import Keyring, KeyringError
from parcours.adapters.temporal.sealing import ERASED
from parcours.domain.vocabulary import ChannelKind
from parcours.workflows.messages import Participant
from parcours.workflows.reservation import ReferralReservation, reservation_id
from parcours.workflows.retention import ANONYMISE_ACTIVITY, Anonymised, AnonymiseOrder


def marks_of(keyring: Keyring, programme: str, person: Participant) -> list[str]:
    """The person's fingerprints under every key, or none once the identity is gone."""
    if ERASED in (person.last_name, person.first_name) or not person.last_name:
        return []
    return fingerprints(keyring, programme, person.last_name, person.first_name, person.birth_date)


async def delete_reservations(
    client: Client, task_queue: str, programme: str, marks: list[str], pathway_id: str
) -> int:
    """Delete every reservation of the person (each key's) that `pathway_id` holds or that
    holds no pathway, history and all; how many. One held by another pathway (the person
    referred again since) is left: it keeps that pathway from being doubled."""
    erased = 0
    for mark in marks:
        workflow_id = reservation_id(programme, mark, task_queue)
        if await _held_by_another(client, workflow_id, pathway_id):
            continue
        request = DeleteWorkflowExecutionRequest(
            namespace=client.namespace,
            workflow_execution=WorkflowExecution(workflow_id=workflow_id),
        )
        try:
            await client.workflow_service.delete_workflow_execution(request)
        except RPCError as err:
            if err.status != RPCStatusCode.NOT_FOUND:
                raise
            continue
        erased += 1
    return erased


async def _held_by_another(client: Client, workflow_id: str, pathway_id: str) -> bool:
    try:
        holder: str = await client.get_workflow_handle(workflow_id).query(
            ReferralReservation.holder
        )
    except RPCError as err:
        if err.status == RPCStatusCode.NOT_FOUND:
            return False
        raise
    return holder not in ("", pathway_id)


def delete_outbox_files(store: Store, pathway_id: str) -> int:
    """Delete the messages the file channel wrote about the pathway, in the folder each
    was written to (the partner's folder now for one sent before folders were kept in the
    outbox); how many."""
    deleted = 0
    for entry in store.notifications(pathway_id=pathway_id):
        if entry.channel != ChannelKind.FILE.value:
            continue
        folder = entry.partner_address or _folder_now(store, entry.partner_name)
        path = Path(folder) / file_name(entry.key) if folder else None
        if path is not None and path.exists():
            path.unlink()
            deleted += 1
    return deleted


def _folder_now(store: Store, partner_name: str) -> str:
    """The partner's address in the directory now; empty when it has left it."""
    partner = store.get_partner(partner_name)
    return partner.address if partner is not None else ""


class AnonymisationActivities:
    """The worker's side of the pathway's own erasure at the end of its retention."""

    def __init__(
        self, store: Callable[[], Store], sealer: PersonSealer, keyring: Callable[[], Keyring]
    ) -> None:
        self._store, self._sealer, self._keyring = store, sealer, keyring

    @activity.defn(name=ANONYMISE_ACTIVITY)
    async def anonymise_person(self, order: AnonymiseOrder) -> Anonymised:
        """Destroy what identifies the person of `order.pathway_id` outside the pathway."""
        person = await asyncio.to_thread(self._sealer.open, order.participant)
        marks = await asyncio.to_thread(self._marks, order.programme, person)
        task_queue = activity.info().task_queue
        deleted = await delete_reservations(
            activity.client(), task_queue, order.programme, marks, order.pathway_id
        )
        files = await asyncio.to_thread(delete_outbox_files, self._store(), order.pathway_id)
        keys = await asyncio.to_thread(self._sealer.destroy, order.pathway_id)
        return Anonymised(keys, deleted, files)

    def _marks(self, programme: str, person: Participant) -> list[str]:
        """The person's fingerprints; none, said in the log, on a worker without the keyring
        (which then holds no reservation either: a referral computes them with it)."""
        try:
            keyring = self._keyring()
        except KeyringError as err:
            activity.logger.warning("no keyring: reservations not looked for (%s)", err)
            return []
        return marks_of(keyring, programme, person)
