"""A person who exited comes back: the `refer_again` update of the pathway workflow.

A mixin of `ParticipantPathway`. The referral of a returning person (`app.referral`,
`refer --returning`) sends it to their exited pathway before taking the reservation over
for the new one; the pathway records `referred_again`, after which its exit is final
(`domain.returning`). A new update: no history before it holds one, so no patch.
"""

from __future__ import annotations

from collections.abc import Callable

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from parcours.domain.commands.lifecycle import LifecycleTrigger
    from parcours.domain.errors import DomainError
    from parcours.domain.pathway import Pathway
    from parcours.domain.records import PathwayEvent, RequestMeta
    from parcours.domain.returning import ReferAgain, check_return, refer_again
    from parcours.domain.vocabulary import Trigger
    from parcours.workflows.errors import refusal
    from parcours.workflows.messages import UpdateResult

REFER_AGAIN_UPDATE = "refer_again"


class PathwayReturn:
    _pathway: Pathway
    _check_request_id: Callable[[RequestMeta, Trigger], bool]
    _recorded: Callable[[RequestMeta, Callable[[], PathwayEvent | None]], UpdateResult]
    """`PathwayRetention._recorded`: a request beside the machine carried out and answered."""

    @workflow.update(name=REFER_AGAIN_UPDATE)
    def refer_again(self, meta: RequestMeta, request: ReferAgain) -> UpdateResult:
        """Record that the person is referred again (the validator asked the domain); a
        retried request is answered from what it did the first time, and a second
        referral of the person records nothing more (seq 0)."""
        pathway = self._pathway
        return self._recorded(
            meta,
            lambda: refer_again(pathway.state, meta, request, workflow.now(), pathway._record),
        )

    @refer_again.validator
    def _check_return(self, meta: RequestMeta, request: ReferAgain) -> None:
        if self._check_request_id(meta, LifecycleTrigger.REFER_AGAIN):
            return  # a retried request: accepted, answered from what it did the first time
        try:
            check_return(self._pathway.state, meta, request.referred_at, workflow.now())
        except DomainError as err:
            raise refusal(err) from None
