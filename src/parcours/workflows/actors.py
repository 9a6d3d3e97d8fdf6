"""The referral's signature, checked once when a pathway starts; a job-dating's plan, once
when its event starts.

A start runs no update validator, so the worker's check of who sent a request
(`app.actor_check`) cannot refuse it there. Since `SIGNED_REFERRAL_PATCH`, a new pathway
asks a local activity, `check_referral_actor`, before it publishes anything: the answer
is recorded in the history (a marker), so a replay reads the same answer years later,
whatever was revoked since. A refusal fails the pathway with it, as a referral the
domain refuses does (`REFUSED_START_FAILS_PATCH`).

A job-dating event's start is checked the same way since `SIGNED_JOBDATING_PATCH`, by
the local activity `check_jobdating_actor`, then by the domain's role rule for
job-datings; a refusal fails the event before it sends anything.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, TypeGuard

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from parcours.domain.commands import Refer
    from parcours.domain.errors import DomainError
    from parcours.domain.jobdating import JobDatingEvent, check_role
    from parcours.domain.records import RequestMeta
    from parcours.domain.signing import ActorRefused, canonical
    from parcours.workflows.errors import refusal
    from parcours.workflows.jobdating_messages import JobDatingInput
    from parcours.workflows.messages import PathwayInput
    from parcours.workflows.reservation import Claim, claim_content

CHECK_REFERRAL_ACTIVITY = "check_referral_actor"
CHECK_JOBDATING_ACTIVITY = "check_jobdating_actor"
CHECK_TIMEOUT = timedelta(seconds=30)


@dataclass
class ActorVerdict:
    """What the worker said of a referral's signature: nothing when it holds."""

    refused: bool = False
    code: str = ""
    message: str = ""
    values: dict[str, str] = field(default_factory=dict)


ADDED_AFTER_SIGNING: dict[tuple[str, str], dict[str, Any]] = {
    (JobDatingEvent.__module__, JobDatingEvent.__qualname__): {"invited_unsent": False},
    (Refer.__module__, Refer.__qualname__): {"earlier_pathway_id": ""},
}
"""Fields a signed value gained after such values were first signed, with their defaults,
by its class's module and name: left out of the signed content while they hold them, so
that what was signed before a field existed verifies as it did, on a worker of either
version and in the histories kept (the digest of a value is that of all its fields). A
value that sets one (a returning referral naming the earlier pathway) verifies only on a
worker that knows the field: upgrade workers before clients."""


def signed_form(value: Any) -> Any:
    """`value` as its signature covers it: without the fields added after signing that
    still hold their defaults."""
    kind = type(value)
    added = ADDED_AFTER_SIGNING.get((kind.__module__, kind.__qualname__))
    if added is None:
        return value
    form = canonical(value)
    for name, default in added.items():
        if form.get(name) == default:
            del form[name]
    return form


def referral_content(programme: Mapping[str, Any], referral: Refer) -> list[Any]:
    """What a referral's signature covers besides its `RequestMeta`: the programme's name
    and version and the referral. Not the person's identity: a signature kept in the
    history must not let anyone confirm a guess of who the person is."""
    return [programme.get("name"), programme.get("version"), signed_form(referral)]


async def check_referral(start: PathwayInput) -> None:
    """Raise the refusal when the referral does not prove its sender."""
    await _checked(CHECK_REFERRAL_ACTIVITY, start)


def jobdating_content(event: JobDatingEvent) -> list[Any]:
    """What a job-dating plan's signature covers besides its `RequestMeta`: the event as
    planned (its day, place, agencies and opaque candidates' pathway ids), before the
    workflow adds anything to it."""
    return [signed_form(event)]


async def check_jobdating(start: JobDatingInput) -> None:
    """Raise the refusal when the plan does not prove its sender, or names a role that may
    not run job-datings. `start` is the event as it was sent."""
    await _checked(CHECK_JOBDATING_ACTIVITY, start)
    try:
        check_role(start.meta.actor.role)
    except DomainError as err:
        raise refusal(err) from None


def staff_request(args: Sequence[Any]) -> tuple[RequestMeta | None, list[Any]] | None:
    """The request an update's arguments carry, and what its signature covers besides it;
    None for an update that is no staff request. A staff action's `RequestMeta` comes
    first; a reservation's claim or release carries the referral's in its `Claim` (None
    in a claim sent without it)."""
    first = args[0] if args else None
    if isinstance(first, RequestMeta):
        return first, list(args[1:])
    if _is_claim(first):
        return first.meta, claim_content(first)
    return None


def _is_claim(value: object) -> TypeGuard[Claim]:
    """Whether `value` is a `Claim`, the sandbox's own class included: a workflow's sandbox
    imports `workflows.reservation` afresh, so its `Claim` is another class of that name
    and module (`domain`'s `RequestMeta` is passed through, the same class everywhere)."""
    kind = type(value)
    return (kind.__module__, kind.__qualname__) == (Claim.__module__, Claim.__qualname__)


def with_request(args: Sequence[Any], meta: RequestMeta) -> list[Any]:
    """`args` carrying `meta` where `staff_request` finds it."""
    first, rest = args[0], list(args[1:])
    if _is_claim(first):
        return [replace(first, meta=meta), *rest]
    return [meta, *rest]


async def _checked(check_activity: str, start: PathwayInput | JobDatingInput) -> None:
    """Ask the worker's check (a local activity, whose verdict the history keeps); raise
    its refusal when the start does not prove its sender."""
    verdict: ActorVerdict = await workflow.execute_local_activity(
        check_activity,
        start,
        start_to_close_timeout=CHECK_TIMEOUT,
        result_type=ActorVerdict,
    )
    if verdict.refused:
        refused = ActorRefused(verdict.message, code=verdict.code, values=verdict.values)
        raise refusal(refused)
