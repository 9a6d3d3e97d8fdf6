"""A request id names one request: sent again, it is answered once; reused, it is refused.

A front end gives every request an id (`--request-id`) so that a request retried after a
lost answer applies once. The same id sent again with the same command (the same
trigger) is that retry, answered from what it did the first time. The same id with
another command is a mistake: answering it from the first command's result would drop
the second silently and report the first as if it were the second, so it is refused,
naming the first. Ids are remembered per pathway (and, for referrals, per programme).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from parcours.domain.commands import SPECS
from parcours.domain.errors import MoveRefused
from parcours.domain.records import PathwayState


@dataclass(frozen=True, kw_only=True)
class Answered:
    """How one pathway answered a request sent to many (a session's coaching day, a job
    dating's outcomes): answered from an earlier try (`duplicate`) and the stage it stands
    at, or refused with its rule, its sentence's code and values, and its message."""

    duplicate: bool = False
    stage: str = ""
    rule: str = ""
    code: str = ""
    values: dict[str, str] = field(default_factory=dict)
    message: str = ""


REQUEST_ID_REUSED = "request_id_reused"
"""The rule, and the sentence's code, of a request id already used for another command."""

_TRIGGER_OF_EVENT: dict[str, str] = {
    row.event.value: row.trigger.value for row in SPECS if row.event is not None
}


def first_use(state: PathwayState, seq: int) -> str:
    """The trigger of the request that recorded event `seq`; "" when the pathway has no
    such event (the id was used by a request that recorded none)."""
    event = next((e for e in state.timeline if e.seq == seq), None)
    return "" if event is None else _TRIGGER_OF_EVENT.get(event.kind, "")


def check_reuse(request_id: str, first: str, trigger: str) -> None:
    """Refuse `trigger` under a request id already used for the command `first`.

    Nothing is refused when the first command is unknown (`first` empty) or is the same:
    that is a retry, answered from what the first request did.
    """
    if first and first != trigger:
        raise reused(request_id, first)


def reused(request_id: str, first: str) -> MoveRefused:
    """The refusal of a request under an id already used for the command `first`."""
    return MoveRefused.for_rule(
        REQUEST_ID_REUSED,
        f"the request id {request_id} was already used to {first.replace('_', ' ')}; "
        "send this request with a new request id",
        request_id=request_id,
        first=first,
    )
