"""Erasing the person of a pathway: the `erase_person` update of the pathway workflow.

A mixin of `ParticipantPathway`. The workflow never opens the person's identity: it holds
it sealed under the person's own key, which the client destroys once this update has
recorded the erasure (`app.erasure`). Here the erasure is an event (who, when, why) that
closes the pathway for good; the run then ends (`ERASURE_ENDS_RUN_PATCH`). After it, the
`participant` query answers no identity, whatever the start input held.
"""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from parcours.domain.erasure import check_erasure, erase
    from parcours.domain.errors import DomainError
    from parcours.domain.pathway import Pathway
    from parcours.domain.records import RequestMeta
    from parcours.domain.vocabulary import ERASED_TEXT
    from parcours.workflows.errors import refusal
    from parcours.workflows.messages import Participant, UpdateResult
    from parcours.workflows.patches import ERASURE_ENDS_RUN_PATCH

ERASE_PERSON_UPDATE = "erase_person"
ERASED_PARTICIPANT = Participant(first_name=ERASED_TEXT, last_name=ERASED_TEXT)
"""What the `participant` query answers once the person is erased."""


class PersonErasure:
    _pathway: Pathway
    _changed: bool

    @workflow.update(name=ERASE_PERSON_UPDATE)
    def erase_person(self, meta: RequestMeta) -> UpdateResult:
        """Record the erasure (the validator asked the domain: a coordinator, a reason, once)."""
        try:
            event = erase(self._pathway.state, meta, workflow.now(), self._pathway._record)
        except DomainError as err:
            raise refusal(err) from None
        workflow.patched(ERASURE_ENDS_RUN_PATCH)
        self._changed = True
        workflow.logger.info("person erased", extra={"seq": event.seq})
        return UpdateResult(
            seq=event.seq, event=event.kind, stage=event.stage, allowed=[], details=event.details
        )

    @erase_person.validator
    def _check_erasure(self, meta: RequestMeta) -> None:
        try:
            check_erasure(self._pathway.state, meta)
        except DomainError as err:
            raise refusal(err) from None

    def _erased(self) -> bool:
        """Whether the person was erased: the run ends (only histories that erased call the
        patch, so every other history replays as before)."""
        return self._pathway.state.erased_at is not None and workflow.patched(
            ERASURE_ENDS_RUN_PATCH
        )
