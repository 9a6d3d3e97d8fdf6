"""Checking a session a referral or a re-entry names, before anything is sent: shared by
`refer --session` (`commands.pathways`) and `reenter --session` (`act`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.labels import listed
from parcours.cli.runtime import open_readmodel

if TYPE_CHECKING:
    from parcours.cli.runtime import Session


def check_referral_session(
    session: Session,
    programme: str,
    name: str,
    referrer: str | None = None,
    *,
    reentry: bool = False,
    named: bool = True,
) -> None:
    """Refuse, before anything is sent, a referral (or re-entry) into a session that does
    not exist, is closed or is full, or a referral from a partner that does not refer into
    it: one sentence naming the rule and the open sessions to choose from."""
    from parcours.app.sessions import check_referral_session as check
    from parcours.app.sessions import sessions_with_room
    from parcours.domain.errors import DomainError, UnknownReference

    try:
        store = open_readmodel()
    except CliError as unreachable:
        if named or unreachable.code is not ExitCode.UNAVAILABLE:
            raise
        return  # the month's session alone: the referral stops at the person's key instead
    try:
        check(store, programme, name, referrer, named=named)
    except DomainError as err:
        from parcours.cli.refusals import refusal_reason

        text = session.text
        reason = refusal_reason(err.code, err.values, err.message, text)
        open_ones = sessions_with_room(store, programme, None if reentry else referrer)
        kind = "reentry" if reentry else "referral" if named else "month_referral"
        said = text(
            f"session.{kind}_refused",
            rule=err.rule,
            message=reason,
            open=listed(open_ones, text),
            programme=programme,
        )
        code = ExitCode.NOT_FOUND if isinstance(err, UnknownReference) else ExitCode.REFUSED
        raise CliError(said, code) from None
