"""Sending checked plans to the service: each person referred once, each step applied once.

Every request carries an id derived from the file's row key (`domain.importing.check`),
so a run that was interrupted, or crashed, is resumed by running it again: a person
whose referral this file already made is found again by their reservation in the programme (by
the keyed fingerprint of name and birth date, as `refer` finds a second referral) and
only the steps their timeline does not hold yet are sent. A person already in the
programme by another referral is reported and left as they are. Every step goes through
the pathway's validated update, as the CLI sends it; the import's log holds row numbers,
statuses and rules, never a name.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import TypeVar

from temporalio.client import WorkflowQueryFailedError
from temporalio.service import RPCError, RPCStatusCode

from parcours.adapters.logs import get_logger
from parcours.adapters.temporal.fingerprint import fingerprints
from parcours.adapters.temporal.keys import Keyring
from parcours.app.client import PathwayClient
from parcours.app.errors import DuplicateReferral, PathwayNotFound, RequestRefused
from parcours.app.referral import refer_person
from parcours.app.reservations import Reservations
from parcours.domain.importing.cells import Fault
from parcours.domain.importing.check import referral_meta, step_meta
from parcours.domain.importing.plan import PersonPlan, Step
from parcours.domain.programme import ProgrammeDefinition
from parcours.domain.records import Actor
from parcours.workflows.messages import Participant

T = TypeVar("T")
CONCURRENT_ROWS = 8
"""How many people are sent at once by default (`parcours import --jobs N`): each person's
steps go one after the other."""

log = get_logger("parcours.import")


class Status(StrEnum):
    IMPORTED = "imported"
    """Referred by this run, every step applied."""
    RESUMED = "resumed"
    """Referred by an earlier run of this file; this run applied the steps it lacked."""
    UNCHANGED = "unchanged"
    """Everything was already there: nothing sent."""
    ALREADY_IN_PROGRAMME = "already_in_programme"
    """The person has an open pathway from another referral: left as it is."""
    REFUSED = "refused"
    """The service refused a step (the pure check passed): the row stops there."""


@dataclass(frozen=True)
class RowOutcome:
    plan: PersonPlan
    status: Status
    pathway_id: str = ""
    sent: int = 0
    fault: Fault | None = None


@dataclass(frozen=True)
class Importer:
    pathways: PathwayClient
    programme: ProgrammeDefinition
    actor: Actor
    keyring: Keyring

    async def run(
        self,
        plans: Sequence[PersonPlan],
        on_row: Callable[[RowOutcome], None],
        jobs: int = CONCURRENT_ROWS,
    ) -> list[RowOutcome]:
        """Import every plan, `jobs` people at a time; `on_row` hears of each.

        People are independent: each has their own pathway and their own request ids, so
        sending several at once changes nothing of what each receives, and a re-run still
        applies only what is missing."""
        gate = asyncio.Semaphore(max(1, jobs))

        async def one(plan: PersonPlan) -> RowOutcome:
            async with gate:
                outcome = await self.person(plan)
            _log(outcome)
            on_row(outcome)
            return outcome

        return list(await asyncio.gather(*(one(plan) for plan in plans)))

    async def person(self, plan: PersonPlan) -> RowOutcome:
        """Refer the person unless this file did already, then send the missing steps."""
        found = await self._referred_before(plan)
        if isinstance(found, RowOutcome):
            return found
        if found is None:
            try:
                pathway_id = await self._refer(plan)
            except DuplicateReferral as duplicate:
                known = await self._referred_before(plan)
                if not isinstance(known, tuple):
                    return RowOutcome(plan, Status.ALREADY_IN_PROGRAMME, duplicate.pathway_id)
                found = known
            else:
                return await self._steps(plan, pathway_id, set(), Status.IMPORTED)
        pathway_id, applied = found
        return await self._steps(plan, pathway_id, applied, Status.RESUMED)

    async def _referred_before(self, plan: PersonPlan) -> tuple[str, set[str]] | RowOutcome | None:
        """The pathway this file's referral made, with the request ids it applied; the
        outcome "already in the programme" for a person referred otherwise; None if neither."""
        person = plan.identity
        marks = fingerprints(
            self.keyring,
            self.programme.name,
            person.last_name,
            person.first_name,
            person.birth_date,
        )
        held = await again_if_passing(partial(self._holder, marks))
        if not held:
            return None
        try:
            timeline = await again_if_passing(partial(self.pathways.timeline, held))
        except PathwayNotFound:  # reserved by a run stopped before it started the pathway
            return None
        ours = referral_meta(self.programme.name, plan, self.actor).request_id
        if timeline and timeline[0].request_id == ours:
            return held, {event.request_id for event in timeline}
        if await again_if_passing(partial(self.pathways.running, held)):
            return RowOutcome(plan, Status.ALREADY_IN_PROGRAMME, held)
        return None  # a person who left the programme may be referred again

    async def _holder(self, marks: list[str]) -> str:
        """The pathway held for the person: their reservation, else an older key's or the
        programme's old registry (before reservations); "" if none."""
        reservations = Reservations(
            self.pathways.temporal, self.pathways.task_queue, self.programme.name, marks
        )
        held = await reservations.holder()
        if held:
            return held
        legacy = await reservations.legacy_holders()
        return legacy[0] if legacy else ""

    async def _refer(self, plan: PersonPlan) -> str:
        person = plan.identity
        participant = Participant(
            first_name=person.first_name,
            last_name=person.last_name,
            birth_date=person.birth_date,
            phone=person.phone,
            email=person.email,
            address=person.address,
            availability=person.availability,
            skills=list(person.skills),
            languages=list(person.languages),
        )
        meta = referral_meta(self.programme.name, plan, self.actor)
        return (
            await refer_person(
                self.pathways,
                self.programme,
                participant,
                plan.referral,
                meta=meta,
                keyring=self.keyring,
            )
        ).pathway_id

    async def _steps(
        self, plan: PersonPlan, pathway_id: str, applied: set[str], status: Status
    ) -> RowOutcome:
        sent = 0
        for step in plan.steps:
            meta = step_meta(self.programme.name, plan, step, self.actor)
            if meta.request_id in applied:
                continue
            try:
                await again_if_passing(
                    partial(self.pathways.execute, pathway_id, step.command, meta)
                )
            except RequestRefused as refused:
                return RowOutcome(plan, Status.REFUSED, pathway_id, sent, _fault(step, refused))
            sent += 1
        if status is Status.RESUMED and sent == 0:
            status = Status.UNCHANGED
        return RowOutcome(plan, status, pathway_id, sent)


