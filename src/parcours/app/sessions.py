"""Running a programme's sessions: opening and closing them, referring into them, and
moving their people along together (the coaching day).

The rules are the domain's (`domain.sessions`); sessions are kept in the read model. A
group action sends every pathway of the session the same validated update as the CLI
does for one, each under a request id derived from the action's own, so that the action
run again under its id applies once to each; each pathway decides by its own rules, and
one that refuses is reported without holding back the others.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from parcours.adapters.readmodel import Store
from parcours.adapters.readmodel.sessions import SessionExists
from parcours.app.client import PathwayClient
from parcours.app.errors import PathwayNotFound, RequestRefused
from parcours.app.health import PathwayCannotRun
from parcours.domain.commands import Command
from parcours.domain.horizons import check_planned
from parcours.domain.records import RequestMeta
from parcours.domain.referring import check_referrer, takes_referrer
from parcours.domain.requests import Answered
from parcours.domain.sessions import (
    Session,
    check_capacity,
    check_close,
    check_new_session,
    check_referral_into,
    has_room,
    in_group,
    member_request_id,
    session_exists,
    unchecked_month_session,
    unknown_session,
)
from parcours.domain.vocabulary import Stage


def open_new_session(store: Store, session: Session) -> Session:
    """Record `session` once checked: its name and capacity, and every referring partner an
    active referrer of the directory (`UnknownReference` or `MoveRefused` naming it), and
    its start a year ahead at the most."""
    check_new_session(session.name, session.capacity)
    if store.get_session(session.programme, session.name) is None:  # else: it exists, said below
        people = store.session_size(session.programme, session.name)
        check_capacity(session.capacity, people, session.name)
    check_planned(session.starts_at, datetime.now(UTC))
    for name in session.referrers:
        partner = store.get_partner(name)
        check_referrer(name, partner.kind if partner else None, bool(partner and partner.active))
    try:
        store.add_session(session)
    except SessionExists:
        raise session_exists(session.programme, session.name) from None
    return session


def sessions_with_room(store: Store, programme: str, referrer: str | None = None) -> list[str]:
    """The names of the programme's sessions a referral (from `referrer`, when named) may
    still name: open, not full, and taking that referrer."""
    found = [s for s in store.list_sessions(programme) if takes_referrer(s.referrers, referrer)]
    return [s.name for s in found if has_room(s, store.session_size(programme, s.name))]


def find_session(store: Store, programme: str, name: str) -> Session:
    """The session opened under that name, else the one pathways were referred into."""
    session = store.get_session(programme, name) or _unopened(store, programme, name)
    if session is None:
        raise unknown_session(programme, name)
    return session


def _unopened(store: Store, programme: str, name: str) -> Session | None:
    found = store.unopened_sessions(programme, name)
    return found[0] if found else None


def close_session(store: Store, programme: str, name: str, at: datetime) -> Session:
    return store.close_session(
        check_close(find_session(store, programme, name), programme, name), at
    )


def check_referral_session(
    store: Store, programme: str, name: str, referrer: str | None = None, *, named: bool = True
) -> None:
    """Refuse a referral into a session that does not exist, is closed or is full, or (with
    `referrer`) that is not one of the session's referring partners; a re-entry into a
    session is checked without a referrer.

    A referral typed without a session (`named=False`) is grouped under its month: no
    session of that name is no fault, but where the programme opened one, the referral
    joins it, so that session's rules apply as if it had been named.

    Counted from the read model: a referral made in the same instant elsewhere, not yet
    projected, is not counted.
    """
    session = store.get_session(programme, name)
    if unchecked_month_session(session, named=named):
        return
    people = store.session_size(programme, name)
    check_referral_into(session, programme, name, people, referrer)


def people_by_stage(store: Store, programme: str, name: str) -> dict[Stage, list[str]]:
    """The session's pathways grouped by the stage each stands at, in the stages' order."""
    found: dict[Stage, list[str]] = {}
    for pathway_id, stage in store.session_people(programme, name):
        found.setdefault(stage, []).append(pathway_id)
    return {stage: found[stage] for stage in Stage if stage in found}


# -- group actions ----------------------------------------------------------------------


@dataclass(frozen=True)
class MemberAnswer(Answered):
    """What one pathway answered a group action: done (or done before), or refused."""

    pathway_id: str
    done: bool


async def group_action(
    pathways: PathwayClient,
    members: list[tuple[str, Stage]],
    command: Command,
    meta: RequestMeta,
    advance: Callable[[], None] = lambda: None,
) -> list[MemberAnswer]:
    """Send `command` to every member not exited, one after the other; `advance` is
    called after each (progress)."""
    answers: list[MemberAnswer] = []
    for pathway_id, stage in members:
        if in_group(stage):
            answers.append(await _send(pathways, pathway_id, command, meta))
        advance()
    return answers


async def _send(
    pathways: PathwayClient, pathway_id: str, command: Command, meta: RequestMeta
) -> MemberAnswer:
    own = RequestMeta(
        member_request_id(meta.request_id, pathway_id), meta.actor, meta.reason, meta.effective_at
    )
    try:
        result = await pathways.execute(pathway_id, command, own)
    except RequestRefused as err:
        return MemberAnswer(
            pathway_id, False, rule=err.rule, code=err.code, values=err.values, message=err.message
        )
    except PathwayNotFound:
        return MemberAnswer(pathway_id, False, rule="unknown_reference", code="pathway_unknown")
    except PathwayCannotRun as err:
        return MemberAnswer(pathway_id, False, rule="cannot_run", message=err.trouble.error)
    return MemberAnswer(pathway_id, True, duplicate=result.duplicate, stage=result.stage.value)
