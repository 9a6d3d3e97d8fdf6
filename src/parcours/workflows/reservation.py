"""`ReferralReservation`: one small workflow per person and programme that holds their pathway.

Its workflow id is derived from the person's keyed fingerprint (HMAC of the normalised
name and birth date, `parcours.adapters.temporal.fingerprint`): the service's workflow-id
uniqueness makes it the one place where two referrals of the same person meet, and
referrals of different people never wait for each other. It holds an opaque pathway id,
the request id that claimed it and when: never a name. Its updates run one at a time, so
two concurrent referrals of one person cannot both claim it.

It replaces the per-programme `ReferralRegistry` (`workflows.registry`), which took every
referral of a programme as an update and so refused referrals beyond the service's limit
of updates in flight on one workflow. The registry stays registered: what it holds still
counts (`app.reservations.legacy_holders`) and its histories still replay.

A claim and a release carry the referral's `RequestMeta` (`Claim.meta`), signed over the
claim by the staff member who refers (`app.signed_client`), or sealed by the service for
what it moves itself (`app.reservations.retire_registry`). The worker checks it before the
update's validator, as it checks every staff request (`app.actor_check`): a claim or a
release sent by anyone else is refused and leaves nothing in the history. Claims recorded
before they carried it have no `meta`, and still decode for replay.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from parcours.domain.commands.intake import IntakeTrigger
    from parcours.domain.errors import DomainError
    from parcours.domain.permissions import authorise
    from parcours.domain.records import RequestMeta
    from parcours.domain.vocabulary import Role
    from parcours.workflows.errors import refusal

RESERVATION_TYPE = "ReferralReservation"
CLAIM_UPDATE = "claim"
RELEASE_UPDATE = "release"

TAKE_OVER_AFTER = timedelta(minutes=2)
"""How long a claim whose pathway never started is left to the referral that made it.

Its client starts the pathway within moments; one that stopped in between leaves a claim
that another referral of the person may take over only once this has passed, so that two
referrals sent at once never both succeed."""


def reservation_id(programme: str, fingerprint: str, task_queue: str) -> str:
    """One reservation per programme, keyed fingerprint and deployment (its task queue)."""
    return f"referral-{programme}-{fingerprint}@{task_queue}"


@dataclass
class Holder:
    """Who holds the reservation: a pathway, the request that claimed it, and when."""

    pathway_id: str = ""
    request_id: str = ""
    claimed_at: datetime | None = None


@dataclass
class ReservationInput:
    holder: Holder = field(default_factory=Holder)
    previous: Holder = field(default_factory=Holder)


@dataclass
class Claim:
    """Claim the reservation for `pathway_id` under `request_id`.

    `replaces` names the holder this claim may replace: a pathway that finished, or, with
    `never_started`, one that never started (taken over after `TAKE_OVER_AFTER`).
    """

    pathway_id: str
    request_id: str
    replaces: str = ""
    never_started: bool = False
    meta: RequestMeta | None = None
    """The referral's request, signed over the rest of the claim (`claim_content`); None
    only in claims recorded before claims were signed."""


def claim_content(claim: Claim) -> list[Any]:
    """What the signature in `claim.meta` covers besides the `RequestMeta` itself."""
    return [replace(claim, meta=None)]


@dataclass
class Claimed:
    """The holder after the claim. `existing`: another referral holds it. `retried`: this
    request (or its pathway id) held it already, so this is a retry of that referral."""

    pathway_id: str
    existing: bool
    retried: bool = False


def _check_names_a_holder(claim: Claim) -> None:
    if not claim.pathway_id or not claim.request_id:
        raise ValueError("a claim needs a pathway id and a request id")
    _check_claimant(claim)


def _check_claimant(claim: Claim) -> None:
    """A claim or release is a referral's: refused to a role that may not refer, whose
    credential could otherwise give back someone's reservation and let them be referred
    twice. The service's own (the registry retired) are sealed by it; an unsigned one is
    refused by the worker's check unless roles are declared (tests and demos)."""
    meta = claim.meta
    if meta is None or meta.actor.role is Role.SYSTEM:
        return
    try:
        authorise(meta.actor.role, IntakeTrigger.REFER)
    except DomainError as err:
        raise refusal(err) from None


@workflow.defn(name=RESERVATION_TYPE)
class ReferralReservation:
    @workflow.init
    def __init__(self, start: ReservationInput) -> None:
        self._holder = start.holder
        self._previous = start.previous

    @workflow.update(name=CLAIM_UPDATE)
    def claim(self, claim: Claim) -> Claimed:
        held = self._holder
        if held.pathway_id and claim.pathway_id == held.pathway_id and not claim.replaces:
            return Claimed(held.pathway_id, existing=False, retried=True)
        if held.pathway_id and claim.request_id == held.request_id:
            return Claimed(held.pathway_id, existing=False, retried=True)
        if held.pathway_id and not self._replaceable(held, claim):
            return Claimed(held.pathway_id, existing=True)
        self._previous = held
        self._holder = Holder(claim.pathway_id, claim.request_id, workflow.now())
        return Claimed(claim.pathway_id, existing=False)

    @claim.validator
    def _check(self, claim: Claim) -> None:
        _check_names_a_holder(claim)

    def _replaceable(self, held: Holder, claim: Claim) -> bool:
        if claim.replaces != held.pathway_id:
            return False
        if not claim.never_started or held.claimed_at is None:
            return True
        return workflow.now() - held.claimed_at >= TAKE_OVER_AFTER

    @workflow.update(name=RELEASE_UPDATE)
    def release(self, claim: Claim) -> None:
        """Give back a claim made by mistake (its pathway id belongs to someone else)."""
        held = self._holder
        if held.pathway_id == claim.pathway_id and held.request_id == claim.request_id:
            self._holder, self._previous = self._previous, Holder()

    @release.validator
    def _check_release(self, claim: Claim) -> None:
        """Also where the worker checks who sent it (`app.actor_check`): the SDK runs the
        update interceptor's validator step only for an update that has a validator."""
        _check_names_a_holder(claim)

    @workflow.query
    def holder(self) -> str:
        """The pathway that holds the reservation; "" if none."""
        return self._holder.pathway_id

    @workflow.query
    def previous(self) -> str:
        """The pathway that held it before the current holder; "" if none. A query, never
        in the history: what a returning referral retried asks to name the earlier one."""
        return self._previous.pathway_id

    @workflow.run
    async def run(self, start: ReservationInput) -> None:
        await workflow.wait_condition(lambda: workflow.info().is_continue_as_new_suggested())
        await workflow.wait_condition(workflow.all_handlers_finished)
        workflow.continue_as_new(ReservationInput(self._holder, self._previous))