PASSING = frozenset(
    {RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.FAILED_PRECONDITION}
)
"""The service could not take the request for a moment (overloaded; or the pathway's task
timed out or failed and is retried, "Workflow Task in failed state"): sent again."""
AGAIN_AFTER_S = (1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
"""About a minute in all: the 500-row import on a loaded two-core machine saw a pathway's
task fail for a moment (the worker too slow to answer in time) and updates refused then."""


async def again_if_passing(send: Callable[[], Awaitable[T]]) -> T:
    """Send, and send again after a passing failure: under the same request id, so what
    the first attempt applied is applied once. A question the worker failed to answer (a
    query whose task failed under load) is asked again too."""
    for delay in AGAIN_AFTER_S:
        try:
            return await send()
        except RPCError as err:
            if err.status not in PASSING:
                raise
        except WorkflowQueryFailedError:
            pass
        await asyncio.sleep(delay)
    return await send()


def _fault(step: Step, refused: RequestRefused) -> Fault:
    file, line, column = step.origin
    allowed = tuple(refused.allowed)
    return Fault(
        file, line, column, refused.rule, refused.code, refused.message, refused.values, allowed
    )


def _log(outcome: RowOutcome) -> None:
    """Row numbers, statuses and rules: never a name, never a key."""
    fault = outcome.fault
    log.info(
        "import row",
        file=outcome.plan.row.file,
        row=outcome.plan.row.line,
        status=outcome.status.value,
        pathway_id=outcome.pathway_id,
        steps_sent=outcome.sent,
        rule=fault.rule if fault else "",
        code=fault.code if fault else "",
    )


def log_fault(fault: Fault, *, dry_run: bool) -> None:
    """A row refused before sending: its file, row, column and rule."""
    log.warning(
        "import row refused",
        file=fault.file,
        row=fault.line,
        column=fault.column,
        rule=fault.rule,
        code=fault.code,
        dry_run=dry_run,
    )
