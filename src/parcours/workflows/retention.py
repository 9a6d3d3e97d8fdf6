"""Retention by the programme's rule: the `extend_retention` update and the anonymisation.

A mixin of `ParticipantPathway`. A run that takes `RETENTION_BY_CONTACT_PATCH` when it
starts adopts the retention by the last contact (`domain.anonymisation`). The warning is an
alert of its own (`retention_due`, raised like the others). When the retention is over the
pathway erases the person itself (`domain.erasure.anonymise`): it records `person_erased`
and closes for good; once the run has published it, the activity `anonymise_person`
destroys the person's keys, reservations and file-channel messages, and the run ends.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from parcours.domain import anonymisation
    from parcours.domain.commands.lifecycle import LifecycleTrigger
    from parcours.domain.erasure import anonymise
    from parcours.domain.errors import DomainError
    from parcours.domain.pathway import Pathway
    from parcours.domain.programme import ProgrammeDefinition
    from parcours.domain.records import PathwayEvent, RequestMeta
    from parcours.domain.resolution import follow_extension
    from parcours.domain.vocabulary import Trigger
    from parcours.workflows.errors import refusal
    from parcours.workflows.messages import Participant, UpdateResult
    from parcours.workflows.patches import (
        RETENTION_BY_CONTACT_PATCH,
        RETENTION_WARNING_FOLLOWS_PATCH,
    )
    from parcours.workflows.publishing import ACTIVITY_RETRY

EXTEND_RETENTION_UPDATE = "extend_retention"
ADOPT_RETENTION_UPDATE = "adopt_retention"
ANONYMISE_ACTIVITY = "anonymise_person"


@dataclass(frozen=True)
class AnonymiseOrder:
    """What the anonymisation activity destroys: the person of `pathway_id`, whose identity
    (sealed, as the pathway holds it) gives the fingerprints of their reservations."""

    pathway_id: str
    programme: str
    participant: Participant


@dataclass(frozen=True)
class Anonymised:
    """What the activity destroyed."""

    keys_destroyed: int
    reservations_deleted: int
    files_deleted: int


class PathwayRetention:
    _pathway: Pathway
    _programme: ProgrammeDefinition
    _participant: Participant
    _changed: bool
    _close_waits: bool
    _applied: dict[str, int]
    _check_request_id: Callable[[RequestMeta, Trigger], bool]
    """`NotificationRetries._check_request_id`: a retried request id, or one reused."""
    _result: Callable[..., UpdateResult]
    """`ParticipantPathway._result`: the answer of the request that recorded an event."""

    def _adopt_retention(self) -> None:
        """Decided once per run, when it starts (`RETENTION_BY_CONTACT_PATCH`, then
        `RETENTION_WARNING_FOLLOWS_PATCH` for a pathway that follows the rule)."""
        self._anonymised = False
        state = self._pathway.state
        if workflow.patched(RETENTION_BY_CONTACT_PATCH):
            anonymisation.adopt(state)
        if anonymisation.by_last_contact(state) and workflow.patched(
            RETENTION_WARNING_FOLLOWS_PATCH
        ):
            anonymisation.follow_due_date(state)

    @workflow.update(name=EXTEND_RETENTION_UPDATE)
    def extend_retention(
        self, meta: RequestMeta, extension: anonymisation.ExtendRetention
    ) -> UpdateResult:
        """Record a coordinator's extension (the validator asked the domain); a retried
        request is answered from what it did the first time, as every staff request."""
        state = self._pathway.state
        return self._recorded(
            meta,
            lambda: anonymisation.extend(
                state,
                self._programme,
                meta,
                extension.until,
                now=workflow.now(),
                record=self._pathway._record,
            ),
            then=lambda event: follow_extension(
                state, self._programme, event, self._pathway._record
            ),
        )

    @extend_retention.validator
    def _check_extension(self, meta: RequestMeta, extension: anonymisation.ExtendRetention) -> None:
        if self._check_request_id(meta, LifecycleTrigger.EXTEND_RETENTION):
            return  # a retried request: accepted, answered from what it did the first time
        state, now = self._pathway.state, workflow.now()
        try:
            anonymisation.check_extension(state, self._programme, meta, extension.until, now)
            due = anonymisation.retention_due_at(state, self._programme)
            anonymisation.check_extension_limit(self._programme, extension.until, now, due)
        except DomainError as err:
            raise refusal(err) from None

    @workflow.update(name=ADOPT_RETENTION_UPDATE)
    def adopt_retention(
        self, meta: RequestMeta, adoption: anonymisation.AdoptRetention
    ) -> UpdateResult:
        """Follow the retention by the last contact now (a coordinator's request), rather
        than at the next run. A new update: no history before it holds one, so no patch.
        Nothing is recorded for a pathway that follows the rule already."""
        return self._recorded(
            meta,
            lambda: anonymisation.adopt_now(
                self._pathway.state,
                self._programme,
                meta,
                now=workflow.now(),
                record=self._pathway._record,
            ),
        )

    def _recorded(
        self,
        meta: RequestMeta,
        record: Callable[[], PathwayEvent | None],
        then: Callable[[PathwayEvent], object] | None = None,
    ) -> UpdateResult:
        """A retention request carried out: answered from its first time when retried,
        refused when the domain refuses `record`, else its event (if any) kept as this
        request's, followed by `then`, and published."""
        if meta.request_id in self._applied:
            return self._result(self._applied[meta.request_id], duplicate=True)
        try:
            event = record()
        except DomainError as err:
            raise refusal(err) from None
        if event is None:
            return self._result(0)
        if then is not None:
            then(event)
        self._applied[meta.request_id] = event.seq
        self._changed = True
        return self._result(event.seq)

    @adopt_retention.validator
    def _check_adoption(self, meta: RequestMeta, adoption: anonymisation.AdoptRetention) -> None:
        if self._check_request_id(meta, LifecycleTrigger.ADOPT_RETENTION):
            return  # a retried request: accepted, answered from what it did the first time
        try:
            anonymisation.check_adoption(self._pathway.state, meta)
        except DomainError as err:
            raise refusal(err) from None

    def _anonymise_if_due(self) -> None:
        """Erase the person once the retention is over, but not while an update runs: what
        it records lands first, and the run loop sleeps until the updates have finished."""
        now, state = workflow.now(), self._pathway.state
        if not anonymisation.by_last_contact(state):
            return  # the earlier rule's closing decides the wait (`_close_if_retention_over`)
        over = anonymisation.retention_over(state, self._programme, now)
        self._close_waits = over and not workflow.all_handlers_finished()
        if not over or self._close_waits:
            return
        event = anonymise(self._pathway.state, now, self._pathway._record)
        self._anonymised = True
        workflow.logger.info("person anonymised at the end of retention", extra={"seq": event.seq})

    async def _destroy_person(self) -> None:
        """After the pathway anonymised the person and published it: destroy their keys,
        reservations and file-channel messages."""
        if not self._anonymised:
            return
        state = self._pathway.state
        await workflow.execute_activity(
            ANONYMISE_ACTIVITY,
            AnonymiseOrder(state.pathway_id, state.programme, self._participant),
            start_to_close_timeout=timedelta(minutes=2),
            retry_policy=ACTIVITY_RETRY,
            result_type=Anonymised,
        )
