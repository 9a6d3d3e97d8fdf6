"""The worker's check of who sent a request, whichever client sent it.

Every update that carries a `RequestMeta` (every staff action on a pathway, a
notification retry, a job-dating's invitation and recording, a reservation's claim and
release, whose `Claim` carries the referral's: `workflows.actors.staff_request`) is
checked before its validator runs, by a workflow interceptor: the signature must verify
against a staff credential in force that grants the actor and role the request claims,
and be fresh (`domain.signing`). A refusal is the validator's: nothing reaches the history.

Why there: update validators never run on replay (the SDK skips them; an accepted update
is in the history, a refused one is not), so the check may read what changes, the
credentials and the clock, without making replay depend on it. It runs outside the
workflow sandbox, as an extern function the interceptor registers: the credentials are
in the read model and the signature is checked with `cryptography`, neither of which
workflow code may touch. A pathway's start runs no validator: its referral is checked by
the local activity `check_referral_actor` (`workflows.actors`), whose answer the history
keeps, so that replay reads it again rather than asking again; a job-dating event's start
(its plan), by the local activity `check_jobdating_actor` in the same way. A start
waits at the server until a worker takes it, so its signature's age is judged at the
instant the server set for the run to start (`_received_at`: its receipt, or later for a
delayed start), not at the worker's clock.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any, NamedTuple

from temporalio import activity, workflow
from temporalio.worker import (
    HandleUpdateInput,
    Interceptor,
    WorkflowInboundInterceptor,
    WorkflowInterceptorClassInput,
)

from parcours.adapters.temporal.seal import seal_holds
from parcours.app.credentials import CredentialBook, verify
from parcours.domain.records import RequestMeta
from parcours.domain.signing import (
    CREDENTIALS_UNAVAILABLE,
    SIGNATURE_STALE,
    ActorRefused,
    refused,
)
from parcours.workflows.actors import (
    CHECK_JOBDATING_ACTIVITY,
    CHECK_REFERRAL_ACTIVITY,
    ActorVerdict,
    jobdating_content,
    referral_content,
    staff_request,
)
from parcours.workflows.errors import refusal
from parcours.workflows.jobdating_messages import JOBDATING_TYPE, JobDatingInput
from parcours.workflows.messages import WORKFLOW_TYPE, PathwayInput

EXTERN = "parcours.check_actor"
UNAVAILABLE = CREDENTIALS_UNAVAILABLE
"""The credentials could not be read: an update is refused for now (sent again, it goes
through once the read model answers); a start's check is tried again, since its verdict is
kept for good."""
CHECK_WITHIN_S = 1.5
"""How long a validator waits for the credentials: below the SDK's 2 s deadlock detector,
which would fail the whole workflow task; a slower read model refuses the one request."""


class ActorCheck:
    """Checks a request's sender against the credentials in `book`.

    Without a book (`PARCOURS_DECLARED_ROLES=1`, tests and demos only) every request is
    taken for the role it declares.
    """

    def __init__(
        self,
        book: CredentialBook | None,
        seals: Callable[[], list[bytes]] = list,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._book, self._seals, self._clock = book, seals, clock
        self._threads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="actor-check")

    @property
    def declared_roles(self) -> bool:
        return self._book is None

    def check(
        self,
        action: str,
        target: str,
        meta: RequestMeta,
        content: Sequence[Any],
        *,
        received_at: datetime | None = None,
    ) -> None:
        """Nothing when the request proves its sender; `ActorRefused` otherwise. Its
        signature's age is judged at `received_at`, by default the worker's clock."""
        if self._book is None:
            return
        if meta.handed_by:
            if seal_holds(self._seals(), action, target, meta, content):
                return  # handed on by parcours, which checked the recording's signature
            raise refused("signature_invalid", "the handed request's seal does not verify")
        try:
            now = received_at or self._clock()
            verify(self._book, action, target, meta, content, now=now)
        except ActorRefused:
            raise
        except Exception as err:  # the credentials could not be read (read model down)
            raise refused(UNAVAILABLE, "the staff credentials cannot be read now") from err

    def check_update(
        self, update: str, workflow_id: str, meta: RequestMeta | None, content: Sequence[Any]
    ) -> None:
        """The extern function the interceptor calls. It runs in a thread of its own: the
        sandbox's import and call restrictions hold for the workflow's thread, and reading
        the read model (opening it, the first time) must not run under them. `meta` is None
        for a claim sent without the referral's request: refused as unsigned."""
        if self._book is None:
            return
        if meta is None:
            missing = refused(
                "signature_missing", "the request is not signed by a staff credential"
            )
            raise refusal(missing) from None
        checking = self._threads.submit(self.check, update, workflow_id, meta, content)
        try:
            checking.result(timeout=CHECK_WITHIN_S)
        except ActorRefused as err:
            raise refusal(err) from None
        except TimeoutError:
            slow = refused(UNAVAILABLE, "the staff credentials were too slow to read")
            raise refusal(slow) from None

    @activity.defn(name=CHECK_REFERRAL_ACTIVITY)
    async def check_referral(self, start: PathwayInput) -> ActorVerdict:
        """A pathway's start: the verdict on its referral, kept in its history."""
        content = referral_content(start.programme, start.referral)
        return await self._start_verdict(WORKFLOW_TYPE, start.meta, content)

    @activity.defn(name=CHECK_JOBDATING_ACTIVITY)
    async def check_jobdating(self, start: JobDatingInput) -> ActorVerdict:
        """A job-dating event's start: the verdict on its plan, kept in its history."""
        content = jobdating_content(start.event)
        return await self._start_verdict(JOBDATING_TYPE, start.meta, content)

    async def _start_verdict(
        self, action: str, meta: RequestMeta, content: Sequence[Any]
    ) -> ActorVerdict:
        """A start waits at the server until a worker takes it, minutes later when no worker
        ran or all were busy: a signature fresh when the run was to start (when the server
        received it, unless asked to delay it; `_received_at`) holds, however late it is
        checked."""
        start = _Start(action, _started(), meta, content)
        verdict = self._verdict(start)
        if verdict.code == SIGNATURE_STALE:
            verdict = self._verdict(start, received_at=await _received_at(start.target))
        return verdict

    def _verdict(self, start: _Start, *, received_at: datetime | None = None) -> ActorVerdict:
        try:
            self.check(*start, received_at=received_at)
        except ActorRefused as err:
            if err.code == UNAVAILABLE:  # not a verdict: tried again until the store answers
                raise RuntimeError(err.message) from err
            return ActorVerdict(True, err.code, err.message, dict(err.values))
        return ActorVerdict()


