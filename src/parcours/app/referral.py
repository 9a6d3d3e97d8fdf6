"""Referring a person: one open pathway per person per programme.

Any front end refers the same way, so it lives here rather than in the CLI; the rules it
applies (the referral's defaults, what names and reasons may hold) are the domain's:
`domain.commands.intake.referral` and `domain.inputs.check_referral`. The registry
workflow of each programme reserves the new pathway's id against the person's keyed
fingerprints (`adapters.temporal.fingerprint`) before the pathway starts, so two
concurrent referrals of one person cannot both create a pathway.
"""

from __future__ import annotations

from temporalio.client import WithStartWorkflowOperation
from temporalio.common import WorkflowIDConflictPolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from parcours.adapters.temporal.fingerprint import fingerprints
from parcours.adapters.temporal.keys import Keyring
from parcours.app.client import PathwayClient, new_pathway_id
from parcours.app.errors import DuplicateReferral, RequestRefused
from parcours.app.inputs import check_referral, check_referral_dates
from parcours.domain.commands import Refer
from parcours.domain.commands.intake import IntakeTrigger
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import RequestMeta
from parcours.domain.requests import reused
from parcours.workflows.messages import Participant
from parcours.workflows.registry import (
    ReferralRegistry,
    RegistryInput,
    Reservation,
    ReservationResult,
    registry_id,
)


async def refer_once(
    pathways: PathwayClient,
    programme: ProgrammeDefinition,
    participant: Participant,
    command: Refer,
    *,
    meta: RequestMeta,
    keyring: Keyring,
) -> str:
    """Refer a person unless they already have an open pathway in this programme.

    A pathway that finished (exited) does not stop a new referral; a reservation whose
    pathway never started (the client stopped in between) is taken up again. A request
    id already used for a referral answers that referral, or is refused if it referred
    someone else.
    """
    check_referral(participant, command, meta)
    check_referral_dates(participant, command)
    person = (participant.last_name, participant.first_name, participant.birth_date)
    marks = fingerprints(keyring, programme.name, *person)
    proposed = new_pathway_id()
    reservation = await _reserve(pathways, programme.name, marks, proposed, meta=meta, replaces="")
    if not reservation.existing and reservation.pathway_id != proposed:
        sent = (participant, command, meta)
        return await _sent_before(pathways, programme, sent, marks, reservation.pathway_id)
    if not reservation.existing:
        return await pathways.refer(programme, participant, command, meta, pathway_id=proposed)
    known = reservation.pathway_id
    running = await pathways.running(known)
    if running is None:
        try:
            return await pathways.refer(programme, participant, command, meta, pathway_id=known)
        except WorkflowAlreadyStartedError:
            raise DuplicateReferral(known) from None
    if running:
        raise DuplicateReferral(known)
    replaced = await _reserve(pathways, programme.name, marks, proposed, meta=meta, replaces=known)
    if replaced.existing:
        raise DuplicateReferral(replaced.pathway_id)
    return await pathways.refer(programme, participant, command, meta, pathway_id=proposed)


async def _reserve(
    pathways: PathwayClient,
    programme: str,
    marks: list[str],
    pathway_id: str,
    *,
    meta: RequestMeta,
    replaces: str,
) -> ReservationResult:
    """Ask the programme's registry for `pathway_id`, starting the registry if need be."""
    result: ReservationResult = await pathways.temporal.execute_update_with_start_workflow(
        ReferralRegistry.reserve,
        Reservation(fingerprints=marks, pathway_id=pathway_id, replaces=replaces),
        id=f"{meta.request_id}-{'replace' if replaces else 'reserve'}",
        start_workflow_operation=WithStartWorkflowOperation(
            ReferralRegistry.run,
            RegistryInput(),
            id=registry_id(programme, pathways.task_queue),
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            task_queue=pathways.task_queue,
        ),
    )
    return result


async def _sent_before(
    pathways: PathwayClient,
    programme: ProgrammeDefinition,
    sent: tuple[Participant, Refer, RequestMeta],
    marks: list[str],
    first: str,
) -> str:
    """A reservation answered from an earlier request with this request id.

    If the registry holds this person under the pathway it reserved then, the request is
    a retry of that referral: its pathway is answered (and started, if the first client
    stopped before starting it). Otherwise the id was used to refer someone else: the
    referral is refused, naming the first command, and nothing is created.
    """
    participant, command, meta = sent
    handle = pathways.temporal.get_workflow_handle(registry_id(programme.name, pathways.task_queue))
    held: str = await handle.query(ReferralRegistry.holder, marks)
    if held != first:
        refused = reused(meta.request_id, IntakeTrigger.REFER.value)
        raise RequestRefused(refused.message, refused.rule, [], refused.code, refused.values)
    if await pathways.running(first) is None:
        await pathways.refer(programme, participant, command, meta, pathway_id=first)
    return first
