"""A person who exited comes back: referred again in the same programme.

An exited pathway keeps running for its follow-up and its retention, and the person's
reservation still names it (`app.reservations`), so a plain referral of them is refused.
When staff say the person returns (`refer --returning`), the referral first asks the
exited pathway to record `referred_again` (who referred, when the new referral is dated),
then takes the reservation over for the new pathway. From then on the exit is final: a
correction may restate its date but no longer void it, since a voided exit would leave
the person two open pathways (`correcting.check_correctable`). The earlier pathway keeps
its alerts and its retention; coming back is no contact with its record
(`anonymisation.NO_CONTACT`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from parcours.domain.anonymisation import RETENTION_REQUESTS, AdoptRetention, ExtendRetention
from parcours.domain.commands.editing import iso
from parcours.domain.commands.lifecycle import LifecycleTrigger
from parcours.domain.commands.roles import WORKERS
from parcours.domain.erasure import ErasePerson
from parcours.domain.errors import MoveRefused
from parcours.domain.instants import not_after_now
from parcours.domain.records import PathwayEvent, PathwayState, RequestMeta
from parcours.domain.resolution import Recorder
from parcours.domain.vocabulary import Stage

REFERRED_AGAIN = LifecycleTrigger.REFER_AGAIN.event
"""The event an exited pathway records when its person is referred again."""
NOT_EXITED = "return_not_exited"
"""The rule that refuses a return to a pathway that has not exited: a client says it as
a second referral of the person (`app.returns`)."""


@dataclass(frozen=True)
class ReferAgain:
    """The person of this exited pathway is referred again, in a referral dated
    `referred_at`. Not a `Command`: the programme's machine never judges it."""

    trigger: ClassVar[str] = LifecycleTrigger.REFER_AGAIN.value
    referred_at: datetime

    def happened_at(self) -> datetime:
        """When the person came back: the new referral's date, as a `Command` says its own
        (`audit at` places the return there, as it happened)."""
        return self.referred_at


BesideMachine = ErasePerson | ExtendRetention | AdoptRetention | ReferAgain
"""The updates the programme's machine never judges: each is checked by its own rule."""
BESIDE_MACHINE = (ErasePerson, ExtendRetention, AdoptRetention, ReferAgain)
"""The same, as classes: each travels as the update its name says (`ReferAgain` as
`refer_again`), as commands do."""
DATED_WHEN_MADE = (ErasePerson, *RETENTION_REQUESTS)
"""Those of them that happen when they are made (they take no `--on`); a return happens
when the person came back (`ReferAgain.happened_at`)."""


def check_return(
    state: PathwayState, meta: RequestMeta, referred_at: datetime, now: datetime
) -> None:
    """Raise unless the person of this pathway may be referred again by `meta`'s sender,
    in a referral dated `referred_at`: staff or a coordinator (a partner who refers reads
    no pathway, so it may not make another's exit final, nor learn its date), only once
    the pathway has exited, and not before."""
    if meta.actor.role not in WORKERS:
        raise MoveRefused.for_rule(
            "return_role",
            f"the {meta.actor.role.value} role may not refer a person again after an exit: "
            "ask their referent or a coordinator",
            role=meta.actor.role.value,
        )
    if state.erased_at is not None or state.closed_at is not None:
        raise MoveRefused.for_rule(
            "return_closed",
            "this pathway has just closed for good: refer the person again in a moment, "
            "without --returning",
        )
    exited_at = state.outcome.exited_at if state.outcome is not None else None
    if state.stage is not Stage.EXITED or exited_at is None:
        raise MoveRefused.for_rule(
            NOT_EXITED,
            f"this pathway has not exited (its stage is {state.stage.value}): a person comes "
            "back only after an exit; one who dropped out re-enters the same pathway",
            stage=state.stage.value,
        )
    if (after_now := not_after_now(referred_at, now)) is not None:
        raise after_now
    if referred_at < exited_at:
        raise MoveRefused.for_rule(
            "return_before_exit",
            f"the new referral is dated {referred_at.isoformat()}, before this pathway's exit "
            f"on {exited_at.isoformat()}: a person comes back after they left",
            referred_at=referred_at.isoformat(),
            exited_at=exited_at.isoformat(),
        )


def refer_again(
    state: PathwayState, meta: RequestMeta, request: ReferAgain, now: datetime, record: Recorder
) -> PathwayEvent | None:
    """Record that the person is referred again; None when it was recorded already for
    that date or an earlier one (two referrals of the person at once: the reservation lets
    one of them through). The earliest date counts: the exit stays before every return."""
    check_return(state, meta, request.referred_at, now)
    noted = state.referred_again_at
    if noted is not None and noted <= request.referred_at:
        return None
    state.referred_again_at = request.referred_at
    details = {"referred_at": iso(request.referred_at)}
    return record(REFERRED_AGAIN, meta, request.referred_at, details, now)
