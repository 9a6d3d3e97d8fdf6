"""Who refers into a session, and the partners of the directory a session or a job-dating
names: an active referrer, an active temp agency. Apart from `domain.sessions`, which
holds the sessions' other rules."""

from __future__ import annotations

from collections.abc import Sequence

from parcours.domain.errors import MoveRefused, UnknownReference
from parcours.domain.vocabulary import PartnerKind


def check_referrer(name: str, kind: PartnerKind | None, active: bool) -> None:
    """A session's referring partner is an active referrer of the partner directory."""
    check_directory_partner(name, kind, active, PartnerKind.REFERRER, role="partner")


def check_directory_partner(
    name: str, kind: PartnerKind | None, active: bool, wanted: PartnerKind, *, role: str
) -> None:
    """`name` is an active partner of kind `wanted` in the directory; `role` names it in
    the refusal (`partner`: a session's referrer; `agency`: a job-dating's temp agency)."""
    if kind is None:
        raise UnknownReference(
            f"no partner {name!r} in the partner directory",
            code=f"{role}_unknown",
            values={role: name},
        )
    if kind is not wanted or not active:
        rule = (
            "partner_not_referrer" if wanted is PartnerKind.REFERRER else "agency_not_temp_agency"
        )
        article = "referrer" if wanted is PartnerKind.REFERRER else "temp agency"
        raise MoveRefused.for_rule(
            rule,
            f"{name} is not an active {article} of the partner directory",
            **{role: name, "partner_kind": kind.value},
        )


def takes_referrer(referrers: Sequence[str], referrer: str | None) -> bool:
    """Whether a session whose referring partners are `referrers` takes referrals from
    `referrer` (any, when None): one opened with none named takes any referrer of the
    directory."""
    return referrer is None or not referrers or referrer.strip() in referrers


def check_session_referrer(session: str, referrers: Sequence[str], referrer: str) -> None:
    """The referrer is one of the partners that refer into the session; a session opened
    with none named takes any referrer of the directory (checked by `refer` as before)."""
    if not takes_referrer(referrers, referrer):
        raise MoveRefused.for_rule(
            "referrer_not_in_session",
            f"{referrer} does not refer into session {session}: its referring partners"
            f" are {', '.join(referrers)}",
            referrer=referrer,
            session=session,
            referrers=", ".join(referrers),
        )