class _Start(NamedTuple):
    """A start to check: what `ActorCheck.check` takes."""

    action: str
    target: str
    meta: RequestMeta
    content: Sequence[Any]


def _started() -> str:
    """The workflow whose start is checked, as the service names it: what the signature
    covers, so that a start copied from a history and sent under another workflow id does
    not verify (not the id its input names, which a copy keeps)."""
    return activity.info().workflow_id or ""


async def _received_at(workflow_id: str) -> datetime:
    """When the run this activity checks was to start, as the server set it: when it
    received the start, or later for a start it was asked to delay (`start_delay`), so
    that a signed start cannot be put off until long after it was signed."""
    run = activity.info().workflow_run_id
    handle = activity.client().get_workflow_handle(workflow_id, run_id=run)
    described = await handle.describe()
    return max(described.start_time, described.execution_time or described.start_time)


class ActorInterceptor(Interceptor):
    """Registers the check as an extern function and wraps every workflow's updates."""

    def __init__(self, check: ActorCheck) -> None:
        self._check = check

    def workflow_interceptor_class(
        self, input: WorkflowInterceptorClassInput
    ) -> type[WorkflowInboundInterceptor]:
        input.unsafe_extern_functions[EXTERN] = self._check.check_update
        return _CheckedUpdates


class _CheckedUpdates(WorkflowInboundInterceptor):
    def handle_update_validator(self, input: HandleUpdateInput) -> None:
        request = staff_request(input.args)
        if request is not None:
            check = workflow.extern_functions()[EXTERN]
            check(input.update, workflow.info().workflow_id, *request)
        self.next.handle_update_validator(input)
