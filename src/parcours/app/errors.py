"""How the pathways say no to a front end: refused, not found, already referred; and how
to tell that nobody answered at all (`unanswered`). A reference that is ambiguous or too
short is said in `app.references`, with no Temporal type.

Plain exceptions with no Temporal type in them; `refusal_of` and `not_found` build them
from what the SDK raised.
"""

from __future__ import annotations

from temporalio.client import RPCTimeoutOrCancelledError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from parcours.domain.errors import CLOSED_RULE, DomainError


class RequestRefused(Exception):
    """The pathway refused the request: `rule` refused it, `allowed` may be done now.

    `code` names the refusal's sentence and `values` what it says, for saying it in the
    reader's language; both are empty when the workflow sent none (an older worker).
    """

    def __init__(
        self,
        message: str,
        rule: str,
        allowed: list[str],
        code: str = "",
        values: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message, self.rule, self.allowed = message, rule, allowed
        self.code, self.values = code, dict(values or {})

    @classmethod
    def of(cls, error: DomainError) -> RequestRefused:
        """The domain's refusal, as a pathway would have answered it."""
        return cls(error.message, error.rule, list(error.allowed), error.code, error.values)


class PathwayNotFound(LookupError):
    """No pathway with that id; the one argument is the reference as given, bare, so the
    sentence that says so names it once."""


NOT_STARTED = "not_started"
"""The `DuplicateReferral.stage` of a pathway a referral claimed the person for and never
started (its client got no answer), too recently to be taken over (`TAKE_OVER_AFTER`)."""


class DuplicateReferral(Exception):
    """The person already has an open pathway in this programme: `pathway_id`, at `stage`
    as it lists (empty when not known), which says what to do instead: re-enter a pathway
    dropped out of, refer again (`--returning`) a person whose pathway has exited, or
    complete a referral begun and never started (`NOT_STARTED`)."""

    def __init__(self, pathway_id: str, stage: str = "") -> None:
        super().__init__(pathway_id)
        self.pathway_id, self.stage = pathway_id, stage


class NoEarlierPathway(LookupError):
    """A returning referral of a person no running pathway of the programme holds: nothing
    was created (the one argument is the programme)."""


def refusal_of(cause: BaseException | None) -> RequestRefused:
    """The refusal an update's failure carries (its details as the workflow sent them)."""
    if not isinstance(cause, ApplicationError):
        return RequestRefused(str(cause), "refused", [])
    details = cause.details[0] if cause.details else {}
    if not isinstance(details, dict):
        return RequestRefused(cause.message, "", [])
    rule = str(details.get("rule", cause.type or "refused"))
    allowed = list(details.get("allowed", []))
    code = str(details.get("code") or "")
    values = details.get("values")
    said = {str(k): str(v) for k, v in values.items()} if isinstance(values, dict) else {}
    return RequestRefused(cause.message, rule, allowed, code, said)


def closed_for_good(pathway_id: str) -> RequestRefused:
    """The pathway's run has ended (closed at the end of its retention period after exit,
    its person anonymised at the end of the retention by the last contact or erased, or
    exited before exited pathways were kept): it accepts nothing more, and can be read."""
    return RequestRefused(
        f"pathway {pathway_id} is closed for good: nothing more can be recorded on it; "
        "show, timeline and audit still read it",
        CLOSED_RULE,
        [],
        "pathway_finished",
        {"pathway": pathway_id},
    )


def not_found(err: RPCError, pathway_id: str) -> Exception:
    """`PathwayNotFound` for an id the service does not know, else the error itself."""
    if err.status == RPCStatusCode.NOT_FOUND:
        return PathwayNotFound(pathway_id)
    return err


NO_WORKER = "no_worker"
"""Nobody answered in time: no worker runs, or the service held the request unanswered."""
NO_POLLER = "no_worker_running"
"""The service says no worker has asked it for work lately."""
SERVICE_LOST = "service_lost"
"""The connection to the service broke, or the service says it is unavailable."""

_WAITED = frozenset({RPCStatusCode.DEADLINE_EXCEEDED, RPCStatusCode.CANCELLED})
_TRANSPORT_WORDS = (
    "h2 protocol error",
    "transport error",
    "connection",
    "connect error",
    "broken pipe",
)


def unanswered(err: BaseException) -> str | None:
    """Why `err` means the request got no answer (`NO_WORKER`, `NO_POLLER`,
    `SERVICE_LOST`), or None when it is any other failure.

    The SDK says so in several shapes: `TimeoutError` (a bound of ours), the update's
    `WorkflowUpdateRPCTimeoutOrCancelledError` (an `RPCTimeoutOrCancelledError`), an
    `RPCError` with status `DEADLINE_EXCEEDED` or `CANCELLED` ("Timeout expired"), or
    `UNAVAILABLE`, or a broken transport ("h2 protocol error"), a query's "no poller seen
    for task queue recently", and the `RuntimeError` of a client that could not connect.
    """
    if isinstance(err, TimeoutError | RPCTimeoutOrCancelledError):
        return NO_WORKER
    message = str(err).lower()
    if "no poller seen" in message:
        return NO_POLLER
    if isinstance(err, RPCError):
        if err.status in _WAITED or "timeout expired" in message:
            return NO_WORKER
        if err.status == RPCStatusCode.UNAVAILABLE or _says_transport(message):
            return SERVICE_LOST
        return None
    if isinstance(err, RuntimeError) and "connect" in message:
        return SERVICE_LOST
    return None


def _says_transport(message: str) -> bool:
    return any(words in message for words in _TRANSPORT_WORDS)
