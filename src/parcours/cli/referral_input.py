"""A referral as staff type it at `parcours refer`: the person, the command with the
programme's defaults, and the checks said before anything is sent (exit 2; a session or
a referent named that cannot be, exit 4 or 3)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from parcours.cli.dates import date_fault, year_first
from parcours.cli.errors import CliError
from parcours.cli.exit_codes import ExitCode
from parcours.cli.render import local_zone
from parcours.cli.runtime import Session

if TYPE_CHECKING:
    from parcours.domain.commands import Refer
    from parcours.domain.records import RequestMeta
    from parcours.workflows.messages import Participant


def typed_referral(
    session: Session,
    referrer: str,
    at: datetime,
    actor: str,
    session_name: str | None,
    referent: str | None,
) -> Refer:
    """The referral as typed, with the programme's defaults: without --session, the month of
    `at` on staff's calendar. A blank --session names no session (exit 2), not the month's."""
    from parcours.domain.commands.intake import referral

    if session_name is not None and not session_name.strip():
        raise CliError(session.text("refer.session_blank"), ExitCode.USAGE)
    if referent is not None and not referent.strip():
        raise CliError(session.text("refer.referent_blank"), ExitCode.USAGE)

    zone = local_zone()
    return referral(referrer, at, actor, zone=zone, session=session_name, referent=referent)


def typed_person(
    session: Session,
    names: tuple[str, str],
    birth_date: str,
    contact: tuple[str, str, str, str],
    skills: list[str] | None,
    languages: list[str] | None,
) -> Participant:
    """The person as typed: names trimmed, the birth date checked (`YYYY-MM-DD`, or day first)."""
    from parcours.workflows.messages import Participant

    phone, email, address, availability = contact
    return Participant(
        first_name=names[0].strip(),
        last_name=names[1].strip(),
        birth_date=_birth_date(birth_date, session),
        phone=phone,
        email=email,
        address=address,
        availability=availability,
        skills=list(skills or []),
        languages=list(languages or []),
    )


def check_typed_referral(
    session: Session,
    person: Participant,
    command: Refer,
    meta: RequestMeta,
    programme: str,
    *,
    named: bool,
) -> None:
    """A referral typed wrong is a mistake on the command line (exit 2), said before sending;
    a session `--session` names must exist, be open, have room; without one, the month's
    session, if the programme opened one of that name, must be open and have room too."""
    from parcours.app.inputs import check_referral
    from parcours.cli.refusals import typed_fault
    from parcours.domain.inputs import ReferralRejected

    try:
        if not meta.reason.strip():  # `--reason` is required: blank is left out
            raise ReferralRejected("reason", "blank")
        check_referral(person, command, meta)
    except ReferralRejected as err:
        said = typed_fault(err.fault, err.field, err.found, session.text)
        raise CliError(said, ExitCode.USAGE) from None
    from parcours.cli.session_checks import check_referral_session

    check_referral_session(session, programme, command.session, command.referrer, named=named)
    from parcours.domain.referents import referent_to_check

    if referent_to_check(command.referent, meta.actor):
        check_referent(session, command.referent)


def check_referent(session: Session, referent: str) -> None:
    """A referent named (`refer --referent`, `referent assign`) holds a staff or coordinator
    credential in force, said before sending (`domain/referents`): exit 4, or 3 for
    another role's. Not checked where roles are declared rather than signed."""
    from parcours.cli.runtime import open_readmodel
    from parcours.domain.referents import check_referent as check

    if not session.settings.declared_roles:
        check(referent, open_readmodel().credentials(referent))


def _birth_date(value: str, session: Session) -> str:
    written = year_first(value)
    try:
        return datetime.strptime(written, "%Y-%m-%d").date().isoformat()
    except ValueError:
        fault = date_fault(written, hour=False)
        said = (
            session.text(fault, value=value, option="--birth-date")
            if fault
            else session.text("refer.name_date", found=value)
        )
        raise CliError(said, ExitCode.USAGE) from None
