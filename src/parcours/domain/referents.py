"""Who may be a pathway's referent: a staff member or a coordinator who holds a credential
in force. The referent is whom the pathway's alerts are addressed to (`alerts --mine`,
`next`): a staff id nobody holds, or a partner's or an auditor's, leaves them unread.

Asked before a referral naming a referent, or an assignment, is sent; not where roles are
declared rather than signed (tests and demos), which keep no credentials. An assignment to
whoever already is the referent is refused by the pathway itself (`unchanged_referent`,
asked by `Pathway.check`, so never on replay): the timeline shows only real handovers.
"""

from __future__ import annotations

from collections.abc import Iterable

from parcours.domain.commands import AssignReferent, Command
from parcours.domain.errors import MoveRefused, UnknownReference
from parcours.domain.records import Actor, PathwayState
from parcours.domain.signing import Credential
from parcours.domain.vocabulary import Role

REFERENT_ROLES = frozenset({Role.STAFF, Role.COORDINATOR})


def check_referent(referent: str, credentials: Iterable[Credential]) -> None:
    """`referent` holds a credential in force granting a role that follows pathways:
    `UnknownReference` when they hold none, `MoveRefused` when theirs is another role's."""
    roles = {c.role for c in credentials if c.actor_id == referent and c.revoked_at is None}
    if not roles:
        raise UnknownReference(
            f"nobody with the staff id {referent!r} holds a credential in force; "
            "a referent reads the pathway's alerts",
            code="referent_unknown",
            values={"referent": referent},
        )
    if not roles & REFERENT_ROLES:
        role = min(roles)
        raise MoveRefused(
            f"{referent} holds a {role} credential; a referent is a staff member or a coordinator",
            rule="referent_role",
            code="referent_role",
            values={"referent": referent, "role": role.value},
        )


def referent_to_check(referent: str, sender: Actor) -> bool:
    """Whether `referent` must be shown to hold a credential: not the sender's own staff id
    when the sender's role follows pathways, since their request's signature proves their
    credential (a revoked one is refused as revoked, not as a referent nobody holds)."""
    return referent != sender.actor_id or sender.role not in REFERENT_ROLES


def unchanged_referent(state: PathwayState, command: Command) -> MoveRefused | None:
    """The refusal an assignment to the pathway's current referent earns: it would record a
    handover that did not happen. None for any other command or referent."""
    if not isinstance(command, AssignReferent) or command.referent != state.referent:
        return None
    return MoveRefused.for_rule(
        "referent_unchanged",
        f"{command.referent} is already the pathway's referent: nothing to hand over",
        referent=command.referent,
    )
